"""Rendering a phase's memo and appendices: HTML for the preview, PDF to download."""

from sqlalchemy import select

from followup.core import pdf, pdf_cache, pdf_layout
from followup.core.errors import NotFound
from followup.core.extensions import db
from followup.memos import content
from followup.memos.models import Memo
from followup.plans.models.plan import Plan
from followup.plans.lookup import locate
from followup.tables import figures, tables


def find_memo(plan_key, phase_key, loaded=True):
    """The phase's memo, with everything its documents print (``loaded``) or alone (a
    download that finds its PDF prepared needs no more)."""
    plan, phase, _ = locate(plan_key, phase_key)
    memo = db.session.scalar(select(Memo).where(Memo.phase_id == phase.id))
    if memo is None:
        raise NotFound(f"{phase.label} i planen {plan.key} har ingen tjänsteskrivelse.")
    return content.load_memo(memo.id) if loaded else memo


def load(memo_id):
    """A memo with everything its documents print."""
    return content.load_memo(memo_id)


def documents(memo, appendix=None, preview=False):
    """The memo's print documents; with ``appendix`` (a number) only that one."""
    if appendix is None:
        return content.documents(memo, preview=preview)
    return [_appendix(memo, appendix, preview)]


def _appendix(memo, number, preview=False):
    # Written up to the one asked for, not every appendix after it.
    chosen = next((d for d in content.iter_documents(memo, preview=preview)
                   if d.key == f"bilaga-{number}"), None)
    if chosen is None:
        raise NotFound(f"Tjänsteskrivelsen har ingen bilaga {number}.")
    return chosen


def render_pdf(memo, appendix=None, archival=False):
    """The case (memo and appendices) or one appendix as one PDF: as prepared for the
    plan's revision, else written and laid out now (the documents that are kept are not
    laid out again) and prepared for the next download."""
    # Not waiting for a refresh under way: writing the HTML here and laying out only what
    # is not kept (a document in flight is waited for, pdf_queue) had the fresh PDF sooner
    # (bench/ready.py: 1.0 s against 1.5 s on the 2023 case, 13 s against 17 s on ×16).
    data = prepared_pdf(memo, appendix, archival)
    if data is None:
        name = _current_name(memo, appendix, archival)
        data = _render(content.load_memo(memo.id), appendix, archival)
        pdf_cache.prepare(name, data)
    return data


def prepared_pdf(memo, appendix=None, archival=False):
    """The PDF prepared for the plan's revision, or None."""
    return pdf_cache.prepared(_current_name(memo, appendix, archival))


def _current_name(memo, appendix, archival):
    return prepared_name(memo, documents_revision(memo.plan_id), appendix, archival)


def documents_revision(plan_id):
    """What a plan's documents were made at: the plan's revision; for the municipality's
    plan also its year's boards' plans' revisions, whose follow-ups it prints (2.2)."""
    level, year, revision = db.session.execute(
        select(Plan.level, Plan.year, Plan.revision).where(Plan.id == plan_id)).one()
    if level != "municipality":
        return str(revision)
    boards = db.session.execute(select(Plan.id, Plan.revision).where(
        Plan.year == year, Plan.id != plan_id).order_by(Plan.id)).all()
    return f"{revision}|" + ",".join(f"{i}:{r}" for i, r in boards)


def prepared_name(memo, revision, appendix=None, archival=False):
    """The name a memo's PDF is prepared under: its memo and plan (the plan's import time
    too: a plan imported again may get the same ids), the plan's revision, which
    document and variant, and the code that writes it."""
    return pdf_layout.digest("prepared", str(memo.id), memo.plan.created_at.isoformat(),
                             str(revision), str(appendix), "archival" if archival else "pdf",
                             pdf_cache.code_digest())


def _render(memo, appendix=None, archival=False):
    """The case's documents are laid out as they are written, each while the next is
    being written."""
    if appendix is not None:
        doc = _appendix(memo, appendix)
        return pdf.render_case([doc], title=doc.title, author=memo.plan.administration,
                               archival=archival)
    return pdf.render_case(content.iter_documents(memo), title=memo.title,
                           author=memo.plan.administration, archival=archival)


def first_page_image(memo, part):
    """PNG of the first page of an appendix as it prints, or of the page where one of
    its chapters begins."""
    report = part.parent or part
    doc = documents(memo, report.number)[0]
    anchor = f"kapitel-{part.position + 1}" if part.parent is not None else None
    return pdf.first_page_png(doc.html, anchor)


def file_name(memo, appendix=None, archival=False):
    base = f"{memo.plan.key}-{memo.phase.key}"
    if appendix is not None:
        base += f"-bilaga-{appendix}"
    return base + ("-arkiv" if archival else "") + ".pdf"


def table_warnings(memo):
    """The warnings of the tables the memo's documents print (named by its sections, its
    appendices, their chapters and their sections), in the plan's order: a table no
    document prints is no concern of the memo."""
    shown = tables.tables_named_by(memo)
    return [w for t in memo.plan.tables if t.key in shown
            for w in figures.printed_table(t).warnings]


def signer_names(memo):
    from followup.people.models import User

    ids = {i for s in memo.signoffs for i in (s.signed_by_id, s.reopened_by_id) if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
