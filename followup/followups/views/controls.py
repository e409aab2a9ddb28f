"""Internal control in the browser: results per phase, and the control points."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from followup.core.errors import Conflict, Invalid
from followup.core.extensions import db
from followup.core.forms import EmptyForm, choices
from followup.followups import controls, history, todo
from followup.followups.forms import ControlPointForm, FollowupForm, ReturnForm, VersionForm
from followup.followups.models.followup import FollowupState
from followup.people import access, permissions
from followup.plans import lookup

bp = Blueprint("controls", __name__, template_folder="../templates")

PHASE = "/plans/<plan_key>/phases/<phase_key>/internkontroll"
POINTS = "/plans/<plan_key>/internkontroll"


bp.before_request(access.require_plan_reader)


@bp.get(PHASE + "/")
def index(plan_key, phase_key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    items = controls.phase_results(plan, phase)
    mine = {m.unit_id for m in current_user.memberships}
    return render_template("controls/index.html", plan=plan, phase=phase, items=items, mine=mine,
                           is_compiler=permissions.is_compiler(current_user, plan))


def _page(plan, phase, cur, form, status=200, theirs=None):
    revisions = controls.revisions(cur.point, phase)
    changes = [(r, history.diff(prev.comment, r.comment)[0])
               for prev, r in zip([None, *revisions], revisions) if prev is not None]
    is_compiler = permissions.is_compiler(current_user, plan)
    return render_template(
        "controls/edit.html", plan=plan, phase=phase, cur=cur, form=form, theirs=theirs,
        refusal=permissions.edit_refusal(current_user, cur.point, phase, cur.state),
        is_compiler=is_compiler, revisions=revisions, changes=changes,
        reviewing=is_compiler and cur.state in (FollowupState.submitted, FollowupState.approved),
        neighbours=todo.neighbours(plan, phase, cur) if is_compiler else None,
        # A reporter whose control result is sent in is led on to the next one to write.
        onward=todo.next_to_write(current_user, plan, phase, cur)
        if permissions.is_reporter(current_user, plan)
        and cur.state in (FollowupState.submitted, FollowupState.approved) else None,
        authors=history.author_names(revisions),
        return_form=ReturnForm(formdata=None, version=cur.version),
        version_form=VersionForm(formdata=None, version=cur.version)), status


@bp.get(PHASE + "/<key>")
def edit(plan_key, phase_key, key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    cur = controls.current(controls.find_point(plan, key), phase)
    form = FollowupForm(formdata=None, version=cur.version,
                        level=cur.level.key if cur.level else "", comment=cur.comment or "")
    return _page(plan, phase, cur, form)


@bp.post(PHASE + "/<key>")
def save(plan_key, phase_key, key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    point = controls.find_point(plan, key)
    form = FollowupForm()
    if not form.validate():
        if form.version.errors:
            abort(400)
        return _page(plan, phase, controls.current(point, phase), form, 422)
    submit = request.form.get("action") == "submit"
    try:
        saved = controls.save(current_user, point, phase, level_key=form.level.data or None,
                              comment=form.comment.data, version=form.version.data,
                              submit=submit)
    except Conflict as e:
        merge = FollowupForm(formdata=None, version=e.current.version, level=form.level.data,
                             comment=form.comment.data)
        return _page(plan, phase, e.current, merge, 409, theirs=e.current)
    except Invalid as e:
        form[e.field if e.field in ("level", "comment") else "comment"].errors.append(e.message)
        return _page(plan, phase, controls.current(point, phase), form, 422)
    db.session.commit()
    if submit:
        flash("Resultatet är inskickat för granskning.", "success")
    elif saved.state in (FollowupState.submitted, FollowupState.approved):
        flash(f"Ändringen är sparad. Resultatet är fortfarande "
              f"{'inskickat' if saved.state is FollowupState.submitted else 'godkänt'}.", "success")
    else:
        flash("Utkastet är sparat.", "success")
    return redirect(url_for(".edit", plan_key=plan_key, phase_key=phase_key, key=key))


REVIEW = {
    "approve": (controls.approve, "Resultatet är godkänt."),
    "submit": (controls.submit, "Resultatet är inskickat för granskning."),
}


@bp.post(PHASE + "/<key>/<any(approve, submit, return):action>")
def review(plan_key, phase_key, key, action):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    point = controls.find_point(plan, key)
    try:
        if action == "return":
            form = ReturnForm()
            if not form.validate():
                raise Invalid("Skriv en anmärkning så att handläggaren vet vad som ska ändras.")
            controls.return_for_changes(current_user, point, phase, form.remark.data,
                                        form.version.data)
            db.session.commit()
            flash("Resultatet är återremitterat.", "success")
        else:
            form = VersionForm()
            if not form.validate():
                abort(400)
            service, message = REVIEW[action]
            service(current_user, point, phase, form.version.data)
            db.session.commit()
            flash(message, "success")
    except (Conflict, Invalid) as e:
        flash(e.message, "error")
    return redirect(url_for(".edit", plan_key=plan_key, phase_key=phase_key, key=key))


def _point_form(plan, point=None, prefix="ny"):
    receiving = request.method == "POST"
    form = ControlPointForm(formdata=request.form if receiving else None,
                            obj=None if receiving else point, prefix=prefix)
    form.unit.choices = choices([("", "Ingen enhet")] + [(u.key, u.name) for u in plan.units])
    if point is not None and not receiving:
        form.unit.data = point.unit.key if point.unit else ""
        form.process_name.data = point.process
    return form


@bp.get(POINTS + "/")
def points(plan_key):
    plan = lookup.find_plan(plan_key)
    permissions.require_compiler(current_user, plan)
    ic = plan.internal_control
    return render_template(
        "controls/points.html", plan=plan,
        forms=[(p, _point_form(plan, p, f"p{p.id}")) for p in (ic.points if ic else [])],
        new=_point_form(plan), button=EmptyForm())


def _point_values(form):
    return dict(area=form.area.data, process=form.process_name.data, risk=form.risk.data,
                control=form.control.data, method=form.method.data,
                mandatory=form.mandatory.data, unit_key=form.unit.data)


@bp.post(POINTS + "/")
@bp.post(POINTS + "/<key>")
def save_point(plan_key, key=None):
    plan = lookup.find_plan(plan_key)
    permissions.require_compiler(current_user, plan)
    point = controls.find_point(plan, key) if key else None
    form = _point_form(plan, point, f"p{point.id}" if point else "ny")
    if not form.validate():
        flash("Beskriv kontrollen.", "error")
    else:
        try:
            if point is None:
                controls.add_point(current_user, plan, key=form.key.data, **_point_values(form))
            else:
                controls.update_point(current_user, plan, point, **_point_values(form))
        except Invalid as e:
            flash(e.message, "error")
        else:
            db.session.commit()
            flash("Kontrollmomentet är sparat.", "success")
    return redirect(url_for(".points", plan_key=plan_key))


@bp.post(POINTS + "/<key>/<any(upp, ner):direction>")
def move_point(plan_key, key, direction):
    plan = lookup.find_plan(plan_key)
    permissions.require_compiler(current_user, plan)
    if EmptyForm().validate():
        controls.move_point(current_user, plan, controls.find_point(plan, key),
                            -1 if direction == "upp" else 1)
        db.session.commit()
    return redirect(url_for(".points", plan_key=plan_key))
