"""Follow-ups in the browser: my follow-ups, a phase's overview, the edit page,
review actions, autosave and history."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from followup.core import html
from followup.core.errors import Conflict, Invalid, ServiceError
from followup.core.extensions import db
from followup.core.formatting import local_time
from followup.followups import boards
from followup.followups import followups as fu
from followup.followups import history, todo
from followup.followups.forms import FollowupForm, ReturnForm, VersionForm
from followup.followups.lifecycle import STATE_LABELS
from followup.followups.models.followup import FollowupState
from followup.memos.models import Memo
from followup.people import permissions
from followup.plans import lookup

bp = Blueprint("followups", __name__, template_folder="../templates")

PHASE = "/plans/<plan_key>/phases/<phase_key>"
NODE = PHASE + "/nodes/<node_key>"


@bp.before_request
@login_required
def require_login():
    pass


def locate(plan_key, phase_key, node_key=None):
    permissions.require_read_key(current_user, plan_key)
    return lookup.locate(plan_key, phase_key, node_key)


@bp.get("/mina")
def mine():
    """Mina uppföljningar: what the reporter has to do, returned entries first."""
    return render_template("followups/mine.html", todo=todo.reporter(current_user))


@bp.get(PHASE + "/")
def phase_view(plan_key, phase_key):
    plan, phase, _ = locate(plan_key, phase_key)
    items = fu.phase_overview(plan, phase)
    only_mine = bool(request.args.get("mina")) and bool(current_user.memberships)
    if only_mine:
        items = fu.mine(current_user, items)
    board_counts = {key: boards.level_counts(entries) for key, entries in
                    boards.sourcing(plan, phase.key).items()} if is_municipal(plan) else None
    return render_template("followups/phase.html", plan=plan, phase=phase, only_mine=only_mine,
                           groups=fu.grouped_by_goal(items), counts=fu.state_counts(items),
                           board_counts=board_counts,
                           has_memo=Memo.state_in(phase) is not None,
                           is_compiler=permissions.is_compiler(current_user, plan))


def is_municipal(plan):
    return plan.level == "municipality"


def _edit_context(plan, phase, node, cur):
    previous = fu.previous_phase(phase)
    is_compiler = permissions.is_compiler(current_user, plan)
    board_entries = boards.sourcing(plan, phase.key, [node.key]).get(node.key, []) \
        if is_municipal(plan) else None
    return dict(
        board_entries=board_entries,
        board_counts=boards.level_counts(board_entries or []),
        plan=plan, phase=phase, node=node, cur=cur,
        ancestors=fu.ancestors(node),
        actions=[c for c in node.children if c.type.scale_id is None and not c.archived],
        previous=fu.current(node, previous) if previous else None,
        refusal=permissions.edit_refusal(current_user, node, phase, cur.state),
        is_compiler=is_compiler,
        reviewing=is_compiler and cur.state in SENT,
        neighbours=todo.neighbours(plan, phase, cur) if is_compiler else None,
        # A reporter whose follow-up is sent in is led on to the next one to write.
        onward=todo.next_to_write(current_user, plan, phase, cur)
        if permissions.is_reporter(current_user, plan) and cur.state in SENT else None,
        return_form=ReturnForm(formdata=None, version=cur.version),
        version_form=VersionForm(formdata=None, version=cur.version),
    )


@bp.get(NODE)
def edit(plan_key, phase_key, node_key):
    plan, phase, node = locate(plan_key, phase_key, node_key)
    cur = fu.current(node, phase)
    form = FollowupForm(formdata=None, version=cur.version,
                        level=cur.level.key if cur.level else "", comment=cur.comment or "")
    context = _edit_context(plan, phase, node, cur)
    if request.args.get("kopiera") and context["previous"] and context["previous"].followup:
        prev = context["previous"]
        form.level.data = prev.level.key if prev.level else ""
        form.comment.data = prev.comment or ""
        flash(f"Texten från {prev.phase.label.lower()} är inkopierad men inte sparad.", "info")
    return render_template("followups/edit.html", form=form, **context)


@bp.post(NODE)
def save(plan_key, phase_key, node_key):
    plan, phase, node = locate(plan_key, phase_key, node_key)
    form = FollowupForm()
    if not form.validate():
        if form.version.errors:
            abort(400)
        # What was written stays in the form, with the message under its field.
        return render_template("followups/edit.html", form=form, **_edit_context(
            plan, phase, node, fu.current(node, phase))), 422
    submit = request.form.get("action") == "submit"
    try:
        saved = fu.save(current_user, node, phase, level_key=form.level.data or None,
                        comment=form.comment.data, version=form.version.data, submit=submit)
    except Conflict as e:
        return conflict_page(plan, phase, node, e.current, form), 409
    except Invalid as e:
        form[e.field if e.field in ("level", "comment") else "comment"].errors.append(e.message)
        cur = fu.current(node, phase)
        return render_template("followups/edit.html", form=form,
                               **_edit_context(plan, phase, node, cur)), 422
    db.session.commit()
    flash(saved_message(saved.state, submit), "success")
    return redirect(url_for(".edit", plan_key=plan.key, phase_key=phase.key, node_key=node.key))


def readable(comment):
    """A comment as the page shows it: through the allowlist, formatted. A text too
    long for it is shown as plain text (saving it is refused with the limit)."""
    try:
        return html.print_ready(html.sanitize(comment or ""))
    except html.TextTooLong:
        return Markup("<p>") + escape(comment) + Markup("</p>")


def conflict_page(plan, phase, node, theirs, form):
    """Both texts formatted, with a form that takes the user's own text back into the
    editor on top of the saved version (a plain form: it works without JavaScript)."""
    return render_template(
        "followups/conflict.html", plan=plan, phase=phase, node=node, theirs=theirs,
        theirs_comment=readable(theirs.comment) if theirs.comment else None,
        form=FollowupForm(formdata=None, version=theirs.version, level=form.level.data,
                          comment=form.comment.data),
        mine_level=node.type.scale.level(form.level.data)
        if node.type.scale and form.level.data else None,
        mine_comment=readable(form.comment.data) if html.has_text(form.comment.data) else None,
        refusal=permissions.edit_refusal(current_user, node, phase, theirs.state))


@bp.post(NODE + "/min-text")
def reopen_mine(plan_key, phase_key, node_key):
    """The conflict page's "Fortsätt med min text": the edit page with the user's own
    text (and level) in the editor, based on the version saved meanwhile, which is shown
    beside it. Nothing is saved until the user saves."""
    plan, phase, node = locate(plan_key, phase_key, node_key)
    form = FollowupForm()
    if not form.validate() and (form.version.errors or form.csrf_token.errors):
        abort(400)
    cur = fu.current(node, phase)
    context = _edit_context(plan, phase, node, cur)
    if context["refusal"]:
        flash(context["refusal"], "error")
        return redirect(url_for(".edit", plan_key=plan.key, phase_key=phase.key,
                                node_key=node.key))
    if form.version.data != cur.version:  # saved again meanwhile: compare once more
        return conflict_page(plan, phase, node, cur, form), 409
    flash("Din text är tillbaka i redigeraren men inte sparad. Den sparade versionen står "
          "bredvid: för över det som ska vara kvar och spara.", "info")
    return render_template("followups/edit.html", form=form, theirs=cur,
                           theirs_comment=readable(cur.comment) if cur.comment else None,
                           **context)


@bp.post(NODE + "/autosave")
def autosave(plan_key, phase_key, node_key):
    """The editor's periodic draft save: JSON in and out, CSRF token in a header."""
    _, phase, node = locate(plan_key, phase_key, node_key)
    form = FollowupForm()
    if not form.validate():
        if form.version.errors:
            return jsonify(error="Ogiltig begäran."), 400
        return jsonify(error=" ".join(form.comment.errors + form.level.errors)), 422
    try:
        saved = fu.save(current_user, node, phase, level_key=form.level.data or None,
                        comment=form.comment.data, version=form.version.data, source="autosave")
    except Conflict as e:
        return jsonify(error=e.message, version=e.current.version), 409
    except ServiceError as e:
        return jsonify(error=e.message), e.status
    db.session.commit()
    # The time as the history shows it (Swedish time), not the device's clock.
    return jsonify(version=saved.version, state=saved.state.value,
                   saved_at=local_time(saved.row.updated_at)[-5:])


