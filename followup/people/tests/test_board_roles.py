"""Roles per board (issue 18.1): what a person holds on one board gives nothing on
another; whoever compiles a board's plan never signs it; the command line and the
browser give and take roles; a migration keeps a one-board installation as it was."""

import copy
import json

import pytest
from sqlalchemy import select

from followup.core.errors import Forbidden
from followup.core.extensions import db
from followup.demo import PLAN_FILE
from followup.memos import overview, tasks
from followup.notify import notifications
from followup.people import permissions, users
from followup.people.models import BoardRole, Role, User
from followup.planfile import transfer
from followup.plans import phases
from tests.fixtures import PASSWORD, Browser, snapshot

DEMO = json.loads(PLAN_FILE.read_text(encoding="utf-8"))


def plan_file(code, board, level=None):
    data = copy.deepcopy(DEMO)
    data["organisation"].update(board_code=code, board=board)
    if level:
        data["organisation"]["level"] = level
    return json.dumps(data).encode()


@pytest.fixture
def boards(demo):
    """The demo's SOC-2026, a second board UBN-2026 and the municipality's KF-2026; a
    person per duty on one board, holding nothing on every board."""
    from types import SimpleNamespace

    ubn = transfer.import_plan(plan_file("UBN", "Utbildningsnämnden"))
    kf = transfer.import_plan(plan_file("KF", "Kommunfullmäktige", "municipality"))
    db.session.commit()
    b = SimpleNamespace(soc=demo.plan, ubn=ubn, kf=kf, demo=demo)
    for name, grants in [
        ("stina", [("SOC", Role.compiler)]),            # strateg for SOC only
        ("ulf", [("UBN", Role.approver)]),              # director of UBN only
        ("mia", [("SOC", Role.compiler), ("UBN", Role.approver)]),
        ("kent", [("KF", Role.compiler)]),              # the municipal strateg
        ("rut", [("UBN", Role.reader)]),
    ]:
        user = users.create_user(f"{name}@ekbacka.example", name.title(), None, PASSWORD)
        for code, role in grants:
            user.board_roles.append(BoardRole(board_code=code, role=role))
        setattr(b, name, user)
    db.session.commit()
    return b


def login(app, name):
    browser = Browser(app.test_client())
    assert browser.login(f"{name}@ekbacka.example").status_code == 302
    return browser


def test_a_compiler_of_one_board_compiles_nothing_of_another(boards):
    phases.set_open(boards.stina, boards.soc.phase("april"), True)
    with pytest.raises(Forbidden, match="strateg"):
        phases.set_open(boards.stina, boards.ubn.phase("april"), True)
    assert not boards.ubn.phase("april").is_open
    with pytest.raises(Forbidden, match="läsa planen"):
        permissions.require_read(boards.stina, boards.ubn)


def test_an_approver_signs_only_where_they_hold_the_role(boards):
    from followup.memos import memos

    memo = memos.create_memo(boards.mia, boards.soc, boards.soc.phase("april"))
    db.session.commit()
    # Mia compiles SOC and signs UBN: she may not sign SOC's memo.
    with pytest.raises(Forbidden, match="direktören"):
        tasks.start_signing(boards.mia, memo, confirm=True)
    with pytest.raises(Forbidden, match="direktören"):
        tasks.start_signing(boards.ulf, memo, confirm=True)
    assert permissions.is_approver(boards.mia, boards.ubn)
    assert not permissions.is_compiler(boards.mia, boards.ubn)


def test_the_municipal_strateg_reads_every_board_and_compiles_only_the_municipality(boards):
    assert all(permissions.can_read(boards.kent, p) for p in (boards.soc, boards.ubn, boards.kf))
    assert permissions.is_compiler(boards.kent, boards.kf)
    assert not permissions.is_compiler(boards.kent, boards.soc)
    with pytest.raises(Forbidden):
        phases.set_open(boards.kent, boards.soc.phase("april"), True)


