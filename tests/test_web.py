"""The web application through the Flask test client: login, pages, forms, rules."""

import re

import pytest
from sqlalchemy import func, select

from followup.core.extensions import db
from followup.followups.models.followup import Followup, FollowupState
from followup.plans.models.node import Node
from tests.fixtures import PASSWORD

EDIT = "/plans/SOC-2026/phases/december/nodes/{}"


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_pages_need_login(client, demo):
    for url in ("/", "/mina", "/planer", EDIT.format("u1"), "/granskning/", "/anvandare/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_page_is_swedish_and_local(browser, demo):
    page = browser.get("/login")
    assert page.status_code == 200
    assert 'lang="sv"' in page.text and "Logga in" in page.text and "E-postadress" in page.text
    assert "https://" not in page.text and "/static/app.css" in page.text


def test_wrong_password_is_refused_with_a_message(browser, demo):
    response = browser.login("anna@ekbacka.example", "fel-lösenord")
    assert response.status_code == 400
    assert "Fel e-postadress eller lösenord." in response.text
    assert browser.client.get("/mina").status_code == 302


def test_unknown_email_gets_the_same_message(browser, demo):
    response = browser.login("ingen@ekbacka.example", PASSWORD)
    assert response.status_code == 400 and "Fel e-postadress eller lösenord." in response.text


def test_login_sets_a_secure_http_only_cookie_and_logout_ends_it(browser, demo):
    response = browser.login("anna@ekbacka.example")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert browser.get("/mina").status_code == 200
    browser.post("/logout")
    assert browser.client.get("/mina").status_code == 302


def test_failed_logins_are_limited_per_account_and_the_message_says_how_long(browser, demo):
    codes = [browser.login("anna@ekbacka.example", "fel").status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
    page = browser.login("anna@ekbacka.example")  # even the right password must wait
    assert page.status_code == 429
    assert "För många misslyckade inloggningar. Vänta en minut och försök igen." in page.text
    assert 1 <= int(page.headers["Retry-After"]) <= 60
    # Another account from the same address is not locked out.
    assert browser.login("omar@ekbacka.example").status_code == 302


def test_post_without_csrf_token_is_refused(as_user):
    anna = as_user("anna")
    response = anna.post(EDIT.format("u1"), {"level": "paborjad", "comment": "x", "version": "0"},
                         csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(select(Followup).join(Node).where(Node.key == "u1",
                                                               Followup.phase_id == 3)) is None


def test_login_redirect_only_to_local_paths(browser, demo):
    browser.get("/login")
    response = browser.post("/login?next=https://evil.example/", {
        "email": "anna@ekbacka.example", "password": PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("name, target", [("anna", "/mina"), ("sara", "/granskning/"),
                                          ("it", "/anvandare/")])
def test_start_page_depends_on_role(as_user, name, target):
    assert as_user(name).client.get("/").headers["Location"] == target


@pytest.mark.parametrize("name, heading", [("lena", "Att fastställa"),
                                           ("per", "Senast fastställda dokument")])
def test_approver_and_reader_start_on_their_own_page(as_user, name, heading):
    page = as_user(name).get("/")
    assert page.status_code == 200 and f"<h1>{heading}</h1>" in page.text


def test_my_follow_ups_lists_my_units_nodes_grouped_under_goals(as_user):
    page = as_user("anna").get("/mina")
    assert page.status_code == 200
    text = page.text
    assert "Delårsbokslut" not in text  # only the open phase: december
    assert "Årsbokslut – Socialnämnden 2026" in text and "2027-01-15" in text
    assert "Ekbacka ska ha en välfärd där barn och unga" in text  # the goal heading
    assert "Utveckla familjebehandlingen" in text  # u1, barn-unga
    assert "Utöka antalet platser i stödboende" not in text  # u6, vuxen
    assert text.count("Ej rapporterad") >= 4  # the state, in the workflow's own words


def test_edit_page_shows_context_previous_phase_and_scale(as_user):
    page = as_user("anna").get(EDIT.format("u2")).text
    assert "Rekrytera fler familjehem" in page
    assert "Fler barn och unga ska få stöd i öppna former" in page  # parent goal
    assert "Delårsbokslut per augusti" in page and "Kampanjen har gett 41 intresseanmälningar" in page
    assert "Genomföra gemensam rekryteringskampanj" in page  # its åtgärder
    for label in ("Ej påbörjad", "Påbörjad", "Väntar", "Stoppad", "Färdig"):
        assert f">{label}</span>" in page
    assert 'name="comment"' in page and "Spara utkast" in page and "Skicka in för granskning" in page
    assert "/static/vendor/quill.js" in page  # served locally, never a CDN


def test_goal_level_choice_shows_the_levels_full_text(as_user):
    page = as_user("sara").get(EDIT.format("im1")).text
    assert "Nämndens insatser verkställs till övervägande del som planerat" in page


def test_copy_previous_phase_prefills_without_saving(as_user):
    anna = as_user("anna")
    page = anna.get(EDIT.format("u2") + "?kopiera=1").text
    assert "inkopierad men inte sparad" in page
    assert re.search(r'value="paborjad"\s+checked', page)
    assert "Kampanjen har gett 41" in page.split('name="comment"')[1]
    assert db.session.scalar(select(Followup).join(Node).where(
        Node.key == "u2", Followup.phase_id == demo_phase_id(anna))) is None


def demo_phase_id(_):
    from followup.plans.models.plan import Phase
    return db.session.scalar(select(Phase.id).where(Phase.key == "december"))


def save(b, node, version, level="paborjad", comment="<p>Text</p>", action="save"):
    b.get(EDIT.format(node))
    return b.post(EDIT.format(node), {"level": level, "comment": comment, "version": str(version),
                                      "action": action})


def test_reporter_saves_draft_then_submits(as_user):
    anna = as_user("anna")
    response = save(anna, "u1", 0, comment="<p>Kvällsmottagningen <strong>fortsätter</strong>.</p>")
    assert response.status_code == 302
    page = anna.get(EDIT.format("u1")).text
    assert "Utkastet är sparat." in page and "Utkast" in page
    assert "Kvällsmottagningen &lt;strong&gt;fortsätter" in page  # in the textarea, escaped
    response = save(anna, "u1", 1, action="submit")
    assert response.status_code == 302
    page = anna.get(EDIT.format("u1")).text
    assert "inskickad för granskning" in page
    assert "kan inte ändras nu" in page and 'id="followup-form"' not in page


def test_submit_without_level_shows_the_error_on_the_field(as_user):
    anna = as_user("anna")
    response = save(anna, "u1", 0, level="", action="submit")
    assert response.status_code == 422
    assert "Välj status innan" in response.text and 'id="level-fel"' in response.text


def test_oversized_comment_is_refused_on_the_form(as_user):
    anna = as_user("anna")
    response = save(anna, "u1", 0, comment="<p>" + "x" * 100_001 + "</p>")
    assert response.status_code == 422 and "för lång" in response.text


@pytest.mark.parametrize("letters", [250_000, 600_000])
def test_a_far_too_long_comment_is_refused_on_the_form_and_kept_in_it(as_user, letters):
    """Pasted text far over the limit (600 000 letters å is over a megabyte) is refused
    with the limit under the field and stays in the form to be shortened: the post was
    refused whole, with a bare error page, and the text was gone. Autosave says the same."""
    from followup.followups.models.followup import Followup

    anna = as_user("anna")
    stored = db.session.scalar(select(func.count(Followup.id)))
    text = "<p>Inledning " + "å" * letters + "</p>"
    response = save(anna, "u1", 0, comment=text)
    assert response.status_code == 422
    assert "Texten är för lång: högst 100\N{NO-BREAK SPACE}000 tecken tillåts." in response.text
    assert "&lt;p&gt;Inledning " + "å" * 1000 in response.text
    anna.get(EDIT.format("u1"))
    autosave = anna.client.post(EDIT.format("u1") + "/autosave",
                                data={"level": "", "comment": text, "version": "0"},
                                headers={"X-CSRFToken": anna.token})
    assert autosave.status_code == 422
    assert autosave.json == {"error": "Texten är för lång: högst 100\N{NO-BREAK SPACE}000 tecken tillåts."}
    assert db.session.scalar(select(func.count(Followup.id))) == stored


def test_hostile_html_is_cleaned_before_it_is_stored_or_shown(as_user):
    anna = as_user("anna")
    save(anna, "u1", 0, comment='<p>Hej<script>alert(1)</script><img src=x onerror="alert(2)">'
                                '<a href="javascript:alert(3)">länk</a></p>')
    stored = db.session.scalar(select(Followup.comment).join(Node).where(
        Node.key == "u1", Followup.phase_id == demo_phase_id(anna)))
    assert stored == "<p>Hejlänk</p>"
    page = as_user("per").get(EDIT.format("u1")).text
    assert "<script>alert" not in page and "onerror" not in page and "javascript:" not in page


@pytest.mark.parametrize("who, node", [("anna", "u5"), ("per", "u1"), ("lena", "u1")])
def test_forbidden_saves_are_403_and_change_nothing(as_user, who, node):
    b = as_user(who)
    response = save(b, node, 0)
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.text
    assert db.session.scalar(select(Followup).join(Node).where(
        Node.key == node, Followup.phase_id == demo_phase_id(b))) is None


def test_reader_sees_the_follow_up_without_a_form(as_user):
    page = as_user("per").get(EDIT.format("u1")).text
    assert "får läsa men inte ändra" in page and 'id="followup-form"' not in page


def test_admin_may_not_read_follow_ups(as_user):
    assert as_user("it").get(EDIT.format("u1")).status_code == 403


def test_stale_save_shows_both_texts_side_by_side(as_user):
    anna, sara = as_user("anna"), as_user("sara")
    anna.get(EDIT.format("u1"))
    save(sara, "u1", 0, comment="<p>Saras text</p>")
    response = anna.post(EDIT.format("u1"), {"level": "paborjad", "comment": "<p>Annas text</p>",
                                            "version": "0", "action": "save"})
    assert response.status_code == 409
    assert "Saras text" in response.text and "Annas text" in response.text
    assert 'name="version" type="hidden" value="1"' in response.text
    # Anna merges and saves on top of version 1: nothing was lost on the way.
    merged = anna.post(EDIT.format("u1"), {"level": "paborjad", "version": "1", "action": "save",
                                          "comment": "<p>Saras text</p><p>Annas text</p>"})
    assert merged.status_code == 302
    followup = db.session.scalar(select(Followup).join(Node).where(Node.key == "u1",
                                                                    Followup.phase_id == demo_phase_id(anna)))
    assert followup.version == 2 and "Saras text" in followup.comment and "Annas text" in followup.comment


def test_autosave_returns_json_and_the_new_version(as_user):
    anna = as_user("anna")
    anna.get(EDIT.format("u1"))
    url = EDIT.format("u1") + "/autosave"
    response = anna.client.post(url, data={"level": "", "comment": "<p>Halvfärdig</p>", "version": "0"},
                                headers={"X-CSRFToken": anna.token})
    assert response.status_code == 200
    # The time of the save in Swedish time, as the history gives it.
    from followup.core.formatting import local_time
    from followup.followups.models.followup import Followup
    saved = db.session.scalar(select(Followup).where(Followup.version == 1))
    assert response.json == {"version": 1, "state": "draft",
                             "saved_at": local_time(saved.updated_at)[-5:]}
    stale = anna.client.post(url, data={"comment": "<p>x</p>", "version": "0"},
                             headers={"X-CSRFToken": anna.token})
    assert stale.status_code == 409 and stale.json["version"] == 1
    no_token = anna.client.post(url, data={"comment": "<p>x</p>", "version": "1"})
    assert no_token.status_code == 400


def test_compiler_returns_reporter_fixes_compiler_approves(as_user):
    anna, sara = as_user("anna"), as_user("sara")
    save(anna, "u1", 0, action="submit")
    sara.get(EDIT.format("u1"))
    response = sara.post(EDIT.format("u1") + "/return", {"remark": "Hur många familjer?", "version": "1"})
    assert response.status_code == 302
    page = anna.get(EDIT.format("u1")).text
    assert "Återremitterad med anmärkning" in page and "Hur många familjer?" in page
    save(anna, "u1", 2, comment="<p>23 familjer.</p>", action="submit")
    sara.get(EDIT.format("u1"))
    response = sara.post(EDIT.format("u1") + "/approve", {"version": "3"})
    assert response.status_code == 302
    assert "Uppföljningen är godkänd." in sara.get(EDIT.format("u1")).text
    state = db.session.scalar(select(Followup.state).join(Node).where(
        Node.key == "u1", Followup.phase_id == demo_phase_id(anna)))
    assert state is FollowupState.approved


def test_reporter_cannot_use_review_actions(as_user):
    anna = as_user("anna")
    save(anna, "u1", 0, action="submit")
    anna.get(EDIT.format("u1"))
    assert anna.post(EDIT.format("u1") + "/approve", {"version": "1"}).status_code == 403
    assert anna.post(EDIT.format("u1") + "/return", {"remark": "x", "version": "1"}).status_code == 403
    assert anna.get("/granskning/").status_code == 403


def test_history_lists_revisions_and_shows_a_diff(as_user):
    anna = as_user("anna")
    save(anna, "u1", 0, comment="<p>Två behandlare är anställda.</p>")
    save(anna, "u1", 1, level="fardig", comment="<p>Tre behandlare är anställda.</p>")
    page = anna.get(EDIT.format("u1") + "/historik").text
    assert "<del>Två</del> <ins>Tre</ins> behandlare" in page
    assert "Påbörjad" in page and "Färdig" in page and "Anna" in page
    older = anna.get(EDIT.format("u1") + "/historik?fran=1&till=1").text
    assert "Kommentaren är densamma" in older
    assert "Ändring från delårsbokslut per augusti" in page


def test_a_long_repetitive_comment_does_not_hold_up_the_history_page(as_user):
    """The word diff grew with the cube of the words that differ: two saves of 2 400
    characters of "a b a b …" took the history page 19 s, and a control point's page,
    which diffs every pair of its revisions, 26 s."""
    import time

    anna = as_user("anna")
    save(anna, "u1", 0, comment="<p>" + " a" * 1200 + "</p>")
    save(anna, "u1", 1, comment="<p>Inledning." + " a b" * 600 + " Slut.</p>")
    started = time.monotonic()
    page = anna.get(EDIT.format("u1") + "/historik")
    assert page.status_code == 200 and time.monotonic() - started < 3
    assert "<ins>Inledning." in page.text  # the change is still shown
    assert "Slut." in page.text


def test_a_failed_database_statement_gets_the_swedish_error_page(as_user, app, monkeypatch):
    """A statement the database refuses (on PostgreSQL: a text longer than its column)
    left the transaction unusable; the error page, which reads the signed-in user,
    failed as well, and the browser got the server's bare English page."""
    from followup.memos import overview
    from followup.people.models import User

    def refused(user):
        db.session.add(User(email=None, name=None))  # NOT NULL: the flush fails
        db.session.flush()

    monkeypatch.setattr(overview, "latest_signed", refused)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    per = as_user("per")
    page = per.get("/dokument")
    assert page.status_code == 500
    assert "Ett fel inträffade" in page.text and "Internal Server Error" not in page.text
    monkeypatch.undo()
    assert per.get("/dokument").status_code == 200


def test_unknown_plan_phase_or_node_is_404(as_user):
    sara = as_user("sara")
    for url in ("/plans/NOPE/phases/december/nodes/u1", "/plans/SOC-2026/phases/juni/nodes/u1",
                EDIT.format("nope")):
        response = sara.get(url)
        assert response.status_code == 404 and "finns inte" in response.text


def test_behind_a_proxy_each_client_has_its_own_address_limit(demo, database_url, tmp_path):
    """With PROXY_COUNT set, the failed-login limit per address counts the address the
    proxy forwards, not the proxy's own: one user's typing errors lock out no one else."""
    from followup import create_app
    from tests.fixtures import Browser

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url,
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "PROXY_COUNT": 1,
                      "LOGIN_ADDRESS_LIMIT": "2 per minute",
                      "LOGIN_ACCOUNT_LIMIT": "100 per minute"},
                     instance_path=str(tmp_path))

    def attempt(address, password="fel"):
        browser = Browser(app.test_client())
        browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = address
        return browser.login("anna@ekbacka.example", password).status_code

    assert [attempt("10.0.0.1") for _ in range(3)] == [400, 400, 429]
    assert attempt("10.0.0.2", PASSWORD) == 302  # another user behind the same proxy


def test_the_edit_page_says_where_an_uppdrag_is_carried_over_from_once(as_user):
    page = as_user("sara").get("/plans/SOC-2026/phases/december/nodes/u5").text
    assert "<dt>Kvar från</dt><dd>2025</dd>" in page and "KVAR FRÅN 2025" not in page
