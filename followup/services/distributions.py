"""How a phase's follow-ups and control results fall per level: the one count that
the summaries' words and the charts both show."""

from sqlalchemy import select

from .. import charts
from . import timeline
from ..extensions import db
from ..models import Followup, Node


def level_counts(plan, phase, node_type):
    """(number of nodes of the type in the phase, {level id: how many have it})."""
    in_phase = {n.id for n in db.session.scalars(select(Node).where(Node.plan_id == plan.id))
                if timeline.in_phase(n, phase)}
    nodes = [i for i in db.session.scalars(select(Node.id).where(
        Node.plan_id == plan.id, Node.type_id == node_type.id)) if i in in_phase]
    counts = {}
    if nodes:
        for level_id in db.session.scalars(select(Followup.level_id).where(
                Followup.phase_id == phase.id, Followup.node_id.in_(nodes),
                Followup.level_id.is_not(None))):
            counts[level_id] = counts.get(level_id, 0) + 1
    return len(nodes), counts


def control_counts(plan, phase):
    """[(phase, {level id: n})] for the phases up to ``phase``, or None without a plan."""
    ic = plan.internal_control
    if ic is None or not ic.points:
        return None
    phases = [p for p in plan.phases if p.position <= phase.position]
    out = []
    for p in phases:
        counts = {}
        for point in ic.points:
            for result in point.results:
                if result.phase_id == p.id and result.level_id is not None:
                    counts[result.level_id] = counts.get(result.level_id, 0) + 1
        out.append((p, counts))
    return out


def level_charts(plan, phase, type_keys=None, chart_prefix="fordelning"):
    """One chart per scale: a bar per node type that uses it (of ``type_keys``, if
    given), split by level."""
    out = []
    by_scale = {}
    for node_type in plan.node_types:
        if node_type.scale is not None and (type_keys is None or node_type.key in type_keys):
            by_scale.setdefault(node_type.scale.id, (node_type.scale, []))[1].append(node_type)
    for scale, types in by_scale.values():
        rows = []
        for t in types:
            total, counts = level_counts(plan, phase, t)
            if total:
                by_key = {lv.key: counts.get(lv.id, 0) for lv in scale.levels}
                unreported = total - sum(by_key.values())
                rows.append((f"{t.plural or t.label} ({total})", by_key, unreported))
        if any(sum(counts.values()) for _, counts, _ in rows):  # nothing reported: no chart
            title = f"{scale.label}: {phase.label.lower()}"
            out.append(charts.stacked_levels(
                title, [(label, counts) for label, counts, _ in rows], scale.levels,
                f"{chart_prefix}-{scale.key}"))
    return out


def control_chart(plan, phase, chart_id="internkontroll-resultat"):
    counted = control_counts(plan, phase)
    if not counted:
        return None
    levels = plan.internal_control.scale.levels
    rows = [(p.label, {lv.key: counts.get(lv.id, 0) for lv in levels}) for p, counts in counted]
    if not any(sum(r.values()) for _, r in rows):
        return None
    return charts.stacked_levels("Internkontrollens resultat per fas", rows, levels, chart_id)
