"""How the documents print, edited in the browser with no JSON and no keys: layouts,
internal control columns, chapters, cover and contents, signatures, text after tables.
Everything edited exports and imports back unchanged."""

import json

from sqlalchemy import select

from followup.core.extensions import db
from followup.memos.models import Appendix, Memo, Section
from followup.planfile import transfer

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"
EDIT = MEMO + "/redigera"


def memo():
    return db.session.scalar(select(Memo).where(Memo.title.contains("augusti")))


def part(kind):
    return next(a for a in memo().appendices if a.kind == kind)


def export():
    return transfer.export_plan("SOC-2026")


def assert_round_trip(tmp_path, cli):
    """Export, import the export over the plan, export again: the same file."""
    first = transfer.dump(export())
    path = tmp_path / "again.json"
    path.write_text(first, encoding="utf-8")
    result = cli.invoke(args=["plan", "import", "--replace", str(path)])
    assert result.exit_code == 0, result.stderr
    assert transfer.dump(export()) == first
    return json.loads(first)


def layout_form(page_text, entries):
    """The posted layout form: every entry as the page shows it, with ``entries``
    ({index: {field: value}}) changed."""
    import re

    data = {}
    for name, value in re.findall(r'name="(entries-[^"]+)"[^>]*value="([^"]*)"', page_text):
        data[name] = value
    for name in re.findall(r'<select[^>]*name="(entries-[^"]+)"', page_text):
        chosen = re.search(rf'name="{re.escape(name)}".*?<option selected value="([^"]*)"',
                           page_text, re.S)
        data[name] = chosen.group(1) if chosen else ""
    for i, fields in entries.items():
        for field, value in fields.items():
            data[f"entries-{i}-{field}"] = value
    return data


def test_layout_is_edited_per_node_type_printed_and_round_trips(as_user, cli, tmp_path):
    sara = as_user("sara")
    appendix = part("plan")
    url = f"{EDIT}/bilagor/{appendix.id}/utseende"
    page = sara.get(url).text
    assert "Inriktningsmål" in page and "Uppdrag" in page and "Som standard" in page
    types = [t.key for t in memo().plan.node_types]
    goal, assignment = types.index("inriktningsmal"), types.index("uppdrag")
    response = sara.post(url, layout_form(page, {
        goal: {"display": "section", "level": "label_and_text"},
        assignment: {"display": "row", "columns-0-field": "number_title",
                     "columns-0-header": "Uppdraget", "columns-1-field": "comment",
                     "columns-1-header": "Så har det gått", "columns-2-field": "level",
                     "columns-2-header": "Läge"},
    }))
    assert response.status_code == 302
    layout = db.session.get(Appendix, appendix.id).layout
    assert layout == {
        "inriktningsmal": {"display": "section", "level": "label_and_text"},
        "uppdrag": {"display": "row", "columns": [
            {"field": "number_title", "header": "Uppdraget"},
            {"field": "comment", "header": "Så har det gått"},
            {"field": "level", "header": "Läge"}]}}
    # The page shows what was saved, and the document prints it.
    page = sara.get(url).text
    assert 'value="Så har det gått"' in page
    html = sara.get(f"{MEMO}/forhandsgranska/bilaga-{appendix.number}").text
    assert "Uppdraget</th>" in html and "Så har det gått</th>" in html
    assert "Bedömning:</span>" in html  # the level as "Bedömning: …"
    exported = assert_round_trip(tmp_path, cli)
    assert exported["documents"][0]["appendices"][0]["layout"] == layout

    # Back to the default: no layout at all.
    fresh = db.session.scalar(select(Appendix).where(Appendix.kind == "plan"))
    page = sara.get(f"{EDIT}/bilagor/{fresh.id}/utseende").text
    sara.post(f"{EDIT}/bilagor/{fresh.id}/utseende", layout_form(page, {
        goal: {"display": ""}, assignment: {"display": ""}}))
    assert db.session.get(Appendix, fresh.id).layout is None


