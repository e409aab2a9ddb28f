"""The start pages as to-do lists: what each role has to do now."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core.errors import Conflict, Invalid, NotFound
from followup.core.extensions import db
from followup.followups import controls
from followup.followups import followups as fu
from followup.followups import progress
from followup.followups.models.followup import FollowupState
from followup.people import permissions
from followup.people.models import User
from followup.plans.models.plan import Plan
from followup.plans.phases import is_overdue

DUE = (FollowupState.empty, FollowupState.draft)
TO_WRITE = (*DUE, FollowupState.returned)


@dataclass
class ReporterPhase:
    plan: object
    phase: object
    due: list  # [(root goal or None, [entry …])], in tree order
    counts: dict
    late: bool
    returned: int = 0  # of this phase's entries, listed first on the page

    @property
    def left(self):
        """Entries still to write and send in: due and returned."""
        return sum(len(entries) for _, entries in self.due) + self.returned

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class ReporterTodo:
    returned: list = field(default_factory=list)  # entries, the latest returned first
    phases: list = field(default_factory=list)  # ReporterPhase, the nearest deadline first
    names: dict = field(default_factory=dict)  # user id → name (who returned)


def owned(user, entries):
    unit_ids = {m.unit_id for m in user.memberships}
    return [e for e in entries if e.subject.unit_id in unit_ids]


def _by_goal(entries):
    """[(root goal, entries)] for follow-ups, then (None, control results)."""
    followups = [e for e in entries if hasattr(e, "node")]
    controls = [e for e in entries if not hasattr(e, "node")]
    groups = fu.grouped_by_goal(followups)
    return groups + ([(None, controls)] if controls else [])


def reporter(user, today=None):
    """Returned entries first (with who returned them and when), then what is due per
    open phase, by deadline."""
    today = today or date.today()
    todo = ReporterTodo()
    for plan, phase in fu.open_phases_for(user):
        mine = owned(user, progress.entries(plan, phase))
        returned = [e for e in mine if e.state is FollowupState.returned]
        todo.returned += returned
        due = [e for e in mine if e.state in DUE]
        todo.phases.append(ReporterPhase(
            plan, phase, _by_goal(due), fu.state_counts(mine),
            late=is_overdue(phase, FollowupState.draft, today), returned=len(returned)))
    todo.returned.sort(key=lambda e: e.row.updated_at, reverse=True)
    todo.phases.sort(key=lambda p: (p.phase.deadline is None, p.phase.deadline or date.max))
    todo.names = _names({e.row.updated_by_id for e in todo.returned})
    return todo


@dataclass
class Onward:
    """Where a reporter goes on from an entry: the next one still to write, or None."""

    next: object
    phase: object


def next_to_write(user, plan, phase, current):
    """The user's next entry still to write in ``phase`` after ``current``, in the start
    page's order: what was returned (latest first), then what is due after ``current``
    in tree order (follow-ups, then control results), then what is due before it."""
    mine = owned(user, progress.entries(plan, phase))
    here = next((i for i, e in enumerate(mine) if e.link == current.link), -1)
    others = [(i, e) for i, e in enumerate(mine)
              if e.state in TO_WRITE and e.link != current.link]
    returned = sorted((e for _, e in others if e.state is FollowupState.returned),
                      key=lambda e: e.row.updated_at, reverse=True)
    after = [e for i, e in others if i > here and e.state in DUE]
    before = [e for i, e in others if i < here and e.state in DUE]
    following = [*returned, *after, *before]
    return Onward(following[0] if following else None, phase)


def _names(ids):
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


# The compiler --------------------------------------------------------------------------

def _unit_order(entry):
    unit = entry.subject.unit
    return (unit is None, unit.position if unit else 0)


def review_queue(plan, phase):
    """Every entry of the phase, unit by unit (tree order within a unit): the order in
    which the compiler reviews."""
    return sorted(progress.entries(plan, phase), key=_unit_order)


@dataclass
class Neighbours:
    previous: object  # the submitted entry before, or None
    next: object
    waiting: int  # submitted entries in the phase


def neighbours(plan, phase, current):
    """The submitted entries before and after ``current`` in the review order."""
    queue = review_queue(plan, phase)
    here = next((i for i, e in enumerate(queue) if e.link == current.link), None)
    submitted = [(i, e) for i, e in enumerate(queue) if e.state is FollowupState.submitted]
    if here is None:
        return Neighbours(None, None, len(submitted))
    before = [e for i, e in submitted if i < here]
    after = [e for i, e in submitted if i > here]
    return Neighbours(before[-1] if before else None, after[0] if after else None,
                      len(submitted))


@dataclass
class ReviewPhase:
    plan: object
    phase: object
    by_unit: list  # [(unit name, [submitted entries])]
    counts: dict
    overdue: int


def compiler(user, today=None):
    """Per phase that is open or has something sent in, of the plans ``user`` compiles:
    what waits for review, per unit."""
    today = today or date.today()
    out = []
    plans = [p for p in db.session.scalars(select(Plan).options(selectinload(Plan.phases))
                                           .order_by(Plan.key))
             if permissions.is_compiler(user, p)]
    entries = progress.entries_of((plan, phase) for plan in plans for phase in plan.phases)
    for plan in plans:
        for phase in plan.phases:
            queue = sorted(entries[phase.id], key=_unit_order)
            waiting = [e for e in queue if e.state is FollowupState.submitted]
            if not waiting and not phase.is_open:
                continue
            by_unit = {}
            for e in waiting:
                name = e.subject.unit.name if e.subject.unit else progress.NO_UNIT
                by_unit.setdefault(name, []).append(e)
            out.append(ReviewPhase(plan, phase, list(by_unit.items()), fu.state_counts(queue),
                                   sum(is_overdue(phase, e.state, today) for e in queue)))
    return out


def chosen(plan, phase, node_keys, point_keys):
    """The entries picked on the review board, in the board's order."""
    nodes, points = set(node_keys or ()), set(point_keys or ())
    return [e for e in progress.entries(plan, phase)
            if (e.node.key in nodes if progress.is_followup(e) else e.point.key in points)]


@dataclass
class BulkApproval:
    followups: int = 0  # approved
    controls: int = 0
    refused: list = field(default_factory=list)  # (what, reason)


def approve_chosen(user, plan, phase, node_keys, point_keys):
    """Bulk approval from the review board: the follow-ups through
    ``followups.approve_many``, the control results one by one through
    ``controls.approve``; what cannot be approved is refused with its reason."""
    permissions.require_compiler(user, plan)
    node_keys, point_keys = list(node_keys or ()), list(point_keys or ())
    done = BulkApproval()
    approved, refused = fu.approve_many(user, phase, node_keys) if node_keys else ([], {})
    done.followups = len(approved)
    headings = {e.node.key: _heading(e) for e in chosen(plan, phase, refused, ())}
    done.refused += [(headings.get(key, key), reason) for key, reason in refused.items()]
    for key in point_keys:
        try:
            point = controls.find_point(plan, key)
            controls.approve(user, point, phase)
        except (Invalid, NotFound, Conflict) as e:
            done.refused.append((f"{progress.CONTROL_LABEL} {key}", e.message))
        else:
            done.controls += 1
    return done


def _heading(entry):
    kind, number, title = entry.heading
    return " ".join(f"{kind} {number or ''} {title}".split())
