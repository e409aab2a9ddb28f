"""The demo: the municipality's plan, a board's plan following it up, and users with
every role on an empty database, never twice."""

import os

from sqlalchemy import func, select

from followup.core.extensions import db
from followup.followups.models.followup import Followup, FollowupState
from followup.people.models import Role, User
from followup.plans.models.node import Node
from followup.plans.models.plan import Plan


def test_demo_load_creates_plan_open_phase_and_users_for_every_role(cli, ctx, app):
    result = cli.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.stderr
    # It names the file the passwords are in where it is (the test's instance folder).
    kept = os.path.join(app.instance_path, "demo-users.txt")
    assert os.path.isfile(kept)
    named = result.stdout.splitlines()[0]
    assert os.path.abspath(named.split(" i ", 1)[1].rstrip("):")) == kept, named

    municipal, plan = db.session.scalars(select(Plan).order_by(Plan.id)).all()
    assert municipal.key == "KF-2026" and municipal.level == "municipality"
    assert plan.key == "SOC-2026" and plan.municipality == "Ekbacka kommun"
    assert [p.key for p in plan.phases if p.is_open] == ["december"]
    # The board's goals are the municipality's: its pages show the board beside them.
    from followup.followups import boards
    assert sorted(boards.sourcing(municipal, "augusti")) == ["im1", "im2", "im3", "ks-1"]
    types = dict(db.session.execute(
        select(Node.type_id, func.count()).where(Node.plan_id == plan.id)
        .group_by(Node.type_id)).all())
    by_key = {t.key: types.get(t.id, 0) for t in plan.node_types}
    assert by_key["uppdrag"] >= 12 and by_key["atgard"] >= 12 and by_key["inriktningsmal"] >= 3
    phases_reported = set(db.session.scalars(
        select(Followup.phase_id).join(Node).where(Node.plan_id == plan.id).distinct()))
    assert len(phases_reported) == 2
    assert len(plan.internal_control.points) >= 3 and plan.tables and plan.memos

    users = db.session.scalars(select(User)).all()
    from followup.people import permissions
    held = {(code, r) for u in users for code, roles in permissions.held_roles(u).items()
            for r in roles}
    assert {r for _, r in held} == set(Role)
    # Who compiles a board does not sign it; the municipality's strateg reads the board.
    karin = db.session.scalar(select(User).where(User.email == "karin.ek@ekbacka.example"))
    assert permissions.is_compiler(karin, municipal) and not permissions.is_compiler(karin, plan)
    assert permissions.can_read(karin, plan)
    for u in users:
        assert not permissions.duty_conflict(permissions.held_roles(u)), u.email
    # Each printed password logs its user in, and only that user.
    lines = [line.split() for line in result.stdout.splitlines()[1:]]
    assert len(lines) == len(users)
    for *_, email, password in lines:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.check_password(password)
    reporters = [u for u in users if permissions.is_reporter(u, plan)]
    assert all(u.units for u in reporters)

    with open(f"{app.instance_path}/demo-users.txt", encoding="utf-8") as f:
        assert f.read() == result.stdout

    # April and augusti are reviewed: the demo's director has a memo ready to sign, and
    # its documents show no answer as not yet approved.
    from followup.followups import controls, followups
    for key in ("april", "augusti"):
        states = {c.state for c in followups.phase_overview(plan, plan.phase(key))} | {
            c.state for c in controls.phase_results(plan, plan.phase(key))}
        assert states == {FollowupState.approved}, key
    from followup.memos import overview
    lena = db.session.scalar(select(User).where(User.email == "lena.holmqvist@ekbacka.example"))
    ready, _, _ = overview.approver(lena)
    assert [s.memo.phase.key for s in ready] == ["augusti"]


def test_second_load_changes_nothing_and_shows_the_logins_again(cli, ctx):
    first = cli.invoke(args=["demo", "load", "--if-empty"]).stdout
    again = cli.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and again.stdout == first
    assert db.session.scalar(select(func.count(Plan.id))) == 2
    refused = cli.invoke(args=["demo", "load"])
    assert refused.exit_code == 1 and "redan data" in refused.stderr
