"""A memo → its print documents: the memo itself and each appendix, each a document
of its own (own header block, own page numbering), in order."""

from dataclasses import dataclass, field
from functools import partial

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from followup.core import formatting, html, typeset
from followup.core.extensions import db
from followup.core.formatting import in_sentence
from followup.documents import plan_appendix, wording
from followup.followups import distributions
from followup.followups.history import paragraphs
from followup.followups.models.followup import Followup
from followup.followups.models.internal_control import ControlPoint, ControlResult, InternalControl
from followup.memos.models import Appendix, Memo
from followup.plans.models.node import Node
from followup.plans.models.plan import NodeType, Plan, Scale
from followup.tables import figures
from followup.tables.models import FigureTable

DEFAULT_APPENDIX_TYPE = "Bilaga till tjänsteskrivelse"


@dataclass
class PrintDocument:
    key: str  # "memo", "bilaga-1" …
    title: str  # the running header and the PDF's title
    html: str


@dataclass
class Header:
    """A document's header block: its sender, its type, its fields (label, value) in
    order, and the lines under the running head on every page."""

    issuer: str
    document_type: str
    fields: list
    running_lines: list = field(default_factory=list)


def _header(plan, phase, item, document_type, own_fields):
    """``item`` (a memo or an appendix) as FORMAT.md 2.1 says: its ``header`` where it
    gives one, else its own fields; its ``issuer``, else the administration."""
    if item.header is not None:
        fields = [(f["label"], f["value"]) for f in item.header]
    else:
        fields = [(label, value) for label, value in own_fields if value]
    issuer = item.issuer if item.issuer is not None else plan.administration
    return Header(issuer, document_type, fields, _running_lines(plan, phase, item.running_lines))


def _running_lines(plan, phase, lines):
    values = {
        "phase": phase.label, "period_end": formatting.iso_date(phase.period_end),
        "board": plan.board_name, "board_code": plan.board_code,
        "board_id": plan.board_number or "", "year": plan.year,
    }
    return [text for text in (wording.filled(line, values) for line in lines or []) if text]


def _facts(date_value, diarienummer, handlaggare):
    return [("Datum", formatting.iso_date(date_value)), ("Diarienummer", diarienummer),
            ("Handläggare", ", ".join(handlaggare or []))]


def load_memo(memo_id):
    """The memo with everything its documents print, in a fixed number of queries."""
    memo = db.session.scalar(
        select(Memo).where(Memo.id == memo_id).options(
            selectinload(Memo.phase),
            selectinload(Memo.sections),
            selectinload(Memo.appendices).options(
                selectinload(Appendix.sections),
                selectinload(Appendix.chapters).selectinload(Appendix.sections)),
            selectinload(Memo.plan).options(
                selectinload(Plan.phases),
                selectinload(Plan.units),
                selectinload(Plan.node_types).selectinload(NodeType.scale)
                .selectinload(Scale.levels),
                selectinload(Plan.tables).selectinload(FigureTable.rows),
                selectinload(Plan.internal_control).options(
                    selectinload(InternalControl.scale).selectinload(Scale.levels),
                    selectinload(InternalControl.points).selectinload(ControlPoint.results)
                    .selectinload(ControlResult.level)),
            ),
        )
    )
    if memo is not None:
        _load_tree(memo.plan)
    return memo


def _load_tree(plan):
    """Every node of the plan in one query, each with its children, its parent and the
    plan's roots set from that one result: the templates walk the tree without a query
    a node. The plan holds its roots and each node its children, so the loaded tree
    lives as long as the memo does (the session alone would forget it). A node's type,
    unit and since/until phase are the plan's, already loaded and held by it."""
    nodes = db.session.scalars(
        select(Node).where(Node.plan_id == plan.id).order_by(Node.position, Node.id)).all()
    by_id = {n.id: n for n in nodes}
    children = {n.id: [] for n in nodes}
    roots = []
    for node in nodes:
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        (children[parent.id] if parent is not None else roots).append(node)
        set_committed_value(node, "parent", parent)
    for node in nodes:
        set_committed_value(node, "children", children[node.id])
    set_committed_value(plan, "root_nodes", [n for n in roots if n.parent_id is None])


def appendix_title(appendix, words=None):
    """The appendix's own heading line, as its plan file words it."""
    words = words or wording.for_appendix(appendix.memo.plan, appendix)
    return words.fill("appendix_title", number=appendix.number,
                      title=appendix.heading or appendix.title) or appendix.heading or appendix.title


def one_line(title):
    """A title of several lines ("Bilaga 2" over its title) as one, for the PDF's outline
    and metadata."""
    return " ".join(title.split())


def document_titles(memo):
    """(key, title) of the memo's documents in order, without rendering any."""
    return [("memo", memo.title)] + [
        (f"bilaga-{a.number}", one_line(appendix_title(a)))
        for a in sorted(memo.appendices, key=lambda a: a.position)]


def documents(memo, preview=False, stamp=None):
    """The memo's print documents. Without ``stamp`` they are drafts and say so on every
    page; with it (signoff.Stamp) they say who signed them, when, and the checksum of
    what was signed."""
    return list(iter_documents(memo, preview, stamp))


