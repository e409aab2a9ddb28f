"""The app's own .xlsx comes back unchanged but for what the user edited: computed
cells (formula columns and formula rows) are marked in the export and ignored on
upload, unless the user typed a different figure there (#21.1)."""

import html
import io
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.tables.figures import printed_table
from followup.tables.models import FigureTable
from tests.fixtures import snapshot
from tests.html_forms import form_fields

RESULT = "/plans/SOC-2026/tabeller/resultat-augusti"


def result_table():
    db.session.expire_all()
    return db.session.scalar(select(FigureTable).where(FigureTable.key == "resultat-augusti"))


def rows_by_key():
    return {r.key: r for r in result_table().rows}


def exported(browser, url=RESULT):
    response = browser.get(url + "/excel")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data))


def cell_of(ws, row_label, column_label):
    """The cell of the exported sheet at a row's label and a column's header."""
    header = next(r for r in ws.iter_rows() if any(c.value == column_label for c in r))
    column = next(c.column for c in header if c.value == column_label)
    row = next(r for r in ws.iter_rows() if r[0].value == row_label)
    return ws.cell(row=row[0].row, column=column)


def upload(browser, wb, url=RESULT):
    out = io.BytesIO()
    wb.save(out)
    return browser.post(url + "/inlasning", {"file": (io.BytesIO(out.getvalue()), "t.xlsx")},
                        content_type="multipart/form-data")


def save_preview(browser, page, url=RESULT):
    fields = form_fields(page, "grid-form")
    fields.setdefault("csrf_token", browser.token)
    return browser.client.post(url, data=fields)


HVB = "/plans/SOC-2026/tabeller/nyckeltal-hvb"
SAME_8 = "8 värden i celler som tabellen räknar fram lästes inte in: de var desamma som tabellens."


@pytest.mark.parametrize("url", [RESULT, HVB])
def test_an_unchanged_export_changes_nothing(as_user, url):
    sara = as_user("sara")
    sara.get(url)
    before = snapshot()
    response = upload(sara, exported(sara, url), url)
    assert response.status_code == 200, response.text[-2000:]
    assert "redovisat värde" not in response.text
    assert save_preview(sara, response.text, url).status_code == 302
    assert "Inget hade ändrats." in sara.get(url).text
    assert snapshot() == before
    assert printed_table(result_table()).warnings == []


def test_after_one_edit_the_stale_computed_column_is_not_stored(as_user):
    """#21.1: the budget edited in Excel, the deviation beside it left as exported."""
    sara = as_user("sara")
    sara.get(RESULT)
    wb = exported(sara)
    ws = wb.active
    stale = cell_of(ws, "Barn och unga", "Avvikelse mot budget").value
    assert float(stale) == round(182.4 - 189.0, 1)
    cell_of(ws, "Barn och unga", "Budget helår").value = 200.0
    response = upload(sara, wb)
    assert response.status_code == 200, response.text[-2000:]
    assert html.unescape(SAME_8) in html.unescape(response.text)
    assert save_preview(sara, response.text).status_code == 302
    bou = rows_by_key()["bou"]
    assert [float(v) for v in bou.values[:3]] == [200.0, 127.9, 189.0]
    assert bou.values[3] is None  # the stale −6,6 is not stored as a reported figure
    table = printed_table(result_table())
    assert table.warnings == []
    printed_bou = next(r for r in table.rows if r.label == "Barn och unga")
    assert printed_bou.cells[3].text == "11,0"  # 200 − 189, computed afresh


def test_a_computed_figure_recomputed_in_excel_is_not_stored_either(as_user):
    sara = as_user("sara")
    sara.get(RESULT)
    wb = exported(sara)
    cell_of(wb.active, "Barn och unga", "Budget helår").value = 200.0
    cell_of(wb.active, "Barn och unga", "Avvikelse mot budget").value = 11.0
    response = upload(sara, wb)
    assert "redovisat värde" not in response.text
    assert save_preview(sara, response.text).status_code == 302
    assert rows_by_key()["bou"].values[3] is None


