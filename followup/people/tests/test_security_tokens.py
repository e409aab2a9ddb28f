"""API tokens (issue 9): a name, an expiry date and last use; listed and revoked on the
command line and on the user's own page (/konto); revoked or expired → 401."""

from datetime import datetime, timedelta, timezone

import pytest

from followup.core.errors import Invalid
from followup.core.extensions import db
from followup.people import tokens
from followup.people.models import ApiToken
from tests.fixtures import PASSWORD

BASE = "/api/plans/SOC-2026/phases/december/followups"


def today():
    """The date where the board is: expiry dates are Swedish days."""
    return datetime.now(tokens.LOCAL).date()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_token_has_a_name_an_expiry_and_its_last_use(client, demo):
    token = tokens.create_token(demo.per, "Ekonomisystemet")
    db.session.commit()
    row = db.session.scalar(db.select(ApiToken))
    assert row.name == "Ekonomisystemet" and row.last_used_at is None
    last_day = row.expires_at.astimezone(tokens.LOCAL).date()
    assert last_day == today() + timedelta(days=tokens.DEFAULT_DAYS)
    assert client.get(BASE, headers=bearer(token)).status_code == 200
    assert db.session.get(ApiToken, row.id).last_used_at is not None


def test_a_revoked_token_is_401_and_a_new_one_does_not_revive_it(client, demo):
    old = tokens.create_token(demo.per, "Gammal")
    new = tokens.create_token(demo.per, "Ny")
    old_row = db.session.scalar(db.select(ApiToken).where(ApiToken.name == "Gammal"))
    tokens.revoke_token(demo.per, old_row.id)
    db.session.commit()
    response = client.get(BASE, headers=bearer(old))
    assert response.status_code == 401 and "återkallad" in response.json["error"]
    assert client.get(BASE, headers=bearer(new)).status_code == 200


def test_an_expired_token_is_401(client, demo):
    token = tokens.create_token(demo.per, "Kort", today())
    db.session.commit()
    row = db.session.scalar(db.select(ApiToken))
    assert client.get(BASE, headers=bearer(token)).status_code == 200
    row.expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    db.session.commit()
    assert client.get(BASE, headers=bearer(token)).status_code == 401
    assert tokens.state(db.session.get(ApiToken, row.id)) == "utgången"


@pytest.mark.parametrize("expires, message", [
    ("2020-01-01", "passerat"), ("i morgon", "ÅÅÅÅ-MM-DD"),
    ((today() + timedelta(days=400)).isoformat(), "högst 366 dagar")])
def test_an_expiry_in_the_past_or_too_far_ahead_is_refused(demo, expires, message):
    with pytest.raises(Invalid, match=message):
        tokens.create_token(demo.per, "X", expires)


def test_nobody_revokes_another_users_token(demo):
    tokens.create_token(demo.per, "Pers")
    row = db.session.scalar(db.select(ApiToken))
    from followup.core.errors import NotFound

    with pytest.raises(NotFound):
        tokens.revoke_token(demo.sara, row.id)


def test_cli_makes_lists_and_revokes_tokens(cli, client, demo):
    made = cli.invoke(args=["user", "token", "per@ekbacka.example", "--name", "Ekonomisystemet",
                            "--expires", (today() + timedelta(days=30)).isoformat()])
    assert made.exit_code == 0
    token = made.stdout.strip()
    client.get(BASE, headers=bearer(token))
    listed = cli.invoke(args=["user", "tokens", "per@ekbacka.example"])
    assert listed.exit_code == 0
    number, name, created, expires, used, state = listed.stdout.strip().split("\t")
    assert name == "Ekonomisystemet" and state == "aktiv" and used != "aldrig använd"
    assert expires == (today() + timedelta(days=30)).isoformat()
    revoked = cli.invoke(args=["user", "revoke-token", "per@ekbacka.example", number])
    assert revoked.exit_code == 0 and "återkallad" in revoked.stdout
    assert client.get(BASE, headers=bearer(token)).status_code == 401
    assert cli.invoke(args=["user", "tokens", "per@ekbacka.example"]).stdout.strip() \
        .endswith("återkallad")
    other = cli.invoke(args=["user", "revoke-token", "sara@ekbacka.example", number])
    assert other.exit_code == 1 and "ingen sådan" in other.stderr
    bad = cli.invoke(args=["user", "token", "per@ekbacka.example", "--name", "X",
                           "--expires", "2020-01-01"])
    assert bad.exit_code == 1 and "Traceback" not in bad.stderr


