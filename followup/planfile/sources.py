"""A board's nodes that are a goal or an assignment of the municipality's plan
(FORMAT.md 2.2, ``source``: "<plan key>/<node key>"). Every link must name a node of a
municipality's plan that is already there: the municipality's plan is imported first."""

from sqlalchemy import select

from followup.core.extensions import db
from followup.core.faults import Fault, json_path
from followup.plans.models.node import Node
from followup.plans.models.plan import Plan


def links(nodes, parts=("nodes",)):
    """(JSON path parts, source) of every node that names one, in the file's order."""
    for i, node in enumerate(nodes):
        here = parts + (i,)
        if node.get("source"):
            yield here + ("source",), node["source"]
        yield from links(node.get("children") or [], here + ("children",))


def source_faults(data, own_key):
    found = list(links(data["nodes"]))
    if not found:
        return []
    wanted = {source.partition("/")[0] for _, source in found}
    plans = {p.key: p for p in db.session.scalars(select(Plan).where(Plan.key.in_(wanted)))}
    keys = {}
    for plan_id, key in db.session.execute(
            select(Node.plan_id, Node.key).where(Node.plan_id.in_([p.id for p in plans.values()]))):
        keys.setdefault(plan_id, set()).add(key)
    faults = []
    for parts, source in found:
        plan_key, _, node_key = source.partition("/")
        plan = plans.get(plan_key)
        if plan_key == own_key:
            message = "en nod kan inte ha en nod i sin egen plan som källa"
        elif plan is None:
            message = f'planen "{plan_key}" finns inte; importera kommunens plan först'
        elif plan.level != "municipality":
            message = (f'planen {plan_key} är inte kommunens plan '
                       '(organisation.level "municipality")')
        elif node_key not in keys.get(plan.id, ()):
            message = f'noden "{node_key}" finns inte i planen {plan_key}'
        else:
            continue
        faults.append(Fault(json_path(parts), message))
    return faults
