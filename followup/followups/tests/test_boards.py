"""The municipality's plan beside its boards (issue 18.2): each goal or assignment of the
municipality's plan shows every board that follows it up, with level, comment and
state, counted per level, on its page, its phase's page and through the API."""

import json

import pytest
from sqlalchemy import event

from followup.core.extensions import db
from followup.demo import PLAN_FILE
from followup.followups import boards
from followup.followups import followups as fu
from followup.memos.models import Memo, MemoState
from followup.people.models import BoardRole, Role
from followup.planfile import transfer
from followup.plans import lookup
from tests.fixtures import PASSWORD, Browser

DEMO = PLAN_FILE.read_text(encoding="utf-8")


def plan_file(code, board, level=None, source_of_im1=None):
    data = json.loads(DEMO)
    data["organisation"].update(board_code=code, board=board)
    if level:
        data["organisation"]["level"] = level
    if source_of_im1:
        data["nodes"][0]["source"] = source_of_im1
        data["nodes"][0]["title"] = f"{board}s eget namn på målet"
    return json.dumps(data)


def add_board(code, name):
    return transfer.import_plan(plan_file(code, name, source_of_im1="KF-2026/im1"))


@pytest.fixture
def municipality(demo):
    """KF-2026 (the municipality's plan) and two boards that follow up its im1:
    UBN (with the level "helt", approved, its memo signed) and BUN (nothing yet)."""
    kf = transfer.import_plan(plan_file("KF", "Kommunfullmäktige", "municipality"))
    ubn = add_board("UBN", "Utbildningsnämnden")
    bun = add_board("BUN", "Byggnadsnämnden")
    db.session.commit()
    december = ubn.phase("december")
    december.is_open = True
    im1 = lookup.find_node(ubn, "im1")
    fu.save(demo.sara, im1, december, level_key="helt", comment="<p>Klart i UBN.</p>", version=0)
    fu.approve(demo.sara, im1, december)
    db.session.add(Memo(plan=ubn, phase=december, position=0, title="T", recipient="UBN",
                        proposals_intro="", handlaggare=[], proposals=[], state=MemoState.signed))
    db.session.commit()
    return kf, ubn, bun


def test_each_board_that_sources_the_node_is_listed_with_its_follow_up(municipality):
    kf, ubn, bun = municipality
    entries = boards.sourcing(kf, "december")["im1"]
    assert [e.as_json() for e in entries] == [
        {"plan": "BUN-2026", "board": "Byggnadsnämnden", "node": "im1", "level": None,
         "comment": None, "state": "empty", "signed": False},
        {"plan": "UBN-2026", "board": "Utbildningsnämnden", "node": "im1", "level": "helt",
         "comment": "<p>Klart i UBN.</p>", "state": "approved", "signed": True},
    ]
    assert boards.level_counts(entries) == [("Helt uppfyllt", "good", 1), ("Ej rapporterat", None, 1)]
    assert "im2" not in boards.sourcing(kf, "december")


def test_the_boards_are_read_in_the_same_few_queries_however_many_they_are(municipality):
    kf = municipality[0]

    def queries():
        count = []
        listener = lambda *a: count.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            boards.sourcing(kf, "december")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(count)

    two = queries()
    for i in range(6):
        add_board(f"N{i}", f"Nämnd {i}")
    db.session.commit()
    assert len(boards.sourcing(kf, "december")["im1"]) == 8
    assert queries() <= two


def test_the_api_answers_per_board_for_whoever_reads_the_municipal_plan(municipality, app, demo):
    from followup.people import tokens, users

    reader = users.create_user("kf-lasare@ekbacka.example", "KF-läsare", None, PASSWORD)
    reader.board_roles.append(BoardRole(board_code="KF", role=Role.reader))
    outsider = users.create_user("ubn-lasare@ekbacka.example", "UBN-läsare", None, PASSWORD)
    outsider.board_roles.append(BoardRole(board_code="UBN", role=Role.reader))
    db.session.flush()
    header = {"Authorization": "Bearer " + tokens.create_token(reader)}
    other = {"Authorization": "Bearer " + tokens.create_token(outsider)}
    db.session.commit()
    client = app.test_client()
    answer = client.get("/api/plans/KF-2026/phases/december/boards/im1", headers=header)
    assert answer.status_code == 200
    assert answer.json["node"] == "im1"
    assert [(b["plan"], b["level"], b["state"], b["signed"]) for b in answer.json["boards"]] == [
        ("BUN-2026", None, "empty", False), ("UBN-2026", "helt", "approved", True)]
    refused = client.get("/api/plans/KF-2026/phases/december/boards/im1", headers=other)
    assert refused.status_code == 403 and refused.json["error"]
    missing = client.get("/api/plans/KF-2026/phases/december/boards/finns-inte", headers=header)
    assert missing.status_code == 404 and missing.json["error"]


