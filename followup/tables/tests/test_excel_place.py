"""Where a block of cells from Excel goes in a table: header and label detection and
placement (``table_excel.place``), on the demo's HVB table: value rows kost, int and
dygn; formula rows netto (kost − int) and per (netto / dygn)."""

import pytest

from followup.core.errors import Invalid
from followup.tables import table_excel
from followup.tables.tests.test_tables import hvb

Y26, Y25 = "Utfall jan–aug 2026", "Utfall jan–aug 2025"
KOST, INT, NETTO, DYGN, PER = ("Kostnad för placeringar", "Avgår: ersättningar och intäkter",
                               "Nettokostnad", "Antal vårddygn", "Nettokostnad per vårddygn")


@pytest.fixture
def table(demo):
    return hvb()


def test_a_header_and_labels_place_by_name(table):
    cells, notes = table_excel.place(table, [["", Y25, Y26], [DYGN, 3, 4], [KOST, 1, 2.5]])
    assert cells == {(3, 1): "3", (3, 0): "4", (0, 1): "1", (0, 0): "2,5"}
    assert notes == []


def test_labels_without_a_header_place_columns_in_order(table):
    cells, notes = table_excel.place(table, [[KOST, 1, 2], [f"  {DYGN.upper()} ", 3, None]])
    assert cells == {(0, 0): "1", (0, 1): "2", (3, 0): "3", (3, 1): ""}
    assert notes == []


def test_labels_in_the_second_column(table):
    cells, _ = table_excel.place(table, [["x", KOST, 1, 2], ["y", INT, 3, 4]])
    assert cells == {(0, 0): "1", (0, 1): "2", (1, 0): "3", (1, 1): "4"}


def test_the_header_may_come_after_a_title_and_empty_rows(table):
    block = [["Placeringar (tkr)"], [], [None, Y26, Y25], [KOST, 10, 20]]
    cells, _ = table_excel.place(table, block)
    assert cells == {(0, 0): "10", (0, 1): "20"}


def test_figures_alone_go_to_the_rows_that_take_figures(table):
    cells, notes = table_excel.place(table, [[1, 2], [3, 4], [5, 6]])
    assert cells == {(0, 0): "1", (0, 1): "2", (1, 0): "3", (1, 1): "4", (3, 0): "5",
                     (3, 1): "6"}
    assert notes == []


def test_figures_alone_for_every_row_skip_the_computed_rows_with_a_note(table):
    cells, notes = table_excel.place(table, [[1, 2], [3, 4], [7, 7], [5, 6], [9, 9]])
    assert cells == {(0, 0): "1", (0, 1): "2", (1, 0): "3", (1, 1): "4", (3, 0): "5",
                     (3, 1): "6"}
    assert notes == [f"Raderna ”{NETTO}”, ”{PER}” räknas fram i tabellen; deras värden i "
                     "Excel lästes inte in."]


def test_rows_that_match_no_row_are_counted(table):
    cells, notes = table_excel.place(table, [[KOST, 1, 2], [INT, 3, 4], ["Annat", 5, 5],
                                             ["Mer", 6, None], ["Bara etikett", None, None]])
    assert cells == {(0, 0): "1", (0, 1): "2", (1, 0): "3", (1, 1): "4"}
    assert notes == ["2 rader i Excel kunde inte kopplas till någon rad i tabellen och "
                     "lästes inte in."]


def test_a_computed_row_by_label_is_skipped_with_a_note(table):
    _, notes = table_excel.place(table, [[KOST, 1, 2], [NETTO, 1, 1]])
    assert notes == [f"Raden ”{NETTO}” räknas fram i tabellen; dess värden i Excel lästes "
                     "inte in."]


def test_nothing_to_place_is_refused(table):
    with pytest.raises(Invalid, match="Det finns inga celler att läsa in"):
        table_excel.place(table, [[None, ""], []])
    with pytest.raises(Invalid, match="Inga värden kunde kopplas"):
        table_excel.place(table, [[NETTO, 1, 1]])
