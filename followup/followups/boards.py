"""The boards' follow-ups of the municipality's goals and assignments (FORMAT.md 2.2):
a node of a board's plan whose ``source`` names a node of the municipality's plan *is*
that goal or assignment there. For a municipal node and a phase, each board that
sources it, with its level, comment and state in the board's phase of the same key."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core.extensions import db
from followup.core.formatting import swedish_key
from followup.followups import lifecycle
from followup.followups.models.followup import Followup, FollowupState
from followup.memos.models import Memo, MemoState
from followup.plans import timeline
from followup.plans.models.node import Node
from followup.plans.models.plan import Phase, Plan

NOT_REPORTED = "Ej rapporterat"


@dataclass
class BoardFollowup:
    """One board's follow-up of a municipal node in one phase."""

    node: Node  # the board's own node: its number and title as the board's file gives them
    phase: Phase | None  # the board plan's phase of the same key (None: the plan has none)
    followup: Followup | None
    signed: bool  # the board's memo of the phase is signed

    @property
    def plan(self):
        return self.node.plan

    @property
    def row(self):
        return self.followup

    level = lifecycle.row_value("level")
    comment = lifecycle.row_value("comment")
    state = lifecycle.row_value("state", FollowupState.empty)

    @property
    def approved(self):
        return self.state is FollowupState.approved

    def as_json(self):
        return {"plan": self.plan.key, "board": self.plan.board_name, "node": self.node.key,
                "level": self.level.key if self.level else None, "comment": self.comment,
                "state": self.state.value, "signed": self.signed}


def sourcing(plan, phase_key, node_keys=None):
    """{municipal node key: [BoardFollowup, by board name]} for ``plan`` (the
    municipality's) in its phase ``phase_key``; only ``node_keys`` where given. Three
    queries, however many boards."""
    prefix = f"{plan.key}/"
    nodes = _sourcing_nodes(prefix, node_keys)
    phases = {n.plan_id: n.plan.phase(phase_key) for n in nodes}
    phase_ids = [p.id for p in phases.values() if p is not None]
    if not phase_ids:
        return {}
    followups = {(f.node_id, f.phase_id): f for f in db.session.scalars(
        select(Followup).where(Followup.node_id.in_([n.id for n in nodes]),
                               Followup.phase_id.in_(phase_ids))
        .options(selectinload(Followup.level)))}
    signed = set(db.session.scalars(select(Memo.phase_id).where(
        Memo.phase_id.in_(phase_ids), Memo.state == MemoState.signed)))
    out = {}
    for node in nodes:
        phase = phases[node.plan_id]
        if phase is not None and not timeline.in_phase(node, phase):
            continue
        row = followups.get((node.id, phase.id)) if phase else None
        out.setdefault(node.source[len(prefix):], []).append(
            BoardFollowup(node, phase, row, phase is not None and phase.id in signed))
    for entries in out.values():
        entries.sort(key=lambda e: (swedish_key(e.plan.board_name), e.plan.key))
    return out


def _sourcing_nodes(prefix, node_keys):
    query = select(Node).where(Node.source.startswith(prefix, autoescape=True),
                               Node.archived.is_(False)) \
        .options(selectinload(Node.plan).selectinload(Plan.phases), selectinload(Node.parent))
    if node_keys is not None:
        query = query.where(Node.source.in_([prefix + k for k in node_keys]))
    return db.session.scalars(query).all()


def level_counts(entries):
    """[(label, tone, count)] of the boards' levels, in the scale's order, then those
    not reported. Boards' scales may differ: a level is counted by its label."""
    counts, tones, order = {}, {}, {}
    for e in entries:
        label = e.level.label if e.level else NOT_REPORTED
        counts[label] = counts.get(label, 0) + 1
        if e.level:
            tones[label] = e.level.tone
            order[label] = e.level.position
    return [(label, tones.get(label), counts[label])
            for label in sorted(counts, key=lambda lb: (lb not in order, order.get(lb, 0)))]


def printed(plan, phase_key):
    """What the municipality's documents print of the boards (FORMAT.md 2.2 ``boards``),
    as JSON: {municipal node key: [{"board", "level", "tone", "comment"}]}. Only what a
    board's strateg has approved prints: a draft is the board's own business until then
    (the pages show it, marked as such). It travels with a document's source
    (memos/snapshots.py), since the plan file has none of it."""
    if plan.level != "municipality":
        return {}
    return {key: [{"board": e.plan.board_name,
                   "level": e.level.label if e.approved and e.level else None,
                   "tone": e.level.tone if e.approved and e.level else None,
                   "comment": e.comment if e.approved else None} for e in entries]
            for key, entries in sourcing(plan, phase_key).items()}
