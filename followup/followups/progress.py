"""The compiler's view of a phase: how far each unit and node type has come."""

from dataclasses import dataclass, field
from datetime import date

from followup.followups import controls
from followup.followups import followups as fu
from followup.followups.models.followup import FollowupState
from followup.plans.phases import is_overdue

NO_UNIT = "Ingen enhet"


@dataclass
class Filters:
    unit: str | None = None  # unit key, or "" for nodes without a unit
    type: str | None = None
    state: str | None = None
    overdue: bool = False


@dataclass
class Progress:
    items: list
    by_unit: dict = field(default_factory=dict)  # unit name → {state: n}
    by_type: dict = field(default_factory=dict)  # type label → {state: n}
    totals: dict = field(default_factory=dict)
    overdue: int = 0


def _count(table, key, state):
    row = table.setdefault(key, {s: 0 for s in FollowupState})
    row[state] += 1


# The board lists control results with the follow-ups, under a type of their own. No
# node type's key starts with "_", so the filter's value cannot name one.
CONTROL_TYPE = "_kontroll"
CONTROL_LABEL = "Kontrollmoment"


def is_followup(entry):
    return hasattr(entry, "node")


def type_key(entry):
    return entry.node.type.key if is_followup(entry) else CONTROL_TYPE


def type_label(entry):
    return entry.node.type.label if is_followup(entry) else CONTROL_LABEL


def progress(plan, phase, filters=None, today=None):
    """The phase's follow-ups and control results: counted per unit, type and state, and
    those that match ``filters`` as (entry, overdue)."""
    filters = filters or Filters()
    today = today or date.today()
    result = Progress(items=[], totals={s: 0 for s in FollowupState})
    for cur in entries(plan, phase):
        unit = cur.subject.unit
        _count(result.by_unit, unit.name if unit else NO_UNIT, cur.state)
        _count(result.by_type, type_label(cur), cur.state)
        result.totals[cur.state] += 1
        late = is_overdue(phase, cur.state, today)
        result.overdue += late
        if _matches(cur, filters, late):
            result.items.append((cur, late))
    return result


def _matches(cur, f, late):
    unit = cur.subject.unit
    if f.unit is not None and (unit.key if unit else "") != f.unit:
        return False
    if f.type and type_key(cur) != f.type:
        return False
    if f.state and cur.state.value != f.state:
        return False
    return late or not f.overdue


@dataclass
class Readiness:
    """How far a phase's entries (follow-ups and control results) have come."""

    counts: dict  # FollowupState → n

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def ready(self):
        """Every entry approved: the memo can be signed."""
        return self.total > 0 and self.counts[FollowupState.approved] == self.total


def entries(plan, phase):
    """Every entry of the phase: the follow-ups in tree order, then the control results."""
    return entries_of([(plan, phase)])[phase.id]


def entries_of(pairs):
    """{phase id: entries(plan, phase)} for (plan, phase) pairs of any plans, in the same
    few queries however many."""
    pairs = list(pairs)
    followups, results = fu.phase_overviews(pairs), controls.phase_results_many(pairs)
    return {phase.id: [*followups[phase.id], *results[phase.id]] for _, phase in pairs}


def readiness(plan, phase):
    return Readiness(fu.state_counts(entries(plan, phase)))