def test_my_page_makes_shows_once_lists_and_revokes_my_tokens(as_user, client):
    per = as_user("per")
    page = per.get("/konto/")
    assert page.status_code == 200 and "Du har inga API-nycklar." in page.text
    made = per.post("/konto/api-nycklar", {"name": "Rapportverktyget", "expires": "",
                                           "password": PASSWORD})
    assert made.status_code == 201
    import re

    token = re.search(r'<code class="token">([^<]+)</code>', made.text).group(1)
    assert client.get(BASE, headers=bearer(token)).status_code == 200
    page = per.get("/konto/").text
    assert token not in page  # shown once
    assert "Rapportverktyget" in page and "Aktiv" in page
    row = db.session.scalar(db.select(ApiToken))
    per.post(f"/konto/api-nycklar/{row.id}/aterkalla")
    assert client.get(BASE, headers=bearer(token)).status_code == 401
    assert "Återkallad" in per.get("/konto/").text


def test_my_page_refuses_another_users_token(as_user, demo):
    tokens.create_token(demo.sara, "Saras")
    row = db.session.scalar(db.select(ApiToken))
    per = as_user("per")
    per.get("/konto/")
    assert per.post(f"/konto/api-nycklar/{row.id}/aterkalla").status_code == 404
    assert db.session.get(ApiToken, row.id).revoked_at is None


def test_every_role_has_the_page_linked_from_the_header(as_user):
    for name in ("anna", "sara", "lena", "per", "it"):
        page = as_user(name).get("/konto/")
        assert page.status_code == 200 and 'href="/konto/"' in page.text


def test_making_a_token_on_my_page_asks_for_my_password(as_user, client):
    """Issue 23.7: a session left open (or stolen) must not be turned into a key that
    lives for a year; the password is asked again, and a wrong or missing one makes
    nothing."""
    per = as_user("per")
    per.get("/konto/")
    for password in ("", "fel-lösenord"):
        refused = per.post("/konto/api-nycklar", {"name": "Smygnyckel", "expires": "",
                                                  "password": password})
        assert refused.status_code == 422
        assert "lösenord" in refused.text and '<code class="token">' not in refused.text
    assert db.session.scalar(db.select(ApiToken)) is None
    assert 'autocomplete="current-password"' in per.get("/konto/").text


def test_the_service_checks_the_password_too(demo):
    with pytest.raises(Invalid, match="lösenord"):
        tokens.create_own_token(demo.per, "fel-lösenord", "Smygnyckel")
    assert db.session.scalar(db.select(ApiToken)) is None
    assert tokens.create_own_token(demo.per, PASSWORD, "Rätt")


def test_a_new_password_revokes_my_tokens_and_says_which(as_user, client, demo):
    """Issue 23.7: a token made before a password change answered 200 after the change
    and a logout, for up to 366 days."""
    old = tokens.create_token(demo.per, "Ekonomisystemet")
    other = tokens.create_token(demo.per, "Rapportverktyget")
    saras = tokens.create_token(demo.sara, "Saras")
    db.session.commit()
    per = as_user("per")
    per.get("/konto/")
    changed = per.post("/konto/losenord", {"current": PASSWORD,
                                           "new": "kvällsmottagning-rönnbär-7",
                                           "repeat": "kvällsmottagning-rönnbär-7"},
                       follow_redirects=True)
    assert changed.status_code == 200
    assert "Ekonomisystemet" in changed.text and "Rapportverktyget" in changed.text
    assert "återkallade" in changed.text
    per.get("/konto/")
    per.post("/logout")
    for token in (old, other):
        assert client.get(BASE, headers=bearer(token)).status_code == 401
    assert client.get(BASE, headers=bearer(saras)).status_code == 200
    rows = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == demo.per.id)).all()
    assert all(r.revoked_at is not None for r in rows)


def test_a_password_set_by_an_administrator_revokes_the_tokens_too(demo):
    from followup.people import users

    token = tokens.create_token(demo.per, "Ekonomisystemet")
    users.update_user(demo.it, demo.per, name="Per", role=demo.per.role, unit_ids=[],
                      active=True, password="kvällsmottagning-rönnbär-7")
    assert tokens.user_for_token(token) is None
