"""Signing in with the municipality's own account (issue 19), against a real OpenID
provider on loopback (tests/oidc/provider.mjs, panva's oidc-provider): the user made at
the first sign-in, roles set from groups at every sign-in, no session without a mapped
group, passwords turned off, signing out at the provider too, and every forged or
stale token refused."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from followup.core.errors import Forbidden
from followup.core.extensions import db
from followup.people import oidc, permissions, sso
from followup.people.models import Role, User
from tests.fixtures import PASSWORD, Browser
from tests.oidc.flows import code_flow, through_provider
from tests.test_permission_matrix import MATRIX, _allowed_or_refused, act

EVA = {"oid": "7f1c2d3e-0000-4000-8000-000000000001", "name": "Eva Ek",
       "email": "eva.ek@ekbacka.example", "preferred_username": "eva.ek@ekbacka.example"}
BACK = "http://localhost/login/kommunen/svar"


@pytest.fixture
def mapped(sso_app, demo):
    """The administrator's mapping: SOC-strateg → strateg for SOC, SOC-läsare → reader
    for SOC, IT-admin → administrator."""
    sso.add_mapping(demo.it, "SOC-strateg", "compiler", "SOC-2026")
    sso.add_mapping(demo.it, "SOC-lasare", "reader", "SOC-2026")
    sso.add_mapping(demo.it, "SOC-bou", "reporter", "SOC-2026", "barn-unga")
    sso.add_mapping(demo.it, "IT-admin", "admin")
    db.session.commit()
    return demo


def sign_in(app, oidc, account, client=None):
    """The whole flow as a browser makes it: our start page, the provider's login and
    consent, our callback. Returns (client, the callback's response)."""
    client = client or app.test_client()
    start = client.get("/login/kommunen")
    assert start.status_code == 302, start.text[:300]
    back = through_provider(start.location, account, BACK)
    parts = urlsplit(back)
    return client, client.get(f"{parts.path}?{parts.query}")


def eva():
    return db.session.scalar(select(User).where(User.subject == EVA["oid"]))


def test_first_sign_in_makes_the_user_with_the_roles_of_their_groups(mapped, sso_app, oidc):
    oidc.set_account("eva", **EVA, groups=["SOC-strateg", "Ekonomer"])
    client, answer = sign_in(sso_app, oidc, "eva")
    assert answer.status_code == 302 and answer.location.endswith("/")
    user = eva()
    assert (user.name, user.email, user.role) == ("Eva Ek", "eva.ek@ekbacka.example", None)
    assert permissions.is_compiler(user, mapped.plan)
    assert "Eva Ek" in client.get("/granskning/").text
    account = client.get("/konto/").text
    assert "Du loggar in med kommunens konto" in account and "Byt lösenord" not in account


def test_a_role_removed_in_the_provider_is_gone_at_the_next_sign_in(mapped, sso_app, oidc):
    oidc.set_account("eva", **EVA, groups=["SOC-strateg"])
    sign_in(sso_app, oidc, "eva")
    oidc.set_account("eva", **EVA, groups=["SOC-lasare", "SOC-bou"])
    client, answer = sign_in(sso_app, oidc, "eva")
    assert answer.status_code == 302
    user = eva()
    assert not permissions.is_compiler(user, mapped.plan)
    assert permissions.is_reporter(user, mapped.plan) and permissions.can_read(user, mapped.plan)
    assert [u.key for u in user.units] == ["barn-unga"]
    assert client.get("/granskning/").status_code == 403


def test_no_mapped_group_gets_a_clear_page_and_no_session(mapped, sso_app, oidc):
    oidc.set_account("eva", **EVA, groups=["Ekonomer"])
    client, answer = sign_in(sso_app, oidc, "eva")
    assert answer.status_code == 403
    assert "ingen behörighet i Planuppföljning" in answer.text
    assert client.get("/").status_code == 302  # to the login page: nobody is signed in
    assert eva() is None


def test_out_of_every_group_one_keeps_no_role_no_session_and_no_token(mapped, sso_app, oidc):
    from followup.people import tokens

    oidc.set_account("eva", **EVA, groups=["SOC-strateg"])
    first, _ = sign_in(sso_app, oidc, "eva")
    token = tokens.create_token(eva(), "Integration")
    db.session.commit()
    oidc.set_account("eva", **EVA, groups=[])
    _, answer = sign_in(sso_app, oidc, "eva")
    assert answer.status_code == 403
    user = eva()
    assert user.role is None and user.board_roles == [] and user.memberships == []
    assert first.get("/granskning/").status_code == 302  # the old session has ended
    assert tokens.user_for_token(token) is None


def test_too_many_groups_for_the_token_is_refused_and_keeps_the_roles_held(
        mapped, sso_app, oidc):
    """Entra ID names no group of someone in over 200 (its "overage"): it points to
    where they can be read instead. Nothing says they left their groups, so the roles
    they hold stay, and the page says what IT can change."""
    oidc.set_account("eva", **EVA, groups=["SOC-strateg"])
    sign_in(sso_app, oidc, "eva")
    oidc.set_account("eva", **EVA, _claim_names={"groups": "src1"}, _claim_sources={
        "src1": {"endpoint": f"https://graph.microsoft.com/v1.0/users/{EVA['oid']}"
                             "/getMemberObjects"}})
    client, answer = sign_in(sso_app, oidc, "eva")
    assert answer.status_code == 403
    assert "fler grupper än inloggningen kan räkna upp" in answer.text
    assert "Grupper som tilldelats programmet" in answer.text
    assert client.get("/").status_code == 302  # no session
    assert permissions.is_compiler(eva(), mapped.plan)


def test_an_account_of_the_same_address_is_linked_only_where_the_provider_vouches(
        mapped, sso_app, oidc, cli):
    # Sara's password account has the address the token names.
    oidc.set_account("eva", **dict(EVA, email="sara@ekbacka.example"), groups=["SOC-lasare"])
    client, answer = sign_in(sso_app, oidc, "eva")
    assert answer.status_code == 403 and "Be IT koppla" in answer.text
    assert db.session.get(User, mapped.sara.id).subject is None
    oidc.set_account("eva", **dict(EVA, email="sara@ekbacka.example", email_verified=True),
                     groups=["SOC-lasare"])
    _, answer = sign_in(sso_app, oidc, "eva")
    assert answer.status_code == 302
    assert db.session.get(User, mapped.sara.id).subject == EVA["oid"]


def test_it_links_an_account_with_the_command_line(mapped, sso_app, oidc, cli):
    result = cli.invoke(args=["sso", "link", "per@ekbacka.example", "oid-per"])
    assert result.exit_code == 0, result.stderr
    assert db.session.get(User, mapped.per.id).subject == "oid-per"
    taken = cli.invoke(args=["sso", "link", "anna@ekbacka.example", "oid-per"])
    assert taken.exit_code == 1 and "hör redan till" in taken.stderr


def test_an_account_the_administrator_turned_off_gets_no_session(mapped, sso_app, oidc):
    oidc.set_account("eva", **EVA, groups=["SOC-strateg"])
    sign_in(sso_app, oidc, "eva")
    user = eva()
    user.active = False
    db.session.commit()
    client, answer = sign_in(sso_app, oidc, "eva")
    assert answer.status_code == 403 and "avstängt" in answer.text
    assert client.get("/").status_code == 302


def test_a_replayed_state_is_refused(mapped, sso_app, oidc):
    oidc.set_account("eva", **EVA, groups=["SOC-strateg"])
    client = sso_app.test_client()
    start = client.get("/login/kommunen")
    back = through_provider(start.location, "eva", BACK)
    path = f"{urlsplit(back).path}?{urlsplit(back).query}"
    assert client.get(path).status_code == 302
    again = client.get(path)  # the same answer once more, in the same browser
    assert again.status_code == 400 and "avbröts" in again.text
    stranger = sso_app.test_client().get(path)  # and in another
    assert stranger.status_code == 400


def id_token_of(oidc, nonce, client_id=None, secret=None, redirect=BACK):
    return code_flow(oidc, client_id or oidc.CLIENT_ID, secret or oidc.CLIENT_SECRET, redirect,
                     "eva", nonce)


@pytest.fixture
def checking(sso_app, oidc):
    """Checks a token response the way the callback has it checked (Authlib, with the
    client of our settings)."""
    oidc.set_account("eva", **EVA, groups=["SOC-strateg"])
    with sso_app.test_request_context():
        yield lambda token, nonce: oidc_check(token, nonce, sso_app)


def oidc_check(token, nonce, app):
    return oidc.check(token, nonce)


def test_a_good_token_holds(checking, oidc):
    claims = checking(id_token_of(oidc, "n-1"), "n-1")
    assert claims["oid"] == EVA["oid"]


def test_a_token_for_another_audience_is_refused(checking, oidc):
    token = id_token_of(oidc, "n-2", oidc.OTHER_ID, oidc.OTHER_SECRET, "http://127.0.0.1:9/svar")
    with pytest.raises(Exception, match="aud"):
        checking(token, "n-2")


def test_a_wrong_nonce_is_refused(checking, oidc):
    with pytest.raises(Exception, match="nonce"):
        checking(id_token_of(oidc, "n-3"), "another-nonce")


def test_a_tampered_signature_is_refused(checking, oidc):
    token = id_token_of(oidc, "n-4")
    head, body, signature = token["id_token"].split(".")
    flipped = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    with pytest.raises(Exception, match="signature"):
        checking(dict(token, id_token=f"{head}.{body}.{flipped}"), "n-4")
    # And claims changed under the old signature.
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["oid"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(Exception, match="signature"):
        checking(dict(token, id_token=f"{head}.{forged}.{signature}"), "n-4")


def test_an_expired_token_is_refused(sso_app, demo, tmp_path):
    import time

    from tests.servers import oidc_provider

    with oidc_provider(tmp_path, ["http://localhost"], id_token_ttl=1) as short:
        short.set_account("eva", **EVA, groups=[])
        token = id_token_of(short, "n-5")
        saved = dict(sso_app.config)
        sso_app.config.update(short.settings(), OIDC_LEEWAY=0)
        try:
            time.sleep(2.2)
            with sso_app.test_request_context(), pytest.raises(Exception, match="expired"):
                oidc_check(token, "n-5", sso_app)
        finally:
            sso_app.config.clear()
            sso_app.config.update(saved)


def test_an_issuer_that_does_not_match_is_refused(mapped, sso_app, oidc, cli):
    # The same provider under another name: its discovery document names 127.0.0.1.
    sso_app.config["OIDC_ISSUER"] = oidc.issuer.replace("127.0.0.1", "localhost")
    answer = sso_app.test_client().get("/login/kommunen")
    assert answer.status_code == 502 and "issuer" in answer.text
    result = cli.invoke(args=["sso", "check"])
    assert result.exit_code == 1 and "måste vara samma" in result.stderr


def test_sso_check_says_all_is_well_or_what_is_wrong(sso_app, cli, oidc):
    good = cli.invoke(args=["sso", "check"])
    assert good.exit_code == 0 and "rätt inställd" in good.stdout
    sso_app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"
    bad = cli.invoke(args=["sso", "check"])
    assert bad.exit_code == 1 and "ingen anslutning" in bad.stderr
    sso_app.config["OIDC_ISSUER"] = None
    assert "FOLLOWUP_OIDC_ISSUER saknas" in cli.invoke(args=["sso", "check"]).stderr


def test_signing_out_ends_the_provider_s_session_too(mapped, sso_app, oidc):
    oidc.set_account("eva", **EVA, groups=["SOC-strateg"])
    client, _ = sign_in(sso_app, oidc, "eva")
    browser = Browser(client)
    assert browser.get("/konto/").status_code == 200 and browser.token
    out = browser.post("/logout")
    assert out.status_code == 302
    assert out.location.startswith(oidc.issuer + "/session/end")
    query = parse_qs(urlsplit(out.location).query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/login"]
    assert query["client_id"] == [oidc.CLIENT_ID]
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("mode, who, allowed", [
    ("off", "it", False), ("off", "sara", False),
    ("admins", "it", True), ("admins", "sara", False),
    ("on", "sara", True)])
def test_passwords_can_be_turned_off_except_for_administrators(sso_app, demo, mode, who, allowed):
    sso_app.config["PASSWORD_LOGIN"] = mode
    browser = Browser(sso_app.test_client())
    page = browser.get("/login")
    assert "Logga in med kommunens konto" in page.text
    # Turned off, the page offers no password at all; for administrators, only behind
    # "Nödinloggning för administratörer".
    assert ('name="password"' in page.text) is (mode != "off")
    assert ("Nödinloggning" in page.text) is (mode == "admins")
    answer = browser.post("/login", {"email": f"{who}@ekbacka.example", "password": PASSWORD},
                          csrf=mode != "off")
    assert (answer.status_code == 302) is allowed, answer.text[:300]
    if not allowed and mode == "admins":
        # As a wrong password: the answer does not tell that the password was right.
        assert answer.status_code == 400 and "Fel e-postadress eller lösenord" in answer.text
    elif not allowed:
        assert answer.status_code in (400, 403)


def test_the_administrator_maps_groups_in_the_browser(sso_app, demo):
    browser = Browser(sso_app.test_client())
    browser.login("it@ekbacka.example")
    page = browser.get("/anvandare/grupper")
    assert page.status_code == 200
    added = browser.post("/anvandare/grupper", {"group": "SOC-direktor", "role": "approver",
                                                 "board": "SOC-2026", "unit": ""})
    assert added.status_code == 302
    row = sso.mappings()[0]
    assert (row.group, row.role, row.board_code) == ("SOC-direktor", Role.approver, "SOC")
    listing = browser.get("/anvandare/grupper").text
    assert "SOC-direktor" in listing
    refused = browser.post("/anvandare/grupper", {"group": "X", "role": "compiler",
                                                   "board": "", "unit": ""})
    assert refused.status_code == 422 and "Välj nämnd" in refused.text
    browser.post(f"/anvandare/grupper/{row.id}/ta-bort", {})
    assert sso.mappings() == []
    sara = Browser(sso_app.test_client())
    sara.login("sara@ekbacka.example", PASSWORD)
    assert sara.get("/anvandare/grupper").status_code == 403


SSO_PEOPLE = {"anna": ["SOC-bou"], "sara": ["SOC-strateg"], "lena": ["SOC-direktor"],
              "per": ["SOC-lasare"], "it": ["IT-admin"]}


@pytest.mark.parametrize("action, role", [(a, r) for a, roles in MATRIX.items() for r in roles])
def test_the_permission_matrix_holds_for_users_of_the_municipality_s_accounts(
        mapped, action, role):
    """The same rows as tests/test_permission_matrix.py, with each person signed in with
    the municipality's account, their roles from their groups."""
    sso.add_mapping(mapped.it, "SOC-direktor", "approver", "SOC-2026")
    db.session.commit()
    user = sso.sign_in(sso.Identity(f"oid-{role}", f"{role.title()} Konto",
                                    f"{role}.konto@ekbacka.example", tuple(SSO_PEOPLE[role])))
    db.session.commit()
    _allowed_or_refused(MATRIX[action][role], (Forbidden,), lambda: act(mapped, user, action))
