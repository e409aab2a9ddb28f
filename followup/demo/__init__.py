"""The demo: a fictional board's plan and one user for each role."""

import secrets
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from ..extensions import db
from ..models import Plan, Role, User
from ..services import plans, users

PLAN_FILE = Path(__file__).with_name("demo-plan.json")
OPEN_PHASE = "december"
OPEN_PHASE_DEADLINE = date(2027, 1, 15)

DEMO_USERS = [
    ("anna.berg@ekbacka.example", "Anna Berg", Role.reporter, ["barn-unga"]),
    ("omar.haddad@ekbacka.example", "Omar Haddad", Role.reporter, ["vuxen", "stod"]),
    ("sara.lind@ekbacka.example", "Sara Lind", Role.compiler, []),
    ("lena.holmqvist@ekbacka.example", "Lena Holmqvist", Role.approver, []),
    ("per.nord@ekbacka.example", "Per Nord", Role.reader, []),
    ("it.admin@ekbacka.example", "IT-administratör", Role.admin, []),
]


def is_empty():
    return not db.session.scalar(select(func.count()).select_from(Plan)) and not db.session.scalar(
        select(func.count()).select_from(User)
    )


def load():
    """Import the demo plan, open its last phase, create the demo users.

    Returns ``[(email, name, role, password)]``; the passwords are random and
    exist nowhere else in clear text.
    """
    plan = plans.import_plan(PLAN_FILE.read_bytes())
    phase = plan.phase(OPEN_PHASE)
    phase.is_open = True
    phase.deadline = OPEN_PHASE_DEADLINE
    db.session.commit()
    created = []
    for email, name, role, unit_keys in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        users.create_user(email, name, role, password, [f"{plan.key}:{u}" for u in unit_keys])
        created.append((email, name, role, password))
    return created
