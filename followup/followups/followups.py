"""The follow-up of a node in a phase: finding it, the review cycle (the rules are
in ``lifecycle``, shared with control results), and the views of a phase."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from followup.core.errors import Conflict, Invalid, NotFound
from followup.core.extensions import db
from followup.core.formatting import in_sentence
from followup.followups import lifecycle
from followup.followups.models.followup import Followup, FollowupRevision, FollowupState
from followup.people import permissions
from followup.plans import lookup, timeline
from followup.plans.models.node import Node
from followup.plans.models.plan import Phase


@dataclass
class Current(lifecycle.Entry):
    """What a follow-up is now, also for a node not yet reported (state empty, version 0)."""

    node: Node
    phase: Phase
    followup: Followup | None

    SUBJECT, ROW, MODELS = "node", "followup", (Followup, FollowupRevision)
    LINK = "followups.edit", "node_key"

    @property
    def scale(self):
        return self.node.type.scale

    @property
    def what(self):
        return self.node.type.label

    @property
    def heading(self):
        return self.node.type.label, self.node.number, self.node.title

    def reload(self):
        return current(self.node, self.phase)


def current(node, phase):
    if not timeline.in_phase(node, phase):
        raise NotFound(f"{node.type.label} {node.number or node.key} ingår inte i planen i "
                       f"{in_sentence(phase.label)}.")
    followup = db.session.scalar(
        select(Followup).where(Followup.node_id == node.id, Followup.phase_id == phase.id)
        .options(joinedload(Followup.level))
    )
    return Current(node, phase, followup)


def is_followed_up(node, comment_node_ids=frozenset()):
    """A node is followed up when its type has a scale, or it has a comment in some phase."""
    return node.type.scale_id is not None or node.id in comment_node_ids


# The review cycle on a node's follow-up in a phase: save(user, node, phase, …) and so on.
save, submit, return_for_changes, approve = lifecycle.by_subject(current)


def approve_many(user, phase, node_keys):
    """Approve several follow-ups; returns (approved keys, {key: reason} for the rest)."""
    permissions.require_compiler(user, phase.plan)
    approved, refused = [], {}
    for key in node_keys:
        try:
            node = lookup.find_node(phase.plan, key)
            approve(user, node, phase)
            approved.append(key)
        except (Invalid, NotFound, Conflict) as e:
            refused[key] = e.message
    return approved, refused


def phase_overview(plan, phase):
    """Every followed-up node of the plan in tree order, with its follow-up in ``phase``."""
    return phase_overviews([(plan, phase)])[phase.id]


def phase_overviews(pairs):
    """{phase id: phase_overview(plan, phase)} for (plan, phase) pairs of any plans.

    The same few queries however many plans and phases: nodes (with their types and
    units), the phases' follow-ups (with their levels), and which nodes have a comment
    in any phase.
    """
    pairs = list(pairs)
    if not pairs:
        return {}
    plan_ids = {plan.id for plan, _ in pairs}
    nodes = db.session.scalars(
        select(Node).where(Node.plan_id.in_(plan_ids), Node.archived.is_(False))
        .options(selectinload(Node.type), selectinload(Node.unit))
        .order_by(Node.position)
    ).all()
    rows = {(f.node_id, f.phase_id): f for f in db.session.scalars(
        select(Followup).where(Followup.phase_id.in_([phase.id for _, phase in pairs]))
        .options(selectinload(Followup.level))
    )}
    commented = set(db.session.scalars(
        select(Followup.node_id).join(Node).where(Node.plan_id.in_(plan_ids),
                                                   Followup.comment.is_not(None))
    ))
    children = {}
    for n in nodes:
        children.setdefault((n.plan_id, n.parent_id), []).append(n)
    return {phase.id: _in_tree_order(plan, phase, children, rows, commented)
            for plan, phase in pairs}


def _in_tree_order(plan, phase, children, rows, commented):
    result = []
    member = timeline.Membership(plan, phase)

    def walk(parent_id):
        for n in children.get((plan.id, parent_id), ()):
            if not member(n):
                continue  # not in the plan in this phase, nor what is below it
            if is_followed_up(n, commented):
                result.append(Current(n, phase, rows.get((n.id, phase.id))))
            walk(n.id)

    walk(None)
    return result


def root_of(node):
    while node.parent is not None:
        node = node.parent
    return node


def ancestors(node):
    """The node's ancestors, root first."""
    chain = []
    while node.parent is not None:
        node = node.parent
        chain.append(node)
    return list(reversed(chain))


def grouped_by_goal(items):
    """[(root goal, [Current …])] in tree order; a root that is itself followed up
    comes first in its own group."""
    groups = {}
    for cur in items:
        groups.setdefault(root_of(cur.node).id, (root_of(cur.node), []))[1].append(cur)
    return list(groups.values())


def mine(user, items):
    unit_ids = {m.unit_id for m in user.memberships}
    return [c for c in items if c.node.unit_id in unit_ids]


def previous_phase(phase):
    earlier = [p for p in phase.plan.phases if p.position < phase.position]
    return earlier[-1] if earlier else None


def open_phases_for(user):
    """(plan, phase) pairs that are open and in which the user's units own something."""
    plans = {m.unit.plan for m in user.memberships
             if permissions.is_reporter(user, m.unit.plan)}
    return [(plan, phase) for plan in sorted(plans, key=lambda p: p.key)
            for phase in plan.phases if phase.is_open]


def state_counts(items):
    counts = {state: 0 for state in FollowupState}
    for cur in items:
        counts[cur.state] += 1
    return counts
