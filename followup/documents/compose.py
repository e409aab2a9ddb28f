"""A memo → its print documents: the memo itself and each appendix, each a document
of its own (own header block, own page numbering), in order."""

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Appendix, ControlPoint, ControlResult, FigureTable, Followup, InternalControl, Memo, Node,
    NodeType, Plan, Scale,
)
from ..services import distributions
from . import figures, plan_appendix

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
            selectinload(Memo.appendices).selectinload(Appendix.sections),
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
        select(Node).where(Node.plan_id == memo.plan_id).options(selectinload(Node.children))
    ).all()
    return memo


def appendix_title(appendix):
    return f"Bilaga {appendix.number} – {appendix.heading or appendix.title}"


def document_titles(memo):
    """(key, title) of the memo's documents in order, without rendering any."""
    return [("memo", memo.title)] + [
        (f"bilaga-{a.number}", appendix_title(a))
        for a in sorted(memo.appendices, key=lambda a: a.position)]


def documents(memo, preview=False):
    plan, phase = memo.plan, memo.phase
    followups = {f.node_id: f for f in db.session.scalars(
        select(Followup).where(Followup.phase_id == phase.id)
        .options(selectinload(Followup.level)))}
    tables = {t.key: figures.printed_table(t) for t in plan.tables}
    memo_header = Header(plan.administration, _memo_type(memo), memo.date, memo.diarienummer,
                         list(memo.handlaggare or []))
    common = dict(plan=plan, phase=phase, memo=memo, tables=tables, preview=preview)
    out = [PrintDocument("memo", memo.title, render_template(
        "print/memo.html", header=memo_header, title=memo.title, **common))]
    for appendix in sorted(memo.appendices, key=lambda a: a.position):
        title = appendix_title(appendix)
        header = Header(
            plan.administration, appendix.document_type or DEFAULT_APPENDIX_TYPE,
            appendix.date or memo.date, appendix.diarienummer or memo.diarienummer,
            list(appendix.handlaggare or memo.handlaggare or []))
        content = _content(appendix, plan, phase, followups)
        out.append(PrintDocument(f"bilaga-{appendix.number}", title, render_template(
            "print/appendix.html", header=header, title=title, appendix=appendix,
            content=content, **common)))
    return out


def _memo_type(memo):
    if not memo.recipient:
        return "Tjänsteskrivelse"
    return f"Tjänsteskrivelse till {memo.recipient[:1].lower()}{memo.recipient[1:]}"


def _content(appendix, plan, phase, followups):
    if appendix.kind == "plan":
        content = plan_appendix.build(plan.root_nodes, followups, appendix.node_types or [])
        content.charts = distributions.level_charts(plan, phase, set(appendix.node_types or []),
                                                    f"bilaga-{appendix.number}")
        return content
    if appendix.kind == "internal_control":
        return _control_rows(plan, phase)
    return None


@dataclass
class ControlRow:
    point: object
    results: list  # one level (or None) per printed phase
    comments: list  # (phase, comment html)

    @property
    def keep_together(self):
        p = self.point
        return plan_appendix.fits_page(p.risk, p.control, p.method, *(c for _, c in self.comments),
                                       limit=1200)


@dataclass
class ControlContent:
    phases: list
    rows: list
    scale: object
    chart: object = None


def _control_rows(plan, phase):
    ic = plan.internal_control
    if ic is None:
        return None
    phases = [p for p in plan.phases if p.position <= phase.position]
    rows = []
    for point in ic.points:
        by_phase = {r.phase_id: r for r in point.results}
        rows.append(ControlRow(
            point,
            [by_phase[p.id].level if p.id in by_phase else None for p in phases],
            [(p, by_phase[p.id].comment) for p in phases
             if p.id in by_phase and by_phase[p.id].comment]))
    return ControlContent(phases, rows, ic.scale, distributions.control_chart(plan, phase))


def table_warnings(memo):
    """Where reported totals and computed ones disagree, for the compiler's eyes."""
    return [w for t in memo.plan.tables for w in figures.printed_table(t).warnings]
