"""Figures exactly as typed, within ±10^15, with versions and revisions, and locked
while a signed memo shows the table (#8, #9)."""

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from followup.core.extensions import db
from followup.memos.models import MemoState
from followup.tables import tables
from followup.tables.models import FigureTableRevision
from followup.tables.tests.test_tables import GRID, hvb
from tests.fixtures import snapshot


def rows_of(table):
    return sorted(table.rows, key=lambda r: r.position)


def revisions():
    return db.session.scalar(select(func.count()).select_from(FigureTableRevision).where(
        FigureTableRevision.table_id == hvb().id))


def exported_row(cli, table_key, row_key):
    out = json.loads(cli.invoke(args=["plan", "export", "SOC-2026"]).stdout,
                     parse_float=Decimal)
    table = next(t for t in out["tables"] if t["key"] == table_key)
    return next(r for r in table["rows"] if r["key"] == row_key)["values"]


def grid_value(page, name):
    return page.split(f'id="c-{name}" value="')[1].split('"')[0]


@pytest.mark.parametrize("text, digits", [
    ("1 234,5", "1234.5"), ("5,0", "5.0"), ("1,247", "1.247"), ("-0,50", "-0.50"),
    ("999 999 999 999 999,5", "999999999999999.5"), ("1 000 000 000 000 000", "1000000000000000"),
])
def test_a_typed_number_keeps_its_digits(text, digits):
    assert str(tables.parse_number(text)) == digits


@pytest.mark.parametrize("text", ["9" * 400, "1 000 000 000 000 001", "-1000000000000000,1",
                                  "9" * 400 + ",5"])
def test_a_number_beyond_ten_to_the_fifteen_is_refused(text):
    with pytest.raises(ValueError, match="är för stort; tal får vara högst 1 000 000 000 000 000"):
        tables.parse_number(text)


def test_decimals_are_kept_through_a_save_a_resave_and_an_export(as_user, cli):
    """#8: "1 234,5" showed as "1 234" after saving, and a re-save stored 1234."""
    sara = as_user("sara")
    sara.get(GRID)
    assert sara.post(GRID, {"c-0-0": "1 234,5", "c-1-0": "5,0", "c-3-0": "4 620,125",
                            "version": "1"}).status_code == 302
    page = sara.get(GRID).text
    assert [grid_value(page, n) for n in ("0-0", "1-0", "3-0")] == [
        "1\u00a0234,5", "5,0", "4\u00a0620,125"]
    # Saving the grid again as the browser shows it changes nothing.
    form = {f"c-{n}": grid_value(page, n) for n in ("0-0", "0-1", "1-0", "1-1", "3-0", "3-1")}
    assert sara.post(GRID, {**form, "version": "2"}).status_code == 302
    assert [str(v) for v in rows_of(hvb())[0].values] == ["1234.5", "36210"]
    assert [str(v) for v in rows_of(hvb())[1].values] == ["5.0", "1480"]
    assert exported_row(cli, "nyckeltal-hvb", "kost") == [Decimal("1234.5"), 36210]
    text = cli.invoke(args=["plan", "export", "SOC-2026"]).stdout
    assert '1234.5,' in text and "5.0," in text and "4620.125," in text
    # The document still rounds: netto 1 234,5 − 5,0 per 4 620,125 dygn with one decimal.
    assert "1\u00a0229,5" not in page and "0,3" in page


def test_an_untouched_grid_saves_nothing_and_writes_no_revision(as_user):
    sara = as_user("sara")
    page = sara.get(GRID).text
    before, count = snapshot(), revisions()
    form = {f"c-{n}": grid_value(page, n) for n in ("0-0", "0-1", "1-0", "1-1", "3-0", "3-1")}
    response = sara.post(GRID, {**form, "comment": hvb().comment, "version": "1"})
    assert response.status_code == 302
    assert "Inget hade ändrats." in sara.get(GRID).text
    assert snapshot() == before and revisions() == count


