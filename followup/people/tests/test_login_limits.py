"""Failed logins slow guessing without locking out the right password (issue 23.5).

Before: 400 failed logins from one address over 9 minutes gave every user behind it
"Vänta 53 minuter", right password or not. Now failures count per account *and*
address (LOGIN_ACCOUNT_LIMIT), and the address's own, far higher limit
(LOGIN_ADDRESS_LIMIT) stops only the accounts already guessed from there.
"""

import pytest

from followup.core.extensions import limiter
from tests.fixtures import PASSWORD, Browser


@pytest.fixture
def office(app, demo):
    """A browser in the office: every request from the one address of its proxy."""
    def browser():
        return Browser(app.test_client())
    return browser


def test_the_defaults_are_per_account_and_address_and_far_higher_per_address(app):
    assert app.config["LOGIN_ACCOUNT_LIMIT"] == "5 per minute;20 per hour"
    assert app.config["LOGIN_ADDRESS_LIMIT"] == "100 per 15 minutes"


def test_an_attack_from_the_office_leaves_the_others_their_right_password(office):
    attacker = office()
    codes = []
    for i in range(400):  # spraying accounts, known and unknown, as in the issue
        email = ("sara@ekbacka.example" if i % 4 == 0 else f"person{i}@ekbacka.example")
        codes.append(attacker.login(email, f"gissning-{i}").status_code)
    assert 429 in codes  # the guessing is slowed…
    assert codes[:5].count(400) == 5
    # …but Anna and Omar, whose accounts nobody guessed, log in at once from the same
    # address, and a typing error of theirs is only that.
    assert office().login("omar@ekbacka.example", "fel").status_code == 400
    assert office().login("anna@ekbacka.example").status_code == 302
    assert office().login("omar@ekbacka.example").status_code == 302
    # Sara, whose account was guessed from here, waits a minute, not an hour.
    sara = office().login("sara@ekbacka.example")
    assert sara.status_code == 429 and "Vänta en minut" in sara.text
    assert int(sara.headers["Retry-After"]) <= 60


def test_an_account_fails_five_times_from_one_address_then_waits(office):
    browser = office()
    codes = [browser.login("anna@ekbacka.example", "fel").status_code for _ in range(7)]
    assert codes == [400] * 5 + [429] * 2
    assert browser.login("anna@ekbacka.example").status_code == 429  # the right one too
    assert office().login("omar@ekbacka.example").status_code == 302


def test_past_the_address_limit_each_account_gets_two_tries(app, demo):
    app.config["LOGIN_ADDRESS_LIMIT"] = "10 per 15 minutes"
    try:
        attacker = Browser(app.test_client())
        first = [attacker.login(f"p{i}@ekbacka.example", "fel").status_code for i in range(10)]
        assert first == [400] * 10
        # Over the address's limit: an account guessed twice from here waits…
        assert attacker.login("p0@ekbacka.example", "fel").status_code == 400
        assert attacker.login("p0@ekbacka.example", "fel").status_code == 429
        # …one not yet guessed gets two tries (a typing error is not a guess), then waits.
        assert attacker.login("anna@ekbacka.example", "fel").status_code == 400
        assert attacker.login("anna@ekbacka.example", "fel").status_code == 400
        refused = attacker.login("anna@ekbacka.example", PASSWORD)
        assert refused.status_code == 429 and "Vänta 15 minuter" in refused.text
        assert attacker.login("omar@ekbacka.example", PASSWORD).status_code == 302
    finally:
        app.config["LOGIN_ADDRESS_LIMIT"] = "100 per 15 minutes"
        limiter.reset()


def test_a_refused_attempt_changes_nothing_and_says_so_in_swedish(office):
    browser = office()
    for _ in range(5):
        browser.login("anna@ekbacka.example", "fel")
    page = browser.login("anna@ekbacka.example", "fel")
    assert page.status_code == 429
    assert "För många misslyckade inloggningar. Vänta en minut och försök igen." in page.text
    assert 'value="anna@ekbacka.example"' in page.text
