"""A municipality in a real browser: the administrator gives a person the strateg's role
on the municipality's plan, and that person follows the boards' follow-ups of a
municipal goal, and the boards' stages, with no page of a board's strateg offered."""

import json
import re

from playwright.sync_api import expect

from followup.core.extensions import db
from followup.demo import PLAN_FILE
from followup.people import users
from followup.planfile import transfer
from followup.plans import lookup
from tests.fixtures import PASSWORD


def plan_file(code, board, level=None, source=None):
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    data["organisation"].update(board_code=code, board=board)
    if level:
        data["organisation"]["level"] = level
    if source:
        data["nodes"][0]["source"] = source
    return json.dumps(data)


def test_admin_grants_a_board_role_and_the_municipal_strateg_follows_the_boards(
        open_page, demo, axe):
    transfer.import_plan(plan_file("KF", "Kommunfullmäktige", "municipality"))
    ubn = transfer.import_plan(plan_file("UBN", "Utbildningsnämnden", source="KF-2026/im1"))
    db.session.commit()
    december = ubn.phase("december")
    december.is_open = True
    from followup.followups import followups as fu
    fu.save(demo.sara, lookup.find_node(ubn, "im1"), december, level_key="delvis",
            comment="<p>Halvvägs i UBN.</p>", version=0)
    kent = users.create_user("kent@ekbacka.example", "Kent Kommun", None, PASSWORD)
    db.session.commit()

    admin = open_page("it")
    admin.goto(f"/anvandare/{kent.id}")
    expect(admin.get_by_role("heading", name="Roller per nämnd")).to_be_visible()
    admin.get_by_label("Nämnd", exact=True).select_option(label="Kommunfullmäktige (KF)")
    admin.get_by_label("Roll", exact=True).select_option(label="Strateg")
    admin.get_by_role("button", name="Ge rollen").click()
    expect(admin.get_by_text("har fått rollen")).to_be_visible()
    expect(admin.get_by_role("cell", name="Kommunfullmäktige (KF)")).to_be_visible()
    assert axe(admin) == []

    page = open_page("kent")
    expect(page.locator(".who")).to_contain_text("Strateg")
    page.goto("/plans/KF-2026/phases/december/")
    expect(page.get_by_role("columnheader", name="Nämnderna").first).to_be_visible()
    page.get_by_role("link", name=re.compile("Nämndernas läge")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nämndernas läge")
    expect(page.get_by_role("row", name=re.compile("Utbildningsnämnden"))).to_contain_text(
        "Rapporterar")
    assert axe(page) == []
    page.get_by_role("link", name=re.compile("Inriktningsmål")).first.click()
    boards = page.locator("section.boards")
    expect(boards).to_contain_text("Utbildningsnämnden")
    expect(boards).to_contain_text("Halvvägs i UBN.")
    # On a phone the goal's page is no wider than the screen: the boards' table
    # has a caption only a screen reader reads.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    boards.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("/plans/UBN-2026/phases/december/nodes/im1$"))
    # The municipal strateg reads the board's item but does not compile it.
    expect(page.locator("#followup-form")).to_have_count(0)
