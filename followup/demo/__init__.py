"""The demo: a fictional board's plan and one user for each role."""

import secrets
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from followup.core.extensions import db
from followup.followups import controls, followups
from followup.followups.models.followup import FollowupState
from followup.people import users
from followup.people.models import Role, User
from followup.planfile import transfer
from followup.plans.models.plan import Plan

PLAN_FILE = Path(__file__).with_name("demo-plan.json")
OPEN_PHASE = "december"
OPEN_PHASE_DEADLINE = date(2027, 1, 15)
# Reviewed by the compiler: augusti's memo is ready for the director to sign.
REVIEWED_PHASES = ("april", "augusti")

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
    exist nowhere else in clear text. The caller commits.
    """
    plan = transfer.import_plan(PLAN_FILE.read_bytes())
    phase = plan.phase(OPEN_PHASE)
    phase.is_open = True
    phase.deadline = OPEN_PHASE_DEADLINE
    created, compiler = [], None
    for email, name, role, unit_keys in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        user = users.create_user(email, name, role, password,
                                 [f"{plan.key}:{u}" for u in unit_keys])
        compiler = user if role is Role.compiler else compiler
        created.append((email, name, role, password))
    for key in REVIEWED_PHASES:
        _review(plan, plan.phase(key), compiler)
    return created


def _review(plan, phase, compiler):
    """The compiler approves the phase's answers, as after a review."""
    for cur in followups.phase_overview(plan, phase):
        if cur.state is not FollowupState.approved:
            followups.approve(compiler, cur.node, phase)
    for cur in controls.phase_results(plan, phase):
        if cur.state is not FollowupState.approved:
            controls.approve(compiler, cur.subject, phase)
