"""The plan in time (FORMAT.md ``since``/``until``): which phase is the current one,
and which nodes belong to a phase. A node added while a phase is current is followed
up from that phase on; a node taken out of the plan stays in the earlier phases'
documents, review boards, summaries and charts."""

from sqlalchemy import select

from followup.core.extensions import db
from followup.memos.models import Memo, MemoState


def current_phase(plan):
    """The phase being worked on: the last one open for reporting; with none open, the
    one after the last signed phase (the first, before anything is signed)."""
    phases = sorted(plan.phases, key=lambda p: p.position)
    open_ = [p for p in phases if p.is_open]
    if open_:
        return open_[-1]
    signed = set(db.session.scalars(select(Memo.phase_id).where(
        Memo.plan_id == plan.id, Memo.state == MemoState.signed)))
    last_signed = max((i for i, p in enumerate(phases) if p.id in signed), default=-1)
    return phases[min(last_signed + 1, len(phases) - 1)]


def phase_before(plan, phase):
    earlier = [p for p in plan.phases if p.position < phase.position]
    return max(earlier, key=lambda p: p.position) if earlier else None


def in_phase(node, phase):
    """Whether the node and every node above it are part of the plan in ``phase``."""
    while node is not None:
        if node.archived or not node.in_phase(phase):
            return False
        node = node.parent
    return True


class Membership:
    """Answers "is this node in the phase?" for many nodes with the phases read once."""

    def __init__(self, plan, phase):
        self.position = phase.position
        self.positions = {p.id: p.position for p in plan.phases}

    def __call__(self, node):
        since = self.positions.get(node.since_id) if node.since_id else None
        until = self.positions.get(node.until_id) if node.until_id else None
        return (not node.archived and (since is None or since <= self.position)
                and (until is None or self.position <= until))
