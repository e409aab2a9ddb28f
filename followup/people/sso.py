"""Signing in with the municipality's own account (OpenID Connect): who someone is, from
the ID token's claims, and what they may do, from their groups.

The provider's groups (or app roles) are mapped by the administrator to roles
(``GroupRole``): "SOC-strateg" gives compiler on SOC. At every sign-in the user's
roles are set from their groups alone, so someone moved out of a group loses its role
at their next sign-in; someone whose groups map to nothing gets no session. The ID
token itself is checked by Authlib (signature from the provider's keys, iss, aud, exp,
nonce); this module only reads what it says."""

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from followup.core.errors import Forbidden, Invalid
from followup.core.extensions import db
from followup.core.security_log import event
from followup.people import permissions, tokens
from followup.people.models import (
    BOARD_ROLES, ROLE_LABELS, BoardRole, GroupRole, Role, UnitMembership, User,
)
from followup.plans.models.plan import Plan, Unit


class SignInRefused(Forbidden):
    """A sign-in that gets no session; the message says why, in Swedish."""


TOO_MANY_GROUPS = (
    "Ditt konto i kommunen är med i fler grupper än inloggningen kan räkna upp, så "
    "Planuppföljning kan inte se vilka roller du har. Kontakta IT: i Entra ID kan appen "
    "ställas in att bara skicka de grupper som gäller den (Grupper som tilldelats "
    "programmet). Dina roller här är oförändrade.")
NO_ROLE = ("Ditt konto i kommunen ger ingen behörighet i Planuppföljning än. Be den som "
           "administrerar Planuppföljning att koppla en av dina grupper till en roll.")


@dataclass(frozen=True)
class Identity:
    subject: str  # Entra ID's oid, else sub: stable for the person
    name: str
    email: str
    groups: tuple  # the groups and app roles the token names
    email_verified: bool = False  # the provider vouches for the address (email_verified)


def identity(claims):
    """The Identity an ID token's claims describe. A token that names no groups because
    the person is in too many (Entra ID's "overage": a pointer to where they are listed)
    is refused before anything changes: it does not say they left their groups."""
    subject = str(claims.get("oid") or claims.get("sub") or "").strip()
    if not subject:
        raise SignInRefused("Inloggningen saknar ett användar-id (oid eller sub).")
    if _groups_left_out(claims):
        event("sso.groups_overage", subject=subject)
        raise SignInRefused(TOO_MANY_GROUPS)
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()
    name = str(claims.get("name") or email or subject).strip()
    groups = [*(claims.get("groups") or []), *(claims.get("roles") or [])]
    return Identity(subject, name[:200], email[:254], tuple(str(g) for g in groups),
                    claims.get("email_verified") is True)


def _groups_left_out(claims):
    names = claims.get("_claim_names")
    return (isinstance(names, dict) and "groups" in names) or claims.get("hasgroups") is True


@dataclass
class Mapped:
    """What a person's groups give: a role on every board, roles per board, units."""

    every: Role | None = None
    board_roles: set = None  # {(board code, Role)}
    units: set = None  # {(board code, unit key)}

    @property
    def anything(self):
        return self.every is not None or bool(self.board_roles)


def roles_from(groups):
    mapped = Mapped(None, set(), set())
    rows = db.session.scalars(select(GroupRole).where(GroupRole.group.in_(list(groups)))) \
        if groups else []
    for row in rows:
        if row.board_code is None:
            # admin before any board role given on every board: the widest wins
            if mapped.every is None or row.role is Role.admin:
                mapped.every = row.role
        else:
            mapped.board_roles.add((row.board_code, row.role))
            if row.unit_key:
                mapped.units.add((row.board_code, row.unit_key))
    return mapped


def sign_in(who):
    """The user ``who`` (an Identity) is, found or made, with their roles and units set
    from their groups; SignInRefused where they get no session. The caller commits."""
    mapped = roles_from(who.groups)
    if not mapped.anything:
        event("sso.no_role", subject=who.subject, groups=len(who.groups))
        _strip(who.subject)
        raise SignInRefused(NO_ROLE)
    held = {None: {mapped.every} - {None}}
    for code, role in mapped.board_roles:
        held.setdefault(code, set()).add(role)
    if permissions.duty_conflict(held):
        _strip(who.subject)
        raise SignInRefused("Dina grupper ger dig både rollen strateg och rollen direktör i "
                            "samma nämnd, och det får ingen ha. Kontakta den som administrerar "
                            "Planuppföljning.")
    user = _find_or_make(who)
    if not user.active:
        event("sso.inactive", user_id=user.id)
        raise SignInRefused("Ditt konto är avstängt i Planuppföljning. Kontakta IT.")
    user.name = who.name or user.name
    user.role = mapped.every
    wanted = mapped.board_roles
    user.board_roles = [g for g in user.board_roles if (g.board_code, g.role) in wanted] + [
        BoardRole(board_code=c, role=r) for c, r in sorted(wanted, key=str)
        if (c, r) not in {(g.board_code, g.role) for g in user.board_roles}]
    _set_units(user, mapped.units)
    db.session.flush()
    event("sso.login", user_id=user.id, roles=len(wanted) + (mapped.every is not None))
    return user


def _strip(subject):
    """Someone the provider now gives nothing keeps nothing here either: no role, no
    unit, no session, no API token (the caller commits this with the refusal)."""
    user = db.session.scalar(select(User).where(User.subject == subject))
    if user is None:
        return
    user.role = None
    user.board_roles = []
    user.memberships = []
    user.end_sessions()
    tokens.revoke_all(user, "sso")
    db.session.flush()
    event("sso.roles_removed", user_id=user.id)


