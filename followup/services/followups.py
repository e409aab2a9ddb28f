"""The follow-up of a node in a phase: save, submit, return, approve.

Every change bumps the version and writes a revision. A change based on an older
version than the stored one raises Conflict with the stored follow-up, so that
nobody's text is silently overwritten.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import html
from ..extensions import db
from ..models import (
    Followup, FollowupRevision, FollowupState, Node, NodeType, Phase, Plan, Role, Scale,
)
from ..models._types import utcnow
from . import permissions
from .errors import Conflict, Invalid, NotFound

STATE_LABELS = {
    FollowupState.empty: "Ej påbörjad",
    FollowupState.draft: "Utkast",
    FollowupState.submitted: "Inskickad",
    FollowupState.returned: "Återremitterad",
    FollowupState.approved: "Godkänd",
}

CONFLICT_MESSAGE = ("Någon annan har ändrat uppföljningen efter att du öppnade den. "
                    "Jämför texterna och spara igen.")


@dataclass
class Current:
    """What a follow-up is now, also for a node not yet reported (state empty, version 0)."""

    node: Node
    phase: Phase
    followup: Followup | None

    @property
    def state(self):
        return self.followup.state if self.followup else FollowupState.empty

    @property
    def version(self):
        return self.followup.version if self.followup else 0

    @property
    def level(self):
        return self.followup.level if self.followup else None

    @property
    def comment(self):
        return self.followup.comment if self.followup else None

    @property
    def remark(self):
        return self.followup.remark if self.followup else None


def find_plan(plan_key):
    plan = db.session.scalar(select(Plan).where(Plan.key == plan_key))
    if plan is None:
        raise NotFound(f"Planen {plan_key} finns inte.")
    return plan


def find_phase(plan, phase_key):
    phase = plan.phase(phase_key)
    if phase is None:
        raise NotFound(f"Fasen {phase_key} finns inte i planen {plan.key}.")
    return phase


def find_node(plan, node_key):
    # The type, its scale with its levels, and the unit come along: every page and
    # API answer about a node needs them.
    node = db.session.scalar(
        select(Node).where(Node.plan_id == plan.id, Node.key == node_key)
        .options(joinedload(Node.type).joinedload(NodeType.scale).selectinload(Scale.levels),
                 joinedload(Node.unit))
    )
    if node is None:
        raise NotFound(f"Noden {node_key} finns inte i planen {plan.key}.")
    return node


def locate(plan_key, phase_key, node_key=None):
    """(plan, phase, node or None) from their keys, in two queries, or NotFound."""
    phase = db.session.scalar(
        select(Phase).join(Phase.plan).where(Plan.key == plan_key, Phase.key == phase_key)
        .options(contains_eager(Phase.plan))
    )
    if phase is None:
        find_plan(plan_key)  # says which of the two is missing
        raise NotFound(f"Fasen {phase_key} finns inte i planen {plan_key}.")
    plan = phase.plan
    return plan, phase, (find_node(plan, node_key) if node_key else None)


def current(node, phase):
    followup = db.session.scalar(
        select(Followup).where(Followup.node_id == node.id, Followup.phase_id == phase.id)
        .options(joinedload(Followup.level))
    )
    return Current(node, phase, followup)


def is_followed_up(node, comment_node_ids=frozenset()):
    """A node is followed up when its type has a scale, or it has a comment in some phase."""
    return node.type.scale_id is not None or node.id in comment_node_ids


def clean_comment(comment):
    """Sanitise a comment; an editor's empty document counts as no comment."""
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise Invalid("Kommentaren ska vara text.", "comment")
    try:
        comment = html.sanitize(comment)
    except html.TextTooLong as e:
        raise Invalid(f"Kommentaren är för lång: {e}.", "comment") from None
    if not html.has_text(comment):
        return None
    return comment


def resolve_level(node, level_key):
    if level_key in (None, ""):
        return None
    if not isinstance(level_key, str):
        raise Invalid("Nivån ska anges med sin nyckel, som text.", "level")
    scale = node.type.scale
    if scale is None:
        raise Invalid(f"{node.type.label} följs upp med text; den har ingen skala att välja nivå i.",
                      "level")
    level = scale.level(level_key)
    if level is None:
        choices = ", ".join(f"{lv.key} ({lv.label})" for lv in scale.levels)
        raise Invalid(f'"{level_key}" är ingen nivå i skalan {scale.label}. Välj en av: {choices}.',
                      "level")
    return level


def _check_version(cur, version):
    if version is None:
        return
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("Versionen ska vara ett heltal.")
    if version != cur.version:
        raise Conflict(CONFLICT_MESSAGE, cur)


def _require_content(node, level, comment):
    if node.type.scale is not None and level is None:
        raise Invalid(f"Välj {node.type.scale.label.lower()} innan uppföljningen skickas in eller godkänns.",
                      "level")
    if node.type.scale is None and comment is None:
        raise Invalid("Skriv en kommentar innan uppföljningen skickas in eller godkänns.", "comment")


