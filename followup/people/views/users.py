"""Managing users, their roles and units (compilers and administrators)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from followup.core.errors import Forbidden
from followup.core.extensions import db
from followup.core.forms import choices
from followup.people import permissions, users
from followup.people.forms import UserForm, show_user_error
from followup.people.models import ROLE_LABELS, Role, User

bp = Blueprint("users", __name__, template_folder="../templates", url_prefix="/anvandare")


@bp.before_request
@login_required
def require_manager():
    permissions.require_user_manager(current_user)


def _form(user=None):
    form = UserForm(obj=user) if user else UserForm()
    if user:
        del form.email  # the address is the login; it does not change here
    roles = [r for r in Role if permissions.may_manage(current_user, r)]
    form.role.choices = choices([(r.value, ROLE_LABELS[r]) for r in roles])
    if user and not form.is_submitted():
        form.role.data = user.role.value
        form.units.data = [str(m.unit_id) for m in user.memberships]
    form.units.choices = choices([(str(u.id), f"{u.plan.key}: {u.name}")
                                  for u in users.all_units()])
    return form


def _manageable(user):
    return permissions.may_manage(current_user, user.role)


def _saved(form, field, done, change):
    """Makes the change and commits it, or shows why not on the form (at ``field`` where
    the refusal names no field of its own)."""
    try:
        user = change()
    except users.UserError as e:
        show_user_error(form, e, field)
        return False
    db.session.commit()
    flash(f"{user.name} är {done}.", "success")
    return True


@bp.get("/")
def index():
    return render_template("admin/users.html", users=users.list_users(), form=_form(),
                           manageable=_manageable)


@bp.post("/")
def create():
    form = _form()
    if form.validate() and _saved(form, form.email, "skapad", lambda: users.create_user_as(
            current_user, form.email.data, form.name.data, form.role.data,
            form.password.data or "", form.units.data)):
        return redirect(url_for(".index"))
    return render_template("admin/users.html", users=users.list_users(), form=form,
                           manageable=_manageable), 422


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id):
    user = db.get_or_404(User, user_id)
    if not _manageable(user):
        raise Forbidden("Bara en administratör får ändra användare med rollen "
                        f"{ROLE_LABELS[user.role].lower()}.")
    form = _form(user)
    if form.validate_on_submit() and _saved(form, form.name, "sparad", lambda: users.update_user(
            current_user, user, name=form.name.data, role=form.role.data,
            unit_ids=form.units.data, active=form.active.data,
            password=form.password.data or None)):
        return redirect(url_for(".index"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_edit.html", user=user, form=form), status