def _find_or_make(who):
    user = db.session.scalar(select(User).where(User.subject == who.subject))
    if user is not None:
        return user
    if who.email:
        user = db.session.scalar(select(User).where(User.email == who.email))
        if user is not None and user.subject is None and who.email_verified:
            # An account made before sign-in with the municipality, of an address the
            # provider vouches for: it is this person's. An address it does not vouch
            # for may be anyone's to set (Entra ID's mail attribute): IT links it.
            user.subject = who.subject
            event("sso.linked", user_id=user.id)
            return user
        if user is not None:
            event("sso.email_taken", user_id=user.id, subject=who.subject)
            raise SignInRefused(f"Det finns redan ett konto i Planuppföljning med "
                                f"e-postadressen {who.email}. Be IT koppla det till ditt "
                                "konto i kommunen.")
    user = User(subject=who.subject, email=who.email or f"{who.subject}@kommunens-konto",
                name=who.name, role=None)
    # No password of its own: one nobody knows, never shown.
    user.set_password(secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    event("sso.created", user_id=user.id)
    return user


def _set_units(user, units):
    """The units the groups name, on every plan of their board that has such a unit."""
    wanted = {}
    for code, key in units:
        for unit in db.session.scalars(select(Unit).join(Plan).where(
                Plan.board_code == code, Unit.key == key)):
            wanted[unit.id] = unit
    had = {m.unit_id for m in user.memberships}
    user.memberships = [m for m in user.memberships if m.unit_id in wanted] + [
        UnitMembership(unit=u) for uid, u in wanted.items() if uid not in had]


def link(email, subject):
    """IT's link of an existing account to the person the provider knows as
    ``subject`` (their oid, else sub): their next sign-in is that account."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise Invalid(f"Det finns ingen användare med e-postadressen {email}.")
    subject = (subject or "").strip()
    if not subject or len(subject) > 255:
        raise Invalid("Ange personens id hos inloggningstjänsten (oid eller sub).")
    other = db.session.scalar(select(User).where(User.subject == subject))
    if other is not None and other.id != user.id:
        raise Invalid(f"Id:t hör redan till kontot {other.email}.")
    user.subject = subject
    db.session.flush()
    event("sso.linked", user_id=user.id, by="cli")
    return user


# The administrator's mapping -------------------------------------------------------

def mappings():
    return db.session.scalars(select(GroupRole).order_by(
        GroupRole.group, GroupRole.board_code, GroupRole.role)).all()


def add_mapping(actor, group, role, plan_key=None, unit_key=None):
    """``group`` gives ``role`` on the board of plan ``plan_key`` (None: every board);
    a reporter's ``unit_key`` is a unit of that plan."""
    if actor is not None and not permissions.is_admin(actor):
        raise Forbidden("Bara en administratör kopplar grupper till roller.")
    group = (group or "").strip()
    if not group or len(group) > 255:
        raise Invalid("Skriv gruppens namn eller id som kommunens konto anger det "
                      "(högst 255 tecken).", "group")
    role, plan, unit_key = _target(role, plan_key, (unit_key or "").strip() or None)
    row = GroupRole(group=group, role=role, board_code=plan.board_code if plan else None,
                    unit_key=unit_key)
    if db.session.scalar(_same(row)):
        raise Invalid("Den kopplingen finns redan.", "group")
    db.session.add(row)
    db.session.flush()
    event("sso.mapping_added", by=actor.id if actor else None, group=group, role=role.value,
          board=row.board_code)
    return row


def _target(role, plan_key, unit_key):
    """(Role, the plan or None, the unit key or None) a mapping may give, or Invalid:
    administrator on every board only, compiling, signing and reporting on one board,
    a unit only to a reporter and only one of the board's plan."""
    role = _role(role)
    plan = Plan.by_key(plan_key)
    if plan_key and plan is None:
        raise Invalid(f"Planen {plan_key} finns inte.", "board")
    if role is Role.admin and plan is not None:
        raise Invalid("Administratör är en roll i hela Planuppföljning, inte i en nämnd.", "role")
    if role in BOARD_ROLES and plan is None and role is not Role.reader:
        raise Invalid(f"Välj nämnd: rollen {ROLE_LABELS[role].lower()} ges i en nämnd.", "board")
    if unit_key and (role is not Role.reporter or plan is None
                     or all(u.key != unit_key for u in plan.units)):
        raise Invalid("En enhet hör till rollen handläggare i en nämnd, och ska finnas i "
                      "nämndens plan.", "unit")
    return role, plan, unit_key


def _role(value):
    try:
        return Role(value) if isinstance(value, str) else value
    except ValueError:
        raise Invalid(f'"{value}" är ingen roll.', "role") from None


def _same(row):
    return select(GroupRole.id).where(
        GroupRole.group == row.group, GroupRole.role == row.role,
        GroupRole.board_code.is_(None) if row.board_code is None
        else GroupRole.board_code == row.board_code,
        GroupRole.unit_key.is_(None) if row.unit_key is None
        else GroupRole.unit_key == row.unit_key)


def remove_mapping(actor, mapping_id):
    if not permissions.is_admin(actor):
        raise Forbidden("Bara en administratör kopplar grupper till roller.")
    row = db.session.get(GroupRole, mapping_id)
    if row is None:
        raise Invalid("Kopplingen finns inte.")
    db.session.delete(row)
    db.session.flush()
    event("sso.mapping_removed", by=actor.id, group=row.group, role=row.role.value)
    return row