SENT = (FollowupState.submitted, FollowupState.approved)


def saved_message(state, submitted):
    """What a save did, in words that match the state it left."""
    if submitted:
        return "Uppföljningen är inskickad för granskning."
    if state in SENT:
        return f"Ändringen är sparad. Uppföljningen är fortfarande {STATE_LABELS[state].lower()}."
    return "Utkastet är sparat."


def _review_action(plan_key, phase_key, node_key, action, success, onward=False):
    """``onward``: a review that is done leads on to the next follow-up waiting for
    review, as the page's "Nästa" does, instead of staying on the one just done."""
    plan, phase, node = locate(plan_key, phase_key, node_key)
    following = todo.neighbours(plan, phase, fu.current(node, phase)).next if onward else None
    try:
        action(plan, phase, node)
    except (Conflict, Invalid) as e:
        flash(e.message, "error")
        following = None
    else:
        db.session.commit()
        flash(success + (" Här är nästa att granska." if following else ""), "success")
    if following is not None:
        endpoint, arguments = following.link
        return redirect(url_for(endpoint, **arguments))
    return redirect(url_for(".edit", plan_key=plan.key, phase_key=phase.key, node_key=node.key))


@bp.post(NODE + "/return")
def return_for_changes(plan_key, phase_key, node_key):
    form = ReturnForm()
    if not form.validate():
        flash("Skriv en anmärkning så att handläggaren vet vad som ska ändras.", "error")
        return redirect(url_for(".edit", plan_key=plan_key, phase_key=phase_key, node_key=node_key))
    return _review_action(
        plan_key, phase_key, node_key,
        lambda plan, phase, node: fu.return_for_changes(current_user, node, phase,
                                                        form.remark.data, form.version.data),
        "Uppföljningen är återremitterad till handläggaren.", onward=True)


