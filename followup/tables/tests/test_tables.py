"""Tables of figures in the browser: Swedish input, formulas, definitions, permissions."""

import pytest
from sqlalchemy import select

from followup.core.errors import Forbidden, Invalid
from followup.core.extensions import db
from followup.tables import table_definitions as definitions
from followup.tables import tables
from followup.tables.models import FigureTable
from tests.html_forms import form_fields

GRID = "/plans/SOC-2026/tabeller/nyckeltal-hvb"


@pytest.mark.parametrize("text, value", [
    ("1 234,5", 1234.5), ("−3", -3), ("-3", -3), ("", None), ("  ", None), ("5,0", 5.0),
    ("176 017", 176017), ("1\u00a0234", 1234), ("-0,5", -0.5), ("0", 0),
])
def test_swedish_numbers_are_read(text, value):
    assert tables.parse_number(text) == value


@pytest.mark.parametrize("text, message", [
    ("1.5", "decimalkomma"), ("abc", "är inget tal"), ("12 34", "tusental skrivs 1 234"),
    ("3,", "är inget tal"), ("1,2,3", "är inget tal"), ("--3", "är inget tal"),
    ("ett tusen", "^”ett tusen” är inget tal$"),
])
def test_anything_else_is_refused_with_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        tables.parse_number(text)


def hvb():
    return db.session.scalar(select(FigureTable).where(FigureTable.key == "nyckeltal-hvb"))


def test_grid_shows_values_and_computed_formula_rows(as_user):
    page = as_user("sara").get(GRID).text
    assert 'value="31\u00a0840"' in page  # kost, Swedish formatted
    assert "30\u00a0630" in page  # netto = kost - int, computed
    assert "6,6" in page  # netto / dygn with one decimal