def test_layout_editor_refuses_what_the_plan_cannot_show(as_user):
    sara = as_user("sara")
    appendix = part("plan")
    url = f"{EDIT}/bilagor/{appendix.id}/utseende"
    page = sara.get(url).text
    # Refused with the reason on the page, what was typed still in the form, nothing saved.
    response = sara.post(url, layout_form(page, {0: {"display": "table", "lead": "Skrivet"}}))
    assert response.status_code == 422
    assert "Välj hur inriktningsmål visas." in response.text and 'value="Skrivet"' in response.text
    assert db.session.get(Appendix, appendix.id).layout is None
    page = sara.get(url).text
    response = sara.post(url, layout_form(page, {0: {"display": "row", "columns-0-field": "risk"}}))
    assert response.status_code == 422
    assert "Välj bara bland de kolumner som finns." in response.text
    assert db.session.get(Appendix, appendix.id).layout is None


def test_preview_of_the_first_page_is_an_image(as_user):
    sara = as_user("sara")
    appendix = part("plan")
    response = sara.get(f"{EDIT}/bilagor/{appendix.id}/forsta-sidan.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n" and len(response.data) > 10_000


def test_control_columns_and_phases_are_edited_and_round_trip(as_user, cli, tmp_path):
    sara = as_user("sara")
    appendix = part("internal_control")
    sara.get(f"{EDIT}/bilagor/{appendix.id}")
    response = sara.post(f"{EDIT}/bilagor/{appendix.id}/kolumner", {
        f"k{appendix.id}-columns-0-field": "area", f"k{appendix.id}-columns-0-header": "Område",
        f"k{appendix.id}-columns-1-field": "control",
        f"k{appendix.id}-columns-1-header": "Vad kontrolleras",
        f"k{appendix.id}-columns-2-field": "results", f"k{appendix.id}-columns-2-header": "",
        f"k{appendix.id}-phases": ["augusti"]})
    assert response.status_code == 302
    stored = db.session.get(Appendix, appendix.id)
    assert stored.columns == [{"field": "area", "header": "Område"},
                              {"field": "control", "header": "Vad kontrolleras"},
                              {"field": "results", "header": "Resultat"}]
    assert stored.phases == ["augusti"]
    html = sara.get(f"{MEMO}/forhandsgranska/bilaga-{appendix.number}").text
    assert "Vad kontrolleras</th>" in html and "Risk</th>" not in html
    assert_round_trip(tmp_path, cli)


def test_report_with_cover_contents_and_chapters_is_built_in_the_browser(as_user, cli, tmp_path):
    sara = as_user("sara")
    appendix = part("tables")
    url = f"{EDIT}/bilagor/{appendix.id}"
    sara.get(url)
    sara.post(f"{url}/rapport", {f"r{appendix.id}-contents": "1",
                                 f"r{appendix.id}-cover_title": "Delårsrapport 2026",
                                 f"r{appendix.id}-cover_subtitle": "Socialnämnden",
                                 f"r{appendix.id}-cover_lines": "Per augusti\n\nBehandlas i september"})
    for title, kind in (("Måluppfyllelse", "plan"), ("Internkontroll", "internal_control")):
        sara.get(url)
        sara.post(f"{url}/kapitel", {f"nyk{appendix.id}-title": title,
                                     f"nyk{appendix.id}-kind": kind})
    chapters = sorted(db.session.get(Appendix, appendix.id).chapters, key=lambda c: c.position)
    assert [(c.title, c.kind, c.number) for c in chapters] == [
        ("Måluppfyllelse", "plan", None), ("Internkontroll", "internal_control", None)]
    goals = chapters[0]
    sara.get(f"{EDIT}/bilagor/{goals.id}")
    response = sara.post(f"{EDIT}/bilagor/{goals.id}", {
        f"b{goals.id}-title": "Måluppfyllelse", f"b{goals.id}-kind": "plan",
        f"b{goals.id}-node_types": ["inriktningsmal"], f"b{goals.id}-new_page": "y"})
    assert response.status_code == 302
    sara.get(f"{EDIT}/bilagor/{chapters[1].id}")
    sara.post(f"{EDIT}/bilagor/{chapters[1].id}/upp")
    assert db.session.get(Appendix, chapters[1].id).position == 0

    stored = db.session.get(Appendix, appendix.id)
    assert stored.contents is True
    assert stored.cover == {"title": "Delårsrapport 2026", "subtitle": "Socialnämnden",
                            "lines": ["Per augusti", "Behandlas i september"]}
    pdf = sara.get(f"{MEMO}/bilagor/{appendix.number}.pdf" if False else
                   f"{MEMO}/forhandsgranska/bilaga-{appendix.number}").text
    assert "Innehåll" in pdf and "Delårsrapport 2026" in pdf
    assert pdf.index("Internkontroll") < pdf.index("Måluppfyllelse</h2>")
    exported = assert_round_trip(tmp_path, cli)
    report = next(a for a in exported["documents"][0]["appendices"] if a["kind"] == "tables")
    assert [c["title"] for c in report["chapters"]] == ["Internkontroll", "Måluppfyllelse"]
    assert report["chapters"][1]["new_page"] is True


def test_signatures_unnumbered_proposals_and_the_appendix_heading(as_user, cli, tmp_path):
    sara = as_user("sara")
    sara.get(EDIT + "/forslag")
    response = sara.post(EDIT + "/forslag", {
        "proposals_intro": "Socialnämnden beslutar", "proposals": "att godkänna rapporten.",
        "signatures-0-name": "Lena Holmqvist", "signatures-0-title": "Socialdirektör",
        "signatures-1-name": "Karin Ek", "signatures-1-title": "Controller",
        "appendices_heading": "Bilagor"})  # "numbered" not ticked
    assert response.status_code == 302
    m = memo()
    assert m.numbered_proposals is False
    assert m.signatures == [{"name": "Lena Holmqvist", "title": "Socialdirektör"},
                            {"name": "Karin Ek", "title": "Controller"}]
    html = sara.get(MEMO + "/forhandsgranska/memo").text
    assert '<ul class="proposals unnumbered">' in html and "<h2 class=\"section-heading\">Bilagor</h2>" in html
    assert html.index("Lena Holmqvist") < html.index("Socialdirektör") < html.index("Karin Ek")
    page = sara.get(EDIT + "/forslag").text
    assert 'value="Karin Ek"' in page and 'name="signatures-2-name"' in page  # one empty row more
    assert_round_trip(tmp_path, cli)

    # A name without a title is fine; a title without a name is not.
    sara.get(EDIT + "/forslag")
    response = sara.post(EDIT + "/forslag", {"proposals": "att godkänna.", "numbered": "y",
                                             "signatures-0-title": "Direktör"})
    assert response.status_code == 422 and "behöver ett namn" in response.text
    assert memo().signatures[0]["name"] == "Lena Holmqvist"


def test_text_after_a_sections_tables(as_user, cli, tmp_path):
    sara = as_user("sara")
    appendix = part("tables")
    sara.get(f"{EDIT}/bilagor/{appendix.id}")
    sara.post(f"{EDIT}/bilagor/{appendix.id}/avsnitt", {
        f"ny{appendix.id}-heading": "Analys", f"ny{appendix.id}-level": "1"})
    section = db.session.scalar(select(Section).where(Section.heading == "Analys"))
    sara.get(f"{EDIT}/bilagor/{appendix.id}")
    response = sara.post(f"{EDIT}/avsnitt/{section.id}", {
        f"s{section.id}-heading": "Analys", f"s{section.id}-level": "1",
        f"s{section.id}-tables": ["nyckeltal-hvb"],
        f"s{section.id}-body_after": "<p>Kostnaden per dygn steg <script>x()</script>något.</p>"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/bilagor/{appendix.id}#avsnitt-{section.id}")
    assert db.session.get(Section, section.id).body_after == "<p>Kostnaden per dygn steg något.</p>"
    html = sara.get(f"{MEMO}/forhandsgranska/bilaga-{appendix.number}").text
    after = html.split("Analys</h2>")[-1]
    assert after.index("Nettokostnad per vårddygn") < after.index("Kostnaden per dygn steg något.")
    assert_round_trip(tmp_path, cli)


def test_a_new_memo_can_start_as_a_copy_of_the_previous(as_user, cli, tmp_path):
    sara = as_user("sara")
    december = "/plans/SOC-2026/phases/december/tjansteskrivelse"
    page = sara.get(december + "/").text
    assert "En kopia av Delårsbokslut per augusti 2026" in page
    august = memo()
    sara.post(december + "/redigera/skapa", {"copy_from": str(august.id)})
    copy = db.session.scalar(select(Memo).where(Memo.id != august.id))
    assert [(a.number, a.title, a.kind, a.node_types) for a in copy.appendices] == [
        (a.number, a.title, a.kind, a.node_types) for a in august.appendices]
    assert [s.heading for s in copy.sections] == [s.heading for s in august.sections]
    assert all(s.body is None for s in copy.sections) and copy.proposals == []
    assert copy.title == "Årsbokslut 2026"
    assert_round_trip(tmp_path, cli)
