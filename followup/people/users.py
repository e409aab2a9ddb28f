"""Users: create them with a role and units, give and take roles per board, list them."""

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from followup.core.errors import Forbidden
from followup.core.extensions import db
from followup.core.formatting import swedish_key
from followup.core.security_log import event
from followup.people import passwords, permissions, tokens
from followup.people.models import BOARD_ROLES, ROLE_LABELS, BoardRole, Role, UnitMembership, User
from followup.plans.models.plan import Plan, Unit

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A user's role on every board, or none (only roles per board); admin is only this.
ALL_OR_NONE = (None, *Role)


def _name(role):
    return role.value if role is not None else "none"


class UserError(ValueError):
    """Input that cannot make a user; the message is Swedish, and ``field`` names what
    it is about (email, name, password, current, role, units) so a form can show it
    there."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def parse_role(value, allowed=tuple(Role)):
    """A Role from its name; "" or None is no role (where ``allowed`` has None)."""
    if value in (None, "") and None in allowed:
        return None
    try:
        role = Role(value)
    except ValueError:
        role = "unknown"
    if role not in allowed:
        names = ", ".join(r.value for r in allowed if r is not None)
        raise UserError(f'"{value}" är ingen roll här; välj en av {names}', "role")
    return role


def role_summary(user):
    """The user's roles as a person reads them: "Strateg i alla nämnder", "Handläggare i
    SCN, läsare i KF"."""
    parts = []
    if user.role is Role.admin:
        parts.append(ROLE_LABELS[Role.admin])
    elif user.role is not None:
        parts.append(f"{ROLE_LABELS[user.role]} i alla nämnder")
    by_role = {}
    for grant in user.board_roles:
        by_role.setdefault(grant.role, []).append(grant.board_code)
    for role in BOARD_ROLES:
        if role in by_role:
            parts.append(f"{ROLE_LABELS[role]} i {', '.join(sorted(by_role[role]))}")
    text = ", ".join(parts[:1] + [p[0].lower() + p[1:] for p in parts[1:]])
    return text or "Ingen roll"


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


def _check_role_change(actor, role, target=None, every_board=True):
    """Separated duties: a compiler manages reporters and readers only; approvers,
    compilers and administrators are made, changed and given passwords by an
    administrator. So nobody who compiles can also sign, or log in as one who signs."""
    permissions.require_user_manager(actor)
    if permissions.is_admin(actor):
        return
    held = set(permissions.all_roles(target, stored=True)) if target is not None else set()
    for r in sorted(held | ({role} - {None}), key=lambda r: r.value):
        if r not in permissions.COMPILER_MANAGED_ROLES:
            raise UserError("bara en administratör får skapa eller ändra användare med rollen "
                            f"{ROLE_LABELS[r].lower()}", "role")
    if every_board and role is not None \
            and role is not (target.role if target is not None else None) \
            and actor.role is not Role.compiler:
        raise UserError("en roll i alla nämnder ges av en administratör; ge rollen i "
                        "din nämnd under Roller per nämnd", "role")


def _check_duties(user, role, board_roles):
    """Nobody both compiles and signs one board's plan, through any mix of roles."""
    held = {None: {role} - {None}}
    for code, r in board_roles:
        held.setdefault(code, set()).add(r)
    if permissions.duty_conflict(held):
        raise UserError("den som sammanställer en nämnds plan (strateg) får inte också "
                        "fastställa den (direktör)", "role")


def units_for(actor):
    """The units whose reporters ``actor`` manages: of the plans they compile (every
    plan for an administrator)."""
    units = db.session.scalars(
        select(Unit).join(Plan).options(selectinload(Unit.plan)).order_by(Plan.key, Unit.position)
    ).all()
    if permissions.is_admin(actor):
        return units
    return [u for u in units if permissions.is_compiler(actor, u.plan)]


def create_user_as(actor, email, name, role, password, unit_ids=(), board=None):
    """A new user with ``role`` on every board, or, where ``board`` (a plan key) is
    given, on that plan's board."""
    role = parse_role(role, ALL_OR_NONE) if isinstance(role, str) else role
    if not board:
        _check_role_change(actor, role)
        return create_user(email, name, role, password, units=_units_by_id(actor, unit_ids))
    plan = find_plan(board)
    if role is None:
        raise UserError("välj vilken roll användaren har i nämnden", "role")
    _check_granter(actor, None, role, plan)
    user = create_user(email, name, None, password, units=_units_by_id(actor, unit_ids))
    grant(actor, user, role, plan)
    return user


def update_user(actor, user, *, name, role, unit_ids, active, password=None):
    """Change a user. A new password, a new role or a deactivation ends every session
    the user has: what they could do before must not outlive the change. Everything is
    checked before anything changes."""
    role = parse_role(role, ALL_OR_NONE) if isinstance(role, str) else role
    _check_update(actor, user, name, role, active, password)
    _check_duties(user, role, [(g.board_code, g.role) for g in user.board_roles])
    wanted = {u.id: u for u in _units_by_id(actor, unit_ids)}
    if password:
        user.set_password(password)
        tokens.revoke_all(user, "password")
    if password or role is not user.role or (user.active and not active):
        user.end_sessions()
        event("user.changed", user_id=user.id, by=actor.id, password=bool(password),
              role=f"{_name(user.role)}->{_name(role)}", active=bool(active))
    user.name = name.strip()
    user.role = role
    user.active = bool(active)
    _set_units(user, wanted, {u.id for u in units_for(actor)})
    return user


