"""The memo's jobs. Signing as a job of the queue (issue 20.4): the director's confirmation is checked and
answered at once; a worker renders and stores the signed version (``signoff.sign``,
which commits the sign-off row and its files together, or nothing), and the page follows
the job until it is done or says in Swedish why nothing was signed. And the documents
laid out ahead of time after each change (issue 20.3), so that a download finds them
ready."""

import json
import time
from dataclasses import dataclass

from celery import shared_task
from celery.exceptions import TimeLimitExceeded
from flask import current_app
from sqlalchemy import select

from followup.core import jobs, pdf, pdf_cache, pdf_queue
from followup.core.errors import NotFound, ServiceError, Unavailable
from followup.core.extensions import db
from followup.memos import freshness, reports, signoff, snapshots
from followup.memos.models import Memo, MemoState
from followup.people import permissions
from followup.people.models import User

SIGN = "followup.sign_memo"


@shared_task(name=SIGN, bind=True)
def sign_memo(job, memo_id, user_id, reason, limit):
    """Sign the memo as the user: {"version", "sha256", "snapshot_sha256"}, or the
    refusal (``jobs.refusal``) that left it as it was."""
    if not job.request.is_eager:
        job.update_state(state="STARTED")
    user = db.session.get(User, user_id)
    memo = db.session.scalar(select(Memo).where(Memo.id == memo_id))
    try:
        if memo is None:
            raise ServiceError("Tjänsteskrivelsen finns inte längre.")
        entry = signoff.sign(user, memo, confirm=True, reason=reason,
                             deadline=time.monotonic() + limit)
    except ServiceError as e:
        return jobs.refusal(e)
    return {"version": entry.version, "sha256": entry.sha256,
            "snapshot_sha256": entry.snapshot_sha256}


def start_signing(user, memo, *, confirm, reason=None):
    """Check what can be checked at once (the signer, the confirmation, the reason where
    items are not approved) and start the job that signs: its result (``signing`` reads
    it). Without a queue the job is done when this returns."""
    permissions.require_approver(user, memo.plan)
    signoff.check_signing(memo, confirm, reason)
    limit = float(current_app.config["SIGN_TIMEOUT"])
    # The job stores nothing after ``limit`` seconds (signoff.sign's deadline); the
    # worker kills it only well after, so a kill never comes between its commit and its
    # report.
    return jobs.start(SIGN, memo.id, user.id, reason, limit,
                      time_limit=limit + KILL_AFTER)


@dataclass
class Signing:
    """Where a signing job stands: ``done`` with ``version``, or ``failed`` with a
    Swedish ``message``; else under way (``started``: being rendered, else queued)."""

    done: bool = False
    started: bool = False
    version: int | None = None
    signed: dict | None = None  # {"version", "sha256", "snapshot_sha256"}
    error: ServiceError | None = None


UNEXPECTED = ("Tjänsteskrivelsen kunde inte fastställas: ett oväntat fel uppstod när "
              "dokumenten skapades. Ingenting har fastställts. Försök igen, och kontakta IT "
              "om felet står kvar.")
# Seconds past SIGN_TIMEOUT after which the worker kills a signing job that still runs.
KILL_AFTER = 120


def signing(result, wait=None):
    """The state of a signing job (its result, or its id); with ``wait`` (seconds) once
    it is done or the time is up."""
    if isinstance(result, str):
        result = jobs.result(result)
    if wait:
        try:
            result.get(timeout=wait, propagate=False, disable_sync_subtasks=False)
        except Exception:  # still under way: said by the state below
            pass
    if result.state == "SUCCESS":
        try:
            value = jobs.outcome(result.result)
        except ServiceError as e:
            return Signing(done=True, error=e)
        return Signing(done=True, version=value["version"], signed=value)
    if result.state == "FAILURE":
        too_long = isinstance(result.result, TimeLimitExceeded)
        return Signing(done=True, error=Unavailable(signoff.TOO_LONG if too_long else UNEXPECTED))
    return Signing(started=result.state == "STARTED")


# --- documents laid out ahead of time (issue 20.3) ------------------------------------

@shared_task(name=reports.PREPARE, bind=True)
def prepare_pdf(job, memo_id, appendix, archival, revision, mark):
    """Prepare the memo's case (or one appendix) at the plan's ``revision`` for the
    download that waits for it (``reports.render_pdf``): {"name"} it is kept under, or
    the refusal that says why there is none."""
    try:
        memo = db.session.get(Memo, memo_id)
        if memo is None:
            raise NotFound("Tjänsteskrivelsen finns inte längre.")
        reports.prepare(memo, appendix, archival, revision)
        return {"name": reports.prepared_name(memo, revision, appendix, archival)}
    except ServiceError as e:
        return jobs.refusal(e)
    finally:
        jobs.release(mark, job.request.id)


@shared_task(name=freshness.REFRESH, bind=True)
def refresh_documents(job, plan_id):
    """Take the sources (plan file and review states) of the plan's memos that are not
    signed, as they read now, and hand them to a job that writes and lays out their
    documents from those alone (``render_sources``). Put off while changes still come in."""
    client = jobs.redis()
    due = float(client.get(freshness.due_key(plan_id)) or 0)
    if due > time.time() + 0.05:
        job.apply_async(args=[plan_id], countdown=due - time.time())
        return {"put_off": round(due - time.time(), 2)}
    started = time.time()
    try:
        # The revision before the snapshot: a change between the two makes the documents
        # newer than their name says, never older.
        revision = reports.documents_revision(plan_id)
        sources = [[snapshots.capture(memo).as_json(), reports.prepared_name(memo, revision)]
                   for memo in db.session.scalars(select(Memo).where(
                       Memo.plan_id == plan_id, Memo.state != MemoState.signed))]
    except Exception:
        freshness.done(plan_id, started)
        raise
    jobs.start(RENDER_SOURCES, sources, plan_id, started)
    return {"memos": len(sources)}


RENDER_SOURCES = "followup.render_sources"


@shared_task(name=RENDER_SOURCES, bind=True)
def render_sources(job, sources, plan_id, started):
    """Write each memo's documents from its source alone (``snapshots``) and lay out
    those not kept yet, the case joined and prepared under its name (``sources``:
    [source, name] pairs): how many were laid out."""
    laid_out = 0
    try:
        for data, name in sources:
            source = snapshots.Source.from_json(data)
            docs = snapshots.documents(source)
            count, case = pdf_queue.render_ahead(docs, docs[0].title, _author(source),
                                                 job.request.id, pdf.time_limit())
            laid_out += count
            if case is not None:  # the next download of the case serves it as it is
                pdf_cache.prepare(name, case)
    finally:
        freshness.done(plan_id, started)
    return {"laid_out": laid_out}


def _author(source):
    """The case's author as the PDF's metadata gives it: the administration."""
    return json.loads(source.snapshot)["organisation"]["administration"]
