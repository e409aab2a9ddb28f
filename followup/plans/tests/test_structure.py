"""The compiler edits the plan's structure in the browser: a tree that folds, with the
forms opened in place, and without JavaScript."""

import re
from html.parser import HTMLParser

from sqlalchemy import select

from followup.core.extensions import db
from followup.plans.models.node import Node
from followup.plans.models.plan import Level, Unit
from tests.html_forms import form_fields

STRUCTURE = "/plans/SOC-2026/struktur"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def node(key):
    return db.session.scalar(select(Node).where(Node.key == key))


class _Element(HTMLParser):
    """The HTML of the element with ``id``, and the ids of the tree's items that are open."""

    def __init__(self, wanted):
        super().__init__(convert_charrefs=True)
        self.wanted, self.depth, self.parts = wanted, 0, []
        self.open_items, self.items = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li":
            self.items.append(a.get("id"))
        if tag == "details" and "open" in a and self.items and self.items[-1]:
            self.open_items.append(self.items[-1])
        if self.depth or (self.wanted and a.get("id") == self.wanted):
            self.parts.append(self.get_starttag_text())
            if tag not in VOID:
                self.depth += 1

    def handle_endtag(self, tag):
        if tag == "li" and self.items:
            self.items.pop()
        if self.depth:
            self.parts.append(f"</{tag}>")
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element(html, element_id):
    parser = _Element(element_id)
    parser.feed(html)
    return "".join(parser.parts)


def open_items(html):
    parser = _Element(None)
    parser.feed(html)
    return parser.open_items


def edit_fields(browser, key):
    """What the browser posts from the node's form, as the page shows it."""
    return form_fields(browser.get(f"{STRUCTURE}/?redigera={key}").text, "redigera-punkt")


def new_fields(browser, parent):
    return form_fields(browser.get(f"{STRUCTURE}/?ny={parent}").text, "ny-punkt")


def post_edit(browser, node_key, **changed):
    """The node's form posted as the page shows it, with ``changed``."""
    return browser.post(f"{STRUCTURE}/noder/{node_key}",
                        {**edit_fields(browser, node_key), **changed})


def post_new(browser, parent_key, **changed):
    """The form of a new node under ``parent_key`` posted as the page shows it, with
    ``changed`` (which may name another parent)."""
    return browser.post(STRUCTURE + "/noder", {**new_fields(browser, parent_key), **changed})