def _check_update(actor, user, name, role, active, password):
    """What update_user refuses: a role the actor may not give, no name, one's own role
    or access, a weak password."""
    _check_role_change(actor, role, user)
    if not permissions.manages_account(actor, user):
        raise UserError("kontot ändras av en administratör eller av strategen i den nämnd där "
                        "personen har sina roller", "name")
    if not name.strip():
        raise UserError("namnet får inte vara tomt", "name")
    if user.id == actor.id and (not active or role is not user.role):
        raise UserError("du kan inte ändra din egen roll eller stänga av dig själv", "role")
    if password:
        _check_password(password, name, user.email)


def _set_units(user, wanted, managed):
    """The user's memberships: those of ``wanted`` ({unit id: unit}) kept or made, the
    others of ``managed`` (unit ids the actor may change) dropped, the rest left be."""
    had = {m.unit_id for m in user.memberships}
    user.memberships = [m for m in user.memberships
                        if m.unit_id in wanted or m.unit_id not in managed] + [
        UnitMembership(unit=u) for uid, u in wanted.items() if uid not in had]


def _units_by_id(actor, unit_ids):
    ids = {int(i) for i in unit_ids}
    units = [u for u in units_for(actor) if u.id in ids]
    if len(units) != len(ids):
        raise UserError("en vald enhet finns inte, eller hör till en nämnd där du inte är strateg",
                        "units")
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
    role = parse_role(role, ALL_OR_NONE) if isinstance(role, str) else role
    if db.session.scalar(select(User).where(User.email == email)):
        raise UserError(f"det finns redan en användare med e-postadressen {email}", "email")
    units = list(units) + find_units(unit_specs)
    user = User(email=email, name=name.strip(), role=role)
    user.set_password(password)
    user.memberships = [UnitMembership(unit=u) for u in units]
    db.session.add(user)
    db.session.flush()  # its id, for the log
    event("user.created", user_id=user.id, role=_name(role))
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


# Roles per board ---------------------------------------------------------------------

def find_plan(key):
    plan = Plan.by_key((key or "").strip())
    if plan is None:
        raise UserError(f'planen "{key}" finns inte', "board")
    return plan


def _check_granter(actor, user, role, plan):
    """An administrator gives and takes any board role; a compiler of the board gives
    and takes reporting and reading there, to users who hold nothing more."""
    if actor is None or permissions.is_admin(actor):
        return
    if not permissions.is_compiler(actor, plan):
        raise Forbidden(
            f"Bara en administratör eller strategen för {plan.board_name} får ändra rollerna där.")
    _check_role_change(actor, role, user, every_board=False)


def grant(actor, user, role, plan, unit_key=None):
    """Give ``user`` the role ``role`` on ``plan``'s board (its plans of every year); a
    reporter's ``unit_key`` names a unit of ``plan`` they report for. ``actor`` None is
    the command line. Returns whether anything changed."""
    role = parse_role(role, BOARD_ROLES) if isinstance(role, str) else role
    _check_granter(actor, user, role, plan)
    unit = None
    if unit_key:
        if role is not Role.reporter:
            raise UserError("en enhet hör bara till rollen reporter (handläggare)", "unit")
        unit = next((u for u in plan.units if u.key == unit_key), None)
        if unit is None:
            raise UserError(f'enheten "{unit_key}" finns inte i planen {plan.key}', "unit")
    held = {(g.board_code, g.role) for g in user.board_roles}
    _check_duties(user, user.role, held | {(plan.board_code, role)})
    changed = False
    if (plan.board_code, role) not in held:
        user.board_roles.append(BoardRole(board_code=plan.board_code, role=role))
        changed = True
    if unit is not None and all(m.unit_id != unit.id for m in user.memberships):
        user.memberships.append(UnitMembership(unit=unit))
        changed = True
    if changed:
        db.session.flush()
        event("role.granted", user_id=user.id, by=actor.id if actor else None,
              role=role.value, board=plan.board_code, unit=unit_key)
    return changed


def revoke(actor, user, role, plan):
    """Take the role ``role`` on ``plan``'s board from ``user``; a reporter also stops
    reporting for the board's units. A role on every board is changed on the user
    instead. Returns whether anything changed."""
    role = parse_role(role, BOARD_ROLES) if isinstance(role, str) else role
    _check_granter(actor, user, role, plan)
    kept = [g for g in user.board_roles if (g.board_code, g.role) != (plan.board_code, role)]
    if len(kept) == len(user.board_roles):
        if user.role is role:
            raise UserError(f"{user.name} har rollen {ROLE_LABELS[role].lower()} i alla "
                            "nämnder; ändra den på användaren", "role")
        return False
    user.board_roles = kept
    if role is Role.reporter:
        user.memberships = [m for m in user.memberships
                            if m.unit.plan.board_code != plan.board_code]
    db.session.flush()
    event("role.revoked", user_id=user.id, by=actor.id if actor else None,
          role=role.value, board=plan.board_code)
    return True


def boards():
    """{board code: the newest plan of the board}, by board name: where roles are given."""
    newest = {}
    for plan in db.session.scalars(select(Plan).order_by(Plan.year)):
        newest[plan.board_code] = plan
    return dict(sorted(newest.items(), key=lambda kv: swedish_key(kv[1].board_name)))


def role_names(user):
    """The kinds of role the user holds, in short: "Strateg", "Handläggare, läsare"."""
    held = permissions.all_roles(user)
    names = [ROLE_LABELS[r] for r in (Role.admin, *BOARD_ROLES) if r in held]
    return ", ".join(names[:1] + [n.lower() for n in names[1:]]) or "Ingen roll"
