"""Under the content security policy the features that use script keep working, and a
violation anywhere is caught (the open_page fixture fails the test on one)."""

from playwright.sync_api import expect

from tests.e2e.conftest import csp_violations

EDIT = "/plans/SOC-2026/phases/december/nodes/u1"


def test_an_inline_handler_from_data_is_refused_and_reported(open_page):
    """What a hostile key or text would try: the policy stops it, and the watcher sees it."""
    page = open_page("anna")
    page.goto("/mina")
    page.evaluate("""() => {
        document.body.insertAdjacentHTML("beforeend",
            '<img src="/static/app.css" onerror="window.ran = true">');
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.ran === true") is False
    assert any("script-src" in m for m in csp_violations(page.console_messages))
    page.console_messages.clear()  # seen on purpose: not a failure of this test


def test_pages_with_editor_charts_and_live_formulas_have_no_violations(open_page):
    sara = open_page("sara")
    sara.goto("/granskning/SOC-2026/augusti")
    expect(sara.locator("figure.chart svg").first).to_be_visible()
    for url in ("/granskning/SOC-2026/augusti", "/plans/SOC-2026/tabeller/nyckeltal-hvb",
                "/plans/SOC-2026/phases/augusti/tjansteskrivelse/",
                "/plans/SOC-2026/phases/augusti/tjansteskrivelse/redigera/",
                "/plans/SOC-2026/internkontroll/", "/konto/", "/anvandare/"):
        sara.goto(url)
        sara.wait_for_load_state("networkidle")


def test_quill_and_autosave_work_under_the_policy(open_page):
    page = open_page("anna")
    page.goto(EDIT)
    editor = page.locator(".ql-editor")
    expect(editor).to_be_visible()  # Quill loaded from our static files
    page.get_by_label("Påbörjad", exact=True).check()
    editor.click()
    page.keyboard.type("Skrivet under innehållspolicyn.")
    page.locator("#followup-form").dispatch_event("followup:autosave")
    expect(page.locator("#autosave-status")).to_contain_text("sparades automatiskt")
