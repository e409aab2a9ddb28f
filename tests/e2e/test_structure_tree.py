"""The plan's structure in a real browser: a tree that folds, a node added and edited in
place, one taken out; at desk and phone width, with and without JavaScript, within the
content security policy; and the preview's way back, which paper never shows."""

import re

import pytest
from playwright.sync_api import expect

STRUCTURE = "/plans/SOC-2026/struktur/"
PREVIEW = "/plans/SOC-2026/phases/augusti/tjansteskrivelse/forhandsgranska/bilaga-1"
WIDTHS = [pytest.param({"width": 1366, "height": 900}, id="1366"),
          pytest.param({"width": 390, "height": 844}, id="390")]


def item(page, key):
    return page.locator(f"#punkt-{key}")


def summary(page, key):
    return page.locator(f"#punkt-{key} > details > summary")


def fits(page, viewport):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url}: {width} px bred"


@pytest.mark.parametrize("viewport", WIDTHS)
def test_expand_add_edit_and_take_out_in_place(open_page, axe, viewport):
    page = open_page("sara")
    page.set_viewport_size(viewport)
    page.goto(STRUCTURE)
    fits(page, viewport)
    assert axe(page) == []
    # Folded: the goals open, what is under them closed.
    expect(item(page, "nm1-1")).to_be_visible()
    expect(item(page, "u1")).to_be_hidden()
    summary(page, "nm1-1").click()
    expect(item(page, "u1")).to_be_visible()
    summary(page, "u1").click()
    expect(item(page, "u1-a1")).to_be_visible()

    # Add under nämndmål 1.1, in place: the page is not reloaded and what was opened
    # stays open.
    page.evaluate("window.notReloaded = true")
    item(page, "nm1-1").get_by_role("link", name="Lägg till under nämndmål 1.1").click()
    form = page.locator("#ny-punkt")
    expect(form.get_by_role("heading")).to_have_text("Ny punkt under nämndmål 1.1")
    expect(form.get_by_label("Titel")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True
    expect(item(page, "u1-a1")).to_be_visible()
    expect(form.get_by_label("Sort")).to_have_value("uppdrag")
    fits(page, viewport)
    assert axe(page) == []
    # An empty title is stopped by the browser, in Swedish.
    form.get_by_role("button", name="Lägg till").click()
    assert form.get_by_label("Titel").evaluate("el => el.validationMessage") \
        == "Fyll i det här fältet."
    form.get_by_label("Nummer").fill("1.1.3")
    form.get_by_label("Titel").fill("Starta föräldragrupper på kvällstid")
    form.get_by_role("button", name="Lägg till").click()
    added = item(page, "uppdrag-1-1-3")
    expect(added.locator(".message")).to_have_text("Uppdrag 1.1.3 har lagts till.")
    expect(added).to_have_class(re.compile(r"\bfocus\b"))
    expect(added.locator("summary")).to_contain_text("Avdelning barn och unga")

    # Edit it in place.
    added.get_by_role("link", name="Redigera uppdrag 1.1.3").click()
    form = page.locator("#redigera-punkt")
    expect(form.get_by_label("Titel")).to_be_focused()
    fits(page, viewport)
    assert axe(page) == []
    form.get_by_label("Titel").fill("Starta föräldragrupper på kvällar och helger")
    form.get_by_label("Kvar från år").fill("2025")
    form.get_by_role("button", name="Spara ändringarna").click()
    added = item(page, "uppdrag-1-1-3")
    expect(added.locator(".message")).to_have_text("Ändringarna i uppdrag 1.1.3 har sparats.")
    expect(added.locator("summary")).to_contain_text("kvällar och helger")
    expect(added.locator(".node-facts")).to_contain_text("Kvar från")

    # Take an uppdrag that was followed up in earlier phases out of the plan.
    summary(page, "nm1-2").click()
    summary(page, "u4").click()
    item(page, "u4").get_by_role("button", name="Ta bort ur planen uppdrag 1.2.2").click()
    taken = item(page, "u4")
    expect(taken.locator(".message")).to_contain_text(
        "Uppdrag 1.2.2 har tagits bort ur planen från och med årsbokslut.")
    expect(summary(page, "u4")).to_contain_text(
        "Följs upp till och med delårsbokslut per augusti")
    expect(taken.get_by_role("button", name="Ta tillbaka uppdrag 1.2.2")).to_be_visible()
    fits(page, viewport)
    assert axe(page) == []

    # The whole tree opens and folds at once; the way back leads to the review.
    page.get_by_role("link", name="Visa alla punkter").click()
    expect(item(page, "u9-a2")).to_be_visible()
    page.get_by_role("link", name="Fäll ihop").click()
    expect(item(page, "nm1-1")).to_be_hidden()
    page.get_by_role("link", name="← Granskning: årsbokslut 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granskning: årsbokslut 2026")


def test_the_tree_works_without_javascript(open_page):
    page = open_page("sara", javascript=False)
    page.goto(STRUCTURE)
    summary(page, "nm2-2").click()
    expect(item(page, "u7")).to_be_visible()
    item(page, "nm2-2").get_by_role("link", name="Lägg till under nämndmål 2.2").click()
    page.wait_for_url(re.compile(r"\?ny=nm2-2"))
    form = page.locator("#ny-punkt")
    form.get_by_label("Titel").fill("Öppna ett natthärbärge för kvinnor")
    form.get_by_role("button", name="Lägg till").click()
    expect(page.locator(".node.focus .message")).to_contain_text("har lagts till.")
    expect(page.locator(".node.focus summary").first).to_contain_text(
        "Öppna ett natthärbärge för kvinnor")
    page.locator(".node.focus").get_by_role("link", name=re.compile("^Redigera")).click()
    page.locator("#redigera-punkt").get_by_role("link", name="Avbryt").click()
    expect(page.locator("#redigera-punkt")).to_have_count(0)
    expect(page.locator(".node.focus summary").first).to_contain_text("natthärbärge")


def test_units_and_scales_open_where_they_were_changed(open_page, axe):
    page = open_page("sara")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(STRUCTURE)
    page.locator("#enheter summary").click()
    page.get_by_label("Namn", exact=True).fill("Avdelning ekonomi")
    page.get_by_label("Beteckning (t.ex. vuxen)").fill("ekonomi")
    page.get_by_role("button", name="Lägg till enheten").click()
    expect(page.locator("#enheter .message")).to_have_text("Enheten är tillagd.")
    expect(page.locator("#enheter")).to_contain_text("Avdelning ekonomi")
    scale = page.locator("#skala-assignment_status")
    scale.locator("summary").click()
    fits(page, {"width": 390})
    assert axe(page) == []
    scale.get_by_role("form", name="Nivå Väntar").get_by_label("Etikett").fill("Vilande")
    scale.get_by_role("form", name="Nivå Väntar").get_by_role("button").click()
    expect(page.locator("#skala-assignment_status .message")).to_have_text("Nivån är sparad.")
    expect(page.locator("#skala-assignment_status summary")).to_contain_text("Vilande")


def test_the_preview_leads_back_on_screen_and_not_on_paper(open_page):
    page = open_page("per")
    page.goto(PREVIEW)
    back = page.get_by_role("link", name="← Tillbaka till tjänsteskrivelsen")
    expect(back).to_be_visible()
    page.emulate_media(media="print")
    expect(back).to_be_hidden()
    page.emulate_media(media="screen")
    back.click()
    expect(page).to_have_url(re.compile(r"/tjansteskrivelse/$"))
    expect(page.get_by_role("link", name=re.compile("Förhandsgranska")).first).to_be_visible()