def words(html):
    """The text a reader sees, in one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_structure_page_is_a_folded_tree_with_units_and_scales(as_user):
    page = as_user("sara").get(STRUCTURE + "/").text
    assert "Ekbacka ska ha en välfärd" in page and "Avdelning vuxen" in page
    assert "Leder" not in page and "I hög grad uppfyllt" in page
    # The goals open; what is below them folded away, and the forms wait for a click.
    assert open_items(page) == ["punkt-im1", "punkt-im2", "punkt-im3"]
    assert 'id="punkt-u1-a1"' in page and 'id="redigera-punkt"' not in page
    assert 'id="ny-punkt"' not in page
    # What is below each item, counted the Swedish way.
    assert "Avdelning barn och unga · 2 åtgärder" in words(element(page, "punkt-u1"))
    assert "Avdelning stöd och utveckling · 1 åtgärd" in words(element(page, "punkt-u12"))
    assert "2 nämndmål · 1 uppdrag" in words(element(page, "punkt-im3"))
    # A way back, and the plan's own names for what is in the tree.
    assert 'href="/granskning/SOC-2026/december"' in page
    assert "Inriktningsmål, nämndmål, uppdrag och åtgärder" in page


def test_no_developer_words_on_the_structure_pages(as_user):
    sara = as_user("sara")
    for url in ("/", "/?redigera=u1", "/?ny=nm1-1", "/?ny=", "/?visa=alla", "/nasta-ar"):
        text = words(sara.get(STRUCTURE + url).text)
        for word in ("Nod", "Noden", "Nodtyp", "noder", "Nyckel", "nyckel"):
            assert not re.search(rf"\b{word}\b", text), (url, word)


def test_show_every_item_opens_the_whole_tree(as_user):
    page = as_user("sara").get(STRUCTURE + "/?visa=alla").text
    assert len(open_items(page)) == db.session.query(Node).count()


def test_edit_opens_in_place_with_the_items_above_it(as_user):
    sara = as_user("sara")
    page = sara.get(STRUCTURE + "/?redigera=u1").text
    assert open_items(page)[:3] == ["punkt-im1", "punkt-nm1-1", "punkt-u1"]
    item = element(page, "punkt-u1")
    assert 'id="redigera-punkt"' in item and "Redigera uppdrag 1.1.1" in words(item)
    assert 'id="redigera-punkt"' not in element(page, "punkt-u2")
    fields = form_fields(page, "redigera-punkt")
    assert fields["title"].strip().startswith("Utveckla familjebehandlingen")
    assert fields["unit"] == "barn-unga"
    # It cannot be moved under itself or what is below it.
    parents = element(element(page, "redigera-punkt"), "parent")
    assert 'value="nm1-2"' in parents and 'value="u1"' not in parents
    assert 'value="u1-a1"' not in parents
    # The address of the former edit page leads here.
    response = sara.get(STRUCTURE + "/noder/u1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/struktur/?redigera=u1#punkt-u1")


def test_edit_node_assigns_unit_notes_and_moves_it(as_user):
    sara = as_user("sara")
    page = sara.get(STRUCTURE + "/?redigera=u4").text
    fields = form_fields(page, "redigera-punkt")
    fields.update({"parent": "nm1-1", "number": "1.1.3", "title": "Införa gemensam bedömningsmall",
                   "unit": "stod", "notes": "Tidigare 1.2.2\n", "carried_over_from": "2025"})
    response = sara.post(STRUCTURE + "/noder/u4", fields)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/struktur/?punkt=u4#punkt-u4")
    moved = node("u4")
    assert moved.parent.key == "nm1-1" and moved.unit.key == "stod"
    assert moved.notes == ["Tidigare 1.2.2"] and moved.carried_over_from == 2025
    assert [c.key for c in node("nm1-2").children] == ["u3"]
    assert [c.position for c in node("nm1-2").children] == [0]
    # Back on the page, the message is at the item, which is open where it now is.
    page = sara.get(response.headers["Location"]).text
    item = element(page, "punkt-u4")
    assert "Ändringarna i uppdrag 1.1.3 har sparats." in item
    assert "Kvar från 2025" in words(item) and "Noteringar Tidigare 1.2.2" in words(item)
    assert open_items(page)[:3] == ["punkt-im1", "punkt-nm1-1", "punkt-u4"]
    assert "har sparats" not in page.split('id="trad"')[0]


def test_follows_up_from_and_until_are_edited(as_user):
    sara = as_user("sara")
    assert post_edit(sara, "u2", since="augusti", until="augusti").status_code == 302
    assert node("u2").since.key == "augusti" and node("u2").until.key == "augusti"
    meta = words(element(sara.get(STRUCTURE + "/").text, "punkt-u2"))
    assert "Följs upp till och med delårsbokslut per augusti" in meta
    assert "Följs upp från delårsbokslut per augusti" in meta


def test_a_refused_edit_stays_in_place_with_the_message_and_changes_nothing(as_user):
    sara = as_user("sara")
    response = post_edit(sara, "nm1-1", parent="u1", title="Ny lydelse")
    assert response.status_code == 422
    form = element(response.text, "redigera-punkt")
    assert "En punkt kan inte flyttas in under sig själv." in form and "Ny lydelse" in form
    assert node("nm1-1").parent.key == "im1" and node("nm1-1").title.startswith("Fler barn")
    response = post_edit(sara, "nm1-1", title=" ")
    assert response.status_code == 422
    assert "Punkten behöver en titel." in element(response.text, "punkt-nm1-1")
    response = post_edit(sara, "nm1-1", title="Ny lydelse", carried_over_from="förra året")
    assert response.status_code == 422
    assert "Kvar från ska vara ett årtal, t.ex. 2025." in element(response.text, "redigera-punkt")
    assert node("nm1-1").carried_over_from is None


def test_add_opens_in_place_under_its_parent_with_the_likely_sort(as_user):
    sara = as_user("sara")
    page = sara.get(STRUCTURE + "/?ny=nm2-2").text
    form = element(page, "ny-punkt")
    assert "Ny punkt under nämndmål 2.2" in words(form)
    assert 'id="ny-punkt"' in element(page, "punkt-nm2-2")
    fields = form_fields(page, "ny-punkt")
    assert fields["parent"] == "nm2-2" and fields["type"] == "uppdrag" and fields["unit"] == "vuxen"
    assert "Fasen som pågår nu (årsbokslut)" in form
    # Under an uppdrag an åtgärd; at the top of the plan the first sort.
    assert new_fields(sara, "u7")["type"] == "atgard"
    top = sara.get(STRUCTURE + "/?ny=").text
    assert "Ny punkt överst i planen" in element(top, "ny-punkt")
    assert form_fields(top, "ny-punkt")["type"] == "inriktningsmal"
    assert form_fields(top, "ny-punkt")["parent"] == ""


def test_add_an_uppdrag_under_a_goal_with_a_unit(as_user):
    sara = as_user("sara")
    response = post_new(sara, "nm2-2", number="2.2.3", title="Starta natthärbärge för kvinnor")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?punkt=uppdrag-2-2-3#punkt-uppdrag-2-2-3")
    new = node("uppdrag-2-2-3")
    assert new.parent.key == "nm2-2" and new.unit.key == "vuxen" and new.position == 2
    page = sara.get(response.headers["Location"]).text
    assert "Uppdrag 2.2.3 har lagts till." in element(page, "punkt-uppdrag-2-2-3")
    # It is followed up at once: it appears in the phase's list.
    page = as_user("omar").get("/mina").text
    assert "Starta natthärbärge för kvinnor" in page


def test_a_number_another_item_of_its_sort_has_is_saved_and_pointed_out(as_user):
    """Real plans number two uppdrag alike (2.9 twice in a report of 2019), so a number in
    use is not refused; the person who typed it is told which item has it already."""
    sara = as_user("sara")
    page = sara.get(STRUCTURE + "/?redigera=u1").text
    fields = form_fields(page, "redigera-punkt")
    fields["number"] = "1.1.2"
    response = sara.post(STRUCTURE + "/noder/u1", fields)
    assert response.status_code == 302 and node("u1").number == "1.1.2"
    page = sara.get(response.headers["Location"]).text
    other = node("u2")
    assert other.number == "1.1.2"
    assert f"Observera: Uppdrag 1.1.2 finns redan, ”{other.title}”. Kontrollera numret." \
        in page
    fields["title"] = fields["title"].strip() + " (ändrad)"
    fields["number"] = "1.1.1"
    page = sara.get(sara.post(STRUCTURE + "/noder/u1", fields).headers["Location"]).text
    assert "Observera" not in page


def test_an_item_without_a_number_is_named_by_its_title(as_user):
    sara = as_user("sara")
    response = post_new(
        sara, "u7", title="Ordna ett gemensamt möte med bostadsbolaget varje kvartal under året")
    page = sara.get(response.headers["Location"]).text
    assert "Åtgärd ”Ordna ett gemensamt möte med bostadsbolaget varje…” har lagts till." in page


def test_add_without_title_shows_the_error_in_place(as_user):
    sara = as_user("sara")
    before = db.session.query(Node).count()
    response = post_new(sara, "nm1-1")
    assert response.status_code == 422
    form = element(element(response.text, "punkt-nm1-1"), "ny-punkt")
    assert "Punkten behöver en titel." in form
    assert form_fields(response.text, "ny-punkt")["parent"] == "nm1-1"
    assert db.session.query(Node).count() == before
    # The title is required in the browser too (forms.js gives the Swedish message).
    assert re.search(r"<textarea[^>]*required", form)


def test_add_under_an_unknown_item_is_refused(as_user):
    sara = as_user("sara")
    before = db.session.query(Node).count()
    response = post_new(sara, "nm1-1", parent="finns-inte", title="Ett nytt uppdrag")
    assert response.status_code == 422
    assert "Den valda överordnade punkten finns inte i planen." in element(response.text, "ny-punkt")
    assert db.session.query(Node).count() == before


def test_add_under_an_item_taken_out_is_refused(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    sara.post(STRUCTURE + "/noder/u8/ta-bort")
    page = sara.get(STRUCTURE + "/?punkt=u8").text
    assert "Lägg till under" not in element(page, "punkt-u8")
    response = sara.post(STRUCTURE + "/noder", {"parent": "u8", "type": "atgard", "title": "X"})
    assert response.status_code == 422 and "ingår inte i planen" in response.text


def test_unknown_items_in_the_address_are_ignored(as_user):
    sara = as_user("sara")
    for query in ("?redigera=finns-inte", "?ny=finns-inte", "?punkt=finns-inte",
                  "?visa=skala-finns-inte", '?punkt="><script>'):
        response = sara.get(STRUCTURE + "/" + query)
        assert response.status_code == 200 and "<script>" not in response.text.split("<main")[1]
    assert "Ny punkt överst i planen" in sara.get(STRUCTURE + "/?ny=finns-inte").text


def test_move_up_and_down(as_user):
    sara = as_user("sara")
    page = sara.get(STRUCTURE + "/?punkt=nm1-1").text
    first, second = element(page, "punkt-u1"), element(page, "punkt-u2")
    assert "Flytta upp" not in first.split("<ul>")[0] and "Flytta ner" in first.split("<ul>")[0]
    assert "Flytta upp" in second.split("<ul>")[0] and "Flytta ner" not in second.split("<ul>")[0]
    response = sara.post(STRUCTURE + "/noder/u2/upp")
    assert response.headers["Location"].endswith("?punkt=u2#punkt-u2")
    assert [c.key for c in node("nm1-1").children][:2] == ["u2", "u1"]
    assert "Uppdrag 1.1.2 har flyttats upp." in sara.get(response.headers["Location"]).text
    sara.post(STRUCTURE + "/noder/u2/ner")
    assert [c.key for c in node("nm1-1").children][:2] == ["u1", "u2"]


def test_taking_out_leaves_the_subtree_in_earlier_phases_and_putting_back_restores_it(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    # December is the phase open now: the goal leaves the plan after augusti.
    response = sara.post(STRUCTURE + "/noder/nm1-1/ta-bort")
    assert node("u1").until.key == "augusti" and node("u1-a1").until.key == "augusti"
    assert not node("u1").archived
    assert "Utveckla familjebehandlingen" not in as_user("anna").get("/mina").text
    augusti = sara.get("/plans/SOC-2026/phases/augusti/tjansteskrivelse/forhandsgranska/bilaga-1")
    assert "Utveckla familjebehandlingen" in augusti.text
    page = sara.get(response.headers["Location"]).text
    item = element(page, "punkt-nm1-1")
    assert ("Nämndmål 1.1 har tagits bort ur planen från och med årsbokslut. "
            "I tidigare faser och deras dokument finns punkten kvar.") in item
    assert "Följs upp till och med delårsbokslut per augusti" in words(item)
    assert '<li id="punkt-nm1-1" class="node gone' in page
    assert "Ta tillbaka" in item and "Ta bort ur planen" not in item.split("<ul>")[0]
    response = sara.post(STRUCTURE + "/noder/nm1-1/ta-tillbaka")
    assert node("u1").until is None
    assert "Nämndmål 1.1 är tillbaka i planen." in sara.get(response.headers["Location"]).text
    assert "Utveckla familjebehandlingen" in as_user("anna").get("/mina").text


def test_an_item_taken_out_before_it_was_followed_up_leaves_every_phase(as_user):
    sara = as_user("sara")
    post_new(sara, "nm2-2", number="2.2.9", title="Ett nytt uppdrag")
    response = sara.post(STRUCTURE + "/noder/uppdrag-2-2-9/ta-bort")
    assert node("uppdrag-2-2-9").archived
    page = sara.get(response.headers["Location"]).text
    item = element(page, "punkt-uppdrag-2-2-9")
    assert "Punkten ingick inte i någon tidigare fas." in item and "Ingår inte i planen" in item


def test_units_are_added_and_renamed(as_user):
    sara = as_user("sara")
    page = sara.get(STRUCTURE + "/").text
    assert "3 enheter som rapporterar" in page and "Beteckning" in page
    response = sara.post(STRUCTURE + "/enheter", {"key": "ekonomi", "name": "Ekonomienheten"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?visa=enheter#enheter")
    page = sara.get(response.headers["Location"]).text
    assert "Enheten är tillagd." in element(page, "enheter")
    assert "4 enheter som rapporterar" in page
    bad = sara.post(STRUCTURE + "/enheter", {"key": "Ekonomi!", "name": "X"})
    assert bad.status_code == 422 and "Enhetens beteckning" in element(bad.text, "enheter")
    assert "får bara innehålla" in bad.text and "<details class=\"fold\" open>" in bad.text
    unit = db.session.scalar(select(Unit).where(Unit.key == "ekonomi"))
    sara.post(f"{STRUCTURE}/enheter/{unit.id}", {f"u{unit.id}-name": "Ekonomi och analys"})
    assert db.session.get(Unit, unit.id).name == "Ekonomi och analys"


def test_levels_are_edited_and_added(as_user):
    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    level = db.session.scalar(select(Level).where(Level.key == "vantar"))
    response = sara.post(f"{STRUCTURE}/nivaer/{level.id}", {f"l{level.id}-label": "Vilande",
                                                             f"l{level.id}-tone": "neutral",
                                                             f"l{level.id}-text": ""})
    assert response.headers["Location"].endswith(
        "?visa=skala-assignment_status#skala-assignment_status")
    page = sara.get(response.headers["Location"]).text
    assert "Nivån är sparad." in element(page, "skala-assignment_status")
    assert re.search(r'<details id="skala-assignment_status" class="fold" open>', page)
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
        b = as_user(who)
        assert b.get(STRUCTURE + "/").status_code == 403
        assert b.get(STRUCTURE + "/?redigera=u1").status_code == 403
        assert b.get(STRUCTURE + "/noder/u1").status_code == 403


def test_a_signed_phase_is_not_offered_to_a_new_item_and_an_edit_into_it_is_refused(as_user):
    """Issue 21.2: after August was signed, a new item could be followed up from August."""
    from followup.memos.models import Memo, MemoState
    from tests.fixtures import snapshot

    memo = db.session.scalar(select(Memo).where(Memo.phase.has(key="augusti")))
    memo.state = MemoState.signed
    db.session.commit()
    sara = as_user("sara")
    form = element(sara.get(f"{STRUCTURE}/?ny=nm1-1").text, "ny-punkt")
    assert 'value="december"' in form
    assert 'value="augusti"' not in form and 'value="april"' not in form
    fields = edit_fields(sara, "u2")
    fields.update({"until": "april"})
    before = snapshot()
    response = sara.post(STRUCTURE + "/noder/u2", fields)
    assert response.status_code == 422
    form = words(element(response.text, "redigera-punkt"))
    assert ("Tjänsteskrivelsen för delårsbokslut per augusti är fastställd, och ändringen "
            "skulle få punkten att försvinna ur den.") in form
    assert snapshot() == before
