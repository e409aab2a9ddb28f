"""The compiler's board, phases, bulk approval, and user management in the browser."""

from sqlalchemy import select

from followup.core.extensions import db
from followup.followups.models.followup import Followup, FollowupState
from followup.people.models import Role, User
from followup.plans.models.node import Node
from followup.plans.models.plan import Phase

BOARD = "/granskning/SOC-2026/december"


def test_compiler_lands_on_what_waits_and_reaches_the_open_phase_board(as_user):
    sara = as_user("sara")
    todo = sara.get("/granskning/").text
    assert "<h1>Att granska</h1>" in todo and f'href="{BOARD}"' in todo
    page = sara.get(BOARD).text
    assert "Granskning: årsbokslut 2026" in page
    assert "Per enhet" in page and "Avdelning barn och unga" in page and "Per typ" in page
    # 3 + 6 + 12 followed-up nodes, and the internal control's five points
    assert "21 uppföljningar och 5 kontrollresultat" in page


def test_filters_by_unit_type_and_state(as_user):
    sara = as_user("sara")
    page = sara.get(BOARD + "?enhet=vuxen&typ=uppdrag").text
    assert "3 uppföljningar (filtrerat)" in page  # u5, u6 and u7
    assert "Starta ett gemensamt mottagningsteam" in page
    assert "Utveckla familjebehandlingen" not in page
    assert "0 uppföljningar (filtrerat)" in sara.get(BOARD + "?lage=approved").text


def test_overdue_filter_uses_the_deadline(as_user, demo):
    sara = as_user("sara")
    assert "försenade." not in sara.get(BOARD).text  # deadline 2027-01-15 is ahead
    december = db.session.scalar(select(Phase).where(Phase.key == "december"))
    december.deadline = december.deadline.replace(year=2020)
    db.session.commit()
    page = sara.get(BOARD + "?forsenade=1").text
    assert "26 försenade." in page  # the control results are late too
    assert "21 uppföljningar och 5 kontrollresultat (filtrerat)" in page


def test_bulk_approve(as_user, demo):
    sara = as_user("sara")
    august = "/granskning/SOC-2026/augusti"
    sara.get(august)
    confirm = sara.post(august + "/godkann", {"nodes": ["u1", "u2", "u3"]})
    assert confirm.status_code == 200 and "Godkänna 3 uppföljningar?" in confirm.text
    assert db.session.scalar(select(Followup.state).join(Followup.node).where(
        Node.key == "u1", Followup.phase_id == demo.plan.phase("augusti").id)) \
        is FollowupState.draft  # nothing yet
    response = sara.post(august + "/godkann", {"nodes": ["u1", "u2", "u3"], "confirmed": "y"})
    assert response.status_code == 302
    page = sara.get(august).text
    assert "3 uppföljningar godkändes." in page
    states = dict(db.session.execute(
        select(Node.key, Followup.state).join(Followup.node).join(Followup.phase)
        .where(Phase.key == "augusti", Node.key.in_(["u1", "u2", "u3", "u4"]))).all())
    assert states == {"u1": FollowupState.approved, "u2": FollowupState.approved,
                      "u3": FollowupState.approved, "u4": FollowupState.draft}


def test_compiler_opens_a_phase_and_sets_its_deadline(as_user):
    sara = as_user("sara")
    sara.get(BOARD)
    response = sara.post("/granskning/SOC-2026/faser/augusti", {
        "augusti-label": "Delårsbokslut per augusti", "augusti-period_end": "2026-08-31",
        "augusti-deadline": "2026-09-07", "augusti-is_open": "y", "tillbaka": "december"})
    assert response.status_code == 302
    august = db.session.scalar(select(Phase).where(Phase.key == "augusti"))
    assert august.is_open and august.deadline.isoformat() == "2026-09-07"
    bad = sara.post("/granskning/SOC-2026/faser/augusti", {
        "augusti-label": "", "augusti-deadline": "7 september"})
    assert bad.status_code == 302
    assert "Fasen behöver ett namn" in sara.get(BOARD).text
    assert db.session.scalar(select(Phase.label).where(Phase.key == "augusti")) == \
        "Delårsbokslut per augusti"


