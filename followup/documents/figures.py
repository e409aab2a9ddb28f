"""A table of figures as it prints: Swedish numbers, formula rows computed, reported
values printed where a row has them, and warnings for the compiler."""

from dataclasses import dataclass, field
from functools import cached_property

from .. import charts, formatting, formulas


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
    columns: list
    rows: list
    comment: str | None
    warnings: list = field(default_factory=list)  # for the compiler, not the document
    chart_kind: str | None = None
    series: list = field(default_factory=list)  # (label, numbers) of the value rows

    @cached_property
    def chart(self):
        """Drawn when a page or document shows it, not whenever figures are computed."""
        if self.chart_kind not in charts.CHART_KINDS:
            return None
        return charts.table_chart(self.title, self.unit, self.columns, self.series,
                                  self.chart_kind, f"diagram-{self.key}")


def printed_table(table):
    rows = sorted(table.rows, key=lambda r: r.position)
    n = len(table.columns)
    computed = formulas.compute(rows, n)
    out, warnings = [], []
    for row, cells in zip(rows, computed):
        decimals = row.decimals or 0
        printed = []
        for i, cell in enumerate(cells):
            reported = row.values[i] if row.formula and row.values and i < len(row.values) else None
            if reported is not None:
                printed.append(PrintedCell(formatting.number(reported, decimals)))
                tolerance = _tolerance(row, rows, decimals)
                if cell.value is not None and abs(cell.value - reported) > tolerance:
                    warnings.append(
                        f"{table.title}: raden \"{row.label}\", kolumnen \"{table.columns[i]}\": "
                        f"redovisat {formatting.number(reported, decimals)}, beräknat "
                        f"{formatting.number(cell.value, max(decimals, 1))}")
            elif cell.value is None and cell.note:
                printed.append(PrintedCell("", cell.note))
            else:
                printed.append(PrintedCell(formatting.number(cell.value, decimals)))
        out.append(PrintedRow(row.label, printed, row.strong, row.formula is not None))
    # The chart shows the value rows: totals would dwarf their parts.
    series = [(row.label, [c.value for c in cells])
              for row, cells in zip(rows, computed) if row.formula is None]
    return PrintedTable(table.key, table.title, table.unit, list(table.columns), out,
                        table.comment, warnings, table.chart, series)


def _tolerance(row, rows, decimals):
    """How far a reported figure may lie from the computed one: half a unit of the
    row's last decimal for each rounded term that went into it."""
    if row.formula.strip() == formulas.SUM:
        above = rows[:rows.index(row)]
        terms = 0
        for r in reversed(above):
            if r.formula is not None:
                break
            terms += 1
    else:
        terms = len(formulas.names(row.formula))
    return max(terms, 1) * 0.5 * 10 ** -decimals + 1e-9
