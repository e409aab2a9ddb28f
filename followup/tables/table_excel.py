"""Tables to and from Excel: a table as .xlsx with its computed rows, and figures
brought in from an .xlsx file or a block of cells pasted from Excel.

Figures brought in are never saved here: they become what the grid shows as
typed (Swedish text), for the compiler to check before saving. Rows and columns
are matched by their labels where the block has them, else by position.
"""

import io
from decimal import Decimal

from followup.core import formatting
from followup.core.errors import Invalid
from followup.tables import columns as table_columns
from followup.tables import exact, formulas
from followup.tables import figures as printed
from followup.tables import xlsx_guard
from followup.tables.table_formulas import in_words
from followup.tables.tables import ordered_rows, parse_number, preview, takes_values, typed_text

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 500, 60
MAX_CELL_TEXT = 1000  # characters of a cell's text that are read
MAX_CELL_NOTES = 10  # cells named one by one in the notes of a preview
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_xlsx(table):
    """The table as an Excel workbook: title, header (with group headers), every row
    with the figures it prints, computed ones included, as numbers. Every text is
    written as text, never as a formula (``_put_text``)."""
    shown = printed.printed_table(table)
    cols = shown.columns
    rows = ordered_rows(table)
    figures = _printed_figures(table)
    # Imported here: openpyxl (and numpy under it) is a tenth of the app's start-up.
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _sheet_title(table.title)
    _put_text(ws, 1, 1, table.title + (f" ({table.unit})" if table.unit else ""))
    ws["A1"].font = Font(bold=True, size=13)
    line = 2
    groups = table_columns.header_rows(cols)
    if groups:
        line += 1
        column = 2
        for label, span in groups:
            _put_text(ws, line, column, label).font = Font(bold=True)
            if span > 1:
                ws.merge_cells(start_row=line, start_column=column, end_row=line,
                               end_column=column + span - 1)
                ws.cell(row=line, column=column).alignment = Alignment(horizontal="center")
            column += span
    line += 1
    ws.cell(row=line, column=1, value="")
    for j, column in enumerate(cols):
        _put_text(ws, line, j + 2, column.label).font = Font(bold=True)
    explain = _explanations(rows, cols)
    for row, values in zip(rows, figures):
        line += 1
        _put_text(ws, line, 1, row.label).font = Font(bold=row.strong)
        for j, (value, column) in enumerate(zip(values, cols)):
            cell = ws.cell(row=line, column=j + 2, value=value)
            cell.number_format = _number_format(table_columns.decimals(row, j, column),
                                                column.suffix)
            cell.font = Font(bold=row.strong)
            if is_computed(row, column):
                cell.fill = PatternFill(fill_type="solid", fgColor=COMPUTED_FILL)
                cell.comment = Comment(_xml_text(explain(row, column)), "Planuppföljning",
                                       width=320, height=120)
    ws.column_dimensions["A"].width = max([len(r.label) for r in rows] + [12]) + 2
    for j, column in enumerate(cols):
        ws.column_dimensions[get_column_letter(j + 2)].width = max(len(column.label), 10) + 2
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


COMPUTED_FILL = "FFE4E4E4"  # a light grey: the cells the table computes


def _explanations(rows, cols):
    """The comment on a computed cell: what it is computed from, in words, and what
    an upload does with it (``place``)."""
    column_labels = {c.key: c.label for c in cols if c.key}
    row_labels = {r.key: r.label for r in rows if r.key}

    def explain(row, column):
        words = (in_words(column.formula, column_labels) if column.formula is not None
                 else in_words(row.formula, row_labels))
        return (f"Räknas fram av Planuppföljning: {words}. Talet läses inte in när filen "
                "laddas upp igen. Skriv ett annat tal här bara om du vill redovisa ett eget "
                "värde; det sparas då som ett redovisat värde.")
    return explain


