"""Users: create them with a role and units, list them."""

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from followup.core.extensions import db
from followup.core.security_log import event
from followup.people import passwords, tokens
from followup.people.models import ROLE_LABELS, Role, UnitMembership, User
from followup.plans.models.plan import Plan, Unit

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """Input that cannot make a user; the message is Swedish, and ``field`` names what
    it is about (email, name, password, current, role, units) so a form can show it
    there."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def parse_role(value):
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise UserError(f'"{value}" är ingen roll; välj en av {names}', "role") from None


def find_units(specs):
    """``["SCN-2023:bou", …]`` → Unit objects, or UserError naming the first that is wrong."""
    units = []
    for spec in specs:
        plan_key, sep, unit_key = spec.partition(":")
        if not sep or not plan_key or not unit_key:
            raise UserError(f'"{spec}" ska skrivas PLAN:ENHET, t.ex. SCN-2023:bou', "units")
        unit = db.session.scalar(
            select(Unit).join(Plan).where(Plan.key == plan_key, Unit.key == unit_key)
        )
        if unit is None:
            raise UserError(f'enheten "{unit_key}" finns inte i planen {plan_key}', "units")
        units.append(unit)
    return units


def _check_role_change(actor, role, target=None):
    """Separated duties: a compiler manages reporters and readers only; approvers,
    compilers and administrators are made, changed and given passwords by an
    administrator. So nobody who compiles can also sign, or log in as one who signs."""
    from followup.people import permissions

    permissions.require_user_manager(actor)
    if permissions.is_admin(actor):
        return
    for r in (role, target.role if target is not None else None):
        if r is not None and r not in permissions.COMPILER_MANAGED_ROLES:
            raise UserError("bara en administratör får skapa eller ändra användare med rollen "
                            f"{ROLE_LABELS[r].lower()}", "role")


def all_units():
    return db.session.scalars(
        select(Unit).join(Plan).options(selectinload(Unit.plan)).order_by(Plan.key, Unit.position)
    ).all()


def create_user_as(actor, email, name, role, password, unit_ids=()):
    role = parse_role(role) if isinstance(role, str) else role
    _check_role_change(actor, role)
    return create_user(email, name, role, password, units=_units_by_id(unit_ids))


def update_user(actor, user, *, name, role, unit_ids, active, password=None):
    """Change a user. A new password, a new role or a deactivation ends every session
    the user has: what they could do before must not outlive the change. Everything is
    checked before anything changes."""
    role = parse_role(role) if isinstance(role, str) else role
    _check_update(actor, user, name, role, active, password)
    wanted = {u.id: u for u in _units_by_id(unit_ids)}
    if password:
        user.set_password(password)
        tokens.revoke_all(user, "password")
    if password or role is not user.role or (user.active and not active):
        user.end_sessions()
        event("user.changed", user_id=user.id, by=actor.id, password=bool(password),
              role=f"{user.role.value}->{role.value}", active=bool(active))
    user.name = name.strip()
    user.role = role
    user.active = bool(active)
    _set_units(user, wanted)
    return user


def _check_update(actor, user, name, role, active, password):
    """What update_user refuses: a role the actor may not give, no name, one's own role
    or access, a weak password."""
    _check_role_change(actor, role, user)
    if not name.strip():
        raise UserError("namnet får inte vara tomt", "name")
    if user.id == actor.id and (not active or role is not user.role):
        raise UserError("du kan inte ändra din egen roll eller stänga av dig själv", "role")
    if password:
        _check_password(password, name, user.email)


def _set_units(user, wanted):
    """The user's memberships: those of ``wanted`` ({unit id: unit}) kept, the rest made."""
    had = {m.unit_id for m in user.memberships}
    user.memberships = [m for m in user.memberships if m.unit_id in wanted] + [
        UnitMembership(unit=u) for uid, u in wanted.items() if uid not in had]


def _units_by_id(unit_ids):
    ids = {int(i) for i in unit_ids}
    units = db.session.scalars(select(Unit).where(Unit.id.in_(ids))).all() if ids else []
    if len(units) != len(ids):
        raise UserError("en vald enhet finns inte", "units")
    return units


def _check_password(password, name, email):
    refused = passwords.refusal(password, name, email)
    if refused:
        raise UserError(refused, "password")


def change_own_password(user, current, new):
    """The user's own new password, given the current one. Every other session of the
    user ends, and every API token is revoked (it was made under the old password);
    returns the names of the revoked tokens. The caller logs the current one in again."""
    if not user.check_password(current or ""):
        raise UserError("det nuvarande lösenordet stämmer inte", "current")
    _check_password(new or "", user.name, user.email)
    user.set_password(new)
    user.end_sessions()
    revoked = tokens.revoke_all(user, "password")
    event("password.changed", user_id=user.id, tokens_revoked=len(revoked))
    return revoked


def create_user(email, name, role, password, unit_specs=(), units=()):
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise UserError(f'"{email}" är ingen e-postadress', "email")
    if not name.strip():
        raise UserError("namnet får inte vara tomt", "name")
    _check_password(password or "", name, email)
    role = parse_role(role) if isinstance(role, str) else role
    if db.session.scalar(select(User).where(User.email == email)):
        raise UserError(f"det finns redan en användare med e-postadressen {email}", "email")
    units = list(units) + find_units(unit_specs)
    user = User(email=email, name=name.strip(), role=role)
    user.set_password(password)
    user.memberships = [UnitMembership(unit=u) for u in units]
    db.session.add(user)
    db.session.flush()  # its id, for the log
    event("user.created", user_id=user.id, role=role.value)
    return user


# Checked against when the e-mail is unknown, so that both cases take as long.
_DUMMY_HASH = None


def authenticate(email, password):
    """The active user with this e-mail and password, or None."""
    global _DUMMY_HASH
    user = find_user(email or "")
    if user is None or not user.active:
        if _DUMMY_HASH is None:
            probe = User()
            probe.set_password("not a password")
            _DUMMY_HASH = probe.password_hash
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if user.check_password(password or "") else None


def find_user(email):
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def list_users():
    return db.session.scalars(
        select(User).options(
            selectinload(User.memberships).selectinload(UnitMembership.unit).selectinload(Unit.plan)
        ).order_by(User.email)
    ).all()
