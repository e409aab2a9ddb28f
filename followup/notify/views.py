"""Notifications in the browser: the list (what the e-mails said) and the settings,
where each user turns the kinds they do not want off."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from followup.core.forms import EmptyForm
from followup.notify import mailer, notifications

bp = Blueprint("notices", __name__, template_folder="templates")


@bp.before_request
@login_required
def require_login():
    pass


@bp.get("/aviseringar")
def inbox():
    items = notifications.for_user(current_user)
    unread = {n.id for n in items if n.read_at is None}
    notifications.mark_read(current_user)
    return render_template("notices/inbox.html", items=items, unread=unread)


@bp.route("/konto/aviseringar", methods=["GET", "POST"])
def settings():
    form = EmptyForm()
    kinds = notifications.kinds_for(current_user)
    if request.method == "POST" and form.validate():
        notifications.set_preferences(current_user, set(request.form.getlist("kind")))
        flash("Dina val är sparade.", "success")
        return redirect(url_for(".settings"))
    return render_template("notices/settings.html", form=form, kinds=kinds,
                           off=notifications.opted_out(current_user),
                           mail_on=mailer.is_configured())