@pytest.mark.parametrize("grants", [
    [(None, Role.compiler), ("SOC", Role.approver)],
    [("SOC", Role.compiler), ("SOC", Role.approver)],
    [("SOC", Role.compiler), (None, Role.approver)],
])
def test_compiling_and_signing_one_board_is_refused(boards, grants):
    held = {}
    for code, role in grants:
        held.setdefault(code, set()).add(role)
    assert permissions.duty_conflict(held)


def test_grant_refuses_the_second_duty_on_one_board_and_changes_nothing(boards, cli):
    before = snapshot()
    result = cli.invoke(args=["user", "grant", "stina@ekbacka.example", "approver",
                              "--plan", "SOC-2026"])
    assert result.exit_code == 1
    assert "får inte också fastställa" in result.stderr
    assert snapshot() == before
    # Another board is fine.
    result = cli.invoke(args=["user", "grant", "stina@ekbacka.example", "approver",
                              "--plan", "UBN-2026"])
    assert result.exit_code == 0, result.stderr
    assert "har nu rollen direktör i Utbildningsnämnden (UBN)" in result.stdout


def test_cli_grant_and_revoke(boards, cli):
    def roles_of(email):
        line = next(l for l in cli.invoke(args=["user", "list"]).stdout.splitlines()
                    if l.startswith(email))
        return line.split("\t")[2]

    result = cli.invoke(args=["user", "grant", "rut@ekbacka.example", "reporter",
                              "--plan", "SOC-2026", "--unit", "vuxen"])
    assert result.exit_code == 0, result.stderr
    rut = db.session.scalar(select(User).where(User.email == "rut@ekbacka.example"))
    db.session.refresh(rut)
    assert roles_of("rut@") == "SOC:reporter,UBN:reader"
    assert [u.key for u in rut.units] == ["vuxen"]
    assert permissions.is_reporter(rut, boards.soc) and not permissions.is_reporter(rut, boards.ubn)
    # The same again changes nothing and says so.
    again = cli.invoke(args=["user", "grant", "rut@ekbacka.example", "reporter",
                             "--plan", "SOC-2026"])
    assert again.exit_code == 0 and "hade redan" in again.stdout

    result = cli.invoke(args=["user", "revoke", "rut@ekbacka.example", "reporter",
                              "--plan", "SOC-2026"])
    assert result.exit_code == 0, result.stderr
    db.session.expire_all()
    assert roles_of("rut@") == "UBN:reader" and rut.units == []


