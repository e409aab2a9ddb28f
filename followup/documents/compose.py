"""A memo → its print documents: the memo itself and each appendix, each a document
of its own (own header block, own page numbering), in order.

What they print comes loaded (``Case``, gathered by memos/content.py): writing a
document runs no query and calls no operation of another package; it only turns the
case into HTML."""

from dataclasses import dataclass, field
from functools import partial

from flask import current_app, has_request_context, render_template, url_for

from followup.core import formatting, html, typeset
from followup.core.formatting import in_sentence
from followup.documents import plan_appendix, wording
from followup.documents.plan_appendix import Piece

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


@dataclass
class Entry:
    """A node's follow-up in the document's phase: its level, its comment (HTML) and
    the comment's paragraphs as plain text (what a table's widths are estimated from)."""

    level: object = None
    comment: str | None = None
    text: list = field(default_factory=list)


@dataclass
class Case:
    """Everything a memo's documents print, loaded before any of them is written
    (memos/content.py): the memo with its plan's tree, and what operations make of it."""

    memo: object  # Memo, its plan's tree and internal control loaded
    entries: dict  # node id → Entry of the memo's phase
    tables: dict  # key → the printed table (tables/figures.py)
    control_texts: dict = field(default_factory=dict)  # control point id → its comment's paragraphs
    charts: dict = field(default_factory=dict)  # part (appendix or chapter) id → what it charts
    # municipal node key → [plan_appendix.BoardLine]: the boards' follow-ups (FORMAT.md 2.2)
    boards: dict = field(default_factory=dict)


def appendices(memo):
    return sorted(memo.appendices, key=lambda a: a.position)


def chapters(appendix):
    return sorted(appendix.chapters, key=lambda c: c.position)


def parts(appendix):
    """(part, chart id prefix) of an appendix: itself, then each of its chapters."""
    prefix = f"bilaga-{appendix.number}"
    return [(appendix, prefix)] + [(c, f"{prefix}-kapitel-{c.position + 1}")
                                   for c in chapters(appendix)]


def memo_document(case, preview=False, stamp=None):
    """The memo as a print document. Without ``stamp`` it is a draft and says so on
    every page; with it (signoff.Stamp) it says who signed it, when, and the checksum
    of what was signed."""
    memo = case.memo
    plan, phase = memo.plan, memo.phase
    header = _header(plan, phase, memo, _memo_type(memo),
                     _facts(memo.date, memo.diarienummer, memo.handlaggare))
    return PrintDocument("memo", memo.title, render_template(
        "print/memo.html", header=header, title=memo.title, words=wording.for_plan(plan),
        **_common(case, preview, stamp)))


def appendix_document(case, appendix, preview=False, stamp=None):
    """One appendix as a print document: its own content, then its chapters."""
    plan, phase = case.memo.plan, case.memo.phase
    words = wording.for_appendix(plan, appendix)
    title = appendix_title(appendix, words)
    document_type = (appendix.document_type if appendix.document_type is not None
                     else DEFAULT_APPENDIX_TYPE)
    header = _header(plan, phase, appendix, document_type,
                     _facts(appendix.date, appendix.diarienummer, appendix.handlaggare))
    common = _common(case, preview, stamp)
    return PrintDocument(f"bilaga-{appendix.number}", one_line(title), render_template(
        "print/appendix.html", header=header, title=title, appendix=appendix,
        parts=_parts(case, appendix, words, common["hyphenate"]), words=words,
        contents_depth=contents_depth(appendix), **common))


def _common(case, preview, stamp):
    memo = case.memo
    hyphenate = hyphenates(memo.plan)
    return dict(plan=memo.plan, phase=memo.phase, memo=memo, tables=case.tables,
                preview=preview, signatures=signatures(memo), stamp=stamp,
                stylesheet=_static_url("print.css"), icon=_static_url("favicon.svg"),
                print_ready=partial(html.print_ready, names=hyphenate), hyphenate=hyphenate)


def _parts(case, appendix, words, hyphenate):
    out = [Part(appendix, _content(case, appendix, words, hyphenate),
                orientation=orientation(appendix))]
    for chapter in chapters(appendix):
        anchor = f"kapitel-{chapter.position + 1}"
        out.append(Part(
            chapter, _content(case, chapter, words, hyphenate), anchor=anchor,
            orientation=orientation(chapter), turns=orientation(chapter) != out[-1].orientation,
            headings=[(f"{anchor}-avsnitt-{s.position}", s.heading)
                      for s in sorted(chapter.sections, key=lambda s: s.position)
                      if (s.level or 1) == 1]))
    return out


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


def _content(case, part, words, hyphenate):
    memo = case.memo
    if part.kind == "plan":
        content = plan_appendix.build(memo.plan.root_nodes, case.entries, part.node_types or [],
                                      part.layout, memo.phase, words, hyphenate, orientation(part),
                                      case.boards)
        content.charts = case.charts.get(part.id) or []
        return content
    if part.kind == "internal_control":
        return control_content(case, part, words, hyphenate)
    return None


# The control table's columns of names (areas, processes): never hyphenated (print.css).
NAME_FIELDS = {"area", "process"}


@dataclass
class ControlRow:
    point: object
    results: list  # one level (or None) per printed phase
    comment: str | None  # of the document's phase
    text: list = field(default_factory=list)  # the comment's paragraphs as plain text
    keep_together: bool = True  # short enough to stay whole on a page
    merged: set = field(default_factory=set)  # fields that say what the row above says
    cells: list = field(default_factory=list)  # ControlCell per printed column