def test_the_municipal_strateg_sees_the_boards_beside_each_node(municipality, app, demo):
    from followup.people import users

    kent = users.create_user("kent@ekbacka.example", "Kent", None, PASSWORD)
    kent.board_roles.append(BoardRole(board_code="KF", role=Role.compiler))
    db.session.commit()
    browser = Browser(app.test_client())
    browser.login("kent@ekbacka.example")
    page = browser.get("/plans/KF-2026/phases/december/nodes/im1")
    assert page.status_code == 200
    text = page.text
    assert "Nämndernas uppföljning" in text
    assert text.index("Byggnadsnämnden") < text.index("Utbildningsnämnden")
    assert "Utbildningsnämndens eget namn på målet" in text and "Klart i UBN." in text
    assert "fastställd" in text and "Ej rapporterat: 1" in text
    assert 'href="/plans/UBN-2026/phases/december/nodes/im1"' in text
    # The board's item itself is readable: the municipal strateg reads every board.
    assert browser.get("/plans/UBN-2026/phases/december/nodes/im1").status_code == 200
    overview = browser.get("/plans/KF-2026/phases/december/").text
    assert "Nämnderna" in overview and "Ej rapporterat: 1" in overview
    # A board's own pages have no such column.
    assert "Nämnderna</th>" not in browser.get("/plans/UBN-2026/phases/december/").text


def test_the_municipality_overview_shows_each_board_s_stage_and_the_levels_per_goal(
        municipality, app, demo):
    from datetime import date

    kf, ubn, bun = municipality
    bun.phase("december").deadline = date(2020, 1, 31)  # long past: BUN is late
    db.session.commit()
    browser = Browser(app.test_client())
    browser.login("per@ekbacka.example")  # reads every board
    page = browser.get("/kommunen/KF-2026/december/")
    assert page.status_code == 200
    text = page.text
    rows = {name: text[text.index(name):text.index("</tr>", text.index(name))]
            for name in ("Byggnadsnämnden", "Utbildningsnämnden")}
    assert "Fastställd" in rows["Utbildningsnämnden"]
    assert "Rapporterar" in rows["Byggnadsnämnden"] and "försenad" in rows["Byggnadsnämnden"]
    assert "2020-01-31" in rows["Byggnadsnämnden"]
    goals = text[text.index("per mål och uppdrag"):]
    assert "Helt uppfyllt: 1" in goals and "Ej rapporterat: 1" in goals
    assert 'href="/plans/KF-2026/phases/december/nodes/im1"' in goals
    assert browser.get("/kommunen/UBN-2026/december/").status_code == 404
    assert "Nämndernas läge" in browser.get("/plans/KF-2026/phases/december/").text


def test_a_board_with_a_plan_last_year_and_none_this_year_is_listed_as_missing(
        municipality, app, demo):
    earlier = json.loads(plan_file("OSN", "Omsorgsnämnden"))
    earlier["year"] = 2025
    transfer.import_plan(json.dumps(earlier))
    later = json.loads(plan_file("NYN", "Nya nämnden"))
    later["year"] = 2027  # a board that only begins next year is not missing
    transfer.import_plan(json.dumps(later))
    db.session.commit()
    browser = Browser(app.test_client())
    browser.login("per@ekbacka.example")
    text = browser.get("/kommunen/KF-2026/december/").text
    row = text[text.index("Omsorgsnämnden"):text.index("</tr>", text.index("Omsorgsnämnden"))]
    assert "Har ingen plan för 2026" in row
    assert "<a " not in row  # nothing of 2026 to open
    assert "Nya nämnden" not in text
    assert text.index("Byggnadsnämnden") < text.index("Omsorgsnämnden") \
        < text.index("Utbildningsnämnden")