def test_a_400_digit_number_is_refused_on_its_cell_and_nothing_is_stored(as_user, cli):
    """#9: it was stored as Infinity and broke charts, previews, PDFs and plan export."""
    sara = as_user("sara")
    sara.get(GRID)
    before = snapshot()
    response = sara.post(GRID, {"c-0-0": "9" * 400 + ",5", "c-1-0": "12", "version": "1"})
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="e-0-0"' in response.text
    assert "är för stort; tal får vara högst 1\u00a0000\u00a0000" not in response.text
    assert "är för stort; tal får vara högst 1 000 000 000 000 000 till beloppet" in response.text
    assert snapshot() == before
    assert cli.invoke(args=["plan", "export", "SOC-2026"]).exit_code == 0


def test_every_change_is_a_revision_with_who_when_and_what(as_user, demo):
    sara = as_user("sara")
    sara.get(GRID)
    sara.post(GRID, {"c-0-0": "32 000", "version": "1"})
    sara.post(GRID, {"c-0-0": "32 000,5", "version": "2"})
    table = hvb()
    assert table.version == 3
    versions = db.session.scalars(select(FigureTableRevision).where(
        FigureTableRevision.table_id == table.id).order_by(FigureTableRevision.version)).all()
    assert [(r.version, r.source, r.author_id) for r in versions] == [
        (1, "import", None), (2, "web", demo.sara.id), (3, "web", demo.sara.id)]
    assert [r.content["rows"][0]["values"][0] for r in versions] == ["31840", "32000", "32000.5"]
    page = sara.get(GRID + "/historik").text
    assert "Kostnad för placeringar, Utfall jan–aug 2026: 32\u00a0000 → 32\u00a0000,5" in page
    assert "Kostnad för placeringar, Utfall jan–aug 2026: 31\u00a0840 → 32\u00a0000" in page
    assert "Sara" in page


