"""The table pages in Chromium: cells pasted from Excel into the grid, computed live
and saved with their digits; the definition editor; no serious axe violations."""

import os
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from followup.core.extensions import db
from followup.tables.models import FigureTable

GRID = "/plans/SOC-2026/tabeller/nyckeltal-hvb"
SHOTS = os.environ.get("FOLLOWUP_SCREENSHOTS")  # a folder: screenshots at 1366 and 390 px


def shoot(page, name):
    if not SHOTS:
        return
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def hvb_rows():
    db.session.expire_all()
    table = db.session.scalar(select(FigureTable).where(FigureTable.key == "nyckeltal-hvb"))
    return sorted(table.rows, key=lambda r: r.position)


def test_cells_pasted_from_excel_fill_the_grid_compute_live_and_save_exactly(open_page):
    page = open_page("sara")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(GRID)
    first = page.get_by_label("Kostnad för placeringar, Utfall jan–aug 2026")
    # What Excel puts on the clipboard: a tab between cells, a line break after each row.
    page.evaluate("text => navigator.clipboard.writeText(text)",
                  "40 000,5\t36 210\r\n1 210\t1 480\r\n")
    first.click()
    page.keyboard.press("Control+V")
    expect(first).to_have_value("40 000,5")
    expect(page.get_by_label("Avgår: ersättningar och intäkter, Utfall jan–aug 2025")
           ).to_have_value("1 480")
    expect(page.locator("#paste-status")).to_contain_text("4 värden klistrades in")
    # netto, live from the server, printed as the row prints (no decimals): 38 790,5
    # rounds half away from zero, as finance staff round
    expect(page.locator("#o-2-0")).to_have_text("38\u00a0791")
    shoot(page, "grid-pasted")
    page.get_by_role("button", name="Spara tabellen").click()
    expect(page.get_by_text("Tabellen är sparad.")).to_be_visible()
    expect(first).to_have_value("40\u00a0000,5")  # the digits as typed, not rounded to 40 001
    assert str(hvb_rows()[0].values[0]) == "40000.5"


def test_the_definition_editor_builds_a_formula_in_words(open_page):
    page = open_page("sara")
    page.goto(GRID + "/definition")
    expect(page.locator("#r-2-words")).to_have_text(
        "= Kostnad för placeringar − Avgår: ersättningar och intäkter")
    page.get_by_role("button", name="Lägg till rad").click()
    # The new row comes back from the server; its script must be listening before we pick.
    page.wait_for_load_state("load")
    page.locator("#r-5-label").fill("Kostnad per dygn i kronor")
    page.locator("#r-5-kind").select_option("formula")
    expect(page.locator("#r-5-formula")).to_be_visible()
    page.locator("select[name=r-5-t-0]").select_option(label="Nettokostnad per vårddygn")
    page.locator("select[name=r-5-op-0]").select_option(label="×")
    page.locator("select[name=r-5-t-1]").select_option(label="Ett tal …")
    page.locator("input[name=r-5-n-1]").fill("1 000")
    expect(page.locator("#r-5-words")).to_have_text("= Nettokostnad per vårddygn × 1 000")
    page.get_by_role("button", name="Spara rader och kolumner").click()
    expect(page.get_by_text("Tabellens definition är sparad.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Kostnad per dygn i kronor")).to_contain_text(
        "= Nettokostnad per vårddygn × 1\u00a0000")
    assert hvb_rows()[-1].formula == "per * 1000"


def test_the_definition_editor_works_without_javascript(open_page):
    page = open_page("sara", javascript=False)
    page.goto(GRID + "/definition")
    page.get_by_role("button", name=re.compile("Upp.*raden ”Antal vårddygn”")).click()
    expect(page.locator("#r-2-label")).to_have_value("Antal vårddygn")
    page.get_by_role("button", name="Spara rader och kolumner").click()
    expect(page.get_by_text("Tabellens definition är sparad.")).to_be_visible()
    assert [r.key for r in hvb_rows()] == ["kost", "int", "dygn", "netto", "per"]


@pytest.mark.parametrize("url", [
    "/plans/SOC-2026/tabeller/", GRID, GRID + "/definition", GRID + "/historik",
    "/plans/SOC-2026/tabeller/ny", "/plans/SOC-2026/tabeller/resultat-augusti/definition",
])
def test_table_pages_have_no_serious_violations(open_page, axe, url):
    page = open_page("sara")
    page.goto(url)
    page.wait_for_load_state("networkidle")
    shoot(page, url.strip("/").replace("/", "_"))
    assert axe(page) == []


def test_the_excel_preview_has_no_serious_violations(open_page, axe):
    page = open_page("sara")
    page.goto(GRID)
    page.get_by_label("Celler kopierade från Excel").fill("100\t200\n10\t20\n5\t5")
    page.get_by_role("button", name="Visa de inklistrade siffrorna").click()
    expect(page.get_by_role("heading", name="Förhandsvisning av värden från Excel")).to_be_visible()
    shoot(page, "excel-preview")
    assert axe(page) == []
