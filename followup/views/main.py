"""Start page and health check."""

from flask import Blueprint, render_template
from sqlalchemy import text

from ..extensions import db
from ..services import plans

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template("index.html", plans=plans.list_plans())


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