TRANSITIONS = {
    "approve": (fu.approve, "Uppföljningen är godkänd."),
    "submit": (fu.submit, "Uppföljningen är inskickad för granskning."),
}


@bp.post(NODE + "/<any(approve, submit):action>")
def transition(plan_key, phase_key, node_key, action):
    form = VersionForm()
    if not form.validate():
        abort(400)
    service, success = TRANSITIONS[action]
    return _review_action(
        plan_key, phase_key, node_key,
        lambda plan, phase, node: service(current_user, node, phase, form.version.data),
        success, onward=action == "approve")


@bp.get(NODE + "/historik")
def history_view(plan_key, phase_key, node_key):
    plan, phase, node = locate(plan_key, phase_key, node_key)
    revisions = history.revisions(node, phase)
    versions = [r.version for r in revisions]
    old = request.args.get("fran", type=int)
    new = request.args.get("till", type=int)
    if revisions:
        new = new if new in versions else versions[-1]
        old = old if old in versions else (versions[-2] if len(versions) > 1 else versions[-1])
    comparison = history.compare(revisions, old, new) if revisions else None
    previous = fu.previous_phase(phase)
    since_previous = history.since_previous_phase(node, phase, previous) if previous else None
    return render_template("followups/history.html", plan=plan, phase=phase, node=node,
                           revisions=revisions, old=old, new=new, comparison=comparison,
                           previous=previous, since_previous=since_previous,
                           authors=history.author_names(revisions))
