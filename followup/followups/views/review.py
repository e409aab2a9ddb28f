"""The compiler's pages: what waits for review, progress per phase, bulk approval,
opening and closing phases."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectMultipleField

from followup.core.errors import Frozen
from followup.core.extensions import db
from followup.core.formatting import count
from followup.followups import distributions
from followup.followups import progress as progress_service
from followup.followups import todo
from followup.followups.forms import BulkApproveForm
from followup.followups.models.followup import FollowupState
from followup.followups.progress import Filters, progress
from followup.people import access, permissions
from followup.plans import lookup, phases
from followup.plans.forms import PhaseForm

bp = Blueprint("review", __name__, template_folder="../templates", url_prefix="/granskning")


bp.before_request(access.require_plan_compiler)


@bp.get("/")
def index():
    """Att granska: per phase that is open or has something sent in, what waits, per unit."""
    return render_template("review/todo.html", phases=todo.compiler(current_user))


FILTERS = ("enhet", "typ", "lage", "forsenade")


def filter_args():
    """The board's filters from the query, and nothing else: other parameters must not
    reach url_for, where one named like the route's own (plan_key) would collide."""
    return {k: request.args[k] for k in FILTERS if k in request.args}


@bp.get("/<plan_key>/<phase_key>")
def board(plan_key, phase_key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    filters = Filters(
        unit=request.args.get("enhet") if request.args.get("enhet") not in (None, "*") else None,
        type=request.args.get("typ") or None,
        state=request.args.get("lage") or None,
        overdue=request.args.get("forsenade") == "1",
    )
    result = progress(plan, phase, filters)
    results = sum(not progress_service.is_followup(e) for e, _ in result.items)
    listed = count(len(result.items) - results, "uppföljning", "uppföljningar") + (
        f" och {count(results, 'kontrollresultat', 'kontrollresultat')}" if results else "")
    return render_template(
        "review/board.html", plan=plan, phase=phase, filters=filters, listed=listed,
        result=result, states=list(FollowupState),
        filter_args=filter_args(), control_type=progress_service.CONTROL_TYPE,
        control_label=progress_service.CONTROL_LABEL,
        charts=[*distributions.level_charts(plan, phase),
                *[c for c in [distributions.control_chart(plan, phase)] if c]],
        form=BulkApproveForm(), phase_forms={
            p.key: PhaseForm(formdata=None, obj=p, prefix=p.key) for p in plan.phases},
        frozen={p.key for p in plan.phases if permissions.phase_is_frozen(p)},
    )


class ReviewApproveForm(BulkApproveForm):
    """The board's bulk approval: follow-ups (``nodes``) and control results (``controls``)."""

    controls = SelectMultipleField("Kontrollresultat", validate_choice=False)


def amount(followups, results):
    """"3 uppföljningar och 1 kontrollresultat", leaving out a kind there is none of."""
    parts = [count(followups, "uppföljning", "uppföljningar") if followups else "",
             count(results, "kontrollresultat", "kontrollresultat") if results else ""]
    return " och ".join(p for p in parts if p)


@bp.post("/<plan_key>/<phase_key>/godkann")
def approve_many(plan_key, phase_key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    form = ReviewApproveForm()
    picked = bool(form.nodes.data or form.controls.data)
    if form.validate() and picked and not form.confirmed.data:
        chosen = todo.chosen(plan, phase, form.nodes.data, form.controls.data)
        results = sum(not progress_service.is_followup(e) for e in chosen)
        return render_template("review/confirm.html", plan=plan, phase=phase, form=form,
                               chosen=chosen, what=amount(len(chosen) - results, results),
                               args=filter_args())
    if form.validate():
        done = todo.approve_chosen(current_user, plan, phase, form.nodes.data,
                                   form.controls.data)
        db.session.commit()
        if done.followups or done.controls:
            flash(f"{amount(done.followups, done.controls)} godkändes.", "success")
        for what, reason in done.refused:
            flash(f"{what}: {reason}", "error")
        if not picked:
            flash("Markera de uppföljningar och kontrollresultat som ska godkännas.", "info")
    return redirect(url_for(".board", plan_key=plan.key, phase_key=phase.key, **filter_args()))


@bp.post("/<plan_key>/faser/<phase_key>")
def update_phase(plan_key, phase_key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
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
            db.session.commit()
            flash(f"{phase.label} är sparad"
                  f"{' och öppen för rapportering' if phase.is_open else ''}.", "success")
    target = request.form.get("tillbaka") or phase.key
    return redirect(url_for(".board", plan_key=plan.key, phase_key=target))
