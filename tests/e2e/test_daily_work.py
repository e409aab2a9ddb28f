"""Each role's day in a real browser: the start pages as to-do lists, the review with
previous and next, bulk approval, sign-off and PDFs that say they are working, Swedish
browser messages, and the reporter's pages at phone width."""

import os
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from followup.core.extensions import db
from followup.followups import controls
from followup.followups import followups as fu
from followup.followups.models.followup import Followup, FollowupState
from followup.followups.models.internal_control import ControlResult
from followup.people.models import User
from followup.plans import lookup
from followup.plans.models.plan import Phase

EDIT = "/plans/SOC-2026/phases/december/nodes/{}"
MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"
PHONE = {"width": 390, "height": 844}


def user(name):
    return db.session.scalar(select(User).where(User.email == f"{name}@ekbacka.example"))


def submitted(*pairs):
    """Send in follow-ups as their reporters would: [(reporter, node key)]."""
    plan = lookup.find_plan("SOC-2026")
    december = plan.phase("december")
    for name, key in pairs:
        fu.save(user(name), lookup.find_node(plan, key), december, level_key="paborjad",
                comment=f"<p>Text om {key}.</p>", version=0, submit=True)
    db.session.commit()  # as each reporter's request would
    return plan, december


def returned(key, remark):
    plan = lookup.find_plan("SOC-2026")
    fu.return_for_changes(user("sara"), lookup.find_node(plan, key), plan.phase("december"),
                          remark, 1)
    db.session.commit()


def test_reporter_starts_with_what_was_returned_and_opens_it(open_page):
    submitted(("anna", "u1"), ("anna", "u2"))
    returned("u2", "Hur många har avslutat sina uppdrag?")
    page = open_page("anna")
    page.goto("/")
    first = page.locator(".todo-block").first
    expect(first.get_by_role("heading")).to_have_text("Återremitterade till dig (1)")
    expect(first).to_contain_text("Hur många har avslutat sina uppdrag?")
    expect(first).to_contain_text("Återremitterad av Sara")
    expect(page.get_by_role("heading", name="Att skriva och skicka in (4)")).to_be_visible()
    first.get_by_role("link", name=re.compile("Rekrytera fler familjehem")).click()
    expect(page.get_by_role("heading", name="Återremitterad med anmärkning")).to_be_visible()
    expect(page.get_by_role("button", name="Skicka in för granskning")).to_be_visible()