@dataclass
class ControlCell:
    """One cell of the control table: its class and what it prints (plan_appendix.Piece)."""

    classes: str
    pieces: list

    @property
    def lines(self):
        return [line for p in self.pieces for line in p.lines]


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
        return list(zip(self._printed_names(), self.widths))

    def _printed_names(self):
        return [n for name, _ in self.columns
                for n in (["result"] * len(self.phases) if name == "results" else [name])]

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


def control_phases(plan, phase, part):
    """The phases whose results the part prints: its own ``phases``, else every phase
    up to the document's."""
    if part.phases is not None:
        chosen = set(part.phases)
        return [p for p in plan.phases if p.key in chosen]
    return [p for p in plan.phases if p.position <= phase.position]


def control_content(case, part, words=None, hyphenate=False):
    """The internal control table as the part says (its ``columns`` and ``phases``), or
    by default every field some point has, and every phase up to the document's."""
    plan, phase = case.memo.plan, case.memo.phase
    ic = plan.internal_control
    if ic is None:
        return None
    phases = control_phases(plan, phase, part)
    rows = [_control_row(point, phases, phase, case.control_texts) for point in ic.points]
    words = words or wording.Wording()
    specs = part.columns if part.columns is not None else _default_columns(rows, words)
    content = ControlContent([(c["field"], c["header"]) for c in specs], phases, rows, ic.scale,
                             case.charts.get(part.id))
    if words.given("not_reported"):
        content.not_reported = words.not_reported
    content.with_comment = any(c["field"] == "results" and c.get("with_comment") for c in specs)
    content.given = [c.get("width") for c in specs]
    _merge_repeats(rows, [c["field"] for c in specs if c.get("merge_repeats")])
    _set_control_table(content, words, hyphenate, orientation(part))
    return content


def _control_row(point, phases, phase, texts):
    by_phase = {r.phase_id: r for r in point.results}
    own = by_phase.get(phase.id)
    return ControlRow(point, [by_phase[p.id].level if p.id in by_phase else None for p in phases],
                      own.comment if own else None, texts.get(point.id, []))


def _default_columns(rows, words):
    """Without ``columns``: every field some point has, under the default headers."""
    return [{"field": name, "header": words.comment_header if name == "comment" else header}
            for name, header in wording.CONTROL_HEADERS.items()
            if name == "results" or any(_has(row, name) for row in rows)]


def _merge_repeats(rows, fields):
    """A field that says so prints only where it differs from the row above."""
    for name in fields:
        for above, row in zip(rows, rows[1:]):
            value = getattr(row.point, name, None)
            if value and value == getattr(above.point, name, None):
                row.merged.add(name)


def _set_control_table(content, words, hyphenate, page):
    """Each row's cells, what the control table prints (documents/templates/print/
    appendix.html, control_table lays them out); from them the column widths (a column
    per phase for the results) and which rows stay whole."""
    for row in content.rows:
        row.cells = _control_cells(row, content, words)
    columns, given = [], []
    for (name, header), width in zip(content.columns, content.given):
        if name == "results":
            columns += [_result_column(content, i, header, hyphenate)
                        for i, header in enumerate(content.phase_headers)]
            given += [width / len(content.phases) if width else None] * len(content.phases)
        else:
            columns.append(typeset.Column(header, [], hyphenates=hyphenate and (
                name == "comment" or name not in NAME_FIELDS)))
            given.append(width)
    for i, column in enumerate(columns):
        column.cells = [row.cells[i].lines for row in content.rows]
    content.widths = typeset.given_widths(typeset.widths(columns, page), given)
    for row, keep in zip(content.rows, typeset.keeps(columns, content.widths, page)):
        row.keep_together = keep


def _result_column(content, i, header, hyphenate):
    last = i == len(content.phases) - 1
    return typeset.Column(header, fit=not (last and content.with_comment), bold=True,
                          hyphenates=hyphenate)


def _control_cells(row, content, words):
    """A row's cells in the order of the printed columns, a result cell per phase."""
    cells = []
    for name, _ in content.columns:
        if name == "results":
            cells += [_result_cell(row, content, i) for i in range(len(content.phases))]
        else:
            cells.append(_control_cell(name, row, words))
    return cells


def _result_cell(row, content, i):
    level = row.results[i]
    label = level.label if level else content.not_reported
    pieces = [Piece("text", label, [label])]
    if i == len(content.phases) - 1 and content.with_comment:
        pieces.append(Piece("result_comment", row.comment, row.text))
    return ControlCell(f"result tone-{level.tone if level else 'none'}", pieces)


def _control_cell(name, row, words):
    point = row.point
    if name == "comment":
        return ControlCell("comment", [Piece("comment", row.comment, row.text)])
    if name == "control":
        mandatory = words.mandatory_control if point.mandatory else ""
        text = point.control or ""
        return ControlCell("f-control", [Piece("control", (mandatory, text),
                                               [f"{mandatory} {text}" if mandatory else text])])
    text = "" if name in row.merged else getattr(point, name) or ""
    return ControlCell(f"f-{name}", [Piece("text", text, [text])])


def _has(row, name):
    if name == "comment":
        return bool(row.comment)
    return bool(getattr(row.point, name))
