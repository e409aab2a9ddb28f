"""The compiler composes the memo in the browser; the document follows."""

import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.memos.models import Appendix, Memo, MemoState, Section

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"
EDIT = MEMO + "/redigera"


def memo():
    return db.session.scalar(select(Memo).where(Memo.title.contains("augusti")))


def test_only_the_compiler_edits(as_user):
    first = memo().appendices[0].id
    pages = ["/", "/forslag", "/avsnitt", "/bilagor", f"/bilagor/{first}",
             f"/bilagor/{first}/utseende"]
    for who in ("anna", "lena", "per"):
        browser = as_user(who)
        for page in pages:
            assert browser.get(EDIT + page).status_code == 403
    sara = as_user("sara")
    for page in pages:
        response = sara.get(EDIT + page)
        assert response.status_code == 200 and "Redigera tjänsteskrivelse" in response.text
        # Every part of the editor is one click away, and the way back to the memo.
        for label in ("Uppgifter", "Förslag och underskrifter", "Avsnitt", "Bilagor",
                      "← Tjänsteskrivelsen"):
            assert label in response.text
    assert "Genererade texter" in sara.get(EDIT + "/avsnitt").text


def test_fields_and_proposals_are_saved_in_order(as_user):
    sara = as_user("sara")
    sara.get(EDIT + "/")
    response = sara.post(EDIT + "/", {
        "title": "Delårsbokslut per augusti 2026", "date": "2026-09-15",
        "diarienummer": "SOC-2026-00231", "handlaggare": "Sara Lind, Johan Ek",
        "recipient": "Socialnämnden", "meeting_date": "2026-09-24"})
    assert response.status_code == 302
    sara.get(EDIT + "/forslag")
    response = sara.post(EDIT + "/forslag", {
        "proposals_intro": "Socialnämnden föreslås besluta", "numbered": "y",
        "proposals": "att godkänna uppföljningen,\natt godkänna delårsbokslutet, samt\n\n"
                     "att överlämna det till kommunstyrelsen."})
    assert response.status_code == 302
    m = memo()
    assert m.date.isoformat() == "2026-09-15" and m.handlaggare == ["Sara Lind", "Johan Ek"]
    assert m.proposals == ["att godkänna uppföljningen,", "att godkänna delårsbokslutet, samt",
                           "att överlämna det till kommunstyrelsen."]
    html = sara.get(MEMO + "/forhandsgranska/memo").text
    assert html.index("att</strong> godkänna uppföljningen") < html.index("överlämna det")


def test_bad_date_is_refused_and_nothing_changes(as_user):
    sara = as_user("sara")
    sara.get(EDIT + "/")
    response = sara.post(EDIT + "/", {"title": "X", "date": "15 september"})
    assert response.status_code == 422 and "ÅÅÅÅ-MM-DD" in response.text
    assert memo().title == "Delårsbokslut per augusti 2026"


@pytest.mark.parametrize("field, typed, message", [
    ("date", "28/11/2026", "Datum ska skrivas ÅÅÅÅ-MM-DD, till exempel 2027-01-15."),
    ("date", "2026-02-30", "Datum: 2026-02-30 finns inte i kalendern."),
    ("meeting_date", "2026-13-01", "Sammanträdesdatum: 2026-13-01 finns inte i kalendern."),
])
def test_a_bad_date_is_told_under_its_own_field(as_user, field, typed, message):
    """The message was put under Rubrik, which was marked invalid; and a date written
    as asked but not in the calendar was told to be written as asked."""
    sara = as_user("sara")
    sara.get(EDIT + "/")
    response = sara.post(EDIT + "/", {"title": "Delårsbokslut per augusti 2026", field: typed})
    assert response.status_code == 422
    assert f'<p class="error" id="{field}-fel">{message}</p>' in response.text
    assert 'id="title-fel"' not in response.text


def test_sections_are_added_edited_moved_and_removed(as_user):
    sara = as_user("sara")
    sara.get(EDIT + "/avsnitt")
    sara.post(EDIT + "/avsnitt", {"ny-heading": "Barnkonsekvensanalys", "ny-level": "1",
                                 "ny-body": '<p onclick="x()">Barnen <script>y()</script>först.</p>'})
    added = db.session.scalar(select(Section).where(Section.heading == "Barnkonsekvensanalys"))
    assert added.body == "<p>Barnen först.</p>" and added.position == 6
    sara.get(EDIT + "/")
    sara.post(f"{EDIT}/avsnitt/{added.id}/upp")
    assert db.session.get(Section, added.id).position == 5
    sara.post(f"{EDIT}/avsnitt/{added.id}", {f"s{added.id}-heading": "Barnperspektiv",
                                             f"s{added.id}-level": "2",
                                             f"s{added.id}-body": "<p>Ny text.</p>",
                                             f"s{added.id}-tables": ["nyckeltal-hvb"]})
    edited = db.session.get(Section, added.id)
    assert (edited.heading, edited.level, edited.tables) == ("Barnperspektiv", 2, ["nyckeltal-hvb"])
    sara.get(EDIT + "/avsnitt")
    added_id = added.id
    sara.post(f"{EDIT}/avsnitt/{added_id}/ta-bort")
    assert db.session.scalar(select(Section).where(Section.id == added_id)) is None
    assert [s.position for s in sorted(memo().sections, key=lambda s: s.position)] == list(range(6))


