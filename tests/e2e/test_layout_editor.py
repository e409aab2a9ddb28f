"""The compiler sets how a plan appendix prints, in Chromium, and sees the page."""

import io
import re

import pypdf
from playwright.sync_api import expect
from sqlalchemy import select

from followup.core.extensions import db
from followup.memos.models import Appendix
from tests.pdftext import InOrder, words

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"
EDIT = MEMO + "/redigera"


def test_the_layout_editor_in_chromium_shows_the_page_it_prints(open_page, axe):
    page = open_page("sara")
    appendix = db.session.scalar(select(Appendix).where(Appendix.kind == "plan"))
    page.goto(f"{EDIT}/bilagor/{appendix.id}")
    page.get_by_role("link", name="Ändra utseendet").click()
    entry = page.get_by_role("group", name="Uppdrag", exact=True)
    entry.get_by_label("Visas som", exact=True).select_option(label="Punkt i en lista")
    entry.get_by_label("Mening före listan").fill("Nämnden arbetar med:")
    columns = entry.locator("table.columns-editor")
    expect(columns).to_be_hidden()  # only for "Rad i en tabell"
    page.set_viewport_size({"width": 390, "height": 800})  # on a phone too
    expect(columns).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Spara utseendet").click()
    expect(page.get_by_text("Utseendet är sparat.")).to_be_visible()
    image = page.get_by_role("img", name="Bilagans första sida")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 300", arg=image.element_handle())
    assert axe(page) == []
    html = page.request.get(f"{MEMO}/forhandsgranska/bilaga-{appendix.number}").text()
    check = InOrder(words(re.sub(r"<[^>]+>", " ", html)))
    check.find("Nämnden arbetar med:")
    assert check.missing == []


def test_a_caption_and_a_running_line_set_in_chromium_are_in_the_pdf(open_page, axe):
    page = open_page("sara")
    appendix = db.session.scalar(select(Appendix).where(Appendix.kind == "plan"))
    page.goto(f"{EDIT}/bilagor/{appendix.id}/utseende")
    entry = page.get_by_role("group", name="Uppdrag", exact=True)
    entry.get_by_label("Visas som", exact=True).select_option(label="Rad i en tabell")
    entry.get_by_label("Rubrik före den första").fill("UPPDRAGEN I PLANEN")
    page.get_by_role("button", name="Spara utseendet").click()
    expect(page.get_by_text("Utseendet är sparat.")).to_be_visible()

    page.goto(f"{EDIT}/bilagor/{appendix.id}")
    form = page.get_by_role("form", name="Hur bilagan skrivs ut")
    form.get_by_label("Rader under sidhuvudet på varje sida").fill("Rapportperiod: {period_end}")
    form.get_by_label("Annan:").first.check()
    form.get_by_label("Annan avsändare").fill("Socialnämnden i Ekbacka")
    page.get_by_role("button", name="Spara utskriften").click()
    expect(page.get_by_text("Utskriften är sparad.")).to_be_visible()
    image = page.get_by_role("img", name="Bilagans första sida")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 300",
                           arg=image.element_handle())
    assert axe(page) == []

    response = page.request.get(f"{MEMO}/pdf/bilaga/{appendix.number}")
    assert response.ok, response.status
    text = " ".join(" ".join(p.extract_text().split())
                    for p in pypdf.PdfReader(io.BytesIO(response.body())).pages)
    assert "UPPDRAGEN I PLANEN" in text
    assert "Rapportperiod: 2026-08-31" in text and "Socialnämnden i Ekbacka" in text


def test_saving_one_form_asks_first_when_text_typed_in_another_is_not_saved(open_page):
    """The appendix's page has a form each for its details, how it prints and more: a
    title typed in one and then a save of another lost the title without a word."""
    page = open_page("sara")
    appendix = db.session.scalar(select(Appendix).where(Appendix.kind == "plan"))
    page.goto(f"{EDIT}/bilagor/{appendix.id}")
    details = page.get_by_role("form", name="Bilagans uppgifter")
    details.get_by_label("Titel i beslutsunderlaget").fill("Planen, inte sparad än")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("button", name="Spara utskriften").click()
    expect(details.get_by_label("Titel i beslutsunderlaget")).to_have_value(
        "Planen, inte sparad än")
    assert asked == ["beforeunload"]
    # Saving the form the text is in asks nothing, and the title is kept.
    page.on("dialog", lambda dialog: asked.append(dialog.type))
    details.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Bilagan är sparad.")).to_be_visible()
    assert asked == ["beforeunload"]
    expect(page.get_by_role("form", name="Bilagans uppgifter").get_by_label(
        "Titel i beslutsunderlaget")).to_have_value("Planen, inte sparad än")
