"""The demo: a fictional municipality's plan (Kommunfullmäktige's goals), one board's
plan that follows them up, and users with their roles on each."""

import json
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
# The municipality's own plan (FORMAT.md 2.2): imported first; the board's goals name
# its goals as their ``source``.
MUNICIPAL_PLAN_FILE = Path(__file__).with_name("demo-kf-plan.json")
SHARED_ASSIGNMENT = ("u1", "ks-1")  # (the board's node, the municipality's)
OPEN_PHASE = "december"
OPEN_PHASE_DEADLINE = date(2027, 1, 15)
# Reviewed by the compiler: augusti's memo is ready for the director to sign.
REVIEWED_PHASES = ("april", "augusti")

# (e-mail, name, [(board code, role)], the units of the board's plan they report for);
# the administrator's role is the installation's.
DEMO_USERS = [
    ("anna.berg@ekbacka.example", "Anna Berg", [("SOC", Role.reporter)], ["barn-unga"]),
    ("omar.haddad@ekbacka.example", "Omar Haddad", [("SOC", Role.reporter)], ["vuxen", "stod"]),
    ("sara.lind@ekbacka.example", "Sara Lind", [("SOC", Role.compiler)], []),
    ("lena.holmqvist@ekbacka.example", "Lena Holmqvist", [("SOC", Role.approver)], []),
    ("per.nord@ekbacka.example", "Per Nord", [("SOC", Role.reader), ("KF", Role.reader)], []),
    ("karin.ek@ekbacka.example", "Karin Ek", [("KF", Role.compiler)], []),
    ("maria.sjoberg@ekbacka.example", "Maria Sjöberg", [("KF", Role.approver)], []),
    ("it.admin@ekbacka.example", "IT-administratör", [(None, Role.admin)], []),
]


def is_empty():
    return not db.session.scalar(select(func.count()).select_from(Plan)) and not db.session.scalar(
        select(func.count()).select_from(User)
    )


def load():
    """Import the municipality's plan and the board's (its goals sourcing the
    municipality's), open their last phase, create the demo users.

    Returns ``[(email, name, roles, password)]`` (roles as a person reads them); the
    passwords are random and exist nowhere else in clear text. The caller commits.
    """
    municipal = transfer.import_plan(MUNICIPAL_PLAN_FILE.read_bytes())
    plan = transfer.import_plan(json.dumps(board_plan(municipal.key)))
    for p in (municipal, plan):
        phase = p.phase(OPEN_PHASE)
        phase.is_open = True
        phase.deadline = OPEN_PHASE_DEADLINE
    plans = {p.board_code: p for p in (municipal, plan)}
    created, compilers = [], {}
    for email, name, roles, unit_keys in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        everywhere = next((r for board, r in roles if board is None), None)
        user = users.create_user(email, name, everywhere, password,
                                 [f"{plan.key}:{u}" for u in unit_keys])
        for board, role in roles:
            if board is not None:
                users.grant(None, user, role, plans[board])
                if role is Role.compiler:
                    compilers[board] = user
        created.append((email, name, users.role_summary(user), password))
    for p in (municipal, plan):
        for key in REVIEWED_PHASES:
            _review(p, p.phase(key), compilers[p.board_code])
    return created


def board_plan(municipal_key):
    """The board's plan file, its goals being the municipality's (``source``)."""
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    for node in data["nodes"]:
        node["source"] = f"{municipal_key}/{node['key']}"
    # The assignment KS gave the boards, as the board's own uppdrag u1 under goal 1.
    for node in data["nodes"][0]["children"]:
        for child in node.get("children", []):
            if child["key"] == SHARED_ASSIGNMENT[0]:
                child["source"] = f"{municipal_key}/{SHARED_ASSIGNMENT[1]}"
    return data


def _review(plan, phase, compiler):
    """The compiler approves the phase's answers, as after a review."""
    for cur in followups.phase_overview(plan, phase):
        if cur.state not in (FollowupState.approved, FollowupState.empty):
            followups.approve(compiler, cur.node, phase)
    for cur in controls.phase_results(plan, phase):
        if cur.state is not FollowupState.approved:
            controls.approve(compiler, cur.subject, phase)