@pytest.mark.parametrize("args, message", [
    (["grant", "rut@ekbacka.example", "chef", "--plan", "SOC-2026"], '"chef" är ingen roll'),
    (["grant", "rut@ekbacka.example", "admin", "--plan", "SOC-2026"], '"admin" är ingen roll'),
    (["grant", "rut@ekbacka.example", "reader", "--plan", "ABC-2020"], 'planen "ABC-2020" finns inte'),
    (["grant", "rut@ekbacka.example", "reader", "--plan", "SOC-2026", "--unit", "vuxen"],
     "en enhet hör bara till rollen reporter"),
    (["grant", "rut@ekbacka.example", "reporter", "--plan", "SOC-2026", "--unit", "ekonomi"],
     'enheten "ekonomi" finns inte i planen SOC-2026'),
    (["grant", "ingen@ekbacka.example", "reader", "--plan", "SOC-2026"], "ingen användare"),
    (["revoke", "sara@ekbacka.example", "compiler", "--plan", "SOC-2026"], "i alla nämnder"),
])
def test_cli_bad_input_is_refused_and_changes_nothing(boards, cli, args, message):
    before = snapshot()
    result = cli.invoke(args=["user", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert snapshot() == before


def test_pages_and_the_api_answer_per_board(boards, app):
    stina = login(app, "stina")
    assert stina.get("/plans/SOC-2026/phases/december/").status_code == 200
    assert stina.get("/plans/UBN-2026/phases/december/").status_code == 403
    assert stina.get("/plans/UBN-2026/phases/december/tjansteskrivelse/").status_code == 403
    assert stina.get("/plans/UBN-2026/struktur/").status_code == 403
    assert stina.get("/granskning/UBN-2026/december").status_code == 403
    listing = stina.get("/planer").text
    assert "SOC-2026" in listing and "UBN-2026" not in listing

    from followup.people import tokens
    header = {"Authorization": "Bearer " + tokens.create_token(boards.rut)}
    db.session.commit()
    client = app.test_client()
    assert client.get("/api/plans/UBN-2026/phases/december/followups",
                      headers=header).status_code == 200
    refused = client.get("/api/plans/SOC-2026/phases/december/followups", headers=header)
    assert refused.status_code == 403 and "behörighet" in refused.json["error"]


def test_start_page_and_menu_cover_every_board_where_one_holds_a_role(boards, app):
    mia = login(app, "mia")
    start = mia.get("/")
    assert start.status_code == 302 and start.location.endswith("/granskning/")
    page = mia.get("/granskning/").text
    assert "Att granska" in page and "Att fastställa" in page
    assert "SOC-2026" in page and "UBN-2026" not in page
    to_sign = mia.get("/att-faststalla")
    assert to_sign.status_code == 200
    ulf = login(app, "ulf")
    assert ulf.get("/").status_code == 200


def test_notifications_go_to_the_board_s_own_people(boards):
    from followup.people.models import Role as R

    assert {u.email for u in notifications.users_with(R.approver, boards.ubn)} == {
        "lena@ekbacka.example", "ulf@ekbacka.example", "mia@ekbacka.example"}
    assert {u.email for u in notifications.users_with(R.approver, boards.soc)} == {
        "lena@ekbacka.example"}
    assert {u.email for u in notifications.users_with(R.compiler, boards.soc)} == {
        "sara@ekbacka.example", "stina@ekbacka.example", "mia@ekbacka.example"}


def test_the_approver_page_lists_only_the_boards_one_signs(boards):
    from followup.memos import memos

    memos.create_memo(boards.demo.sara, boards.ubn, boards.ubn.phase("april"))
    memos.create_memo(boards.demo.sara, boards.soc, boards.soc.phase("april"))
    db.session.commit()
    ready, waiting, signed = overview.approver(boards.ulf)
    assert {s.memo.plan.key for s in ready + waiting} == {"UBN-2026"}


def test_admin_gives_and_takes_a_role_in_the_browser(boards, app):
    it = login(app, "it")
    page = it.get(f"/anvandare/{boards.rut.id}")
    assert page.status_code == 200 and "Roller per nämnd" in page.text
    done = it.post(f"/anvandare/{boards.rut.id}/roller",
                   {"grant-board": "SOC-2026", "grant-role": "reporter", "grant-unit": "vuxen"})
    assert done.status_code == 302
    db.session.expire_all()
    assert permissions.is_reporter(boards.rut, boards.soc)
    refused = it.post(f"/anvandare/{boards.rut.id}/roller",
                      {"grant-board": "UBN-2026", "grant-role": "compiler", "grant-unit": ""})
    assert refused.status_code == 302  # reader and compiler: separate duties allow it
    it.get(f"/anvandare/{boards.stina.id}")
    conflict = it.post(f"/anvandare/{boards.stina.id}/roller",
                       {"grant-board": "SOC-2026", "grant-role": "approver", "grant-unit": ""})
    assert conflict.status_code == 422 and "får inte också fastställa" in conflict.text
    it.get(f"/anvandare/{boards.rut.id}")
    taken = it.post(f"/anvandare/{boards.rut.id}/roller/ta-bort",
                    {"board": "SOC-2026", "role": "reporter"})
    assert taken.status_code == 302
    db.session.expire_all()
    assert not permissions.is_reporter(boards.rut, boards.soc)


def test_a_board_s_strateg_gives_reading_only_on_their_board(boards, app):
    stina = login(app, "stina")
    page = stina.get(f"/anvandare/{boards.rut.id}")
    assert page.status_code == 200
    assert '<option value="SOC-2026"' in page.text
    assert '<option value="UBN-2026"' not in page.text
    # Rut reads UBN: Stina, SOC's strateg, is offered no way to take that away.
    assert 'name="board" value="UBN-2026"' not in page.text
    before = snapshot()
    refused = stina.post(f"/anvandare/{boards.rut.id}/roller",
                         {"grant-board": "UBN-2026", "grant-role": "reporter", "grant-unit": ""})
    assert refused.status_code == 422 and "Inte ett giltigt val" in refused.text
    assert snapshot() == before
    given = stina.post(f"/anvandare/{boards.rut.id}/roller",
                       {"grant-board": "SOC-2026", "grant-role": "reader", "grant-unit": ""})
    assert given.status_code == 302
    # A board's strateg makes no roles on every board.
    stina.get("/anvandare/")
    made = stina.post("/anvandare/", {"email": "ny@ekbacka.example", "name": "Ny",
                                      "role": "reader", "board": "",
                                      "password": "ett-långt-lösenord"})
    assert made.status_code == 422 and "administratör" in made.text
    made = stina.post("/anvandare/", {"email": "ny@ekbacka.example", "name": "Ny",
                                      "role": "reader", "board": "SOC-2026",
                                      "password": "ett-långt-lösenord"})
    assert made.status_code == 302
    ny = db.session.scalar(select(User).where(User.email == "ny@ekbacka.example"))
    assert ny.role is None and permissions.can_read(ny, boards.soc)
    assert not permissions.can_read(ny, boards.ubn)


def test_a_board_s_strateg_changes_no_account_of_another_board_s_people(boards, app):
    """Stina compiles SOC; Rut reads UBN. Stina may give Rut a role on SOC, but not set
    her password: with it she could act as Rut on UBN."""
    stina = login(app, "stina")
    page = stina.get(f"/anvandare/{boards.rut.id}")
    assert page.status_code == 200 and 'name="password"' not in page.text
    before = snapshot()
    refused = stina.post(f"/anvandare/{boards.rut.id}",
                         {"name": "Rut", "role": "", "password": "ett-nytt-långt-lösenord-x",
                          "active": "y"})
    assert refused.status_code == 422 and "strategen i den nämnd" in refused.text
    assert snapshot() == before
    # Her own board's reader she may.
    given = users.create_user("sol@ekbacka.example", "Sol", None, PASSWORD)
    given.board_roles.append(BoardRole(board_code="SOC", role=Role.reader))
    db.session.commit()
    assert permissions.manages_account(boards.stina, given)
    assert not permissions.manages_account(boards.stina, boards.rut)
    assert permissions.manages_account(boards.demo.sara, boards.rut)  # compiles every board


def test_a_turned_off_account_of_another_board_is_not_a_strateg_s_to_wake(boards, app):
    """Ulf signs UBN. Turned off, he holds nothing, but his account would: Stina, SOC's
    strateg, may neither open it nor turn it on with a password of her choosing."""
    boards.ulf.active = False
    db.session.commit()
    stina = login(app, "stina")
    stina.get("/anvandare/")
    before = snapshot()
    assert stina.get(f"/anvandare/{boards.ulf.id}").status_code == 403
    refused = stina.post(f"/anvandare/{boards.ulf.id}",
                         {"name": "Ulf", "role": "", "password": "ett-nytt-långt-lösenord-x",
                          "active": "y"})
    assert refused.status_code == 403
    assert snapshot() == before


def test_a_board_s_strateg_cannot_make_their_board_the_municipality(boards, app):
    import io

    stina = login(app, "stina")
    stina.get("/planer")
    before = snapshot()
    answer = stina.post("/planer", {"planfil": (io.BytesIO(plan_file(
        "SOC", "Socialnämnden", "municipality").replace(b'"year": 2026', b'"year": 2099')),
        "p.json")}, content_type="multipart/form-data")
    assert answer.status_code == 403 and "Kommunens egen plan" in answer.text
    assert snapshot() == before
    assert not permissions.can_read(boards.stina, boards.ubn)