# What makes a spreadsheet read a typed text as a formula (and tab and carriage return,
# which some programs skip before looking).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _put_text(ws, row, column, text):
    """A text cell that Excel shows and keeps as text: openpyxl would write a text
    beginning with "=" as a live formula, so the cell is an inline string, and one
    beginning like a formula is quote-prefixed too (as when typed with an apostrophe
    in Excel), so that editing the cell does not make it one either. Characters that
    XML cannot hold are left out."""
    text = _xml_text(text)
    cell = ws.cell(row=row, column=column)
    if not text:  # a column without a group: no text at all
        return cell
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _xml_text(text):
    """The text without the control characters that XML cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text or "")


def _printed_figures(table):
    """Per row and column the figure the table prints: the reported one where a
    computed cell has it, else the computed one (exact; None where there is none)."""
    cols = table_columns.columns_of(table)
    computed = formulas.compute(ordered_rows(table), len(cols), cols)
    out = []
    for row, cells in zip(ordered_rows(table), computed):
        values = []
        for j, cell in enumerate(cells):
            reported = row.values[j] if row.values and j < len(row.values) else None
            values.append(reported if reported is not None else cell.value)
        out.append(values)
    return out


def _number_format(decimals, suffix):
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    if suffix:
        number += '"' + suffix.replace('"', "") + '"'
    return number


def _sheet_title(title):
    clean = "".join(ch for ch in title if ch not in '[]:*?/\\' and ch.isprintable())
    clean = clean.strip().strip("'").strip()  # Excel refuses a name that begins or ends with '
    clean = clean[:31].strip("'").strip()
    return clean if clean and clean.casefold() != "history" else "Tabell"  # Excel's own name


def read_xlsx(data):
    """An uploaded .xlsx → its first sheet's first ``MAX_ROWS`` rows and ``MAX_COLUMNS``
    columns as rows of cell values; Invalid (in Swedish) when it cannot or may not be
    read. The file is checked before it is parsed (``xlsx_guard``): its unpacked size,
    parts, cells and XML."""
    if not data:
        raise Invalid("Välj en Excelfil (.xlsx) att läsa in.")
    if len(data) > MAX_BYTES:
        raise Invalid("Filen är för stor (högst 5 MB).")
    xlsx_guard.check(data, MAX_ROWS)
    import openpyxl

    wb = None
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not wb.worksheets:
            raise Invalid("Filen har inget kalkylblad att läsa in.")
        block = [[_bounded(v) for v in row] for row in wb.worksheets[0].iter_rows(
            max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True)]
    except Invalid:
        raise
    except Exception:  # whatever else a hostile or broken file makes openpyxl raise
        raise Invalid(xlsx_guard.UNREADABLE) from None
    finally:
        if wb is not None:
            wb.close()
    return block


def _bounded(value):
    """A cell's text cut to what a label or figure can need: a text repeated in many
    cells is one object in openpyxl, but would be copied once per cell below."""
    if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
        return value[:MAX_CELL_TEXT] + "…"
    return value


def read_pasted(text):
    """A block of cells copied from Excel (tab between cells, a line a row)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise Invalid("Klistra in cellerna från Excel först.")
    return [[_bounded(cell) for cell in line.split("\t")[:MAX_COLUMNS]]
            for line in lines[:MAX_ROWS]]


