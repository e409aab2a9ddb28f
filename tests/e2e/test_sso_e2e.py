"""Sign-in with the municipality's account in a real browser, through the provider's own
login page (tests/oidc/provider.mjs): each role lands on its own start page, a first
sign-in makes the user, a group taken away in the provider takes the role away at the
next sign-in, and signing out ends the provider's session too."""

import re

import pytest
from playwright.sync_api import expect

from followup.core.extensions import db
from followup.people import sso

GROUPS = {"strateg": "SOC-strateg", "direktor": "SOC-direktor", "handlaggare": "SOC-bou",
          "lasare": "SOC-lasare", "it": "IT-admin"}
# Who each one is at the provider, and where they land with us.
PEOPLE = {
    "strateg": ("Att granska", "/granskning/"),
    "direktor": ("Att fastställa", "/"),
    "handlaggare": ("Mina uppföljningar", "/mina"),
    "lasare": ("dokument", "/"),
    "it": ("Användare", "/anvandare/"),
}


@pytest.fixture
def provider(sso_app, oidc, demo):
    sso.add_mapping(demo.it, GROUPS["strateg"], "compiler", "SOC-2026")
    sso.add_mapping(demo.it, GROUPS["direktor"], "approver", "SOC-2026")
    sso.add_mapping(demo.it, GROUPS["handlaggare"], "reporter", "SOC-2026", "barn-unga")
    sso.add_mapping(demo.it, GROUPS["lasare"], "reader", "SOC-2026")
    sso.add_mapping(demo.it, GROUPS["it"], "admin")
    db.session.commit()
    for i, (who, group) in enumerate(GROUPS.items()):
        oidc.set_account(who, oid=f"00000000-0000-4000-8000-00000000000{i}",
                         name=f"{who.title()} Kommunsson", email=f"{who}@kommun.example",
                         preferred_username=f"{who}@kommun.example", groups=[group])
    return oidc


def sign_in(page, who):
    page.goto("/login")
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    # The provider's own pages: its login form, then its consent.
    page.locator("input[name=login]").fill(who)
    page.locator("input[name=password]").fill("vilket-som-helst")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def sign_out(page):
    """Ours, then the provider's: it asks to confirm, then sends the browser back."""
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_role("button", name=re.compile("sign me out", re.I)).click()
    expect(page).to_have_url(re.compile(r"/login$"))


@pytest.mark.parametrize("who", list(PEOPLE))
def test_each_role_signs_in_through_the_provider_and_lands_on_its_page(open_page, provider, who):
    heading, path = PEOPLE[who]
    page = open_page()
    sign_in(page, who)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.locator(".who")).to_contain_text(f"{who.title()} Kommunsson")
    assert path in page.url or path == "/"


def test_a_role_taken_away_in_the_provider_is_gone_at_the_next_sign_in(open_page, provider):
    page = open_page()
    sign_in(page, "strateg")  # the first sign-in makes the user
    expect(page.get_by_role("heading", level=1)).to_contain_text("Att granska")
    sign_out(page)
    provider.set_account("strateg", oid="00000000-0000-4000-8000-000000000000",
                         name="Strateg Kommunsson", email="strateg@kommun.example",
                         groups=["SOC-lasare"])
    sign_in(page, "strateg")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dokument")
    page.goto("/granskning/")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Att granska")
    # Out of every group: no session, and a page that says why.
    sign_out(page)
    provider.set_account("strateg", oid="00000000-0000-4000-8000-000000000000",
                         name="Strateg Kommunsson", email="strateg@kommun.example", groups=[])
    sign_in(page, "strateg")
    expect(page.get_by_role("alert")).to_contain_text("ingen behörighet")


def test_signing_out_ends_the_provider_s_session_too(open_page, provider):
    page = open_page()
    sign_in(page, "lasare")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dokument")
    sign_out(page)
    # Signing in again asks for the provider's login: its session has ended too.
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    expect(page.locator("input[name=login]")).to_be_visible()
