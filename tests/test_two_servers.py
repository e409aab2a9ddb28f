"""Several app servers behind one load balancer (issue 20.6): each made a secret key of
its own in its instance folder, so a session started on one was refused by the other.
With FOLLOWUP_SECRET_KEY the same on both, a user signs in on one server and works on
the other; without it, each server says in its log what to set.

Two gunicorn servers, one database (the test database) and one real Redis for the login
limits; one browser session (cookies are not per port, as behind a load balancer)."""

import json
import re

import pytest
import requests
from sqlalchemy import select

from followup.core.extensions import db
from followup.followups.models.followup import Followup
from followup.people.tests.test_login_limits_redis import redis_url  # noqa: F401 (a fixture)
from followup.plans.models.node import Node
from tests.fixtures import PASSWORD
from tests.servers import gunicorn

EDIT = "/plans/SOC-2026/phases/december/nodes/u2"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token(response):
    return TOKEN.search(response.text).group(1)


def _login(session, base):
    page = session.get(base + "/login")
    return session.post(base + "/login", data={
        "csrf_token": _token(page), "email": "anna@ekbacka.example", "password": PASSWORD},
        allow_redirects=False)


def _servers(database_url, tmp_path, redis, secret):
    settings = dict(RATELIMIT_STORAGE_URI=redis, SECRET_KEY=secret, PDF_WORKERS="0")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    return (gunicorn(database_url, tmp_path / "a", 1, **settings),
            gunicorn(database_url, tmp_path / "b", 1, **settings))


def test_signed_in_on_one_server_a_user_saves_a_follow_up_on_the_other(
        demo, database_url, tmp_path, redis_url):  # noqa: F811
    first, second = _servers(database_url, tmp_path, redis_url, "delad-hemlighet-för-testet")
    with first as (a, _), second as (b, _):
        browser = requests.Session()
        assert _login(browser, a).status_code == 302
        page = browser.get(b + EDIT, allow_redirects=False)
        assert page.status_code == 200, page.headers.get("Location")
        saved = browser.post(b + EDIT, data={
            "csrf_token": _token(page), "level": "paborjad",
            "comment": "<p>Sparad på den andra servern.</p>", "version": 0,
            "action": "save"}, allow_redirects=False)
        assert saved.status_code in (200, 302, 303), saved.text[:500]
        assert browser.get(a + EDIT).status_code == 200  # and back on the first
    db.session.expire_all()
    followup = db.session.scalar(select(Followup).join(Node, Followup.node_id == Node.id).where(
        Node.key == "u2", Followup.phase_id == demo.plan.phase("december").id))
    assert "Sparad på den andra servern." in followup.comment
    for name in ("a", "b"):
        assert "secret_key_not_shared" not in (tmp_path / name / "gunicorn.log").read_text()


def test_without_a_shared_secret_key_each_server_warns_and_says_what_to_set(
        demo, database_url, tmp_path, redis_url):  # noqa: F811
    first, second = _servers(database_url, tmp_path, redis_url, None)
    with first as (a, _), second as (b, _):
        browser = requests.Session()
        assert _login(browser, a).status_code == 302
        # What the users met: the other server does not know the session.
        refused = browser.get(b + EDIT, allow_redirects=False)
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    for name in ("a", "b"):
        lines = [json.loads(line) for line in
                 (tmp_path / name / "gunicorn.log").read_text().splitlines()
                 if line.startswith("{")]
        [warning] = [line for line in lines if line.get("event") == "config.secret_key_not_shared"]
        assert warning["level"] == "warning"
        assert "FOLLOWUP_SECRET_KEY" in warning["message"]
        assert "same secret on every server" in warning["message"]


@pytest.fixture(autouse=True)
def _no_pdf_workers(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_PDF_WORKERS", "0")
