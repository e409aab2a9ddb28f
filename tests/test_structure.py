"""The compiler edits the plan's structure in the browser."""

from sqlalchemy import select

from followup.extensions import db
from followup.models import Level, Node, Unit

STRUCTURE = "/plans/SOC-2026/struktur"


def node(key):
    return db.session.scalar(select(Node).where(Node.key == key))


def test_structure_page_lists_the_tree_units_and_scales(as_user):
    page = as_user("sara").get(STRUCTURE + "/").text
    assert "Ekbacka ska ha en välfärd" in page and "Avdelning vuxen" in page
    assert "Leder" not in page and "I hög grad uppfyllt" in page


def test_add_an_uppdrag_under_a_goal_with_a_unit(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    response = sara.post(STRUCTURE + "/noder", {"parent": "nm2-2", "type": "uppdrag",
                                                "number": "2.2.3", "unit": "vuxen",
                                                "title": "Starta natthärbärge för kvinnor"})
    assert response.status_code == 302
    new = node("uppdrag-2-2-3")
    assert new.parent.key == "nm2-2" and new.unit.key == "vuxen" and new.position == 2
    # It is followed up at once: it appears in the phase's list.
    page = as_user("omar").get("/mina").text
    assert "Starta natthärbärge för kvinnor" in page


def test_add_without_title_shows_an_error(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    response = sara.post(STRUCTURE + "/noder", {"parent": "", "type": "uppdrag", "title": ""})
    assert response.status_code == 422 and "Noden behöver en titel." in response.text


def test_edit_node_assigns_unit_notes_and_moves_it(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/noder/u4")
    response = sara.post(STRUCTURE + "/noder/u4", {
        "parent": "nm1-1", "number": "1.1.3", "title": "Införa gemensam bedömningsmall",
        "unit": "stod", "notes": "Tidigare 1.2.2\n", "group": "", "responsible_boards": "",
        "carried_over_from": "2025"})
    assert response.status_code == 302
    moved = node("u4")
    assert moved.parent.key == "nm1-1" and moved.unit.key == "stod"
    assert moved.notes == ["Tidigare 1.2.2"] and moved.carried_over_from == 2025
    assert [c.key for c in node("nm1-2").children] == ["u3"]
    assert [c.position for c in node("nm1-2").children] == [0]


def test_a_node_cannot_move_under_itself(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/noder/nm1-1")
    response = sara.post(STRUCTURE + "/noder/nm1-1", {"parent": "u1", "title": "x", "unit": ""})
    assert response.status_code == 422 and "under sig själv" in response.text
    assert node("nm1-1").parent.key == "im1"


def test_move_up_and_down(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    sara.post(STRUCTURE + "/noder/u2/upp")
    assert [c.key for c in node("nm1-1").children][:2] == ["u2", "u1"]
    sara.post(STRUCTURE + "/noder/u2/ner")
    assert [c.key for c in node("nm1-1").children][:2] == ["u1", "u2"]


def test_taking_out_leaves_the_subtree_in_earlier_phases_and_putting_back_restores_it(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    # December is the phase open now: the goal leaves the plan after augusti.
    sara.post(STRUCTURE + "/noder/nm1-1/ta-bort")
    assert node("u1").until.key == "augusti" and node("u1-a1").until.key == "augusti"
    assert not node("u1").archived
    assert "Utveckla familjebehandlingen" not in as_user("anna").get("/mina").text
    augusti = sara.get("/plans/SOC-2026/phases/augusti/tjansteskrivelse/forhandsgranska/bilaga-1")
    assert "Utveckla familjebehandlingen" in augusti.text
    page = sara.get(STRUCTURE + "/").text
    assert "(till och med delårsbokslut per augusti)" in page
    sara.post(STRUCTURE + "/noder/nm1-1/ta-tillbaka")
    assert node("u1").until is None
    assert "Utveckla familjebehandlingen" in as_user("anna").get("/mina").text


def test_units_are_added_and_renamed(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    assert sara.post(STRUCTURE + "/enheter", {"key": "ekonomi", "name": "Ekonomienheten"}).status_code == 302
    bad = sara.post(STRUCTURE + "/enheter", {"key": "Ekonomi!", "name": "X"})
    assert bad.status_code == 422 and "får bara innehålla" in bad.text
    unit = db.session.scalar(select(Unit).where(Unit.key == "ekonomi"))
    sara.post(f"{STRUCTURE}/enheter/{unit.id}", {f"u{unit.id}-name": "Ekonomi och analys"})
    assert db.session.get(Unit, unit.id).name == "Ekonomi och analys"


def test_levels_are_edited_and_added(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    level = db.session.scalar(select(Level).where(Level.key == "vantar"))
    sara.post(f"{STRUCTURE}/nivaer/{level.id}", {f"l{level.id}-label": "Vilande",
                                                  f"l{level.id}-tone": "neutral",
                                                  f"l{level.id}-text": ""})
    assert db.session.get(Level, level.id).label == "Vilande"
    sara.post(STRUCTURE + "/skalor/assignment_status", {
        "ny-assignment_status-key": "avslutad", "ny-assignment_status-label": "Avslutad",
        "ny-assignment_status-tone": "good", "ny-assignment_status-done": "y"})
    added = db.session.scalar(select(Level).where(Level.key == "avslutad"))
    assert added.done and added.position == 5
    page = as_user("anna").get("/plans/SOC-2026/phases/december/nodes/u1").text
    assert ">Avslutad</span>" in page and ">Vilande</span>" in page


def test_only_the_compiler_edits_structure(as_user):
    for who in ("anna", "lena", "per", "it"):
        assert as_user(who).get(STRUCTURE + "/").status_code == 403