def test_saving_values_recomputes_and_a_bad_cell_refuses_everything(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    response = sara.post(GRID, {"c-0-0": "32 000", "c-1-0": "1 000", "c-3-0": "4 600",
                                "comment": "<p>Nya siffror.</p>"})
    assert response.status_code == 302
    rows = sorted(hvb().rows, key=lambda r: r.position)
    assert [r.values[0] for r in rows if r.formula is None] == [32000, 1000, 4600]
    assert hvb().comment == "<p>Nya siffror.</p>"
    page = sara.get(GRID).text
    assert "31\u00a0000" in page and "6,7" in page  # (32 000 − 1 000) / 4 600

    response = sara.post(GRID, {"c-0-0": "33 000", "c-1-0": "ett tusen"})
    assert response.status_code == 422
    assert "”ett tusen” är inget tal" in response.text and 'value="ett tusen"' in response.text
    assert sorted(hvb().rows, key=lambda r: r.position)[0].values[0] == 32000  # nothing saved


def test_division_by_zero_is_an_empty_cell_with_a_note(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    sara.post(GRID, {"c-3-0": "0"})
    assert "division med noll" in sara.get(GRID).text


def test_live_computation_without_saving(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    response = sara.client.post(GRID + "/berakna", data={"c-0-0": "40 000", "c-1-0": "x"},
                                headers={"X-CSRFToken": sara.token})
    assert response.status_code == 200
    assert response.json["errors"] == {"1-0": "”x” är inget tal"}
    assert response.json["computed"]["2-0"]["text"] == ""  # int unreadable: no netto
    ok = sara.client.post(GRID + "/berakna", data={"c-0-0": "40 000"},
                          headers={"X-CSRFToken": sara.token}).json
    assert ok["computed"]["2-0"]["text"] == "38\u00a0790"
    assert hvb().rows[0].values[0] == 31840


def test_who_may_fill_in_and_define(demo):
    table = next(t for t in demo.plan.tables if t.key == "nyckeltal-hvb")
    tables.save_values(demo.anna, table, {(0, 0): "1"})  # december is open
    for user in (demo.per, demo.lena, demo.it):
        with pytest.raises(Forbidden):
            tables.save_values(user, table, {(0, 0): "2"})
    with pytest.raises(Forbidden):
        definitions.save_definition(demo.anna, demo.plan, table,
                                    definitions.draft_from_table(table))
    demo.plan.phase("december").is_open = False
    db.session.commit()
    with pytest.raises(Forbidden):
        tables.save_values(demo.anna, table, {(0, 0): "3"})
    with pytest.raises(Invalid):
        tables.save_values(demo.sara, table, {(9, 0): "3"})


def test_grid_is_read_only_for_a_reader(as_user):
    page = as_user("per").get(GRID).text
    assert 'name="c-0-0"' not in page and "31\u00a0840" in page


def test_a_computed_column_of_a_version_2_table_shows_and_survives_a_redefinition(as_user):
    from followup.planfile import transfer

    plan = transfer.import_plan(ECONOMY_PLAN)
    db.session.commit()  # as the command that imports it does
    sara = as_user("sara")
    url = f"/plans/{plan.key}/tabeller/ekonomi"
    page = sara.get(url).text
    assert "Avvikelse <span class=\"muted\">(beräknas)</span>" in page
    assert "-2,0" in page  # utfall − budget of the first row: 48 − 50, one decimal
    response = sara.post(url + "/berakna", {"c-0-0": "60", "c-0-1": "48"})
    assert response.json["computed"]["0-2"]["text"] == "-12,0"

    fields = form_fields(sara.get(url + "/definition").text, "definition-form")
    fields["title"] = "Resultat per verksamhet"
    assert sara.post(url + "/definition", fields).status_code == 302
    table = db.session.scalar(select(FigureTable).where(FigureTable.key == "ekonomi",
                                                         FigureTable.plan_id == plan.id))
    assert table.title == "Resultat per verksamhet"
    assert table.columns == [{"key": "budget", "label": "Budget", "group": "Helår"},
                             {"key": "utfall", "label": "Utfall", "group": "Helår"},
                             {"key": "avv", "label": "Avvikelse", "formula": "utfall - budget",
                              "decimals": 1}]


ECONOMY_PLAN = """{
 "format": "followup-plan/2",
 "organisation": {"municipality": "Test kommun", "board": "Testnämnden", "board_code": "TN",
                  "administration": "Testförvaltningen"},
 "year": 2026,
 "phases": [{"key": "augusti", "label": "Per augusti"}],
 "scales": {}, "node_types": {}, "units": [], "nodes": [], "internal_control": null,
 "tables": [{"key": "ekonomi", "title": "Resultat", "unit": "mnkr",
   "columns": [{"key": "budget", "label": "Budget", "group": "Helår"},
               {"key": "utfall", "label": "Utfall", "group": "Helår"},
               {"key": "avv", "label": "Avvikelse", "formula": "utfall - budget", "decimals": 1}],
   "rows": [{"key": "a", "label": "Vård", "values": [50, 48, null]},
            {"key": "b", "label": "Stöd", "values": [20, 23, null]},
            {"key": "tot", "label": "Summa", "formula": "sum", "strong": true}]}],
 "documents": []
}"""


def test_a_tables_heading_says_only_what_is_not_said_above_it():
    """The key figures appendix printed "… (5731)" as its section's heading and again at the
    head of each table's title; the result appendix printed "Bokslut 2023" over each of
    two tables in a row."""
    from types import SimpleNamespace

    from followup.tables.figures import PrintedTable

    section = "Institutionsvård för barn och ungdom (5731)"
    first = SimpleNamespace(show_title=True, title=f"{section} – 1) Kostnad per vårddygn")
    assert PrintedTable.heading(first, section) == "1) Kostnad per vårddygn"
    assert PrintedTable.heading(first, "Något annat") == first.title
    same = SimpleNamespace(show_title=True, title="Bokslut 2023")
    assert PrintedTable.heading(same, "Bokslut 2023", adjacent=True) == ""
    assert PrintedTable.heading(same, "Bokslut 2023") == "Bokslut 2023"  # text between
    assert PrintedTable.heading(same, before=SimpleNamespace(title="Bokslut 2023")) == ""
    unit = SimpleNamespace(show_title=True, title="Barn och ungdomsvård, mnkr")  # a comma is not a dash
    assert PrintedTable.heading(unit, "Barn och ungdomsvård") == "Barn och ungdomsvård, mnkr"