def test_a_save_based_on_an_older_version_is_refused_and_the_typed_figures_stay(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    sara.post(GRID, {"c-0-0": "32 000", "version": "1"})
    response = sara.post(GRID, {"c-0-0": "33 333", "version": "1"})
    assert response.status_code == 409
    assert "Någon annan har ändrat tabellen" in response.text
    assert 'value="33 333"' in response.text and 'name="version" value="2"' in response.text
    assert rows_of(hvb())[0].values[0] == 32000


def test_a_table_from_before_revisions_keeps_its_first_state_on_its_first_change(demo):
    table = next(t for t in demo.plan.tables if t.key == "nyckeltal-hvb")
    table.revisions.clear()  # as a table from before migration 0005 has none
    db.session.commit()
    tables.save_values(demo.sara, table, {(0, 0): "1"})
    contents = db.session.scalars(select(FigureTableRevision.content).where(
        FigureTableRevision.table_id == table.id).order_by(FigureTableRevision.version)).all()
    assert [c["rows"][0]["values"][0] for c in contents] == ["31840", "1"]


def sign_augusti(demo):
    memo = next(m for m in demo.plan.memos if m.phase.key == "augusti")
    memo.state = MemoState.signed
    db.session.commit()
    return memo


@pytest.mark.parametrize("key", ["nyckeltal-hvb", "resultat-augusti"])
def test_a_table_in_a_signed_memo_cannot_be_changed(demo, key):
    """nyckeltal-hvb is named by a section of a tables appendix, resultat-augusti by
    the appendix and by a section of the memo."""
    table = next(t for t in demo.plan.tables if t.key == key)
    assert tables.signed_memos_showing(table) == []
    sign_augusti(demo)
    assert [m.phase.key for m in tables.signed_memos_showing(table)] == ["augusti"]
    before = snapshot()
    with pytest.raises(tables.TableLocked, match="fastställda tjänsteskrivelsen ”"):
        tables.save_values(demo.sara, table, {(0, 0): "777 777"})
    with pytest.raises(tables.TableLocked):
        tables.save_values(demo.sara, table, {}, comment="<p>Ny kommentar</p>")
    from followup.tables import table_definitions as definitions

    draft = definitions.draft_from_table(table)
    draft.title = "Ny titel"
    with pytest.raises(tables.TableLocked):
        definitions.save_definition(demo.sara, demo.plan, table, draft)
    assert snapshot() == before


def test_a_signed_memo_locks_the_grid_page_with_a_409(as_user, demo):
    sara = as_user("sara")
    sign_augusti(demo)
    page = sara.get(GRID).text
    assert 'name="c-0-0"' not in page and "fastställda tjänsteskrivelsen" in page
    response = sara.post(GRID, {"c-0-0": "777 777", "version": "1"})
    assert response.status_code == 409
    assert rows_of(hvb())[0].values[0] == 31840
    assert sara.post(GRID + "/definition", {"title": "x", "action": "save"}).status_code == 409


def test_a_reopened_memo_unlocks_the_table(demo):
    memo = sign_augusti(demo)
    memo.state = MemoState.reopened
    db.session.commit()
    table = next(t for t in demo.plan.tables if t.key == "nyckeltal-hvb")
    tables.save_values(demo.sara, table, {(0, 0): "1"})
    assert table.rows[0].values[0] == 1


def test_formulas_compute_with_exact_decimals(demo):
    from followup.tables import formulas

    assert formulas.evaluate("a + b", {"a": Decimal("0.1"), "b": Decimal("0.2")}).value == \
        Decimal("0.3")
    assert formulas.evaluate("a / b * 100", {"a": Decimal("1"), "b": Decimal("8")}).value == \
        Decimal("12.5")
    assert formulas.evaluate("a - 0.1", {"a": Decimal("0.3")}).value == Decimal("0.2")
    assert formulas.evaluate("a / b", {"a": Decimal(0), "b": Decimal(0)}).note == \
        formulas.DIVISION_BY_ZERO
    table = next(t for t in demo.plan.tables if t.key == "resultat-augusti")
    tables.save_values(demo.sara, table, {(0, 0): "0,1", (1, 0): "0,2", (2, 0): "0",
                                          (3, 0): "0"})
    from followup.tables.figures import printed_table

    total = printed_table(table).rows[-1].cells[0].text
    assert total == "0,3"


def test_a_plan_file_with_nan_or_a_huge_figure_is_refused_with_its_path(demo, cli, tmp_path):
    from followup import demo as demo_data

    text = demo_data.PLAN_FILE.read_text(encoding="utf-8")
    assert text.count(" 31840,") == 1
    for bad, path in (("1e400", "tables[1].rows[0].values[0]"),
                      ("NaN", "tables[1].rows[0].values[0]"),
                      ("-Infinity", "tables[1].rows[0].values[0]"),
                      # 13 characters whose digits fill 100 MB: as the grid, 10 decimals
                      ("1e-99999999", "tables[1].rows[0].values[0]"),
                      ("0.00000000001", "tables[1].rows[0].values[0]")):
        broken = tmp_path / "broken.json"
        broken.write_text(text.replace(" 31840,", f" {bad},"), encoding="utf-8")
        result = cli.invoke(args=["plan", "import", "--replace", str(broken)])
        assert result.exit_code == 1, result.output
        assert path in result.output and "Traceback" not in result.output


def test_figures_in_a_plan_file_come_back_with_the_same_digits(demo, cli, tmp_path):
    from followup import demo as demo_data

    text = demo_data.PLAN_FILE.read_text(encoding="utf-8")
    text = text.replace(" 31840,", " 1.247,").replace(" 36210\n", " 1234.50\n", 1)
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    assert cli.invoke(args=["plan", "import", "--replace", str(path)]).exit_code == 0
    exported = cli.invoke(args=["plan", "export", "SOC-2026"]).stdout
    assert "1.247," in exported and "1234.50\n" in exported
    assert exported_row(cli, "nyckeltal-hvb", "kost") == [Decimal("1.247"), Decimal("1234.50")]
    assert str(exported_row(cli, "nyckeltal-hvb", "kost")[1]) == "1234.50"


def test_a_formula_s_huge_result_prints_as_a_power_of_ten_and_breaks_no_page(as_user, demo):
    """netto * dygn with figures of 10^15 is 10^30: formatting rounded it with the
    decimal module's 28 digits and raised, so the grid page, its Excel file and every
    document showing the table answered 500."""
    table = hvb()
    next(r for r in table.rows if r.key == "per").formula = "netto * dygn"
    db.session.commit()
    tables.save_values(demo.sara, table, {(0, 0): str(10**15), (1, 0): "0",
                                          (3, 0): str(10**15)})
    db.session.commit()
    sara = as_user("sara")
    page = sara.get(GRID)
    assert page.status_code == 200 and "1,00×10³⁰" in page.text
    assert sara.get(GRID + "/excel").status_code == 200
    from followup.tables.figures import printed_table

    assert printed_table(hvb()).rows[-1].cells[0].text == "1,00×10³⁰"
