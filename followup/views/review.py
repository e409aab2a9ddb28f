"""The compiler's pages: what waits for review, progress per phase, bulk approval,
opening and closing phases."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import FollowupState
from ..services import followups as fu
from ..services import distributions, permissions, phases, todo
from ..services.errors import Frozen
from ..services.progress import Filters, progress
from ..formatting import count
from .forms import BulkApproveForm, PhaseForm

bp = Blueprint("review", __name__, url_prefix="/granskning")


@bp.before_request
@login_required
def require_compiler():
    permissions.require_compiler(current_user)


@bp.get("/")
def index():
    """Att granska: per phase that is open or has something sent in, what waits, per unit."""
    return render_template("review/todo.html", phases=todo.compiler())


FILTERS = ("enhet", "typ", "lage", "forsenade")


def filter_args():
    """The board's filters from the query, and nothing else: other parameters must not
    reach url_for, where one named like the route's own (plan_key) would collide."""
    return {k: request.args[k] for k in FILTERS if k in request.args}


@bp.get("/<plan_key>/<phase_key>")
def board(plan_key, phase_key):
    plan, phase, _ = fu.locate(plan_key, phase_key)
    filters = Filters(
        unit=request.args.get("enhet") if request.args.get("enhet") not in (None, "*") else None,
        type=request.args.get("typ") or None,
        state=request.args.get("lage") or None,
        overdue=request.args.get("forsenade") == "1",
    )
    return render_template(
        "review/board.html", plan=plan, phase=phase, filters=filters,
        result=progress(plan, phase, filters), states=list(FollowupState),
        filter_args=filter_args(),
        charts=[*distributions.level_charts(plan, phase),
                *[c for c in [distributions.control_chart(plan, phase)] if c]],
        form=BulkApproveForm(), phase_forms={
            p.key: PhaseForm(formdata=None, obj=p, prefix=p.key) for p in plan.phases},
        frozen={p.key for p in plan.phases if permissions.phase_is_frozen(p)},
    )


@bp.post("/<plan_key>/<phase_key>/godkann")
def approve_many(plan_key, phase_key):
    plan, phase, _ = fu.locate(plan_key, phase_key)
    form = BulkApproveForm()
    if form.validate() and form.nodes.data and not form.confirmed.data:
        chosen = [c for c in fu.phase_overview(plan, phase) if c.node.key in form.nodes.data]
        return render_template("review/confirm.html", plan=plan, phase=phase, form=form,
                               chosen=chosen, args=request.args)
    if form.validate():
        approved, refused = fu.approve_many(current_user, phase, form.nodes.data)
        if approved:
            flash(f"{count(len(approved), 'uppföljning godkändes', 'uppföljningar godkändes')}.",
                  "success")
        names = {c.node.key: f"{c.node.type.label} {c.node.number or ''} {c.node.title}"
                 for c in fu.phase_overview(plan, phase) if c.node.key in refused}
        for key, reason in refused.items():
            flash(f"{' '.join(names.get(key, key).split())}: {reason}", "error")
        if not approved and not refused:
            flash("Markera de uppföljningar som ska godkännas.", "info")
    return redirect(url_for(".board", plan_key=plan.key, phase_key=phase.key, **filter_args()))


@bp.post("/<plan_key>/faser/<phase_key>")
def update_phase(plan_key, phase_key):
    plan, phase, _ = fu.locate(plan_key, phase_key)
    form = PhaseForm(prefix=phase.key)
    if not form.validate():
        for errors in form.errors.values():
            for message in errors:
                flash(f"{phase.label}: {message}", "error")
    else:
        try:
            phases.update(current_user, phase, label=form.label.data,
                          period_end=form.period_end.data, deadline=form.deadline.data,
                          is_open=form.is_open.data)
        except Frozen as e:
            flash(e.message, "error")
        else:
            flash(f"{phase.label} är sparad"
                  f"{' och öppen för rapportering' if phase.is_open else ''}.", "success")
    target = request.form.get("tillbaka") or phase.key
    return redirect(url_for(".board", plan_key=plan.key, phase_key=target))
