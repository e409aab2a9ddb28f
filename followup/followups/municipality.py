"""The municipality's overview of a phase (issue 18.3): how far each board has come,
and per goal or assignment of the municipality's plan, the boards' levels."""

from dataclasses import dataclass
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core.extensions import db
from followup.core.formatting import swedish_key
from followup.followups import boards, progress
from followup.followups.models.followup import FollowupState
from followup.memos.models import Memo, MemoState
from followup.plans.models.node import Node
from followup.plans.models.plan import Plan

LEFT = (FollowupState.empty, FollowupState.draft, FollowupState.returned)


@dataclass
class BoardProgress:
    plan: Plan  # the board's plan of the year; for a board without one, its latest
    phase: object  # the board plan's phase of the same key, or None
    counts: dict  # FollowupState → n
    signed: bool
    planned: bool = True  # False: the board had a plan in an earlier year, none this year

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def left(self):
        return sum(self.counts[s] for s in LEFT)

    @property
    def stage(self):
        """"signed", "approved" (all approved, not signed), "review" (all sent in, some
        waiting for review), "reporting" (something left to write), "none" (no phase)
        or "unplanned" (no plan this year)."""
        if not self.planned:
            return "unplanned"
        if self.phase is None:
            return "none"
        if self.signed:
            return "signed"
        if self.left:
            return "reporting"
        return "approved" if self.counts[FollowupState.approved] == self.total else "review"

    def late(self, today):
        return (self.phase is not None and self.phase.deadline is not None
                and today > self.phase.deadline and self.left > 0)


STAGE_LABELS = {"signed": "Fastställd", "approved": "Allt godkänt, inte fastställd",
                "review": "Under granskning", "reporting": "Rapporterar",
                "none": "Har ingen sådan fas", "unplanned": "Har ingen plan för {year}"}


@dataclass
class GoalLevels:
    node: Node  # of the municipality's plan
    depth: int
    entries: list  # boards.BoardFollowup
    counts: list  # boards.level_counts


# A board's plan, not a municipality's (FORMAT.md 2.2: ``level`` is null for a board).
_BOARDS = Plan.level.is_(None) | (Plan.level != "municipality")


def board_plans(plan):
    """The boards' plans of the municipality's year."""
    return db.session.scalars(
        select(Plan).where(Plan.year == plan.year, Plan.id != plan.id, _BOARDS)
        .options(selectinload(Plan.phases))).all()


def unplanned_boards(plan):
    """The latest plan of each board that had a plan in an earlier year than the
    municipality's plan and has none in its year."""
    this_year = select(Plan.board_code).where(Plan.year == plan.year)
    latest = {}
    for earlier in db.session.scalars(
            select(Plan).where(Plan.year < plan.year, Plan.board_code.not_in(this_year),
                               _BOARDS)
            .order_by(Plan.year)):
        latest[earlier.board_code] = earlier
    return list(latest.values())


def board_progress(plan, phase_key):
    """Each board's progress in the phase, by the board's name; boards without a plan
    this year among them."""
    plans = board_plans(plan)
    phases = {p.id: p.phase(phase_key) for p in plans}
    phase_ids = [ph.id for ph in phases.values() if ph is not None]
    signed = set(db.session.scalars(select(Memo.phase_id).where(
        Memo.phase_id.in_(phase_ids), Memo.state == MemoState.signed))) if phase_ids else set()
    nothing = {s: 0 for s in FollowupState}
    out = []
    for board in plans:
        phase = phases[board.id]
        counts = progress.readiness(board, phase).counts if phase else dict(nothing)
        out.append(BoardProgress(board, phase, counts, phase is not None and phase.id in signed))
    out += [BoardProgress(board, None, dict(nothing), False, planned=False)
            for board in unplanned_boards(plan)]
    return sorted(out, key=lambda b: swedish_key(b.plan.board_name))


def goal_levels(plan, phase_key):
    """Each node of the municipality's plan that some board follows up, in tree order."""
    by_node = boards.sourcing(plan, phase_key)
    nodes = db.session.scalars(select(Node).where(Node.plan_id == plan.id,
                                                  Node.archived.is_(False))
                               .order_by(Node.position)).all()
    children = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    out = []

    def walk(parent_id, depth):
        for n in children.get(parent_id, ()):
            if n.key in by_node:
                out.append(GoalLevels(n, depth, by_node[n.key], boards.level_counts(by_node[n.key])))
            walk(n.id, depth + 1)

    walk(None, 0)
    return out
