"""What happens in the record, as signals (blinker) that other packages subscribe to.

The package where a thing happens sends its signal; whoever must react connects to it
(the notifications, in ``followup.notify.subscriptions``). So saving a follow-up imports
nothing of the notifications, and the notifications may import all they read.
Receivers run at once, in the sender's transaction: what they record is committed or
rolled back with the change itself."""

from blinker import Namespace

_signals = Namespace()

entry_sent_in = _signals.signal("entry-sent-in", doc="""
A follow-up or control result was sent in for review (perhaps again, after it was
returned). Sender: the entry (``followups.lifecycle.Entry``).""")

entry_returned = _signals.signal("entry-returned", doc="""
An entry was returned to its unit with a remark. Sender: the entry; ``by``: the compiler.""")

entry_approved = _signals.signal("entry-approved", doc="""
An entry was approved. Sender: the entry.""")

phase_opened = _signals.signal("phase-opened", doc="""
A phase was opened for reporting. Sender: the phase.""")

memo_signed = _signals.signal("memo-signed", doc="""
The director signed a phase's memo; the signed record is stored. Sender: the memo;
``signoff``: the signed version; ``by``: who signed.""")

memo_reopened = _signals.signal("memo-reopened", doc="""
A signed memo was reopened. Sender: the memo; ``signoff``: the version that was in force;
``by``: who reopened it.""")

plans_changed = _signals.signal("plans-changed", doc="""
A transaction that changed plans (it took their locks, ``plans.lock``, and wrote) was
committed. Sender: the set of their ids.""")
