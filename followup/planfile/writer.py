"""A plan in the database → its plan file, keys in the order FORMAT.md gives them.

Optional keys print as their empty default (null, [], false) where the plan has
nothing, except those the schema does not let be null, which are left out. Keys
whose absence means something other than their empty default (``signatures``,
``numbered_proposals``, a layout …) are kept as the file gave them and left out
where it gave none.
"""

from followup.planfile.schema import FORMAT


def _iso(d):
    return d.isoformat() if d else None


def _put(out, key, value):
    if value is not None:
        out[key] = value


def plan_file(plan):
    director = (
        {"name": plan.director_name, "title": plan.director_title or ""}
        if plan.director_name is not None else None
    )
    phase_order = {p.id: p.position for p in plan.phases}
    return {
        "format": FORMAT,
        "organisation": {
            "municipality": plan.municipality,
            "board": plan.board_name,
            "board_code": plan.board_code,
            "board_id": plan.board_number,
            "administration": plan.administration,
            "director": director,
            **({"level": plan.level} if plan.level is not None else {}),
        },
        "year": plan.year,
        "phases": [
            {"key": p.key, "label": p.label, "period_end": _iso(p.period_end)}
            for p in plan.phases
        ],
        "scales": {s.key: {"label": s.label, "levels": [_level(lv) for lv in s.levels]}
                   for s in plan.scales},
        "node_types": {t.key: _node_type(t) for t in plan.node_types},
        "units": [{"key": u.key, "name": u.name} for u in plan.units],
        "nodes": [_node(n, phase_order) for n in plan.root_nodes],
        "internal_control": _internal_control(plan.internal_control, phase_order),
        "tables": [_table(t) for t in plan.tables],
        "documents": [_memo(m) for m in plan.memos],
        **_given(wording=plan.wording, print=plan.print_options),
    }


def _given(**keys):
    """The keys whose value is set: optional keys whose absence means a default."""
    return {k: v for k, v in keys.items() if v is not None}


def _level(lv):
    out = {"key": lv.key, "label": lv.label, "text": lv.text}
    _put(out, "tone", lv.tone)
    out["done"] = lv.done
    return out


def _node_type(t):
    out = {"label": t.label}
    _put(out, "plural", t.plural)
    out["scale"] = t.scale.key if t.scale else None
    return out


def _by_phase(items, phase_order):
    return sorted(items, key=lambda x: phase_order[x.phase_id])


def _node(n, phase_order):
    return {
        "key": n.key,
        **n.described(),
        "carried_over_from": n.carried_over_from,
        "responsible_boards": n.responsible_boards,
        "notes": list(n.notes or []),
        "group": n.group,
        "since": n.since.key if n.since else None,
        "until": n.until.key if n.until else None,
        **_given(source=n.source, prefix=n.prefix),
        "followups": {
            f.phase.key: {"level": f.level.key if f.level else None, "comment": f.comment}
            for f in _by_phase(n.followups, phase_order)
        },
        "children": [_node(c, phase_order) for c in n.children],
    }


def _internal_control(ic, phase_order):
    if ic is None:
        return None
    points = []
    for p in ic.points:
        results = _by_phase(p.results, phase_order)
        points.append({
            "key": p.key,
            "area": p.area,
            "process": p.process,
            "risk": p.risk,
            "control": p.control,
            "method": p.method,
            "mandatory": p.mandatory,
            "unit": p.unit.key if p.unit else None,
            "results": {r.phase.key: r.level.key if r.level else None for r in results},
            "comments": {r.phase.key: r.comment for r in results if r.comment is not None},
        })
    return {"scale": ic.scale.key, "points": points}


def _table(t):
    rows = []
    for r in t.rows:
        row = {"key": r.key, "label": r.label}
        _put(row, "formula", r.formula)
        _put(row, "values", r.values)
        _put(row, "decimals", list(r.cell_decimals) if r.cell_decimals is not None else r.decimals)
        row["strong"] = r.strong
        rows.append(row)
    return {"key": t.key, "title": t.title, "unit": t.unit,
            **_given(unit_label=t.unit_label, show_title=t.show_title),
            "columns": list(t.columns), "rows": rows, "comment": t.comment, "chart": t.chart}


def _sections(sections):
    out = []
    for s in sections:
        section = {"heading": s.heading}
        _put(section, "level", s.level)
        section["body"] = s.body
        section["tables"] = list(s.tables or [])
        section["body_after"] = s.body_after
        out.append(section)
    return out


def _by_position(items):
    return sorted(items, key=lambda x: x.position)


def _part(a, out):
    """What an appendix and a chapter share, from ``kind`` on."""
    out["kind"] = a.kind
    out.update(_given(orientation=a.orientation, level_chart=a.level_chart))
    out["intro"] = a.intro
    out["node_types"] = list(a.node_types or [])
    _put(out, "layout", a.layout)
    _put(out, "columns", a.columns)
    _put(out, "phases", a.phases)
    out["tables"] = list(a.tables or [])
    out["sections"] = _sections(_by_position(a.sections))
    return out


def _appendix(a):
    out = _part(a, {
        "number": a.number,
        "title": a.title,
        "document_type": a.document_type,
        "heading": a.heading,
        "date": _iso(a.date),
        "diarienummer": a.diarienummer,
        "handlaggare": list(a.handlaggare or []),
        **_given(issuer=a.issuer, header=a.header, running_lines=a.running_lines,
                 wording=a.wording),
    })
    _put(out, "contents", a.contents_depth if a.contents_depth is not None else a.contents)
    out["cover"] = a.cover
    out["chapters"] = [_chapter(c) for c in _by_position(a.chapters)]
    return out


def _chapter(c):
    out = _part(c, {"title": c.title})
    _put(out, "new_page", c.new_page)
    return out


def _memo(m):
    out = {
        "phase": m.phase.key,
        "title": m.title,
        **_given(document_type=m.document_type),
        "date": _iso(m.date),
        "diarienummer": m.diarienummer,
        "handlaggare": list(m.handlaggare or []),
        **_given(issuer=m.issuer, header=m.header, running_lines=m.running_lines),
        "recipient": m.recipient,
        "meeting_date": _iso(m.meeting_date),
        "proposals_intro": m.proposals_intro,
        "proposals": list(m.proposals or []),
    }
    _put(out, "numbered_proposals", m.numbered_proposals)
    out["sections"] = _sections(_by_position(m.sections))
    _put(out, "signatures", m.signatures)
    out["appendices_heading"] = m.appendices_heading
    out["appendices"] = [_appendix(a) for a in _by_position(m.appendices)]
    return out
