"""Managing users, their roles (on every board or per board) and units (compilers and
administrators)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from followup.core.errors import Forbidden, Invalid
from followup.core.extensions import db
from followup.core.forms import EmptyForm, choices, field_or
from followup.people import oidc, permissions, sso, users
from followup.people.forms import GrantForm, GroupRoleForm, RevokeForm, UserForm, show_user_error
from followup.people.models import BOARD_ROLES, ROLE_LABELS, Role, User

bp = Blueprint("users", __name__, template_folder="../templates", url_prefix="/anvandare")

EVERY_BOARD = ("", "Alla nämnder")


@bp.before_request
@login_required
def require_manager():
    permissions.require_user_manager(current_user)


def _boards():
    """(plan key, label) of the boards where the current user gives roles."""
    return [(plan.key, f"{plan.board_name} ({code})") for code, plan in users.boards().items()
            if permissions.is_admin(current_user) or permissions.is_compiler(current_user, plan)]


def _gives_every_board():
    return permissions.is_admin(current_user) or current_user.role is Role.compiler


def _form(user=None):
    form = UserForm(obj=user) if user else UserForm()
    roles = [r for r in Role if permissions.may_manage(current_user, {r})]
    if user:
        _edit_fields(form, user, roles)
    else:
        form.role.choices = choices([(r.value, ROLE_LABELS[r]) for r in roles])
        boards = _boards()
        form.board.choices = choices(([EVERY_BOARD] if _gives_every_board() else []) + boards)
    form.units.choices = choices([(str(u.id), f"{u.plan.key}: {u.name}")
                                  for u in users.units_for(current_user)])
    return form


def _edit_fields(form, user, roles):
    """A user's form as it changes them: no address (the login), the role on every
    board (roles per board are given below the form)."""
    del form.email
    del form.board
    form.role.label.text = "Roll i alla nämnder"
    offered = roles if _gives_every_board() else [r for r in roles if r is user.role]
    form.role.choices = choices([("", "Ingen: bara rollerna per nämnd")] + [
        (r.value, ROLE_LABELS[r]) for r in offered])
    if not form.is_submitted():
        form.role.data = user.role.value if user.role else ""
        form.units.data = [str(m.unit_id) for m in user.memberships]


def _grant_form(user):
    # Prefixed: the user's own form on the same page has a field "role" too.
    form = GrantForm(prefix="grant")
    form.board.choices = choices(_boards())
    form.unit.choices = _unit_choices()
    form.role.choices = choices([(r.value, ROLE_LABELS[r]) for r in BOARD_ROLES
                                 if permissions.may_manage(current_user, {r})])
    return form


def _manageable(user):
    return permissions.may_manage(current_user, permissions.all_roles(user, stored=True))


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


def _list_page(form, status=200):
    return render_template("admin/users.html", users=users.list_users(), form=form,
                           manageable=_manageable, roles=users.role_summary), status


@bp.get("/")
def index():
    return _list_page(_form())


@bp.post("/")
def create():
    form = _form()
    if form.validate() and _saved(form, form.email, "skapad", lambda: users.create_user_as(
            current_user, form.email.data, form.name.data, form.role.data,
            form.password.data or "", form.units.data, board=form.board.data or None)):
        return redirect(url_for(".index"))
    return _list_page(form, 422)


def _managed_user(user_id):
    user = db.get_or_404(User, user_id)
    if not _manageable(user):
        raise Forbidden("Bara en administratör får ändra användare med rollen "
                        f"{users.role_summary(user).lower()}.")
    return user


def _edit_page(user, form, grant_form=None, status=200):
    return render_template("admin/user_edit.html", user=user, form=form,
                           may_edit_account=permissions.manages_account(current_user, user),
                           grant_form=grant_form or _grant_form(user), revoke_form=RevokeForm(),
                           boards=users.boards(), roles=users.role_summary,
                           may_change=_may_change), status


def _may_change(plan, role):
    """Whether the current user may take ``role`` on ``plan``'s board away."""
    return permissions.is_admin(current_user) or (
        permissions.is_compiler(current_user, plan) and permissions.may_manage(current_user, {role}))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id):
    user = _managed_user(user_id)
    form = _form(user)
    if form.validate_on_submit() and _saved(form, form.name, "sparad", lambda: users.update_user(
            current_user, user, name=form.name.data, role=form.role.data,
            unit_ids=form.units.data, active=form.active.data,
            password=form.password.data or None)):
        return redirect(url_for(".index"))
    return _edit_page(user, form, status=422 if form.is_submitted() else 200)


