"""Notifications in the browser: the list (what the e-mails said) and the settings,
where each user turns the kinds they do not want off."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectMultipleField

from followup.core.extensions import db
from followup.core.forms import Form
from followup.notify import mailer, notifications

bp = Blueprint("notices", __name__, template_folder="templates")


class SettingsForm(Form):
    # The kinds left on, one checkbox each (the template draws them): any other is off.
    kind = SelectMultipleField(choices=[], validate_choice=False)


@bp.before_request
@login_required
def require_login():
    pass


@bp.get("/aviseringar")
def inbox():
    items = notifications.for_user(current_user)
    unread = {n.id for n in items if n.read_at is None}
    notifications.mark_read(current_user)
    db.session.commit()
    return render_template("notices/inbox.html", items=items, unread=unread)


@bp.route("/konto/aviseringar", methods=["GET", "POST"])
def settings():
    form = SettingsForm()
    kinds = notifications.kinds_for(current_user)
    if request.method == "POST" and form.validate():
        notifications.set_preferences(current_user, set(form.kind.data or []))
        db.session.commit()
        flash("Dina val är sparade.", "success")
        return redirect(url_for(".settings"))
    return render_template("notices/settings.html", form=form, kinds=kinds,
                           off=notifications.opted_out(current_user),
                           mail_on=mailer.is_configured())