def iter_documents(memo, preview=False, stamp=None):
    """The memo's print documents one by one, each written when it is asked for: the
    PDF pipeline lays out the first while the next is written."""
    plan, phase = memo.plan, memo.phase
    followups = {f.node_id: f for f in db.session.scalars(
        select(Followup).where(Followup.phase_id == phase.id)
        .options(selectinload(Followup.level)))}
    tables = {t.key: figures.printed_table(t) for t in plan.tables}
    hyphenate = hyphenates(plan)
    memo_header = _header(plan, phase, memo, _memo_type(memo),
                          _facts(memo.date, memo.diarienummer, memo.handlaggare))
    common = dict(plan=plan, phase=phase, memo=memo, tables=tables, preview=preview,
                  signatures=signatures(memo), stamp=stamp,
                  stylesheet=_static_url("print.css"), icon=_static_url("favicon.svg"),
                  print_ready=partial(html.print_ready, names=hyphenate),
                  hyphenate=hyphenate)
    yield PrintDocument("memo", memo.title, render_template(
        "print/memo.html", header=memo_header, title=memo.title, words=wording.for_plan(plan),
        **common))
    for appendix in sorted(memo.appendices, key=lambda a: a.position):
        words = wording.for_appendix(plan, appendix)
        title = appendix_title(appendix, words)
        document_type = (appendix.document_type if appendix.document_type is not None
                         else DEFAULT_APPENDIX_TYPE)
        header = _header(plan, phase, appendix, document_type,
                         _facts(appendix.date, appendix.diarienummer, appendix.handlaggare))
        options = dict(words=words, hyphenate=hyphenate)
        parts = [Part(appendix, _content(appendix, plan, phase, followups,
                                         f"bilaga-{appendix.number}", **options),
                      orientation=orientation(appendix))]
        for chapter in sorted(appendix.chapters, key=lambda c: c.position):
            anchor = f"kapitel-{chapter.position + 1}"
            turn = orientation(chapter) != parts[-1].orientation
            parts.append(Part(chapter, _content(
                chapter, plan, phase, followups,
                f"bilaga-{appendix.number}-kapitel-{chapter.position + 1}", **options),
                anchor=anchor, orientation=orientation(chapter), turns=turn,
                headings=[(f"{anchor}-avsnitt-{s.position}", s.heading)
                          for s in sorted(chapter.sections, key=lambda s: s.position)
                          if (s.level or 1) == 1]))
        yield PrintDocument(f"bilaga-{appendix.number}", one_line(title), render_template(
            "print/appendix.html", header=header, title=title, appendix=appendix,
            parts=parts, words=words, contents_depth=contents_depth(appendix), **common))


def hyphenates(plan):
    """Words break at a hyphen only where the plan file asks (FORMAT.md 2.1 ``print``)."""
    return bool((plan.print_options or {}).get("hyphenate", False))


def contents_depth(appendix):
    """How deep the table of contents lists headings: 0 for none."""
    if appendix.contents_depth is not None:
        return appendix.contents_depth
    return 1 if appendix.contents else 0


def orientation(part):
    """A part's page orientation: its own, else landscape for internal control."""
    if part.orientation:
        return part.orientation
    return "landscape" if part.kind == "internal_control" else "portrait"


def _static_url(filename):
    """A static file of the preview (stylesheet, icon); also when signing runs outside a
    request (API, CLI)."""
    if has_request_context():
        return url_for("static", filename=filename)
    return f"{current_app.static_url_path}/{filename}"


@dataclass
class Part:
    """An appendix's own content, or one of its chapters, with what it prints."""

    item: object  # Appendix
    content: object
    anchor: str | None = None
    orientation: str = "portrait"
    turns: bool = False  # its orientation differs from the part before it
    headings: list = field(default_factory=list)  # (anchor, text) for the contents


@dataclass
class Signature:
    name: str
    title: str


def signatures(memo):
    """Who signs the memo: its own list, else the organisation's director."""
    if memo.signatures is not None:
        return [Signature(s["name"], s["title"]) for s in memo.signatures]
    plan = memo.plan
    if plan.director_name:
        return [Signature(plan.director_name, plan.director_title or "")]
    return []


def _memo_type(memo):
    if memo.document_type is not None:
        return memo.document_type
    if not memo.recipient:
        return "Tjänsteskrivelse"
    return f"Tjänsteskrivelse till {in_sentence(memo.recipient)}"


def _content(part, plan, phase, followups, chart_prefix, words, hyphenate):
    if part.kind == "plan":
        content = plan_appendix.build(plan.root_nodes, followups, part.node_types or [],
                                      part.layout, phase, words, hyphenate, orientation(part))
        if part.level_chart:
            content.charts = distributions.level_charts(
                plan, phase, set(part.node_types or []), chart_prefix)
        return content
    if part.kind == "internal_control":
        return control_content(plan, phase, part, words, hyphenate)
    return None


