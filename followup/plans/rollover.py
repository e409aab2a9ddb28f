"""Next year's plan from this year's: the structure comes along, the follow-ups do not.

A node whose scale has a done level (an uppdrag, say) stays behind with its
subtree when its latest level is done, and comes along marked "KVAR FRÅN <year>"
otherwise. Goals (scales without a done level) and text-only nodes come along
unmarked. Internal control points and table definitions are copied without
results; the units keep their reporters.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core.errors import Invalid
from followup.core.extensions import db
from followup.core.formatting import in_sentence
from followup.followups.models.followup import Followup
from followup.followups.models.internal_control import ControlPoint, InternalControl
from followup.people import permissions
from followup.people.models import UnitMembership
from followup.plans.models.node import Node
from followup.plans.models.plan import Level, NodeType, Phase, Plan, Scale, Unit
from followup.tables.models import FigureRow, FigureTable

COMES = "comes"
CARRIED = "carried"
STAYS = "stays"


@dataclass(frozen=True)
class Decision:
    node: Node
    depth: int
    outcome: str  # COMES, CARRIED or STAYS
    reason: str


def next_key(plan):
    return f"{plan.board_code}-{plan.year + 1}"


def _latest_levels(plan):
    """node id → its level in the latest phase that gave it one."""
    order = {p.id: p.position for p in plan.phases}
    latest = {}
    rows = db.session.scalars(
        select(Followup).join(Node).where(Node.plan_id == plan.id, Followup.level_id.is_not(None))
        .options(selectinload(Followup.level)))
    for f in rows:
        if f.node_id not in latest or order[f.phase_id] > order[latest[f.node_id].phase_id]:
            latest[f.node_id] = f
    return {node_id: f.level for node_id, f in latest.items()}


def preview(plan):
    """What comes along and what stays, in tree order, with the reason for each."""
    latest = _latest_levels(plan)
    out = []

    def walk(nodes, depth, parent_stays):
        for node in sorted(nodes, key=lambda n: n.position):
            if node.archived:
                continue
            level = latest.get(node.id)
            scale = node.type.scale
            if parent_stays:
                decision = Decision(node, depth, STAYS, "under en punkt som stannar")
            elif scale is not None and scale.has_done_level:
                if level is not None and level.done:
                    decision = Decision(node, depth, STAYS,
                                        f"{in_sentence(level.label)}: stannar i {plan.year}")
                else:
                    shown = in_sentence(level.label) if level else "ej rapporterad"
                    decision = Decision(node, depth, CARRIED,
                                        f"{shown}: följer med som KVAR FRÅN {plan.year}")
            else:
                decision = Decision(node, depth, COMES, "följer med")
            out.append(decision)
            walk(node.children, depth + 1, decision.outcome == STAYS)

    walk(plan.root_nodes, 0, False)
    return out


def create(user, plan, leave_out=()):
    """The compiler creates the next year's plan; ``leave_out`` are node keys (with
    their subtrees) not to bring. Returns the new plan."""
    permissions.require_compiler(user, plan)
    return build_next_year(plan, leave_out)


def build_next_year(plan, leave_out=()):
    """The next year's plan with the default choices (the CLI: the shell is trusted)."""
    key = next_key(plan)
    if db.session.scalar(select(Plan.id).where(Plan.key == key)):
        raise Invalid(f"Planen {key} finns redan.")
    decisions = preview(plan)
    leave_out = set(leave_out)
    kept = _kept(decisions, leave_out)
    new = Plan(key=key, year=plan.year + 1, municipality=plan.municipality,
               board_name=plan.board_name, board_code=plan.board_code,
               board_number=plan.board_number, administration=plan.administration,
               director_name=plan.director_name, director_title=plan.director_title)
    new.phases = [Phase(position=p.position, key=p.key, label=p.label,
                        period_end=_next_year(p.period_end)) for p in plan.phases]
    scales = {}
    for s in plan.scales:
        scales[s.id] = Scale(position=s.position, key=s.key, label=s.label, levels=[
            Level(position=lv.position, key=lv.key, label=lv.label, text=lv.text, tone=lv.tone,
                  done=lv.done) for lv in s.levels])
    new.scales = list(scales.values())
    types = {t.id: NodeType(position=t.position, key=t.key, label=t.label, plural=t.plural,
                            scale=scales.get(t.scale_id)) for t in plan.node_types}
    new.node_types = list(types.values())
    units = {u.id: Unit(position=u.position, key=u.key, name=u.name) for u in plan.units}
    new.units = list(units.values())
    new.root_nodes = _copy_nodes(plan.root_nodes, kept, new, types, units, plan.year)
    if plan.internal_control is not None:
        ic = plan.internal_control
        new.internal_control = InternalControl(scale=scales[ic.scale_id], points=[
            ControlPoint(position=p.position, key=p.key, area=p.area, process=p.process,
                         risk=p.risk, control=p.control, method=p.method,
                         mandatory=p.mandatory, unit=units.get(p.unit_id)) for p in ic.points])
    new.tables = [_empty_table(t) for t in plan.tables]
    db.session.add(new)
    db.session.flush()
    for membership in db.session.scalars(
            select(UnitMembership).where(UnitMembership.unit_id.in_(list(units)))):
        db.session.add(UnitMembership(user_id=membership.user_id, unit=units[membership.unit_id]))
    return new


def _kept(decisions, leave_out):
    """node id → Decision for the nodes that come along (not staying, not left out)."""
    kept, dropped = {}, set()
    for d in decisions:
        parent = d.node.parent_id
        if d.outcome == STAYS or d.node.key in leave_out or parent in dropped:
            dropped.add(d.node.id)
        else:
            kept[d.node.id] = d
    return kept


def _copy_nodes(nodes, kept, plan, types, units, year):
    out = []
    for node in sorted(nodes, key=lambda n: n.position):
        decision = kept.get(node.id)
        if decision is None:
            continue
        carried = year if decision.outcome == CARRIED else None
        copy = Node(plan=plan, position=len(out), key=node.key, type=types[node.type_id],
                    number=node.number, title=node.title, unit=units.get(node.unit_id),
                    carried_over_from=carried, responsible_boards=node.responsible_boards,
                    notes=list(node.notes or []), group=node.group)
        copy.children = _copy_nodes(node.children, kept, plan, types, units, year)
        out.append(copy)
    return out


def _next_year(d):
    if d is None:
        return None
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


def _empty_table(table):
    """A table's definition without its figures: every row that took figures (value
    rows, and formula rows with reported figures) takes them again, empty."""
    copy = FigureTable(
        position=table.position, key=table.key, title=table.title, unit=table.unit,
        columns=list(table.columns), comment=None, chart=table.chart, rows=[
            FigureRow(position=r.position, key=r.key, label=r.label, formula=r.formula,
                      values=None if r.values is None else [None] * len(table.columns),
                      decimals=r.decimals, strong=r.strong,
                      cell_decimals=None if r.cell_decimals is None else list(r.cell_decimals))
            for r in table.rows])
    copy.start_history(None, "rollover")
    return copy