def _commit_change(cur, user, source, change):
    """Apply ``change`` to the follow-up (made if missing), write its revision, commit.

    Turns a concurrent change (stale version, or a duplicate first save) into Conflict.
    """
    user_id = user.id
    try:
        followup = cur.followup
        if followup is None:
            followup = Followup(node=cur.node, phase=cur.phase, state=FollowupState.draft)
            db.session.add(followup)
        change(followup)
        followup.updated_at = utcnow()
        followup.updated_by_id = user_id
        db.session.flush()
        db.session.add(FollowupRevision(
            followup=followup, version=followup.version, level=followup.level,
            comment=followup.comment, state=followup.state, remark=followup.remark,
            author_id=user_id, source=source,
        ))
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict(CONFLICT_MESSAGE, current(cur.node, cur.phase)) from None
    return Current(cur.node, cur.phase, followup)


def save(user, node, phase, *, level_key, comment, version, source="web", submit=False):
    """Save a level and a comment based on ``version``; with ``submit``, also send it
    for review in the same change. A reporter's save makes the follow-up a draft."""
    cur = current(node, phase)
    permissions.require_edit(user, node, phase, cur.state)
    _check_version(cur, version)
    level = resolve_level(node, level_key)
    comment = clean_comment(comment)
    if submit:
        _require_content(node, level, comment)

    def change(f):
        f.level = level
        f.comment = comment
        if submit:
            f.state = FollowupState.submitted
            f.remark = None
        elif user.role is Role.reporter or f.state is FollowupState.returned:
            f.state = FollowupState.draft

    return _commit_change(cur, user, source, change)


def submit(user, node, phase, version=None, source="web"):
    cur = current(node, phase)
    permissions.require_edit(user, node, phase, cur.state)
    _check_version(cur, version)
    if cur.state is FollowupState.submitted:
        raise Invalid("Uppföljningen är redan inskickad.")
    _require_content(node, cur.level, cur.comment)
    return _set_state(cur, user, source, FollowupState.submitted)


def _set_state(cur, user, source, state, remark=None):
    def change(f):
        f.state = state
        f.remark = remark

    return _commit_change(cur, user, source, change)


def return_for_changes(user, node, phase, remark, version=None, source="web"):
    """The compiler sends a follow-up back to its reporter with a remark."""
    permissions.require_compiler(user)
    cur = current(node, phase)
    permissions.require_edit(user, node, phase, cur.state)
    _check_version(cur, version)
    if remark is not None and not isinstance(remark, str):
        raise Invalid("Anmärkningen ska vara text.")
    remark = (remark or "").strip()
    if not remark:
        raise Invalid("Skriv en anmärkning så att handläggaren vet vad som ska ändras.")
    if len(remark) > 10_000:
        raise Invalid("Anmärkningen får vara högst 10 000 tecken.")
    if cur.state not in (FollowupState.submitted, FollowupState.approved):
        raise Invalid("Bara en inskickad eller godkänd uppföljning kan återremitteras.")
    return _set_state(cur, user, source, FollowupState.returned, remark)


def approve(user, node, phase, version=None, source="web"):
    permissions.require_compiler(user)
    cur = current(node, phase)
    permissions.require_edit(user, node, phase, cur.state)
    _check_version(cur, version)
    if cur.state is FollowupState.approved:
        raise Invalid("Uppföljningen är redan godkänd.")
    _require_content(node, cur.level, cur.comment)
    return _set_state(cur, user, source, FollowupState.approved)


def approve_many(user, phase, node_keys):
    """Approve several follow-ups; returns (approved keys, {key: reason} for the rest)."""
    permissions.require_compiler(user)
    approved, refused = [], {}
    for key in node_keys:
        try:
            node = find_node(phase.plan, key)
            approve(user, node, phase)
            approved.append(key)
        except (Invalid, NotFound, Conflict) as e:
            refused[key] = e.message
    return approved, refused


def phase_overview(plan, phase):
    """Every followed-up node of the plan in tree order, with its follow-up in ``phase``.

    Three queries whatever the size of the plan: nodes, the phase's follow-ups, and
    which nodes have a comment in any phase.
    """
    nodes = db.session.scalars(
        select(Node).where(Node.plan_id == plan.id, Node.archived.is_(False))
        .options(selectinload(Node.type), selectinload(Node.unit))
        .order_by(Node.position)
    ).all()
    by_node = {f.node_id: f for f in db.session.scalars(
        select(Followup).where(Followup.phase_id == phase.id)
        .options(selectinload(Followup.level))
    )}
    commented = set(db.session.scalars(
        select(Followup.node_id).join(Node).where(Node.plan_id == plan.id,
                                                   Followup.comment.is_not(None))
    ))
    children = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    result = []

    def walk(parent_id):
        for n in children.get(parent_id, ()):
            if is_followed_up(n, commented):
                result.append(Current(n, phase, by_node.get(n.id)))
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
    plans = {m.unit.plan for m in user.memberships}
    return [(plan, phase) for plan in sorted(plans, key=lambda p: p.key)
            for phase in plan.phases if phase.is_open]


def state_counts(items):
    counts = {state: 0 for state in FollowupState}
    for cur in items:
        counts[cur.state] += 1
    return counts
