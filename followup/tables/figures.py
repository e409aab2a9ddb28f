"""A table of figures as it prints: Swedish numbers, formula rows and columns
computed, reported values printed where a cell has them, suffixes and per-cell
decimals, and warnings for the compiler."""

from dataclasses import dataclass, field
from functools import cached_property

from followup.core import charts, formatting, typeset
from followup.tables import columns as table_columns
from followup.tables import formulas

TITLE_DASHES = (" – ", " — ", " - ")


@dataclass
class PrintedCell:
    text: str
    note: str | None = None  # e.g. division by zero: the cell is empty and says why


@dataclass
class PrintedRow:
    label: str
    cells: list
    strong: bool = False
    is_formula: bool = False


@dataclass
class PrintedTable:
    key: str
    title: str
    unit: str | None
    columns: list  # Column
    rows: list
    comment: str | None
    warnings: list = field(default_factory=list)  # for the compiler, not the document
    chart_kind: str | None = None
    series: list = field(default_factory=list)  # (label, numbers, texts) of the value rows
    unit_label: str | None = None  # the corner cell, where it is not the unit
    show_title: bool = True

    @property
    def corner(self):
        """What the corner cell says: the unit label, else the unit where the title does
        not say it already."""
        if self.unit_label is not None:
            return self.unit_label
        return self.unit if self.unit and not self.unit_in_title else ""

    @property
    def labels(self):
        return [c.label for c in self.columns]

    @property
    def groups(self):
        """Spanning header cells over adjacent columns of one group, or None."""
        return table_columns.header_rows(self.columns)

    @cached_property
    def widths(self):
        """Per cent of the table's width: the label column, then each value column as
        narrow as its widest figure (on one line) and its header (on two lines at most)."""
        # The labels are header cells (th): never hyphenated.
        label = typeset.Column(self.corner, [[row.label] for row in self.rows],
                               hyphenates=False)
        values = [typeset.Column(column.label, [[row.cells[i].text] for row in self.rows],
                                 fit=True, bold=True, nowrap=True)
                  for i, column in enumerate(self.columns)]
        first = 0
        for group, span in self.groups or []:
            for value in values[first:first + span] if group else []:
                value.least = typeset.spanning(group, span)
            first += span
        return typeset.given_widths(typeset.widths([label] + values),
                                    [None] + [c.width for c in self.columns])

    @property
    def unit_in_title(self):
        """Whether the title already says the unit ("Barn och ungdomsvård, mnkr")."""
        return bool(self.unit) and self.unit.lower() in self.title.lower().replace(",", " ").split()

    def heading(self, above=None, adjacent=False, before=None):
        """What the table's heading says under the heading ``above`` (``adjacent``: right
        under it) and after the table ``before``: nothing where it would say again
        what was just said, and only its own part where its title begins with the
        heading above and a dash ("… (5731) – 1) Kostnad per vårddygn" under "… (5731)"
        prints "1) Kostnad per vårddygn")."""
        title = self.title.strip()
        if not self.show_title:
            return ""
        if before is not None and title.lower() == before.title.strip().lower():
            return ""
        if above:
            above = above.strip().lower()
            if adjacent and title.lower() == above:
                return ""
            for dash in TITLE_DASHES:
                own = title[len(above + dash):].strip()
                if title.lower().startswith(above + dash) and own:
                    return own
        return title

    @cached_property
    def chart(self):
        """Drawn when a page or document shows it, not whenever figures are computed."""
        if self.chart_kind not in charts.CHART_KINDS:
            return None
        # The figures as entered: computed columns (a difference, a percentage) would
        # share an axis with amounts they are not comparable to.
        shown = [i for i, c in enumerate(self.columns) if c.formula is None]
        return charts.table_chart(self.title, self.unit, [self.labels[i] for i in shown],
                                  [(label, [numbers[i] for i in shown], [texts[i] for i in shown])
                                   for label, numbers, texts in self.series],
                                  self.chart_kind, f"diagram-{self.key}")


def printed_table(table):
    rows = sorted(table.rows, key=lambda r: r.position)
    cols = table_columns.columns_of(table)
    n = len(cols)
    computed = formulas.compute(rows, n, cols)
    out, warnings = [], []
    for row, cells in zip(rows, computed):
        printed = [_printed_cell(table.title, row, rows, i, cell, column, warnings)
                   for i, (cell, column) in enumerate(zip(cells, cols))]
        out.append(PrintedRow(row.label, printed, row.strong, row.formula is not None))
    # The chart shows the value rows: totals would dwarf their parts.
    series = [(row.label, [None if c.value is None else float(c.value) for c in cells],
               [c.text for c in printed_row.cells])
              for row, cells, printed_row in zip(rows, computed, out) if row.formula is None]
    _merge_repeats(out, cols)
    return PrintedTable(table.key, table.title, table.unit, cols, out,
                        table.comment, warnings, table.chart, series,
                        unit_label=table.unit_label, show_title=table.show_title is not False)


def _printed_cell(title, row, rows, i, cell, column, warnings):
    """The ``i``th cell of ``row`` as it prints: the reported figure where a computed cell
    has one, else the computed or typed one. What the compiler should know about it (a
    reported figure far from the computed one, a division by zero) goes in ``warnings``."""
    decimals = table_columns.decimals(row, i, column)
    suffix = (column.suffix or "").replace(" ", "\N{NO-BREAK SPACE}")
    is_computed = row.formula is not None or column.formula is not None
    reported = row.values[i] if is_computed and row.values and i < len(row.values) else None
    where = f"{title}: raden \"{row.label}\", kolumnen \"{column.label}\""
    if reported is not None:
        tolerance = _tolerance(row, rows, decimals, column)
        if cell.value is not None and abs(cell.value - reported) > tolerance:
            warnings.append(f"{where}: redovisat {formatting.number(reported, decimals)}, "
                            f"beräknat {formatting.number(cell.value, max(decimals, 1))}")
        return PrintedCell(formatting.number(reported, decimals) + suffix)
    if cell.value is None:
        if cell.note:
            warnings.append(f"{where}: {cell.note}")
        return PrintedCell("", cell.note)
    return PrintedCell(formatting.number(cell.value, decimals) + suffix)


def _merge_repeats(rows, cols):
    """A column that says so prints a figure only where it differs from the row above."""
    for i, column in enumerate(cols):
        if not column.merge_repeats:
            continue
        for above, row in reversed(list(zip(rows, rows[1:]))):
            if row.cells[i].text and row.cells[i].text == above.cells[i].text:
                row.cells[i] = PrintedCell("", row.cells[i].note)


def _tolerance(row, rows, decimals, column):
    """How far a reported figure may lie from the computed one: half a unit of the
    cell's last decimal for each rounded term that went into it."""
    if column.formula is not None:
        terms = len(formulas.names_of(column.formula))
    elif row.formula.strip() == formulas.SUM:
        above = rows[:rows.index(row)]
        terms = 0
        for r in reversed(above):
            if r.formula is not None:
                break
            terms += 1
    else:
        terms = len(formulas.names(row.formula))
    return max(terms, 1) * 0.5 * 10 ** -decimals + 1e-9