def test_reporter_and_reader_cannot_open_phases(as_user):
    for who in ("anna", "per"):
        b = as_user(who)
        b.get("/mina" if who == "anna" else "/planer")
        response = b.post("/granskning/SOC-2026/faser/augusti", {"augusti-label": "x",
                                                                  "augusti-is_open": "y"})
        assert response.status_code == 403
    assert not db.session.scalar(select(Phase.is_open).where(Phase.key == "augusti"))


def test_compiler_creates_a_reporter_with_units(as_user, demo):
    sara = as_user("sara")
    page = sara.get("/anvandare/").text
    assert "Anna" in page and "Handläggare" in page
    unit_id = next(u.id for u in demo.plan.units if u.key == "vuxen")
    response = sara.post("/anvandare/", {"email": "ny@ekbacka.example", "name": "Ny Person",
                                         "role": "reporter", "units": [str(unit_id)],
                                         "password": "ett-långt-lösenord"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "ny@ekbacka.example"))
    assert user.role is Role.reporter and [u.key for u in user.units] == ["vuxen"]


def test_user_form_errors_are_shown_and_nothing_is_created(as_user):
    sara = as_user("sara")
    sara.get("/anvandare/")
    response = sara.post("/anvandare/", {"email": "anna@ekbacka.example", "name": "Dubblett",
                                         "role": "reader", "password": "ett-långt-lösenord"})
    assert response.status_code == 422 and "finns redan" in response.text
    assert 'id="email-fel">Det finns redan' in response.text
    response = sara.post("/anvandare/", {"email": "x@ekbacka.example", "name": "X",
                                         "role": "reader", "password": "kort"})
    assert response.status_code == 422 and "minst 12 tecken" in response.text
    # Under the password, not the address: the admin looked for a fault in the address.
    assert 'id="password-fel">Lösenordet måste ha minst 12 tecken.' in response.text
    assert 'id="email-fel"' not in response.text
    assert db.session.scalar(select(User).where(User.email == "x@ekbacka.example")) is None


def test_only_an_admin_makes_admins(as_user, demo):
    sara = as_user("sara")
    page = sara.get("/anvandare/").text
    assert 'value="admin"' not in page
    response = sara.post("/anvandare/", {"email": "x@ekbacka.example", "name": "X",
                                         "role": "admin", "password": "ett-långt-lösenord"})
    assert response.status_code == 422
    it = as_user("it")
    it.get("/anvandare/")
    response = it.post("/anvandare/", {"email": "x@ekbacka.example", "name": "X",
                                       "role": "admin", "password": "ett-långt-lösenord"})
    assert response.status_code == 302


def test_deactivated_user_cannot_log_in(as_user, demo, app):
    sara = as_user("sara")
    sara.get(f"/anvandare/{demo.per.id}")
    response = sara.post(f"/anvandare/{demo.per.id}", {"name": "Per", "role": "reader"})
    assert response.status_code == 302
    assert db.session.get(User, demo.per.id).active is False
    from tests.fixtures import Browser
    b = Browser(app.test_client())
    assert b.login("per@ekbacka.example").status_code == 400


def test_nobody_changes_their_own_role(as_user, demo):
    # A compiler's own account is an administrator's to change (separated duties) …
    assert as_user("sara").get(f"/anvandare/{demo.sara.id}").status_code == 403
    # … and an administrator cannot demote or deactivate themselves.
    it = as_user("it")
    it.get(f"/anvandare/{demo.it.id}")
    response = it.post(f"/anvandare/{demo.it.id}", {"name": "It", "role": "reader",
                                                    "active": "y"})
    assert response.status_code == 422 and "din egen roll" in response.text


def test_reporter_cannot_manage_users(as_user):
    assert as_user("anna").get("/anvandare/").status_code == 403
