"""Tables of figures in the browser: Swedish number input, definitions, values.

Compilers define tables; compilers and reporters fill in the values while a phase
of the plan is open. A save is all or nothing: one bad cell refuses the whole
grid, with a message on that cell.
"""

import re
from dataclasses import dataclass

from .. import columns as table_columns, formulas
from ..charts import CHART_KINDS
from ..documents import figures as printed
from ..extensions import db
from ..html import TextTooLong, sanitize
from ..models import FigureRow, FigureTable, Role
from . import inputs, permissions
from .errors import Forbidden, Invalid

_GROUPED = re.compile(r"^-?\d{1,3}( \d{3})+(,\d+)?$")
_PLAIN = re.compile(r"^-?\d+(,\d+)?$")
_WIDE_SPACES = re.compile(r"[\u00a0\u202f\u2009]")
# A row key is named in formulas: a plan-file key that is also a name there.
_ROW_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")


def parse_number(text):
    """Swedish input → a number, None for blank; ValueError with a Swedish message.

    "1 234,5", "−3", "-3", "5,0" and "" are accepted; a point, letters, or digits
    grouped other than three by three are not."""
    if text is None:
        return None
    value = _WIDE_SPACES.sub(" ", text.strip()).replace("\u2212", "-")
    if not value:
        return None
    if "." in value:
        raise ValueError("använd decimalkomma, inte punkt")
    if re.search(r"[^\d ,-]", value):
        raise ValueError(f"”{text.strip()}” är inget tal")
    if " " in value and not _GROUPED.match(value):
        raise ValueError(f"”{text.strip()}” är inget tal (tusental skrivs 1 234)")
    compact = value.replace(" ", "")
    if not _PLAIN.match(compact):
        raise ValueError(f"”{text.strip()}” är inget tal")
    return float(compact.replace(",", ".")) if "," in compact else int(compact)


@dataclass
class CellError:
    row: int
    column: int
    message: str


class GridInvalid(Invalid):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} celler kunde inte läsas; inget sparades.")
        self.errors = errors


def require_value_editor(user, plan):
    if permissions.is_compiler(user):
        return
    if user is not None and user.active and user.role is Role.reporter and any(
            p.is_open for p in plan.phases) and any(
            m.unit.plan_id == plan.id for m in user.memberships):
        return
    raise Forbidden("Bara strateg, eller handläggare medan en fas är öppen, får fylla i tabeller.")


def save_values(user, table, cells, comment=None):
    """``cells``: {(row index, column index): text} for the value rows. All or nothing."""
    require_value_editor(user, table.plan)
    rows = sorted(table.rows, key=lambda r: r.position)
    n = len(table.columns)
    parsed, errors = {}, []
    for (i, j), text in cells.items():
        if not (0 <= i < len(rows) and 0 <= j < n):
            raise Invalid("Cellen finns inte i tabellen.")
        try:
            parsed[(i, j)] = parse_number(text)
        except ValueError as e:
            errors.append(CellError(i, j, str(e)))
    if errors:
        raise GridInvalid(errors)
    for i, row in enumerate(rows):
        if row.formula is None or row.values is not None:
            values = list(row.values or [None] * n) + [None] * (n - len(row.values or []))
            for j in range(n):
                if (i, j) in parsed:
                    values[j] = parsed[(i, j)]
            row.values = values[:n]
    if comment is not None:
        try:
            table.comment = sanitize(comment) or None
        except TextTooLong as e:
            raise Invalid(f"Kommentaren: {e}.") from None
    db.session.commit()
    return table


@dataclass
class RowSpec:
    key: str | None
    label: str
    formula: str | None
    decimals: int | None
    strong: bool
    reported: bool  # a formula row that also holds reported values


def parse_definition(text):
    """One row a line: ``nyckel; Etikett; formel; decimaler; fet``. Only the label is
    required; ``formel`` is "sum", an expression over earlier keys, or empty for a
    value row; ``+`` after the formula keeps reported values beside it."""
    specs, errors = [], []
    for number, line in enumerate(inputs.lines(text), 1):
        parts = [p.strip() for p in line.split(";")] + [""] * 5
        key, label, formula, decimals, strong = parts[:5]
        if not label:
            errors.append(f"rad {number}: etiketten saknas")
            continue
        if key and not _ROW_KEY.match(key):
            errors.append(f"rad {number}: nyckeln ”{key[:80]}” får bara innehålla bokstäver a–z, "
                          "siffror och _ och ska börja med en bokstav (högst 80 tecken)")
        reported = formula.endswith("+")
        formula = formula.rstrip("+").strip() or None
        try:
            decimals_value = int(decimals) if decimals else None
            if decimals_value is not None and not 0 <= decimals_value <= 4:
                raise ValueError
        except ValueError:
            errors.append(f"rad {number}: decimaler ska vara 0–4")
            decimals_value = None
        specs.append(RowSpec(key or None, label, formula, decimals_value,
                             strong.lower() in ("fet", "ja", "x"), reported))
    keys = [s.key for s in specs if s.key]
    for i, spec in enumerate(specs):
        if spec.formula:
            earlier = [s.key for s in specs[:i] if s.key]
            later = [s.key for s in specs[i + 1:] if s.key]
            try:
                formulas.check(spec.formula, earlier, later)
            except formulas.FormulaError as e:
                errors.append(f"rad {i + 1}: {e}")
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        errors.append(f"nyckeln ”{duplicates[0]}” finns på flera rader")
    if errors:
        raise Invalid("Tabellen sparades inte: " + "; ".join(errors) + ".")
    return specs


