"""user create / list: password from stdin only, roles of DESIGN.md, units by PLAN:ENHET."""

import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.demo import PLAN_FILE as DEMO_PLAN
from followup.people.models import Role, User
from tests.fixtures import snapshot

PASSWORD = "korrekt-häst-batteri"


@pytest.fixture
def plan(cli, ctx):
    assert cli.invoke(args=["plan", "import", str(DEMO_PLAN)]).exit_code == 0


def create(cli, *args, password=PASSWORD):
    return cli.invoke(args=["user", "create", *args], input=password + "\n")


def test_create_reporter_with_units_and_list(cli, plan):
    result = create(cli, "Anna.Berg@Ekbacka.example", "--name", "Anna Berg", "--role", "reporter",
                    "--unit", "SOC-2026:barn-unga", "--unit", "SOC-2026:vuxen")
    assert result.exit_code == 0, result.stderr
    assert "Skapade anna.berg@ekbacka.example (Handläggare i alla nämnder)" in result.stdout

    user = db.session.scalar(select(User))
    assert user.role is Role.reporter
    assert sorted(u.key for u in user.units) == ["barn-unga", "vuxen"]
    assert user.check_password(PASSWORD) and not user.check_password("fel")
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("scrypt:")

    listing = cli.invoke(args=["user", "list"]).stdout
    assert listing.strip() == "anna.berg@ekbacka.example\tAnna Berg\treporter\tSOC-2026:barn-unga, SOC-2026:vuxen"


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_of_the_design_exists(cli, plan, role):
    assert create(cli, f"{role}@ekbacka.example", "--name", role, "--role", role).exit_code == 0


@pytest.mark.parametrize("args, password, message", [
    (["x@ekbacka.example", "--name", "X", "--role", "chef"], PASSWORD, '"chef" är ingen roll'),
    (["x@ekbacka.example", "--name", "X", "--role", "reporter", "--unit", "SOC-2026:ekonomi"],
     PASSWORD, 'enheten "ekonomi" finns inte i planen SOC-2026'),
    (["x@ekbacka.example", "--name", "X", "--role", "reporter", "--unit", "barn-unga"],
     PASSWORD, "ska skrivas PLAN:ENHET"),
    (["x@ekbacka.example", "--name", "X", "--role", "reporter", "--unit", "ABC-2020:bou"],
     PASSWORD, "finns inte i planen ABC-2020"),
    (["inte-en-adress", "--name", "X", "--role", "reader"], PASSWORD, "är ingen e-postadress"),
    (["x@ekbacka.example", "--name", " ", "--role", "reader"], PASSWORD, "namnet får inte vara tomt"),
    (["x@ekbacka.example", "--name", "X", "--role", "reader"], "kort", "minst 12 tecken"),
])
def test_bad_input_is_refused_and_changes_nothing(cli, plan, args, password, message):
    before = snapshot()
    result = create(cli, *args, password=password)
    assert result.exit_code == 1
    assert message in result.stderr
    assert snapshot() == before


def test_duplicate_email_is_refused(cli, plan):
    assert create(cli, "x@ekbacka.example", "--name", "X", "--role", "reader").exit_code == 0
    result = create(cli, "X@ekbacka.example", "--name", "Y", "--role", "admin")
    assert result.exit_code == 1 and "finns redan" in result.stderr
    assert db.session.scalar(select(User.name)) == "X"


def test_password_is_never_taken_from_the_command_line(cli, plan):
    result = cli.invoke(args=["user", "create", "x@ekbacka.example", "--name", "X",
                              "--role", "reader", "--password", PASSWORD])
    assert result.exit_code == 2  # click: no such option
    assert db.session.scalar(select(User)) is None
