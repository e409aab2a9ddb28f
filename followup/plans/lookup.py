"""Finding a plan, a phase and a node from the keys in an address or an API call, or
NotFound with what is missing."""

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from followup.core.errors import NotFound
from followup.core.extensions import db
from followup.plans.models.node import Node
from followup.plans.models.plan import NodeType, Phase, Plan, Scale


def find_plan(plan_key):
    plan = Plan.by_key(plan_key)
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
        raise NotFound(f"Punkten {node_key} finns inte i planen {plan.key}.")
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