def test_generated_summary_is_inserted_as_editable_text(as_user):
    sara = as_user("sara")
    page = sara.get(EDIT + "/avsnitt").text
    assert "För sex av de tolv uppdragen är statusen ”påbörjad”" in page
    section = next(s for s in memo().sections if s.heading == "Verksamhetsplan")
    sara.post(f"{EDIT}/avsnitt/{section.id}/infoga", {f"i{section.id}-text": "typ-uppdrag"})
    body = db.session.get(Section, section.id).body
    assert body.endswith("<p>För sex av de tolv uppdragen är statusen ”påbörjad”, för ett "
                         "”stoppad” och för fem ”färdig”.</p>")
    pdf_text = sara.get(MEMO + "/forhandsgranska/memo").text
    assert "för fem ”färdig”" in pdf_text


def test_appendices_are_added_configured_and_reordered(as_user):
    sara = as_user("sara")
    sara.get(EDIT + "/bilagor")
    sara.post(EDIT + "/bilagor", {"nyb-title": "Nyckeltal HVB", "nyb-kind": "tables"})
    appendix = db.session.scalar(select(Appendix).where(Appendix.title == "Nyckeltal HVB"))
    assert appendix.number == 4
    sara.get(f"{EDIT}/bilagor/{appendix.id}")
    response = sara.post(f"{EDIT}/bilagor/{appendix.id}", {
        f"b{appendix.id}-number": "4", f"b{appendix.id}-title": "Nyckeltal HVB",
        f"b{appendix.id}-kind": "tables", f"b{appendix.id}-tables": ["nyckeltal-hvb"],
        f"b{appendix.id}-document_type": "Rapport", f"b{appendix.id}-date": "2026-09-01"})
    assert response.status_code == 302
    assert db.session.get(Appendix, appendix.id).tables == ["nyckeltal-hvb"]
    html = sara.get(MEMO + "/forhandsgranska/bilaga-4").text
    assert "Bilaga 4 – Nyckeltal HVB" in html and "Rapport" in html and "Nettokostnad per vårddygn" in html
    assert "Bilaga 4, Nyckeltal HVB" in sara.get(MEMO + "/forhandsgranska/memo").text
    sara.post(f"{EDIT}/bilagor/{appendix.id}/upp")
    assert db.session.get(Appendix, appendix.id).position == 2


def test_appendix_with_a_taken_number_or_unknown_table_is_refused(as_user):
    sara = as_user("sara")
    appendix = db.session.scalar(select(Appendix).where(Appendix.number == 3))
    sara.get(f"{EDIT}/bilagor/{appendix.id}")
    response = sara.post(f"{EDIT}/bilagor/{appendix.id}", {
        f"b{appendix.id}-number": "1", f"b{appendix.id}-title": "X",
        f"b{appendix.id}-kind": "tables"})
    assert response.status_code == 422 and "finns redan" in response.text
    response = sara.post(f"{EDIT}/bilagor/{appendix.id}", {
        f"b{appendix.id}-number": "3", f"b{appendix.id}-title": "X",
        f"b{appendix.id}-kind": "tables", f"b{appendix.id}-tables": ["finns-inte"]})
    assert response.status_code == 422 and "Tabellen finns-inte finns inte" in response.text
    assert db.session.get(Appendix, appendix.id).number == 3


def test_a_signed_memo_cannot_be_edited(as_user):
    m = memo()
    m.state = MemoState.signed
    db.session.commit()
    sara = as_user("sara")
    sara.get(MEMO + "/")
    response = sara.post(EDIT + "/", {"title": "Ändrad"})
    assert response.status_code == 409 and "fastställd" in response.text
    assert memo().title == "Delårsbokslut per augusti 2026"


def test_compiler_creates_a_memo_for_a_phase_without_one(as_user):
    sara = as_user("sara")
    page = sara.get("/plans/SOC-2026/phases/december/tjansteskrivelse/").text
    assert "Skapa tjänsteskrivelse för årsbokslut" in page
    response = sara.post("/plans/SOC-2026/phases/december/tjansteskrivelse/redigera/skapa")
    assert response.status_code == 302
    page = sara.get("/plans/SOC-2026/phases/december/tjansteskrivelse/redigera/").text
    assert "Årsbokslut 2026" in page
    assert "Tjänsteskrivelsen är skapad. Fyll i dess uppgifter och texter nedan." in page
