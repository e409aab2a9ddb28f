"""Opening and closing phases for reporting, and their deadlines (compilers only)."""

from datetime import date

from followup.core import signals
from followup.core.errors import Frozen, Invalid
from followup.people import permissions
from followup.plans import lock


def _require_may_open(phase, is_open):
    if is_open and not phase.is_open and permissions.phase_is_frozen(phase):
        raise Frozen(f"{phase.label} är fastställd och kan inte öppnas för rapportering. "
                     "Direktören kan återöppna tjänsteskrivelsen.")


def set_open(user, phase, is_open):
    permissions.require_compiler(user, phase.plan)
    lock.lock_plan(phase.plan_id)
    _require_may_open(phase, is_open)
    was_open = phase.is_open
    phase.is_open = bool(is_open)
    return _announce(phase, was_open)


def update(user, phase, *, label, period_end, deadline, is_open):
    permissions.require_compiler(user, phase.plan)
    label = (label or "").strip()
    if not label:
        raise Invalid("Fasen behöver ett namn.")
    for value in (period_end, deadline):
        if value is not None and not isinstance(value, date):
            raise Invalid("Datum skrivs ÅÅÅÅ-MM-DD.")
    # The phase's name and dates print in its documents: a change to them waits for a
    # signing under way and counts as a change of the plan (lock.lock_plan).
    lock.lock_plan(phase.plan_id)
    _require_may_open(phase, is_open)
    changed = (label, period_end, deadline) != (phase.label, phase.period_end, phase.deadline)
    if changed and permissions.phase_is_frozen(phase):
        raise Frozen(f"{phase.label} är fastställd. Namnet och datumen står i de fastställda "
                     "dokumenten och kan inte ändras. Direktören kan återöppna "
                     "tjänsteskrivelsen.")
    was_open = phase.is_open
    phase.label = label
    phase.period_end = period_end
    phase.deadline = deadline
    phase.is_open = bool(is_open)
    return _announce(phase, was_open)


def _announce(phase, was_open):
    """A phase that has just opened tells the reporters who have something in it (in this
    transaction: the caller commits both)."""
    if phase.is_open and not was_open:
        signals.phase_opened.send(phase)
    return phase


def is_overdue(phase, state, today=None):
    """Past the phase's deadline and not yet sent in."""
    today = today or date.today()
    return (phase.deadline is not None and today > phase.deadline
            and state.value in ("empty", "draft", "returned"))
