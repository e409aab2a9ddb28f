"""Sessions that end (issue 9): a cookie taken before logout, a password change or
reset, a deactivation or a role change no longer reads or writes anything; an idle
session ends; ``next`` after login is only a path on this site."""

import time

import pytest
from flask.sessions import SecureCookieSessionInterface

from followup.core.extensions import db
from followup.people.models import User
from tests.fixtures import PASSWORD, Browser

EDIT = "/plans/SOC-2026/phases/december/nodes/u1"
COOKIE = "followup_session"


def stolen_cookie(browser):
    """The session cookie as it is now: what an attacker who copied it would replay."""
    return browser.client.get_cookie(COOKIE).value


def replay(app, cookie):
    """A fresh client that presents only ``cookie``."""
    thief = Browser(app.test_client())
    thief.client.set_cookie(COOKIE, cookie, domain="localhost")
    return thief


def reads(thief, url="/mina"):
    return thief.get(url).status_code == 200


def saves(thief):
    page = thief.get(EDIT)
    if page.status_code != 200:
        return False
    response = thief.post(EDIT, {"level": "paborjad", "comment": "<p>Av någon annan</p>",
                                 "version": "0", "action": "save"})
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def test_a_cookie_copied_before_logout_reads_and_saves_nothing_after(app, as_user):
    anna = as_user("anna")
    cookie = stolen_cookie(anna)
    assert reads(replay(app, cookie))  # the copy works while the session lasts
    anna.get("/mina")
    assert anna.post("/logout").status_code == 302
    thief = replay(app, cookie)
    assert not reads(thief)
    assert not saves(thief)
    assert thief.get("/mina").headers["Location"].startswith("/login")


def test_a_password_reset_by_an_administrator_ends_the_users_sessions(app, as_user, demo):
    lena = as_user("lena")
    cookie = stolen_cookie(lena)
    it = as_user("it")
    it.get(f"/anvandare/{demo.lena.id}")
    response = it.post(f"/anvandare/{demo.lena.id}", {
        "name": "Lena", "role": "approver", "active": "y",
        "password": "ett-nytt-och-långt-lösenord"})
    assert response.status_code == 302
    assert not reads(replay(app, cookie), "/planer")


def test_changing_my_own_password_ends_my_other_sessions_but_not_this_one(app, as_user, demo):
    laptop = as_user("anna")
    phone = as_user("anna")
    laptop.get("/konto/")
    response = laptop.post("/konto/losenord", {
        "current": PASSWORD, "new": "kvällsmottagning-i-Ekbacka-2026",
        "repeat": "kvällsmottagning-i-Ekbacka-2026"})
    assert response.status_code == 302
    assert reads(laptop)
    assert not reads(phone)
    assert Browser(app.test_client()).login("anna@ekbacka.example").status_code == 400
    assert Browser(app.test_client()).login(
        "anna@ekbacka.example", "kvällsmottagning-i-Ekbacka-2026").status_code == 302


def test_my_own_new_password_must_be_strong_and_the_old_one_right(as_user):
    anna = as_user("anna")
    anna.get("/konto/")
    wrong = anna.post("/konto/losenord", {"current": "fel", "new": "kvällsmottagning-2026-x",
                                          "repeat": "kvällsmottagning-2026-x"})
    assert wrong.status_code == 422 and "nuvarande lösenordet stämmer inte" in wrong.text
    weak = anna.post("/konto/losenord", {"current": PASSWORD, "new": "aaaaaaaaaaaa",
                                         "repeat": "aaaaaaaaaaaa"})
    assert weak.status_code == 422 and "för lätt att gissa" in weak.text
    assert reads(anna)


def test_deactivation_ends_the_users_sessions(app, as_user, demo):
    per = as_user("per")
    cookie = stolen_cookie(per)
    sara = as_user("sara")
    sara.get(f"/anvandare/{demo.per.id}")
    assert sara.post(f"/anvandare/{demo.per.id}", {"name": "Per", "role": "reader"}
                     ).status_code == 302
    db.session.get(User, demo.per.id).active = True  # even switched on again …
    db.session.commit()
    assert not reads(replay(app, cookie), "/planer")  # … the old cookie stays dead


def test_a_role_change_ends_the_users_sessions(app, as_user, demo):
    omar = as_user("omar")
    cookie = stolen_cookie(omar)
    sara = as_user("sara")
    sara.get(f"/anvandare/{demo.omar.id}")
    assert sara.post(f"/anvandare/{demo.omar.id}", {"name": "Omar", "role": "reader",
                                                     "active": "y"}).status_code == 302
    assert not reads(replay(app, cookie))


def test_an_idle_session_ends_and_says_why(app, as_user):
    anna = as_user("anna")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    data = serializer.loads(stolen_cookie(anna))
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    data["seen"] -= idle + 5
    thief = replay(app, serializer.dumps(data))
    response = thief.get("/mina")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = thief.get(response.headers["Location"]).text
    assert "utan aktivitet" in page
    data["seen"] += 10  # within the idle time, the same cookie still works
    assert reads(replay(app, serializer.dumps(data)))


def test_a_session_ends_a_working_day_after_login_however_busy(app, as_user):
    anna = as_user("anna")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    data = serializer.loads(stolen_cookie(anna))
    data["login_at"] = int(time.time()) - app.config["PERMANENT_SESSION_LIFETIME"] - 5
    assert not reads(replay(app, serializer.dumps(data)))


def test_a_cookie_without_the_session_generation_is_refused(app, as_user, demo):
    """A cookie from before sessions had generations names a bare user id."""
    anna = as_user("anna")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    data = serializer.loads(stolen_cookie(anna))
    data["_user_id"] = str(demo.anna.id)
    assert not reads(replay(app, serializer.dumps(data)))


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "/%09/evil.example", "/%0a/evil.example",
    "https://evil.example", "javascript:alert(1)", "http:/evil.example", "\\\\evil.example",
    "/\t/evil.example", "//", "",
])
def test_next_is_only_a_local_path(browser, demo, target):
    from urllib.parse import quote

    browser.get("/login")
    response = browser.post("/login?next=" + quote(target, safe="%"),
                            {"email": "anna@ekbacka.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_to_a_local_page_is_followed(browser, demo):
    browser.get("/login")
    response = browser.post("/login?next=/plans/SOC-2026/phases/december/nodes/u1%3Fx%3D1",
                            {"email": "anna@ekbacka.example", "password": PASSWORD})
    assert response.headers["Location"] == "/plans/SOC-2026/phases/december/nodes/u1?x=1"


def test_security_events_are_logged_without_passwords(browser, demo, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="followup.security")
    browser.login("anna@ekbacka.example", "fel-lösenord-123")
    browser.login("anna@ekbacka.example")
    browser.get("/mina")
    browser.post("/logout")
    lines = [r.getMessage() for r in caplog.records if r.name == "followup.security"]
    assert [line.split()[0] for line in lines] == ["login.failed", "login", "logout"]
    assert "anna@ekbacka.example" in lines[0] and "address=" in lines[0]
    assert not any("fel-lösenord" in line or PASSWORD in line for line in lines)