def _text(value):
    """A cell as the grid's Swedish input text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return typed_text(exact.to_decimal(value))
    return str(value).strip()


def _norm(text):
    return " ".join(str(text or "").split()).casefold()


def _matches(cells, labels):
    wanted = {_norm(label) for label in labels}
    return sum(1 for c in cells if _norm(c) and _norm(c) in wanted)


def place(table, block):
    """Where the block's figures go: ({(row, column): text}, notes in Swedish).

    A row of the block that names the table's columns is its header; a column that
    names the table's rows is its label column. Without them, the block is the
    figures alone, row for row and column for column, from the first row (or from
    the first row that takes figures, where the block has exactly as many rows)."""
    block = _cleaned(block)
    rows = ordered_rows(table)
    cols = table_columns.columns_of(table)
    header, column_of = _find_header(block, [c.label for c in cols])
    data = block[header + 1:] if header is not None else block
    label_col, row_of = _find_labels(data, rows)
    if header is None:
        column_of = _columns_in_order(len(block[0]), label_col, len(cols))
    placed, outside = _placed(data, row_of, column_of, label_col)
    cells, notes = _sort_out_computed(table, rows, cols, placed)
    if outside:
        notes.append(f"{_count_rows(outside)} i Excel kunde inte kopplas till någon rad i "
                     "tabellen och lästes inte in.")
    if not cells:
        raise Invalid("Inga värden kunde kopplas till tabellens rader och kolumner. Ta med "
                      "radernas etiketter och kolumnernas rubriker, eller bara siffrorna i "
                      "tabellens ordning.")
    return cells, notes


def _cleaned(block):
    """The block as text, without empty rows, every row as wide as the widest."""
    block = [[_text(v) for v in row] for row in block]
    block = [row for row in block if any(row)]
    if not block:
        raise Invalid("Det finns inga celler att läsa in.")
    width = max(len(r) for r in block)
    return [r + [""] * (width - len(r)) for r in block]


def _find_header(block, col_labels):
    """(index of the header row among the first five, {block column: table column}),
    or (None, None): the header names at least half the table's columns."""
    header = next((k for k, r in enumerate(block[:5])
                   if _matches(r, col_labels) >= max(1, (len(col_labels) + 1) // 2)), None)
    if header is None:
        return None, None
    by_label = {_norm(label): j for j, label in enumerate(col_labels)}
    return header, {c: by_label[_norm(v)] for c, v in enumerate(block[header])
                    if _norm(v) in by_label}


def _find_labels(data, rows):
    """(the label column among the first three, {data row: table row}): the column that
    names at least half the data rows; without one, rows in order."""
    row_labels = [r.label for r in rows]
    width = len(data[0]) if data else 0
    label_col = next((c for c in range(min(width, 3))
                      if _matches([r[c] for r in data], row_labels) >= max(1, len(data) // 2)),
                     None)
    if label_col is not None:
        by_label = {}
        for i, label in enumerate(row_labels):
            by_label.setdefault(_norm(label), i)
        return label_col, {k: by_label[_norm(r[label_col])] for k, r in enumerate(data)
                           if _norm(r[label_col]) in by_label}
    taking = [i for i, r in enumerate(rows) if takes_values(r)]
    targets = taking if len(data) == len(taking) else list(range(len(rows)))
    return None, dict(zip(range(len(data)), targets))


def _columns_in_order(width, label_col, n_columns):
    """Without a header: the table's columns in order, right of the labels if any."""
    first = 0 if label_col is None else label_col + 1
    return {first + j: j for j in range(n_columns) if first + j < width}


def _placed(data, row_of, column_of, label_col):
    """({(row, column): text} for every cell that has a place in the table, how many
    data rows with figures matched no row)."""
    cells, outside = {}, 0
    for k, r in enumerate(data):
        if k not in row_of:
            if any(v for c, v in enumerate(r) if c != label_col):
                outside += 1
            continue
        for c, j in column_of.items():
            cells[(row_of[k], j)] = r[c]
    return cells, outside


def is_computed(row, column):
    """A cell of a formula row or a formula column: the table computes it."""
    return row.formula is not None or column.formula is not None


def _sort_out_computed(table, rows, cols, placed):
    """The placed cells to bring in, and notes. A computed cell is left out when it
    is blank or shows the same figure as the table (the one the export wrote, or the
    one computed from the figures brought in), at the decimals the cell prints: the
    app's own export comes back without turning its computed figures into reported
    ones. A different figure typed there is brought in as a reported figure, and a
    note says so, naming the cell; in a formula row that takes no figures it cannot
    be, and a note says that instead."""
    cells = {(i, j): _as_stored(rows[i], j, text) for (i, j), text in placed.items()
             if not is_computed(rows[i], cols[j])}
    stored = _printed_figures(table)
    fresh, _ = preview(table, cells)
    same, typed, skipped_rows = 0, [], set()
    for (i, j), text in placed.items():
        row, column = rows[i], cols[j]
        if not is_computed(row, column) or not text.strip():
            continue
        decimals = table_columns.decimals(row, j, column)
        computed = fresh.get(f"{i}-{j}", {}).get("text", "")
        if _shown(text, decimals) in (formatting.number(stored[i][j], decimals), computed):
            same += 1
        elif takes_values(row):
            cells[(i, j)] = text
            typed.append((row.label, column.label, text, computed))
        else:
            skipped_rows.add(row.label)
    return cells, _notes(skipped_rows, same, typed)


def _as_stored(row, j, text):
    """The figure as the grid shows the stored one where they are the same number: a
    stored 2,0 comes back from Excel as 2, which would otherwise count as a change."""
    stored = row.values[j] if row.values and j < len(row.values) else None
    try:
        same = stored is not None and parse_number(text) == stored
    except ValueError:
        same = False
    return typed_text(stored) if same else text


def _shown(text, decimals):
    """A figure as typed, as the cell prints it; None when it is no figure."""
    try:
        value = parse_number(text)
    except ValueError:
        return None
    return None if value is None else formatting.number(value, decimals)


def _notes(skipped_rows, same, typed):
    notes = []
    if skipped_rows:
        names = ", ".join(f"”{x}”" for x in sorted(skipped_rows))
        notes.append(f"Raden {names} räknas fram i tabellen; dess värden i Excel lästes inte in."
                     if len(skipped_rows) == 1 else
                     f"Raderna {names} räknas fram i tabellen; deras värden i Excel lästes "
                     "inte in.")
    for row, column, text, computed in typed[:MAX_CELL_NOTES]:
        notes.append(f"Cellen ”{row}”, ”{column}” räknas fram i tabellen"
                     + (f" (beräknat {computed})" if computed else "")
                     + f", men i Excel står {text}. Det läses in som ett redovisat värde; töm "
                     "rutan innan du sparar om tabellen ska räkna fram värdet i stället.")
    if len(typed) > MAX_CELL_NOTES:
        more = len(typed) - MAX_CELL_NOTES
        notes.append(f"Ytterligare {more} {'cell' if more == 1 else 'celler'} som tabellen "
                     "räknar fram har andra värden i Excel och läses in som redovisade värden.")
    if same:
        notes.append("Ett värde i en cell som tabellen räknar fram lästes inte in: det var "
                     "detsamma som tabellens." if same == 1 else
                     f"{same} värden i celler som tabellen räknar fram lästes inte in: de var "
                     "desamma som tabellens.")
    return notes


def _count_rows(n):
    return "En rad" if n == 1 else f"{n} rader"
