"""Rendering a phase's memo and appendices: HTML for the preview, PDF to download."""

import uuid

from celery.exceptions import TimeLimitExceeded, TimeoutError
from sqlalchemy import func, select

from followup.core import jobs, pdf, pdf_cache, pdf_layout
from followup.core.errors import NotFound, RenderFailed
from followup.core.extensions import db
from followup.memos import content
from followup.memos.models import Appendix, Memo
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


PREPARE = "followup.prepare_pdf"


def render_pdf(memo, appendix=None, archival=False):
    """The case (memo and appendices) or one appendix as one PDF: as prepared for the
    plan's revision, else written and laid out now (the documents that are kept are not
    laid out again) and prepared for the next download. With a job queue a worker
    prepares it, and an app server only serves files."""
    # Not waiting for a refresh under way, which first waits for quiet and takes the
    # plan's snapshot: preparing at once has the fresh PDF sooner (docs/benchmarks.md).
    revision = documents_revision(memo.plan_id)
    name = prepared_name(memo, revision, appendix, archival)
    data = pdf_cache.prepared(name)
    if data is None:
        if jobs.queued() and not jobs.in_job():
            data = _prepared_by_worker(memo.id, appendix, archival, revision, name)
        else:
            data = prepare(memo, appendix, archival, revision)
    return data


def prepare(memo, appendix, archival, revision):
    """Write the memo's documents from the database, lay out those not kept, and keep
    the case (or the appendix) under its name at ``revision``: its PDF."""
    data = _render(content.load_memo(memo.id), appendix, archival)
    pdf_cache.prepare(prepared_name(memo, revision, appendix, archival), data)
    return data


def _prepared_by_worker(memo_id, appendix, archival, revision, name):
    """The PDF that a job of the queue prepares, waited for: the one job in flight for
    ``name``, else a new one. Writing a large case takes memory that an app server would
    keep for as long as it runs."""
    if appendix is not None and not db.session.scalar(select(Appendix.id).where(
            Appendix.memo_id == memo_id, Appendix.number == appendix,
            Appendix.parent_id.is_(None))):
        raise NotFound(f"Tjänsteskrivelsen har ingen bilaga {appendix}.")
    client = jobs.redis()
    mark = f"{jobs.PREFIX}preparing:{name}"
    # Each document may take a layout's time limit: the job is stopped after all of theirs.
    limit = pdf.time_limit() * (1 if appendix is not None else _documents(memo_id))
    wait = limit + PREPARE_QUEUE_WAIT
    job_id = str(uuid.uuid4())
    if client.set(mark, job_id, nx=True, ex=int(wait)):
        jobs.task(PREPARE).apply_async(args=[memo_id, appendix, archival, revision, mark],
                                       task_id=job_id, time_limit=limit)
    else:
        job_id = (client.get(mark) or b"").decode()
    if not job_id:  # done a moment ago
        return pdf_cache.prepared(name) or _prepared_by_worker(
            memo_id, appendix, archival, revision, name)
    try:
        outcome = jobs.result(job_id).get(timeout=wait, propagate=False,
                                          disable_sync_subtasks=False)
    except TimeoutError:
        raise RenderFailed(NOT_PREPARED) from None
    jobs.release(mark, job_id)  # a job that was stopped: the next download tries again
    if isinstance(outcome, TimeLimitExceeded):
        raise RenderFailed(NOT_IN_TIME.format(seconds=pdf.seconds_text(limit)))
    if isinstance(outcome, BaseException):
        raise RenderFailed(NOT_PREPARED)
    # A refusal raised again, in its words; else the file under the name the worker gave
    # it (its code's, which in the middle of an update may not be this server's).
    data = pdf_cache.prepared(jobs.outcome(outcome)["name"])
    if data is None:
        raise RenderFailed(NOT_PREPARED)
    return data


def _documents(memo_id):
    """How many documents the memo's case has: the memo and its appendices."""
    return 1 + db.session.scalar(select(func.count()).select_from(Appendix).where(
        Appendix.memo_id == memo_id, Appendix.parent_id.is_(None)))


# How much longer than one layout's limit a download waits for the job that prepares it:
# the time it may wait behind other jobs.
PREPARE_QUEUE_WAIT = 300
NOT_IN_TIME = ("PDF:en kunde inte skapas: det tog längre än {seconds}, och arbetet avbröts så "
               "att det inte skulle hindra annat. Det beror oftast på en text med listor eller "
               "stycken i väldigt många nivåer inuti varandra: gör den plattare och försök "
               "igen, och kontakta IT om felet står kvar.")
NOT_PREPARED = ("PDF:en kunde inte skapas just nu. Försök igen om en stund, och kontakta "
                "IT om felet står kvar.")


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