@bp.post("/<int:user_id>/roller")
def grant(user_id):
    """Give the user a role on one board (a reporter also a unit of it)."""
    user = _managed_user(user_id)
    form = _grant_form(user)
    if form.validate():
        try:
            users.grant(current_user, user, form.role.data, users.find_plan(form.board.data),
                        form.unit.data or None)
        except users.UserError as e:
            show_user_error(form, e, form.role)
        else:
            db.session.commit()
            flash(f"{user.name} har fått rollen.", "success")
            return redirect(url_for(".edit", user_id=user.id))
    return _edit_page(user, _form(user), form, 422)


@bp.post("/<int:user_id>/roller/ta-bort")
def revoke(user_id):
    user = _managed_user(user_id)
    form = RevokeForm()
    if not form.validate():
        flash("Formuläret hade gått ut. Ladda om sidan och försök igen.", "error")
        return redirect(url_for(".edit", user_id=user.id))
    try:
        users.revoke(current_user, user, form.role.data, users.find_plan(form.board.data))
    except users.UserError as e:
        flash(str(e).capitalize() + ".", "error")
    else:
        db.session.commit()
        flash(f"{user.name} har inte längre rollen.", "success")
    return redirect(url_for(".edit", user_id=user.id))


# The provider's groups and the roles they give (sign-in with the municipality's account)

def _mapping_form():
    form = GroupRoleForm()
    form.role.choices = choices([(r.value, ROLE_LABELS[r]) for r in Role])
    form.board.choices = choices([("", "Alla nämnder")] + [
        (plan.key, f"{plan.board_name} ({code})") for code, plan in users.boards().items()])
    form.unit.choices = _unit_choices()
    return form


def _unit_choices():
    """A unit by its key (the service checks it is the chosen board's), named by the
    plan it is in."""
    return choices([("", "Ingen")] + [(u.key, f"{u.plan.key}: {u.name}")
                                      for u in users.units_for(current_user)])


def _require_admin():
    if not permissions.is_admin(current_user):
        raise Forbidden("Bara en administratör kopplar grupper till roller.")


@bp.route("/grupper", methods=["GET", "POST"])
def groups():
    """Which group of the municipality's accounts gives which role on which board."""
    _require_admin()
    form = _mapping_form()
    status = 200
    if form.validate_on_submit():
        try:
            sso.add_mapping(current_user, form.group.data, form.role.data,
                            form.board.data or None, form.unit.data or None)
        except Invalid as e:
            field_or(form, e.field, form.group).errors.append(e.message)
        else:
            db.session.commit()
            flash(f"Gruppen {form.group.data.strip()} ger nu rollen.", "success")
            return redirect(url_for(".groups"))
    if form.errors:
        status = 422
    return render_template("admin/groups.html", form=form, mappings=sso.mappings(),
                           boards=users.boards(), remove=EmptyForm(),
                           configured=oidc.configured()), status


@bp.post("/grupper/<int:mapping_id>/ta-bort")
def remove_group(mapping_id):
    _require_admin()  # the form's token is checked for every post (CSRFProtect)
    try:
        row = sso.remove_mapping(current_user, mapping_id)
    except Invalid as e:
        flash(e.message, "error")
    else:
        db.session.commit()
        flash(f"Gruppen {row.group} ger inte längre rollen.", "success")
    return redirect(url_for(".groups"))