def test_a_different_figure_typed_in_a_computed_cell_is_a_reported_figure(as_user):
    sara = as_user("sara")
    sara.get(RESULT)
    wb = exported(sara)
    cell_of(wb.active, "Vuxen", "Avvikelse mot budget").value = 5
    response = upload(sara, wb)
    assert response.status_code == 200, response.text[-2000:]
    page = html.unescape(response.text)
    assert ("Cellen ”Vuxen”, ”Avvikelse mot budget” räknas fram i tabellen (beräknat 1,9), "
            "men i Excel står 5. Det läses in som ett redovisat värde; töm rutan innan du "
            "sparar om tabellen ska räkna fram värdet i stället.") in page
    assert ("7 värden i celler som tabellen räknar fram lästes inte in: de var desamma som "
            "tabellens.") in page
    assert 'id="c-2-3" value="5"' in page  # in the grid, marked as brought in
    assert save_preview(sara, response.text).status_code == 302
    vuxen = rows_by_key()["vuxen"]
    assert vuxen.values[3] == 5
    assert printed_table(result_table()).warnings == [
        'Resultat per verksamhet januari–augusti: raden "Vuxen", kolumnen "Avvikelse mot '
        'budget": redovisat 5,0, beräknat 1,9']


def test_a_reported_total_comes_back_as_it_was(as_user):
    """A formula row with reported figures (as in real reports): exported as reported,
    and an unchanged upload keeps them."""
    table = result_table()
    tot = next(r for r in table.rows if r.key == "tot")
    tot.values = [Decimal("322.1"), Decimal("218.0"), None, None]
    db.session.commit()
    sara = as_user("sara")
    sara.get(RESULT)
    before = snapshot()
    wb = exported(sara)
    assert cell_of(wb.active, "Nämnden totalt", "Budget helår").value == 322.1
    response = upload(sara, wb)
    assert "redovisat värde" not in response.text
    assert save_preview(sara, response.text).status_code == 302
    assert snapshot() == before


def test_the_export_marks_computed_cells_in_swedish(as_user):
    per = as_user("per")
    ws = exported(per).active
    value = cell_of(ws, "Vuxen", "Budget helår")
    deviation = cell_of(ws, "Vuxen", "Avvikelse mot budget")
    total = cell_of(ws, "Nämnden totalt", "Utfall jan–aug")
    assert value.fill.fgColor.rgb != deviation.fill.fgColor.rgb
    assert deviation.fill.fill_type == total.fill.fill_type == "solid"
    assert deviation.fill.fgColor.rgb == total.fill.fgColor.rgb
    assert value.comment is None
    assert deviation.comment.text == (
        "Räknas fram av Planuppföljning: Budget helår − Prognos helår. Talet läses inte in "
        "när filen laddas upp igen. Skriv ett annat tal här bara om du vill redovisa ett "
        "eget värde; det sparas då som ett redovisat värde.")
    assert total.comment.text.startswith("Räknas fram av Planuppföljning: Summa av raderna "
                                         "ovan.")
    # Where a row formula and a column formula meet, the column's wins (FORMAT.md).
    assert cell_of(ws, "Nämnden totalt", "Avvikelse mot budget").comment.text.startswith(
        "Räknas fram av Planuppföljning: Budget helår − Prognos helår.")


def test_pasted_cells_follow_the_same_rule(as_user):
    sara = as_user("sara")
    sara.get(RESULT)
    pasted = ("\tBudget helår\tUtfall jan–aug\tPrognos helår\tAvvikelse mot budget\n"
              "Barn och unga\t200\t127,9\t189\t-6,6\n"
              "Vuxen\t96\t62,1\t94,1\t3\n")
    page = html.unescape(sara.post(RESULT + "/inlasning", {"pasted": pasted}).text)
    assert "Cellen ”Vuxen”, ”Avvikelse mot budget” räknas fram" in page
    assert "Cellen ”Barn och unga”" not in page
    assert "Ett värde i en cell som tabellen räknar fram lästes inte in" in page
