"""Who is told what, when: the notifications' answers to the record's signals
(``followup.core.signals``). Imported once by the application factory. A signal's
sender and arguments are those of the notification it calls."""

from followup.core import signals
from followup.notify import notifications


@signals.entry_approved.connect
def _approved(entry):
    notifications.ready_to_sign(entry.phase)


signals.entry_sent_in.connect(notifications.returned_answered)
signals.entry_returned.connect(notifications.entry_returned)
signals.phase_opened.connect(notifications.phase_opened)
signals.memo_signed.connect(notifications.memo_signed)
signals.memo_reopened.connect(notifications.memo_reopened)