def test_compiler_reviews_one_item_after_another(open_page):
    submitted(("anna", "u1"), ("anna", "u4"), ("omar", "u5"))
    page = open_page("sara")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Att granska")
    page.get_by_role("link", name="Börja granska Avdelning barn och unga").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utveckla familjebehandlingen")
    expect(page.get_by_role("button", name="Spara utkast")).to_have_count(0)
    expect(page.get_by_role("button", name="Spara ändringen")).to_be_visible()

    page.get_by_role("link", name=re.compile("Nästa att granska")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Införa gemensam bedömningsmall")
    page.get_by_role("button", name="Godkänn").click()
    # Approved, the compiler is on the next one waiting.
    expect(page.get_by_text("Uppföljningen är godkänd. Här är nästa att granska.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Starta ett gemensamt mottagningsteam")
    expect(page.locator(".review-nav")).to_contain_text("2 väntar på granskning")
    page.get_by_role("link", name=re.compile("Föregående att granska")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utveckla familjebehandlingen")


def test_bulk_approval_selects_all_and_asks_first(open_page):
    page = open_page("sara")
    page.goto("/granskning/SOC-2026/augusti?enhet=vuxen")
    page.get_by_label("Markera alla").check()
    boxes = page.locator("input[name=nodes], input[name=controls]")
    count = page.locator("input[name=nodes]").count()
    results = page.locator("input[name=controls]").count()
    assert count > 1 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    what = f"{count} uppföljningar" + (
        f" och {results} kontrollresultat" if results else "")
    page.get_by_role("button", name="Godkänn markerade").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Godkänna {what}?")
    assert db.session.scalar(select(Followup).where(
        Followup.state == FollowupState.approved)) is None  # nothing yet
    page.get_by_role("button", name=f"Ja, godkänn {what}").click()
    expect(page.get_by_text(f"{what} godkändes.")).to_be_visible()


def submitted_control(key, reporter):
    plan = lookup.find_plan("SOC-2026")
    december = plan.phase("december")
    point = controls.find_point(plan, key)
    controls.save(user(reporter), point, december,
                  level_key=point.internal_control.scale.levels[0].key,
                  comment="<p>Kontrollerat.</p>",
                  version=controls.current(point, december).version, submit=True)
    db.session.commit()
    return point, december


def test_bulk_approval_takes_a_submitted_control_result_with_the_follow_ups(open_page, axe):
    """Issue 21.7: a control result sent in is approved from the same list."""
    submitted(("omar", "u5"))
    point, december = submitted_control("IK5", "omar")
    page = open_page("sara")
    page.goto("/granskning/SOC-2026/december?enhet=vuxen&lage=submitted")
    expect(page.get_by_role("link", name=re.compile("Handläggning|IK5"))).to_be_visible()
    page.get_by_label("Markera alla").check()
    expect(page.get_by_label("Välj kontrollmoment IK5")).to_be_checked()
    assert axe(page) == []
    page.get_by_role("button", name="Godkänn markerade").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Godkänna 1 uppföljning och 1 kontrollresultat?")
    page.get_by_role("button", name="Ja, godkänn 1 uppföljning och 1 kontrollresultat").click()
    expect(page.get_by_text("1 uppföljning och 1 kontrollresultat godkändes.")).to_be_visible()
    db.session.expire_all()
    assert controls.current(point, december).state is FollowupState.approved


def test_conflict_shows_my_text_formatted_and_takes_it_back_to_the_editor(open_page, axe):
    """Issue 21.6: "Din kommentar" was raw HTML in a box; now it reads as text, and one
    button puts it back into the editor beside the version saved meanwhile."""
    mine = open_page("omar")
    mine.goto(EDIT.format("u5"))
    plan = lookup.find_plan("SOC-2026")
    fu.save(user("sara"), lookup.find_node(plan, "u5"), plan.phase("december"),
            level_key="paborjad", comment="<p>Strategens text.</p>", version=0)
    db.session.commit()
    mine.get_by_label("Färdig", exact=True).check()
    editor = mine.locator(".ql-editor")
    editor.click()
    mine.keyboard.type("Mottagningsteamet ")
    mine.keyboard.press("Control+B")
    mine.keyboard.type("startar")
    mine.keyboard.press("Control+B")
    mine.keyboard.type(" i mars.")
    mine.get_by_role("button", name="Spara utkast").click()

    expect(mine.get_by_role("heading", level=1)).to_have_text("Någon annan har sparat samtidigt")
    expect(mine.locator("#my-comment strong")).to_have_text("startar")
    expect(mine.locator("#my-comment")).not_to_contain_text("<p>")
    assert axe(mine) == []
    mine.get_by_role("button", name="Ta tillbaka min text till redigeraren").click()
    expect(mine.locator(".ql-editor strong")).to_have_text("startar")
    expect(mine.get_by_label("Färdig", exact=True)).to_be_checked()
    expect(mine.locator("#saved-comment")).to_contain_text("Strategens text.")
    assert axe(mine) == []
    mine.get_by_role("button", name="Spara utkast").click()
    expect(mine.get_by_text("Utkastet är sparat.")).to_be_visible()
    db.session.expire_all()
    stored = fu.current(lookup.find_node(plan, "u5"), plan.phase("december"))
    assert stored.comment == "<p>Mottagningsteamet <strong>startar</strong> i mars.</p>"
    assert stored.level.key == "fardig" and stored.version == 2


def test_conflict_text_goes_back_to_the_editor_without_javascript(open_page):
    mine = open_page("omar", javascript=False)
    mine.goto(EDIT.format("u5"))
    plan = lookup.find_plan("SOC-2026")
    fu.save(user("sara"), lookup.find_node(plan, "u5"), plan.phase("december"),
            level_key="paborjad", comment="<p>Strategens text.</p>", version=0)
    db.session.commit()
    mine.get_by_label("Kommentar").fill("<p>Min <em>egen</em> text.</p>")
    mine.get_by_role("button", name="Spara utkast").click()
    expect(mine.locator("#my-comment em")).to_have_text("egen")
    mine.get_by_role("button", name="Ta tillbaka min text till redigeraren").click()
    expect(mine.get_by_label("Kommentar")).to_have_value("<p>Min <em>egen</em> text.</p>")
    mine.get_by_role("button", name="Spara utkast").click()
    expect(mine.get_by_text("Utkastet är sparat.")).to_be_visible()


def test_reporter_is_led_on_after_submitting_and_the_start_page_tells_the_truth(open_page,
                                                                                axe):
    """Issue 21.8: after sending in, a link to the next item to write; with a returned
    item left, the start page does not say that everything is sent in."""
    page = open_page("anna")
    page.goto(EDIT.format("u1"))
    page.get_by_label("Påbörjad", exact=True).check()
    page.get_by_role("button", name="Skicka in för granskning").click()
    expect(page.get_by_text("Uppföljningen är inskickad för granskning.")).to_be_visible()
    onward = page.get_by_role("navigation", name="Nästa att skriva")
    assert axe(page) == []
    onward.get_by_role("link", name=re.compile("Rekrytera fler familjehem")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rekrytera fler familjehem")

    plan = lookup.find_plan("SOC-2026")
    december = plan.phase("december")
    for key in ("nm1-1", "u2", "nm1-2", "u4"):
        entry = fu.current(lookup.find_node(plan, key), december)
        fu.save(user("anna"), entry.node, december, level_key=entry.scale.levels[0].key,
                comment="<p>Text.</p>", version=entry.version, submit=True)
    submitted_control("IK2", "anna")
    returned("u2", "Ange antalet familjehem.")
    page.goto("/")
    expect(page.get_by_text("Ange antalet familjehem.")).to_be_visible()
    expect(page.get_by_text("Allt från dina enheter är inskickat")).to_have_count(0)
    expect(page.get_by_text("1 punkt som har återremitterats till dig")).to_be_visible()


def test_approver_sees_ready_memo_signs_with_feedback_and_reader_downloads_it(open_page, demo):
    august = demo.plan.phase("augusti")
    for model in (Followup, ControlResult):
        db.session.execute(update(model).where(model.phase_id == august.id)
                           .values(state=FollowupState.approved))
    db.session.commit()
    lena = open_page("lena")
    lena.goto("/")
    ready = lena.locator(".todo-block").first
    expect(ready.get_by_role("heading")).to_have_text("Klara att fastställa (1)")
    ready.get_by_role("link", name="Delårsbokslut per augusti 2026").click()

    with lena.expect_download() as download:
        lena.get_by_role("link", name="Hela ärendet som PDF").click()
        expect(lena.locator("#pdf-status")).to_contain_text("PDF:en skapas")
    assert download.value.suggested_filename == "SOC-2026-augusti.pdf"
    expect(lena.locator("#pdf-status")).to_contain_text("PDF:en är klar")

    lena.get_by_role("link", name="Gå igenom och fastställ").click()
    expect(lena.get_by_text("Allt är godkänt.")).to_be_visible()
    # First with the request cancelled, so the page that is working stays to be read.
    lena.route("**/signera", lambda route: route.abort("aborted")
               if route.request.method == "POST" else route.continue_())
    lena.get_by_label("Jag har gått igenom underlaget").check()
    sign = lena.get_by_role("button", name="Fastställ", exact=True)
    sign.click()
    expect(lena.locator("form[data-busy] .busy-status")).to_have_text(
        "Fastställer … dokumenten skapas och sparas, det tar några sekunder.")
    expect(sign).to_be_disabled()
    lena.unroute("**/signera")
    lena.reload()
    lena.get_by_label("Jag har gått igenom underlaget").check()
    sign.click(timeout=90_000)  # every document is rendered in every variant and stored
    expect(lena.get_by_text("Tjänsteskrivelsen är fastställd (version 1)")).to_be_visible(
        timeout=60_000)
    lena.goto("/")
    expect(lena.locator(".todo-block").last).to_contain_text("version 1, fastställd")

    per = open_page("per")
    per.goto("/")
    expect(per.get_by_role("heading", level=1)).to_have_text("Senast fastställda dokument")
    with per.expect_download() as download:
        per.get_by_role("link", name="Ladda ned version 1 som PDF").click()
    assert download.value.suggested_filename == "SOC-2026-augusti-faststalld-v1.pdf"


def test_browser_messages_are_swedish(open_page):
    submitted(("anna", "u1"))
    page = open_page("sara")
    page.goto(EDIT.format("u1"))
    page.get_by_role("button", name="Återremittera").click()
    remark = page.get_by_label("Anmärkning till handläggaren")
    assert remark.evaluate("el => el.validationMessage") == "Fyll i det här fältet."
    expect(page).to_have_url(re.compile(EDIT.format("u1") + "$"))  # nothing sent

    page.goto("/granskning/SOC-2026/december")
    date = page.locator("#december-deadline")
    assert date.get_attribute("type") == "text" and date.get_attribute("lang") == "sv"
    expect(date).to_have_value("2027-01-15")
    date.fill("15/1/2027")
    page.get_by_role("button", name="Spara årsbokslut").click()
    assert date.evaluate("el => el.validationMessage").startswith("Skriv datumet som ÅÅÅÅ-MM-DD")
    assert db.session.scalar(select(Phase.deadline).where(Phase.key == "december")).isoformat() \
        == "2027-01-15"


REPORTER_PAGES = ["/mina", EDIT.format("u2"), EDIT.format("u2") + "/historik",
                  "/plans/SOC-2026/phases/augusti/nodes/u3/historik",
                  "/plans/SOC-2026/phases/december/?mina=1", "/plans/SOC-2026/phases/december/",
                  "/plans/SOC-2026/phases/december/internkontroll",
                  "/plans/SOC-2026/phases/december/internkontroll/IK2",
                  "/aviseringar", "/konto/aviseringar", "/planer"] + [
    f"/plans/SOC-2026/phases/augusti/tjansteskrivelse/forhandsgranska/{doc}"
    for doc in ("memo", "bilaga-1", "bilaga-2", "bilaga-3")]


def test_reporter_pages_fit_a_phone(open_page, chromium, live_server):
    submitted(("anna", "u1"), ("anna", "u2"))
    returned("u2", "En lång anmärkning utan mellanslag: " + "ordsomaldrigtarslut" * 5)
    page = open_page("anna")
    page.set_viewport_size(PHONE)
    wide = {}
    for url in REPORTER_PAGES:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[url] = width
        if os.environ.get("FOLLOWUP_SCREENSHOTS"):  # a folder: see them as a phone does
            name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-")
            page.screenshot(path=os.path.join(os.environ["FOLLOWUP_SCREENSHOTS"],
                                              f"phone-{name}.png"), full_page=True)
    assert wide == {}


# Every word of a table cell on one line: a word broken over lines ("Ej rap port era d")
# is a column squeezed to fit a phone, where the table should scroll instead.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("main th, main td")) {
    // A table stacked on a phone keeps its header row for screen readers only.
    if (cell.closest("table.stack-narrow thead")) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def test_the_compilers_tables_keep_their_words_whole_on_a_phone(open_page):
    page = open_page("sara")
    page.set_viewport_size(PHONE)
    broken, wide = {}, {}
    for url in ("/granskning/SOC-2026/december", MEMO, "/plans/SOC-2026/tabeller/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        words = page.evaluate(BROKEN_WORDS)
        if words:
            broken[url] = words[:5]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[url] = width
    assert broken == {} and wide == {}


NEW_PAGES = [("anna", "/mina"), ("anna", "/aviseringar"), ("anna", "/konto/aviseringar"),
             ("anna", "/plans/SOC-2026/phases/december/?mina=1"),
             ("anna", "/plans/SOC-2026/phases/december/internkontroll"),
             ("sara", "/granskning/"), ("sara", EDIT.format("u1")),
             ("sara", "/plans/SOC-2026/internkontroll/"),
             ("lena", "/"), ("lena", MEMO), ("per", "/")]


@pytest.mark.parametrize("width", [1366, 390])
def test_new_and_changed_pages_have_no_serious_violations(open_page, axe, width):
    submitted(("anna", "u1"), ("anna", "u2"))
    returned("u2", "Ange antalet.")
    found = {}
    pages = {}
    for name, url in NEW_PAGES:
        if name not in pages:
            pages[name] = open_page(name)
            pages[name].set_viewport_size({"width": width, "height": 900})
        page = pages[name]
        page.goto(url)
        page.wait_for_load_state("networkidle")
        violations = axe(page)
        if violations:
            found[f"{name} {url}"] = violations
    assert found == {}


def test_the_comment_editor_writes_in_the_pages_own_font(open_page):
    """It wrote in Quill's Helvetica at 13 px, smaller than the rest of the page."""
    page = open_page("anna")
    page.goto(EDIT.format("u1"))
    editor = page.locator(".ql-editor")
    expect(editor).to_be_visible()
    style = "e => [getComputedStyle(e).fontFamily, getComputedStyle(e).fontSize]"
    assert editor.evaluate(style) == page.locator("main").evaluate(style)
