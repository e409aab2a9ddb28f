"""Start page (by role: the approver's and the reader's are here), the plan list, and
the health check."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from ..extensions import db
from ..models import FollowupState, Role
from ..services import permissions, plans, todo

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    if current_user.role is Role.reporter:
        return redirect(url_for("followups.mine"))
    if current_user.role is Role.admin:
        return redirect(url_for("users.index"))
    if current_user.role is Role.compiler:
        return redirect(url_for("review.index"))
    permissions.require_read(current_user)
    if current_user.role is Role.approver:
        ready, waiting, signed = todo.approver()
        return render_template("start/approver.html", ready=ready, waiting=waiting,
                               signed=signed, approved=FollowupState.approved)
    return render_template("start/reader.html", signoffs=todo.latest_signed())


@bp.get("/planer")
@login_required
def plan_list():
    permissions.require_read(current_user)
    return render_template("index.html", plans=plans.list_plans())


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
