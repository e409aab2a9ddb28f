"""A validated plan file (see ``validate``) → new, unsaved model objects."""

from datetime import date
from decimal import Decimal

from followup.followups.models.followup import Followup, FollowupRevision, FollowupState
from followup.followups.models.internal_control import ControlPoint, ControlResult, InternalControl
from followup.memos.models import Appendix, Memo, Section
from followup.plans.models.node import Node
from followup.plans.models.plan import Level, NodeType, Phase, Plan, Scale, Unit
from followup.tables.models import FigureRow, FigureTable


def _json(value):
    """A part of the file kept as JSON (a layout, columns): its numbers as JSON numbers.
    The file is read with exact decimals for the tables' figures; a column's width of
    22.5 is a plain number, which a JSON column can store."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) \
            else float(value)
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def plan_key(data):
    return f'{data["organisation"]["board_code"]}-{data["year"]}'


def _date(value):
    return date.fromisoformat(value) if value else None


def build_plan(data):
    org = data["organisation"]
    director = org.get("director") or {}
    plan = Plan(
        key=plan_key(data),
        year=data["year"],
        municipality=org["municipality"],
        board_name=org["board"],
        board_code=org["board_code"],
        board_number=org.get("board_id"),
        administration=org["administration"],
        director_name=director.get("name"),
        director_title=director.get("title"),
        level=org.get("level"), wording=data.get("wording"), print_options=data.get("print"),
    )
    phases = {
        p["key"]: Phase(position=i, key=p["key"], label=p["label"],
                        period_end=_date(p.get("period_end")))
        for i, p in enumerate(data["phases"])
    }
    plan.phases = list(phases.values())
    scales = {}
    for i, (key, s) in enumerate(data["scales"].items()):
        scales[key] = Scale(position=i, key=key, label=s["label"], levels=[
            Level(position=j, key=lv["key"], label=lv["label"], text=lv.get("text"),
                  tone=lv.get("tone"), done=lv.get("done", False))
            for j, lv in enumerate(s["levels"])
        ])
    plan.scales = list(scales.values())
    node_types = {
        key: NodeType(position=i, key=key, label=t["label"], plural=t.get("plural"),
                      scale=scales[t["scale"]] if t["scale"] else None)
        for i, (key, t) in enumerate(data["node_types"].items())
    }
    plan.node_types = list(node_types.values())
    units = {u["key"]: Unit(position=i, key=u["key"], name=u["name"])
             for i, u in enumerate(data["units"])}
    plan.units = list(units.values())

    context = _Context(plan, phases, node_types, units)
    plan.root_nodes = [context.node(n, i) for i, n in enumerate(data["nodes"])]
    if data.get("internal_control"):
        plan.internal_control = _internal_control(data["internal_control"], scales, phases, units)
    plan.tables = [_table(t, i) for i, t in enumerate(data.get("tables") or [])]
    plan.memos = [_memo(d, i, phases) for i, d in enumerate(data["documents"])]
    return plan


class _Context:
    def __init__(self, plan, phases, node_types, units):
        self.plan, self.phases, self.node_types, self.units = plan, phases, node_types, units

    def node(self, n, position):
        node_type = self.node_types[n["type"]]
        node = Node(
            plan=self.plan, position=position, key=n["key"], type=node_type,
            number=n.get("number"), title=n["title"],
            unit=self.units[n["unit"]] if n.get("unit") else None,
            carried_over_from=n.get("carried_over_from"),
            responsible_boards=n.get("responsible_boards"),
            notes=list(n.get("notes") or []), group=n.get("group"),
            since=self.phases[n["since"]] if n.get("since") else None,
            until=self.phases[n["until"]] if n.get("until") else None,
            source=n.get("source"), prefix=n.get("prefix"),
        )
        scale = node_type.scale
        for phase_key, f in (n.get("followups") or {}).items():
            level = scale.level(f["level"]) if scale and f.get("level") else None
            node.followups.append(_imported_followup(self.phases[phase_key], level, f.get("comment")))
        node.children = [self.node(c, i) for i, c in enumerate(n.get("children") or [])]
        return node


def _imported_state(level, comment):
    """Imported text has been reviewed nowhere in this system yet: it starts as a draft.
    A phase the file lists with nothing in it (a null level, no comment) is not reported."""
    return FollowupState.draft if level is not None or comment else FollowupState.empty


def _imported_followup(phase, level, comment):
    state = _imported_state(level, comment)
    followup = Followup(phase=phase, level=level, comment=comment, state=state, version=1)
    followup.revisions.append(FollowupRevision(
        version=1, level=level, comment=comment, state=state, source="import"))
    return followup


def _internal_control(ic, scales, phases, units):
    scale = scales[ic["scale"]]
    points = []
    for i, p in enumerate(ic["points"]):
        point = ControlPoint(
            position=i, key=p["key"], area=p.get("area"), process=p.get("process"),
            risk=p.get("risk"), control=p["control"], method=p.get("method"),
            mandatory=p.get("mandatory", False),
            unit=units[p["unit"]] if p.get("unit") else None,
        )
        results = p.get("results") or {}
        comments = p.get("comments") or {}
        for phase_key in [k for k in phases if k in results or k in comments]:
            level_key = results.get(phase_key)
            level, comment = scale.level(level_key) if level_key else None, comments.get(phase_key)
            point.results.append(ControlResult(
                phase=phases[phase_key], level=level, comment=comment,
                state=_imported_state(level, comment)))
        points.append(point)
    return InternalControl(scale=scale, points=points)


def _table(t, position):
    table = FigureTable(
        position=position, key=t["key"], title=t["title"], unit=t.get("unit"),
        unit_label=t.get("unit_label"), show_title=t.get("show_title"),
        columns=_json(list(t["columns"])), comment=t.get("comment"), chart=t.get("chart"),
        rows=[_row(r, i) for i, r in enumerate(t["rows"])],
    )
    table.start_history(None, "import")
    return table


def _row(r, position):
    decimals = r.get("decimals")
    per_cell = isinstance(decimals, list)
    return FigureRow(position=position, key=r.get("key"), label=r["label"],
                     formula=r.get("formula"), values=r.get("values"),
                     decimals=None if per_cell else decimals,
                     cell_decimals=list(decimals) if per_cell else None,
                     strong=r.get("strong", False))


def _sections(items):
    return [
        Section(position=i, heading=s["heading"], level=s.get("level"), body=s["body"],
                tables=list(s.get("tables") or []), body_after=s.get("body_after"))
        for i, s in enumerate(items or [])
    ]


def _part(a, position, memo):
    """What an appendix and a chapter share."""
    return Appendix(
        memo=memo, position=position, title=a["title"], kind=a["kind"], intro=a.get("intro"),
        node_types=list(a.get("node_types") or []), tables=list(a.get("tables") or []),
        sections=_sections(a.get("sections")), layout=_json(a.get("layout")),
        columns=_json(a.get("columns")), phases=a.get("phases"), new_page=a.get("new_page"),
        orientation=a.get("orientation"), level_chart=a.get("level_chart"),
    )


def _appendix(a, position, memo):
    appendix = _part(a, position, memo)
    appendix.number = a["number"]
    appendix.document_type = a.get("document_type")
    appendix.heading = a.get("heading")
    appendix.date = _date(a.get("date"))
    appendix.diarienummer = a.get("diarienummer")
    appendix.handlaggare = list(a.get("handlaggare") or [])
    contents = a.get("contents")
    # A depth (1–3) and true/false are kept apart, so that an export writes what was read.
    if isinstance(contents, bool) or contents is None:
        appendix.contents = contents
    else:
        appendix.contents_depth = contents
    appendix.issuer = a.get("issuer")
    appendix.header = a.get("header")
    appendix.running_lines = a.get("running_lines")
    appendix.wording = a.get("wording")
    appendix.cover = a.get("cover")
    appendix.chapters = [_part(c, i, memo) for i, c in enumerate(a.get("chapters") or [])]
    return appendix


def _memo(d, position, phases):
    memo = Memo(
        position=position, phase=phases[d["phase"]], title=d["title"], date=_date(d.get("date")),
        diarienummer=d.get("diarienummer"), handlaggare=list(d.get("handlaggare") or []),
        recipient=d.get("recipient"), meeting_date=_date(d.get("meeting_date")),
        proposals_intro=d.get("proposals_intro"), proposals=list(d.get("proposals") or []),
        numbered_proposals=d.get("numbered_proposals"), signatures=d.get("signatures"),
        appendices_heading=d.get("appendices_heading"),
        document_type=d.get("document_type"), issuer=d.get("issuer"), header=d.get("header"),
        running_lines=d.get("running_lines"),
        sections=_sections(d.get("sections")),
    )
    memo.appendices = [_appendix(a, i, memo) for i, a in enumerate(d["appendices"])]
    return memo
