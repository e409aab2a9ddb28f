"""A live server and Debian's Chromium driven by Playwright (never a downloaded browser).

Without /usr/bin/chromium these tests are skipped, unless FOLLOWUP_REQUIRE_BROWSER
is set (CI sets it), when a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("FOLLOWUP_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The flags of a browser in a closed network: no background traffic, no sandbox as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def _require(condition, reason):
    if not condition:
        if os.environ.get("FOLLOWUP_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    _require(os.path.exists(CHROMIUM), f"{CHROMIUM} saknas (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Every violation of the content security policy, as the page itself sees it (the
# event), and as the browser reports it in the console.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP-brott: " + e.violatedDirective + " " + e.blockedURI);
});
"""


def csp_violations(messages):
    return [m for m in messages if "CSP-brott" in m or "Content Security Policy" in m]


@pytest.fixture
def open_page(chromium, live_server, demo):
    """open_page(user) → a page in a fresh browser context, logged in as that demo user.

    Any violation of the content security policy on any page a test opens fails the
    test: a script or style that the policy blocks is a feature that does not work."""
    contexts = []
    console = []

    def open_(name=None, javascript=True):
        context = chromium.new_context(base_url=live_server, locale="sv-SE",
                                       java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: console.append(f"{page.url}: {m.text}"))
        page.console_messages = console
        if name:
            page.goto("/login")
            page.get_by_label("E-postadress").fill(f"{name}@ekbacka.example")
            page.get_by_label("Lösenord").fill("ett-långt-testlösenord")
            page.get_by_role("button", name="Logga in").click()
            page.wait_for_load_state()
            assert "/login" not in page.url, page.content()[:2000]
        return page

    yield open_
    for context in contexts:
        context.close()
    violations = csp_violations(console)
    assert violations == [], "Sidan bryter mot innehållspolicyn (CSP):\n" + "\n".join(violations)


@pytest.fixture
def axe():
    """axe(page) → the serious and critical WCAG 2.1 A/AA violations on the page."""
    _require(AXE.exists(), f"{AXE} saknas (npm ci)")

    def check(page):
        # Evaluated through the browser's debugging protocol, which the page's CSP does
        # not govern: a <script> tag added with axe's text would itself be refused.
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("""() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]

    return check