def define_table(user, plan, table, *, key, title, unit, columns, rows, chart=None):
    """Create (``table`` None) or redefine a table. Values of rows whose key stays
    are kept; a formula that names a missing or later row refuses the save."""
    permissions.require_compiler(user)
    title = inputs.text(title, "Titeln", required=True)
    unit = inputs.text(unit, "Enheten", 40)
    column_names = inputs.lines(columns)
    if not column_names:
        raise Invalid("Tabellen behöver minst en kolumn.")
    specs = parse_definition(rows)
    if not specs:
        raise Invalid("Tabellen behöver minst en rad.")
    if table is None:
        key = inputs.key(key, "Tabellens nyckel")
        if any(t.key == key for t in plan.tables):
            raise Invalid(f"Tabellen {key} finns redan.")
        table = FigureTable(plan=plan, key=key, position=len(plan.tables), rows=[])
        db.session.add(table)
    old = {r.key: r for r in table.rows if r.key}
    n = len(column_names)
    if chart not in (None, "", *CHART_KINDS):
        raise Invalid("Välj stapeldiagram, linjediagram eller inget diagram.")
    # A column whose label stays keeps what else the plan file says of it (group,
    # formula, decimals, suffix).
    kept = {table_columns.Column(label=c).label if isinstance(c, str) else c["label"]: c
            for c in table.columns or []}
    table.title, table.unit = title, unit
    table.columns = [kept.get(name, name) for name in column_names]
    table.chart = chart or None
    new_rows = []
    for position, spec in enumerate(specs):
        previous = old.get(spec.key)
        keep = previous.values if previous is not None and previous.values is not None else None
        values = None
        if spec.formula is None or spec.reported:
            values = (list(keep or []) + [None] * n)[:n]
        new_rows.append(FigureRow(position=position, key=spec.key, label=spec.label,
                                  formula=spec.formula, values=values, decimals=spec.decimals,
                                  strong=spec.strong))
    table.rows = new_rows
    db.session.commit()
    return table


def definition_text(table):
    lines = []
    for r in sorted(table.rows, key=lambda r: r.position):
        formula = (r.formula or "") + (" +" if r.formula and r.values is not None else "")
        lines.append("; ".join([r.key or "", r.label, formula,
                                "" if r.decimals is None else str(r.decimals),
                                "fet" if r.strong else ""]).rstrip("; "))
    return "\n".join(lines)


def grid(table):
    """The table as the grid shows it: inputs for value cells, computed figures for
    formula rows (beside the reported ones where a row has them), and warnings."""
    cols = table_columns.columns_of(table)
    return printed.printed_table(table), formulas.compute(
        sorted(table.rows, key=lambda r: r.position), len(cols), cols)


def preview(table, cells):
    """What the grid would show with these inputs, without saving: computed figures
    per row and column (text), and the cells that cannot be read."""
    from types import SimpleNamespace

    from .. import formatting

    rows = sorted(table.rows, key=lambda r: r.position)
    cols = table_columns.columns_of(table)
    n = len(cols)
    errors, candidate = {}, []
    for i, row in enumerate(rows):
        values = list(row.values) if row.values is not None else None
        if values is not None:
            values = (values + [None] * n)[:n]
            for j in range(n):
                if (i, j) in cells:
                    try:
                        values[j] = parse_number(cells[(i, j)])
                    except ValueError as e:
                        values[j] = None  # unreadable: what depends on it is unknown too
                        errors[f"{i}-{j}"] = str(e)
        candidate.append(SimpleNamespace(key=row.key, formula=row.formula, values=values))
    computed = formulas.compute(candidate, n, cols)
    out = {}
    for i, (row, result) in enumerate(zip(rows, computed)):
        for j, (cell, column) in enumerate(zip(result, cols)):
            if row.formula is not None or column.formula is not None:
                out[f"{i}-{j}"] = {
                    "text": formatting.number(cell.value, table_columns.decimals(row, j, column)),
                    "note": cell.note}
    return out, errors


def cells_from_form(form, table):
    """{(row, column): text} from inputs named c-<row>-<column>."""
    cells = {}
    for name, value in form.items():
        match = re.match(r"^c-(\d+)-(\d+)$", name)
        if match:
            cells[(int(match.group(1)), int(match.group(2)))] = value
    return cells


def input_texts(table):
    """{"<row>-<column>": text} of the stored values, Swedish formatted, for the grid."""
    from .. import formatting

    out = {}
    cols = table_columns.columns_of(table)
    for i, row in enumerate(sorted(table.rows, key=lambda r: r.position)):
        if row.values is not None:
            for j, column in enumerate(cols):
                value = row.values[j] if j < len(row.values) else None
                out[f"{i}-{j}"] = formatting.number(value, table_columns.decimals(row, j, column))
    return out
