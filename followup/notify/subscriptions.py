"""Who is told what, when: the notifications' answers to the record's signals
(``followup.core.signals``). Imported once by the application factory."""

from followup.core import signals
from followup.notify import notifications


@signals.entry_sent_in.connect
def _sent_in(entry):
    notifications.returned_answered(entry)


@signals.entry_returned.connect
def _returned(entry, by):
    notifications.entry_returned(entry, by)


@signals.entry_approved.connect
def _approved(entry):
    notifications.ready_to_sign(entry.phase)


@signals.phase_opened.connect
def _phase_opened(phase):
    notifications.phase_opened(phase)


@signals.memo_signed.connect
def _memo_signed(memo, signoff, by):
    notifications.memo_signed(memo, signoff, by)


@signals.memo_reopened.connect
def _memo_reopened(memo, signoff, by):
    notifications.memo_reopened(memo, signoff, by)
