"""The compiler's view of a phase: how far each unit and node type has come."""

from dataclasses import dataclass, field
from datetime import date

from ..models import FollowupState
from . import controls
from . import followups as fu
from .phases import is_overdue

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


def progress(plan, phase, filters=None, today=None):
    filters = filters or Filters()
    today = today or date.today()
    everything = fu.phase_overview(plan, phase)
    result = Progress(items=[], totals={s: 0 for s in FollowupState})
    for cur in everything:
        unit = cur.node.unit.name if cur.node.unit else NO_UNIT
        _count(result.by_unit, unit, cur.state)
        _count(result.by_type, cur.node.type.label, cur.state)
        result.totals[cur.state] += 1
        late = is_overdue(phase, cur.state, today)
        result.overdue += late
        if _matches(cur, filters, late):
            result.items.append((cur, late))
    return result


def _matches(cur, f, late):
    node = cur.node
    if f.unit is not None and (node.unit.key if node.unit else "") != f.unit:
        return False
    if f.type and node.type.key != f.type:
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
    return [*fu.phase_overview(plan, phase), *controls.phase_results(plan, phase)]


def readiness(plan, phase):
    return Readiness(fu.state_counts(entries(plan, phase)))
