"""Start page (by role: the approver's and the reader's are here), the plan list, and
the health check."""

import logging

from flask import (
    Blueprint, Response, current_app, flash, redirect, render_template, request, url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text

from followup.core import jobs
from followup.core.errors import Forbidden, Invalid
from followup.core.extensions import db, limiter
from followup.core.forms import EmptyForm
from followup.followups.models.followup import FollowupState
from followup.memos import overview
from followup.people import permissions
from followup.people.models import Role
from followup.planfile import PlanFileError, transfer

bp = Blueprint("main", __name__, template_folder="templates")
log = logging.getLogger("followup.health")


@bp.get("/")
@login_required
def index():
    """The to-do of the widest duty the user holds on some board: the compiler's review,
    the approver's memos, the reporter's follow-ups, the reader's documents."""
    held = permissions.all_roles(current_user)
    if Role.compiler in held:
        return redirect(url_for("review.index"))
    if Role.approver in held:
        return to_sign()
    if Role.reporter in held:
        return redirect(url_for("followups.mine"))
    if Role.reader in held:
        return documents()
    if Role.admin in held:
        return redirect(url_for("users.index"))
    raise Forbidden("Du har ingen roll i någon nämnd än. Be en administratör om behörighet.")


@bp.get("/att-faststalla")
@login_required
def to_sign():
    """The memos of the boards where the user signs."""
    ready, waiting, signed = overview.approver(current_user)
    return render_template("start/approver.html", ready=ready, waiting=waiting,
                           signed=signed, approved=FollowupState.approved)


@bp.get("/dokument")
@login_required
def documents():
    permissions.require_reads_any(current_user)
    return render_template("start/reader.html", signoffs=overview.latest_signed(current_user))


@bp.get("/planer")
@login_required
def plan_list():
    permissions.require_reads_any(current_user)
    return _plan_list()


def _plan_list(faults=(), error=None, status=200):
    return render_template("index.html",
                           plans=permissions.readable(current_user, transfer.list_plans()),
                           may_import=permissions.compiles_any(current_user),
                           form=EmptyForm(), faults=faults, error=error), status


@bp.post("/planer")
@login_required
def import_plan():
    """A plan file from the browser: imported whole, or not at all with every fault."""
    permissions.require_reads_any(current_user)  # the page it answers with lists the plans
    if not EmptyForm().validate():
        return _plan_list(error="Formuläret hade gått ut. Ladda om sidan och försök igen.",
                          status=400)
    upload = request.files.get("planfil")
    if upload is None or not upload.filename:
        return _plan_list(error="Välj en planfil att importera.", status=422)
    try:
        plan = transfer.upload(current_user, upload.read())
    except PlanFileError as e:
        return _plan_list(faults=e.faults, status=422)
    except Invalid as e:
        return _plan_list(error=e.message, status=422)
    db.session.commit()
    flash(f"Planen {plan.key} är importerad: {plan.board_name} {plan.year}.", "success")
    return redirect(url_for(".plan_list"))


@bp.get("/planer/<plan_key>/planfil")
@login_required
def export_plan(plan_key):
    text = transfer.download(current_user, plan_key)
    return Response(text, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{plan_key}.json"'})


def _queue_answers():
    client = jobs.redis()
    if client is None:
        return True
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any fault of the queue's Redis is "down"
        log.error("healthz: the job queue's Redis (JOBS_BROKER_URL) does not answer")
        return False


@bp.get("/healthz")
@limiter.exempt
def health():
    """For load balancers and monitoring: 200 {"status": "ok"} when the database, the
    login limits' Redis (RATELIMIT_STORAGE_URI redis://…) and the job queue's
    (JOBS_BROKER_URL) answer, where they are set; else 503 {"status": "unavailable",
    "down": [what does not answer]}. Always JSON, never an error page; what failed is
    logged, not shown."""
    down = []
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any fault of the database is "down"
        log.exception("healthz: the database does not answer")
        down.append("database")
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI") or "")
    if uri.split(":", 1)[0].startswith("redis"):
        try:
            ok = limiter.storage.check()
        except Exception:  # noqa: BLE001
            ok = False
        if not ok:
            log.error("healthz: Redis (RATELIMIT_STORAGE_URI) does not answer")
            down.append("redis")
    if not _queue_answers():
        down.append("queue")
    if down:
        return {"status": "unavailable", "down": down}, 503
    return {"status": "ok"}