# The control table's columns of names (areas, processes): never hyphenated (print.css).
NAME_FIELDS = {"area", "process"}
CONTROL_HEADERS = {"area": "Område", "process": "Process", "risk": "Risk", "control": "Kontroll",
                   "method": "Metod", "results": "Resultat", "comment": "Kommentar"}


@dataclass
class ControlRow:
    point: object
    results: list  # one level (or None) per printed phase
    comment: str | None  # of the document's phase
    keep_together: bool = True  # short enough to stay whole on a page
    merged: set = field(default_factory=set)  # fields that say what the row above says


@dataclass
class ControlContent:
    columns: list  # [(field, header)]
    phases: list
    rows: list
    scale: object
    chart: object = None
    widths: list = field(default_factory=list)  # per printed column, per cent of the table
    not_reported: str = wording.NOT_REPORTED_RESULT
    with_comment: bool = False  # the phase's comment under the last result, in its cell
    given: list = field(default_factory=list)  # per column: its share where the file gives it

    @property
    def printed_columns(self):
        """(field, width in per cent) of each printed column: "result" once a phase."""
        names = [n for name, _ in self.columns
                 for n in (["result"] * len(self.phases) if name == "results" else [name])]
        return list(zip(names, self.widths))

    @property
    def phase_headers(self):
        """The phases' labels as column headers, without the words they all begin
        with: "Uppföljning per april, … per augusti" head their columns "April", "Augusti"."""
        labels = [p.label.split() for p in self.phases]
        common = 0
        if len(labels) > 1:
            while all(len(w) > common + 1 for w in labels) and \
                    len({tuple(w[:common + 1]) for w in labels}) == 1:
                common += 1
        return [" ".join(w[common:])[:1].upper() + " ".join(w[common:])[1:] for w in labels]


def control_content(plan, phase, part, words=None, hyphenate=False):
    """The internal control table as the part says (its ``columns`` and ``phases``), or
    by default every field some point has, and every phase up to the document's."""
    ic = plan.internal_control
    if ic is None:
        return None
    if part.phases is not None:
        chosen = set(part.phases)
        phases = [p for p in plan.phases if p.key in chosen]
    else:
        phases = [p for p in plan.phases if p.position <= phase.position]
    rows = []
    for point in ic.points:
        by_phase = {r.phase_id: r for r in point.results}
        own = by_phase.get(phase.id)
        rows.append(ControlRow(
            point, [by_phase[p.id].level if p.id in by_phase else None for p in phases],
            own.comment if own else None))
    words = words or wording.Wording()
    specs = part.columns if part.columns is not None else [
        {"field": name, "header": words.comment_header if name == "comment" else header}
        for name, header in CONTROL_HEADERS.items()
        if name == "results" or any(_has(row, name) for row in rows)]
    columns = [(c["field"], c["header"]) for c in specs]
    chart = distributions.control_chart(plan, phase, phases=phases) if part.level_chart else None
    content = ControlContent(columns, phases, rows, ic.scale, chart)
    if words.given("not_reported"):
        content.not_reported = words.not_reported
    content.with_comment = any(c["field"] == "results" and c.get("with_comment") for c in specs)
    content.given = [c.get("width") for c in specs]
    _merge_repeats(rows, [c["field"] for c in specs if c.get("merge_repeats")])
    _set_control_table(content, words, hyphenate, orientation(part))
    return content


def _merge_repeats(rows, fields):
    """A field that says so prints only where it differs from the row above."""
    for name in fields:
        for above, row in zip(rows, rows[1:]):
            value = getattr(row.point, name, None)
            if value and value == getattr(above.point, name, None):
                row.merged.add(name)


def _set_control_table(content, words, hyphenate, page):
    """The control table's column widths (a column per phase for the results) and which
    rows stay whole: documents/templates/print/appendix.html, control_table."""
    columns, given = [], []
    mandatory = f"{words.mandatory_control} " if words.mandatory_control else ""
    for (name, header), width in zip(content.columns, content.given):
        if name == "results":
            headers = content.phase_headers
            for i in range(len(content.phases)):
                last = i == len(content.phases) - 1
                columns.append(typeset.Column(headers[i], [
                    [row.results[i].label if row.results[i] else content.not_reported]
                    + (paragraphs(row.comment) if last and content.with_comment else [])
                    for row in content.rows], fit=not (last and content.with_comment),
                    bold=True, hyphenates=hyphenate))
                given.append(width / len(content.phases) if width else None)
        elif name == "comment":
            columns.append(typeset.Column(header, [paragraphs(r.comment) for r in content.rows],
                                          hyphenates=hyphenate))
            given.append(width)
        else:
            columns.append(typeset.Column(header, [
                [(mandatory if name == "control" and r.point.mandatory else "")
                 + ("" if name in r.merged else getattr(r.point, name) or "")]
                for r in content.rows],
                hyphenates=hyphenate and name not in NAME_FIELDS))
            given.append(width)
    content.widths = typeset.given_widths(typeset.widths(columns, page), given)
    for row, keep in zip(content.rows, typeset.keeps(columns, content.widths, page)):
        row.keep_together = keep


def _has(row, name):
    if name == "comment":
        return bool(row.comment)
    return bool(getattr(row.point, name))
