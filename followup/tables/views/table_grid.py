"""The grid of a table as the page shows it: per cell what to type in, what is
computed (from what is typed, live or refused), and the cell's message."""

from types import SimpleNamespace

from followup.tables import figures as printed_figures
from followup.tables import table_formulas, tables


def grid_rows(table, typed=None, errors=None):
    """(the printed table, rows of cells) with ``typed`` ({"i-j": text}) in place of
    the stored figures where given."""
    typed = typed or {}
    shown = tables.input_texts(table)
    shown.update(typed)
    cells = {tuple(int(x) for x in name.split("-")): text for name, text in typed.items()}
    computed, unreadable = tables.preview(table, cells)
    errors = {**unreadable, **(errors or {})}
    printed = printed_figures.printed_table(table)
    rows = tables.ordered_rows(table)
    labels = {r.key: r.label for r in rows if r.key}
    out = []
    for i, row in enumerate(rows):
        out.append(SimpleNamespace(
            label=row.label, strong=row.strong, is_formula=row.formula is not None,
            words=table_formulas.in_words(row.formula, labels),
            cells=[SimpleNamespace(
                name=f"{i}-{j}", column=column, takes_input=tables.takes_values(row),
                text=shown.get(f"{i}-{j}", ""), computed=computed.get(f"{i}-{j}"),
                error=errors.get(f"{i}-{j}"), reported=row.formula is not None or bool(
                    column.formula))
                for j, column in enumerate(printed.columns)]))
    return printed, out
