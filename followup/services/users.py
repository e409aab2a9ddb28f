"""Users: create them with a role and units, list them."""

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Plan, Role, Unit, UnitMembership, User

MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """Input that cannot make a user; the message is Swedish."""


def parse_role(value):
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise UserError(f'"{value}" är ingen roll; välj en av {names}') from None


def find_units(specs):
    """``["SCN-2023:bou", …]`` → Unit objects, or UserError naming the first that is wrong."""
    units = []
    for spec in specs:
        plan_key, sep, unit_key = spec.partition(":")
        if not sep or not plan_key or not unit_key:
            raise UserError(f'"{spec}" ska skrivas PLAN:ENHET, t.ex. SCN-2023:bou')
        unit = db.session.scalar(
            select(Unit).join(Plan).where(Plan.key == plan_key, Unit.key == unit_key)
        )
        if unit is None:
            raise UserError(f'enheten "{unit_key}" finns inte i planen {plan_key}')
        units.append(unit)
    return units


def create_user(email, name, role, password, unit_specs=()):
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise UserError(f'"{email}" är ingen e-postadress')
    if not name.strip():
        raise UserError("namnet får inte vara tomt")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken")
    role = parse_role(role) if isinstance(role, str) else role
    if db.session.scalar(select(User).where(User.email == email)):
        raise UserError(f"det finns redan en användare med e-postadressen {email}")
    units = find_units(unit_specs)
    user = User(email=email, name=name.strip(), role=role)
    user.set_password(password)
    user.memberships = [UnitMembership(unit=u) for u in units]
    db.session.add(user)
    db.session.commit()
    return user


def find_user(email):
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def list_users():
    return db.session.scalars(
        select(User).options(
            selectinload(User.memberships).selectinload(UnitMembership.unit).selectinload(Unit.plan)
        ).order_by(User.email)
    ).all()
