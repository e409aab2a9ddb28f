"""A memo → its print documents: the memo itself and each appendix, each a document
of its own (own header block, own page numbering), in order."""

from dataclasses import dataclass, field

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import html
from ..extensions import db
from ..formatting import in_sentence
from ..models import (
    Appendix, ControlPoint, ControlResult, FigureTable, Followup, InternalControl, Memo, Node,
    NodeType, Plan, Scale,
)
from ..services import distributions
from ..services.history import paragraphs
from . import figures, plan_appendix, typeset

DEFAULT_APPENDIX_TYPE = "Bilaga till tjänsteskrivelse"


@dataclass
class PrintDocument:
    key: str  # "memo", "bilaga-1" …
    title: str  # the running header and the PDF's title
    html: str


@dataclass
class Header:
    administration: str
    document_type: str
    date: object
    diarienummer: str | None
    handlaggare: list


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
    db.session.scalars(
        select(Node).where(Node.plan_id == memo.plan_id).options(
            selectinload(Node.children), selectinload(Node.unit))
    ).all()
    return memo


def appendix_title(appendix):
    return f"Bilaga {appendix.number} – {appendix.heading or appendix.title}"


def document_titles(memo):
    """(key, title) of the memo's documents in order, without rendering any."""
    return [("memo", memo.title)] + [
        (f"bilaga-{a.number}", appendix_title(a))
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
    memo_header = Header(plan.administration, _memo_type(memo), memo.date, memo.diarienummer,
                         list(memo.handlaggare or []))
    common = dict(plan=plan, phase=phase, memo=memo, tables=tables, preview=preview,
                  signatures=signatures(memo), stamp=stamp,
                  stylesheet=_static_url("print.css"), icon=_static_url("favicon.svg"),
                  print_ready=html.print_ready)
    yield PrintDocument("memo", memo.title, render_template(
        "print/memo.html", header=memo_header, title=memo.title, **common))
    for appendix in sorted(memo.appendices, key=lambda a: a.position):
        title = appendix_title(appendix)
        header = Header(
            plan.administration, appendix.document_type or DEFAULT_APPENDIX_TYPE,
            appendix.date or memo.date, appendix.diarienummer or memo.diarienummer,
            list(appendix.handlaggare or memo.handlaggare or []))
        parts = [Part(appendix, _content(appendix, plan, phase, followups, f"bilaga-{appendix.number}"))]
        for chapter in sorted(appendix.chapters, key=lambda c: c.position):
            parts.append(Part(chapter, _content(
                chapter, plan, phase, followups,
                f"bilaga-{appendix.number}-kapitel-{chapter.position + 1}"),
                anchor=f"kapitel-{chapter.position + 1}"))
        yield PrintDocument(f"bilaga-{appendix.number}", title, render_template(
            "print/appendix.html", header=header, title=title, appendix=appendix,
            parts=parts, **common))


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
    if not memo.recipient:
        return "Tjänsteskrivelse"
    return f"Tjänsteskrivelse till {in_sentence(memo.recipient)}"


def _content(part, plan, phase, followups, chart_prefix):
    if part.kind == "plan":
        content = plan_appendix.build(plan.root_nodes, followups, part.node_types or [],
                                      part.layout, phase)
        content.charts = distributions.level_charts(plan, phase, set(part.node_types or []),
                                                    chart_prefix)
        return content
    if part.kind == "internal_control":
        return control_content(plan, phase, part)
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


@dataclass
class ControlContent:
    columns: list  # [(field, header)]
    phases: list
    rows: list
    scale: object
    chart: object = None
    widths: list = field(default_factory=list)  # per printed column, per cent of the table

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


def control_content(plan, phase, part):
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
    if part.columns is not None:
        columns = [(c["field"], c["header"]) for c in part.columns]
    else:
        columns = [(name, header) for name, header in CONTROL_HEADERS.items()
                   if name == "results" or any(_has(row, name) for row in rows)]
    content = ControlContent(columns, phases, rows, ic.scale,
                             distributions.control_chart(plan, phase, phases=phases))
    _set_control_table(content)
    return content


def _set_control_table(content):
    """The control table's column widths (a column per phase for the results) and which
    rows stay whole: templates/print/appendix.html, control_table."""
    columns = []
    for name, header in content.columns:
        if name == "results":
            headers = content.phase_headers
            for i in range(len(content.phases)):
                columns.append(typeset.Column(headers[i], [
                    [row.results[i].label if row.results[i] else "Ej rapporterat"]
                    for row in content.rows], fit=True, bold=True))
        elif name == "comment":
            columns.append(typeset.Column(header, [paragraphs(r.comment) for r in content.rows]))
        else:
            columns.append(typeset.Column(header, [
                [("Obligatoriskt kontrollmoment: " if name == "control" and r.point.mandatory
                  else "") + (getattr(r.point, name) or "")] for r in content.rows],
                hyphenates=name not in NAME_FIELDS))
    content.widths = typeset.widths(columns, "landscape")
    for row, keep in zip(content.rows, typeset.keeps(columns, content.widths, "landscape")):
        row.keep_together = keep


def _has(row, name):
    if name == "comment":
        return bool(row.comment)
    return bool(getattr(row.point, name))
