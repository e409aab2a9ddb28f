"""The table definition without syntax: rows and columns edited in a form, formulas
picked and said in words, and a version-2 definition that survives editing and a
round trip through plan export and import (#10, #12)."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.planfile import transfer
from followup.tables.models import FigureTable
from followup.tables.tests.test_tables import ECONOMY_PLAN, GRID, hvb
from tests.html_forms import form_fields

DEFINITION = GRID + "/definition"


def editor(browser, url=DEFINITION):
    page = browser.get(url)
    assert page.status_code == 200, page.text[:500]
    return page.text, form_fields(page.text, "definition-form")


def test_the_editor_says_formulas_in_words_and_shows_no_keys_or_syntax(as_user):
    page, fields = editor(as_user("sara"))
    assert "= Kostnad för placeringar − Avgår: ersättningar och intäkter" in page
    assert "= Nettokostnad / Antal vårddygn" in page
    for syntax in ("kost - int", "netto / dygn", "Nyckel", "; Etikett;"):
        assert syntax not in page
    assert fields["r-2-kind"] == "formula" and fields["r-2-t-0"] == "kost"
    # The keys travel in hidden fields only.
    assert 'type="hidden" name="r-0-key" value="kost"' in page


def test_rows_are_added_moved_and_removed_and_their_figures_follow(as_user):
    sara = as_user("sara")
    _, fields = editor(sara)
    page = sara.post(DEFINITION, {**fields, "action": "row-add"}).text
    fields = form_fields(page, "definition-form")
    assert fields["r-5-label"] == "" and fields["r-5-auto"] == "1"
    fields.update({"r-5-label": "Andel av budget", "r-5-kind": "formula", "r-5-t-0": "netto",
                   "r-5-op-0": "*", "r-5-t-1": "#", "r-5-n-1": "1,5", "r-5-decimals": "2"})
    page = sara.post(DEFINITION, {**fields, "action": "refresh"}).text
    assert "= Nettokostnad × 1,5" in page
    fields = form_fields(page, "definition-form")
    # Move "Antal vårddygn" (row 4) above "Nettokostnad" (row 3), drop "Avgår" (row 2).
    fields = form_fields(sara.post(DEFINITION, {**fields, "action": "row-up-3"}).text,
                         "definition-form")
    assert fields["r-2-label"] == "Antal vårddygn"
    fields = form_fields(sara.post(DEFINITION, {**fields, "action": "row-remove-1"}).text,
                         "definition-form")
    page = sara.post(DEFINITION, {**fields, "action": "save"})
    # Nettokostnad still uses the removed row: refused, in words, nothing saved.
    assert page.status_code == 422
    assert "Raden ”Nettokostnad” räknar med en rad som har tagits bort." in page.text
    assert len(hvb().rows) == 5
    fields = form_fields(page.text, "definition-form")
    fields.update({"r-2-t-1": "", "r-2-op-0": "+"})  # Nettokostnad = Kostnad alone
    assert sara.post(DEFINITION, {**fields, "action": "save"}).status_code == 302
    rows = sorted(hvb().rows, key=lambda r: r.position)
    assert [(r.key, r.label, r.formula) for r in rows] == [
        ("kost", "Kostnad för placeringar", None), ("dygn", "Antal vårddygn", None),
        ("netto", "Nettokostnad", "kost"), ("per", "Nettokostnad per vårddygn", "netto / dygn"),
        ("andel_av_budget", "Andel av budget", "netto * 1.5")]
    assert rows[1].values == [4620, 5310] and rows[4].decimals == 2
    assert hvb().version == 2


def test_a_formula_on_a_row_below_is_refused_in_words(as_user):
    sara = as_user("sara")
    _, fields = editor(sara)
    fields = form_fields(sara.post(DEFINITION, {**fields, "action": "row-down-1"}).text,
                         "definition-form")
    response = sara.post(DEFINITION, {**fields, "action": "save"})
    assert response.status_code == 422
    assert ("Raden ”Nettokostnad” räknar med ”Avgår: ersättningar och intäkter”, som står under "
            "den. Flytta raden eller ändra formeln.") in response.text
    assert hvb().version == 1


def test_an_untouched_definition_saves_nothing(as_user):
    sara = as_user("sara")
    _, fields = editor(sara)
    assert sara.post(DEFINITION, {**fields, "action": "save"}).status_code == 302
    assert hvb().version == 1


def test_a_new_table_gets_a_key_from_its_title(as_user):
    sara = as_user("sara")
    _, fields = editor(sara, "/plans/SOC-2026/tabeller/ny")
    fields = form_fields(sara.post("/plans/SOC-2026/tabeller/ny",
                                   {**fields, "action": "row-add"}).text, "definition-form")
    fields = form_fields(sara.post("/plans/SOC-2026/tabeller/ny",
                                   {**fields, "action": "row-add"}).text, "definition-form")
    fields.update({"title": "Volymer på året", "unit": "antal", "c-0-label": "Helår",
                   "r-0-label": "Barn och unga", "r-1-label": "Vuxna", "r-2-label": "Totalt",
                   "r-2-kind": "sum", "r-2-strong": "1"})
    response = sara.post("/plans/SOC-2026/tabeller/ny", {**fields, "action": "save"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/tabeller/volymer-pa-aret")
    table = db.session.scalar(select(FigureTable).where(FigureTable.key == "volymer-pa-aret"))
    assert table.columns == ["Helår"]
    assert [(r.key, r.label, r.formula, r.values, r.strong) for r in
            sorted(table.rows, key=lambda r: r.position)] == [
        ("barn_och_unga", "Barn och unga", None, [None], False), ("vuxna", "Vuxna", None, [None], False),
        ("totalt", "Totalt", "sum", None, True)]
    assert table.version == 1 and len(table.revisions) == 1


def test_columns_with_groups_formulas_decimals_and_suffixes_survive_editing_and_a_round_trip(
        as_user, cli, tmp_path):
    plan = transfer.import_plan(ECONOMY_PLAN)
    db.session.commit()  # as the command that imports it does
    sara = as_user("sara")
    url = f"/plans/{plan.key}/tabeller/ekonomi/definition"
    page, fields = editor(sara, url)
    assert "= Utfall − Budget" in page
    # Add a percent column computed from the others, with a suffix and one decimal.
    fields = form_fields(sara.post(url, {**fields, "action": "col-add"}).text,
                         "definition-form")
    fields.update({"c-3-label": "Förändring", "c-3-kind": "formula", "c-3-t-0": "avv",
                   "c-3-op-0": "/", "c-3-t-1": "budget", "c-3-op-1": "*", "c-3-t-2": "#",
                   "c-3-n-2": "100", "c-3-decimals": "1", "c-3-suffix": " %",
                   "c-2-group": ""})
    page = sara.post(url, {**fields, "action": "refresh"}).text
    assert "= Avvikelse / Budget × 100" in page
    response = sara.post(url, {**form_fields(page, "definition-form"), "action": "save"})
    assert response.status_code == 302, response.text
    grid = sara.get(f"/plans/{plan.key}/tabeller/ekonomi").text
    assert "-4,0\u00a0%" not in grid  # computed columns print in documents; the grid checks
    exported = json.loads(cli.invoke(args=["plan", "export", plan.key]).stdout,
                          parse_float=Decimal)
    columns = exported["tables"][0]["columns"]
    assert columns == [
        {"key": "budget", "label": "Budget", "group": "Helår"},
        {"key": "utfall", "label": "Utfall", "group": "Helår"},
        {"key": "avv", "label": "Avvikelse", "formula": "utfall - budget", "decimals": 1},
        {"key": "kol1", "label": "Förändring", "formula": "avv / budget * 100", "decimals": 1,
         "suffix": " %"}]
    rows = exported["tables"][0]["rows"]
    assert rows[0]["values"] == [50, 48, None, None]
    # Import the export again: the same definition comes back, byte for byte.
    path = tmp_path / "plan.json"
    first = cli.invoke(args=["plan", "export", plan.key]).stdout
    path.write_text(first, encoding="utf-8")
    assert cli.invoke(args=["plan", "import", "--replace", str(path)]).exit_code == 0
    assert cli.invoke(args=["plan", "export", plan.key]).stdout == first
    from followup.tables.figures import printed_table

    table = db.session.scalar(select(FigureTable).where(FigureTable.key == "ekonomi"))
    assert [c.text for c in printed_table(table).rows[0].cells] == [
        "50", "48", "-2,0", "-4,0\u00a0%"]


def test_columns_that_depend_on_each_other_are_refused_in_words(as_user):
    plan = transfer.import_plan(ECONOMY_PLAN)
    db.session.commit()  # as the command that imports it does
    sara = as_user("sara")
    url = f"/plans/{plan.key}/tabeller/ekonomi/definition"
    _, fields = editor(sara, url)
    fields.update({"c-1-kind": "formula", "c-1-t-0": "avv"})
    response = sara.post(url, {**fields, "action": "save"})
    assert response.status_code == 422
    assert "Kolumnerna räknas fram ur varandra i en ring: ”Utfall”, ”Avvikelse”" in response.text


def test_every_shared_fixture_table_survives_an_untouched_save_of_its_definition(
        as_user, cli):
    from tests.fixtures import FIXTURE_FILES

    if not FIXTURE_FILES:
        pytest.skip("../shared/fixtures saknas")
    sara = as_user("sara")
    for path in FIXTURE_FILES:
        result = cli.invoke(args=["plan", "import", "--replace", str(path)])
        key = result.stdout.strip()
        before = cli.invoke(args=["plan", "export", key]).stdout
        plan = transfer.get_plan(key)
        for table in list(plan.tables):
            url = f"/plans/{key}/tabeller/{table.key}/definition"
            _, fields = editor(sara, url)
            response = sara.post(url, {**fields, "action": "save"})
            assert response.status_code == 302, (table.key, response.text[-3000:])
        assert cli.invoke(args=["plan", "export", key]).stdout == before


def test_a_columns_print_keys_survive_a_save_of_the_definition(as_user, cli, tmp_path):
    """Width and merged repeats (plan file 2.1), shown in the editor: a save that leaves
    them as they are keeps the plan file as it was."""
    import json

    from followup.demo import PLAN_FILE

    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    data["tables"][0]["columns"][0]["width"] = 22
    data["tables"][0]["columns"][1]["merge_repeats"] = True
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    key = cli.invoke(args=["plan", "import", "--replace", str(path)]).stdout.strip()
    before = cli.invoke(args=["plan", "export", key]).stdout
    sara = as_user("sara")
    url = f"/plans/{key}/tabeller/{data['tables'][0]['key']}/definition"
    _, fields = editor(sara, url)
    assert sara.post(url, {**fields, "action": "save"}).status_code == 302
    assert cli.invoke(args=["plan", "export", key]).stdout == before
