"""Signing as a job of the queue (issue 20.4): the director's confirmation is checked and
answered at once; a worker renders and stores the signed version (``signoff.sign``,
which commits the sign-off row and its files together, or nothing), and the page follows
the job until it is done or says in Swedish why nothing was signed."""

from dataclasses import dataclass

from celery import shared_task
from celery.exceptions import TimeLimitExceeded
from flask import current_app
from sqlalchemy import select

from followup.core import jobs
from followup.core.errors import ServiceError, Unavailable
from followup.core.extensions import db
from followup.memos import signoff
from followup.memos.models import Memo
from followup.people.models import User

SIGN = "followup.sign_memo"


@shared_task(name=SIGN, bind=True)
def sign_memo(job, memo_id, user_id, reason):
    """Sign the memo as the user: {"version", "sha256", "snapshot_sha256"}, or the
    refusal (``jobs.refusal``) that left it as it was."""
    if not job.request.is_eager:
        job.update_state(state="STARTED")
    user = db.session.get(User, user_id)
    memo = db.session.scalar(select(Memo).where(Memo.id == memo_id))
    try:
        if memo is None:
            raise ServiceError("Tjänsteskrivelsen finns inte längre.")
        entry = signoff.sign(user, memo, confirm=True, reason=reason)
    except ServiceError as e:
        return jobs.refusal(e)
    return {"version": entry.version, "sha256": entry.sha256,
            "snapshot_sha256": entry.snapshot_sha256}


def start_signing(user, memo, *, confirm, reason=None):
    """Check what can be checked at once (the signer, the confirmation, the reason where
    items are not approved) and start the job that signs: its result (``signing`` reads
    it). Without a queue the job is done when this returns."""
    signoff.require_approver(user)
    signoff.check_signing(memo, confirm, reason)
    return jobs.start(SIGN, memo.id, user.id, reason,
                      time_limit=current_app.config["SIGN_TIMEOUT"])


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
TOO_LONG = ("Tjänsteskrivelsen kunde inte fastställas: det tog för lång tid att skapa "
            "dokumenten, och arbetet avbröts. Ingenting har fastställts. Försök igen om en "
            "stund, och kontakta IT om felet står kvar.")


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
        return Signing(done=True, error=Unavailable(TOO_LONG if too_long else UNEXPECTED))
    return Signing(started=result.state == "STARTED")
