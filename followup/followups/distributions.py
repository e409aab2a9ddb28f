"""How a phase's follow-ups and control results fall per level: the one count that
the summaries' words and the charts both show."""

from sqlalchemy import select

from followup.core import charts
from followup.core.extensions import db
from followup.core.formatting import in_sentence
from followup.followups.models.followup import Followup, FollowupState
from followup.plans import timeline
from followup.plans.models.node import Node


def level_counts(plan, phase, node_type):
    """(number of nodes of the type in the phase, {level id: how many have it})."""
    total, states = level_states(plan, phase, node_type)
    return total, {level_id: sum(pair) for level_id, pair in states.items()}


def level_states(plan, phase, node_type):
    """(number of nodes of the type in the phase, {level id: [approved, not yet approved]})."""
    return _states_by_type(plan, phase, [node_type.id])[node_type.id]


def _states_by_type(plan, phase, type_ids):
    """{type id: (nodes of the type in the phase, {level id: [approved, not yet
    approved]})} for each of ``type_ids``: two queries whatever the size of the plan
    (the nodes' columns, the phase's follow-ups), not one a node or a type."""
    members = _in_phase(plan, phase)
    wanted = set(type_ids)
    of_type = {i: t for i, t in members.items() if t in wanted}
    out = {t: [0, {}] for t in type_ids}
    for type_id in of_type.values():
        out[type_id][0] += 1
    if of_type:
        for node_id, level_id, state in db.session.execute(
                select(Followup.node_id, Followup.level_id, Followup.state).where(
                    Followup.phase_id == phase.id, Followup.level_id.is_not(None))):
            if node_id in of_type:
                _add(out[of_type[node_id]][1], level_id, state)
    return {t: (total, counts) for t, (total, counts) in out.items()}


def _in_phase(plan, phase):
    """{node id: type id} of the plan's nodes that are part of the phase, they and every
    node above them (timeline.in_phase), from one query of their columns."""
    rows = {r.id: r for r in db.session.execute(select(
        Node.id, Node.parent_id, Node.type_id, Node.archived, Node.since_id, Node.until_id)
        .where(Node.plan_id == plan.id))}
    member = timeline.Membership(plan, phase)
    known = {}

    def inside(node_id):
        path = []
        while node_id is not None and node_id not in known:
            path.append(node_id)
            row = rows.get(node_id)
            node_id = row.parent_id if row is not None else None
        result = known.get(node_id, True)
        for i in reversed(path):
            row = rows.get(i)
            result = result and row is not None and member(row)
            known[i] = result
        return result

    return {i: r.type_id for i, r in rows.items() if inside(i)}


def _add(counts, level_id, state):
    pair = counts.setdefault(level_id, [0, 0])
    pair[0 if state is FollowupState.approved else 1] += 1


def control_counts(plan, phase):
    """[(phase, {level id: n})] for the phases up to ``phase``, or None without a plan."""
    counted = control_states(plan, phase)
    if counted is None:
        return None
    return [(p, {level_id: sum(pair) for level_id, pair in counts.items()})
            for p, counts, _ in counted]


def control_states(plan, phase, phases=None):
    """[(phase, {level id: [approved, not yet approved]}, points without a result)] for
    the phases up to ``phase`` (of ``phases`` where given), or None without an internal
    control plan."""
    ic = plan.internal_control
    if ic is None or not ic.points:
        return None
    out = []
    for p in [p for p in phases or plan.phases if p.position <= phase.position]:
        counts = {}
        for point in ic.points:
            for result in point.results:
                if result.phase_id == p.id and result.level_id is not None:
                    _add(counts, result.level_id, result.state)
        out.append((p, counts, len(ic.points) - sum(sum(c) for c in counts.values())))
    return out


def _row(label, levels, counts, unreported):
    return charts.Bar(label, {lv.key: counts.get(lv.id, [0, 0])[0] for lv in levels},
                      {lv.key: counts.get(lv.id, [0, 0])[1] for lv in levels}, unreported)


def level_charts(plan, phase, type_keys=None, chart_prefix="fordelning"):
    """One chart per scale: a bar per node type that uses it (of ``type_keys``, if
    given), split by level, with what is not yet approved marked and what is not
    reported at all as a part of the bar of its own."""
    out = []
    by_scale = {}
    for node_type in plan.node_types:
        if node_type.scale is not None and (type_keys is None or node_type.key in type_keys):
            by_scale.setdefault(node_type.scale.id, (node_type.scale, []))[1].append(node_type)
    states = _states_by_type(plan, phase, [t.id for _, types in by_scale.values()
                                           for t in types]) if by_scale else {}
    for scale, types in by_scale.values():
        rows = []
        for t in types:
            total, counts = states[t.id]
            if total:
                reported = sum(sum(pair) for pair in counts.values())
                rows.append(_row(f"{t.plural or t.label} ({total})", scale.levels, counts,
                                 total - reported))
        if any(row.reported for row in rows):  # nothing reported: no chart
            title = f"{scale.label}: {in_sentence(phase.label)}"
            out.append(charts.stacked_levels(title, rows, scale.levels,
                                             f"{chart_prefix}-{scale.key}"))
    return out


def control_chart(plan, phase, chart_id="internkontroll-resultat", phases=None):
    """The results per phase up to ``phase``: of the ``phases`` an appendix shows, where
    it chooses them."""
    counted = control_states(plan, phase, phases)
    if not counted:
        return None
    levels = plan.internal_control.scale.levels
    rows = [_row(p.label, levels, counts, unreported) for p, counts, unreported in counted]
    if not any(row.reported for row in rows):
        return None
    return charts.stacked_levels("Internkontrollens resultat per fas", rows, levels, chart_id)
