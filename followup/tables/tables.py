"""Tables of figures: Swedish number input, values, versions and revisions.

Compilers, and reporters while a phase of the plan is open, fill in the values.
A figure is kept exactly as typed (``1 234,5`` stays 1234.5, ``5,0`` stays 5.0);
only documents round. A save is all or nothing: one bad cell refuses the whole
grid, with a message on that cell. A save that changes nothing writes nothing;
every other save bumps the table's version and records a revision, and a save
based on an older version is refused. A table shown in a signed memo is locked.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from followup.core import formatting
from followup.core.errors import Forbidden, Invalid, ServiceError
from followup.core.extensions import db
from followup.core.html import TextTooLong, sanitize
from followup.memos.models import Memo, MemoState
from followup.people import permissions
from followup.plans import lock
from followup.tables import columns as table_columns
from followup.tables import exact
from followup.tables import formulas
from followup.tables.models import FigureTableRevision

# Digits are ASCII: re's \d (and int(), Decimal()) would also take "١٢٣" and "１２３".
_GROUPED = re.compile(r"^-?[0-9]{1,3}( [0-9]{3})+(,[0-9]+)?$")
_PLAIN = re.compile(r"^-?[0-9]+(,[0-9]+)?$")
_WIDE_SPACES = re.compile(r"[\u00a0\u202f\u2009]")


def parse_number(text):
    """Swedish input → an exact Decimal with the digits typed, None for blank;
    ValueError with a Swedish message.

    "1 234,5", "−3", "-3", "5,0" and "" are accepted (spaces, no-break and thin spaces
    between the thousands); a point, letters, digits other than 0–9 ("١٢٣", "１２３"),
    digits grouped other than three by three, or a number beyond ±10^15 are not."""
    if text is None:
        return None
    value = _WIDE_SPACES.sub(" ", text.strip()).replace("\u2212", "-")
    if not value:
        return None
    shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:39] + "…"
    if "." in value:
        raise ValueError("använd decimalkomma, inte punkt")
    if re.search(r"[^0-9 ,-]", value):
        raise ValueError(f"”{shown}” är inget tal")
    if " " in value and not _GROUPED.match(value):
        raise ValueError(f"”{shown}” är inget tal (tusental skrivs 1 234)")
    compact = value.replace(" ", "")
    if not _PLAIN.match(compact):
        raise ValueError(f"”{shown}” är inget tal")
    number = Decimal(compact.replace(",", "."))
    fault = exact.fault(number)
    if fault:
        raise ValueError(f"”{shown}” {fault}")
    return number


def typed_text(value):
    """A stored figure as the grid shows it: Swedish, with every digit it was typed
    with ("1 234,5", "5,0", "1,247"), never rounded to how the row prints."""
    if value is None:
        return ""
    text = f"{exact.to_decimal(value):,f}"
    return text.replace(",", formatting.THIN_GROUP).replace(".", ",")


@dataclass
class CellError:
    row: int
    column: int
    message: str


class GridInvalid(Invalid):
    def __init__(self, errors):
        n = len(errors)
        super().__init__(f"{'En cell' if n == 1 else f'{n} celler'} kunde inte läsas; "
                         "inget sparades.")
        self.errors = errors


class TableLocked(ServiceError):
    """The table is shown in a signed memo: what the board received may not change."""

    status = 409


class StaleTable(ServiceError):
    """A save based on an older version of the table; ``table`` is what is stored now."""

    status = 409

    def __init__(self, table):
        super().__init__("Någon annan har ändrat tabellen sedan du öppnade den; inget "
                         "sparades. Kontrollera siffrorna och spara igen.")
        self.table = table


def tables_named_by(memo):
    """The keys of every table a memo shows: in its sections, its appendices, their
    chapters and their sections."""
    keys = set()
    parts = [memo]
    for appendix in memo.appendices:
        parts += [appendix, *appendix.chapters]
    for part in parts:
        keys.update(getattr(part, "tables", None) or [])
        for section in part.sections:
            keys.update(section.tables or [])
    return keys


def signed_memos_showing(table):
    """The signed memos of the table's plan that show the table."""
    memos = db.session.scalars(select(Memo).where(
        Memo.plan_id == table.plan_id, Memo.state == MemoState.signed)).all()
    return [m for m in memos if table.key in tables_named_by(m)]


def require_unlocked(table):
    """TableLocked (409) when the table is shown in a signed memo: its values, comment
    and definition are then part of what the board received. Takes the plan's lock
    first (``lock.lock_plan``), so a signing under way is waited for, and reads the
    table's version again under it."""
    lock.lock_plan(table.plan_id)
    if table.id is not None:
        db.session.refresh(table, ["version"])
    memos = signed_memos_showing(table)
    if memos:
        phases = " och ".join(f"”{m.phase.label}”" for m in memos)
        raise TableLocked(
            f"Tabellen visas i den fastställda tjänsteskrivelsen {phases} och kan inte "
            "ändras. Direktören kan återöppna tjänsteskrivelsen.")


def require_value_editor(user, plan):
    if permissions.is_compiler(user, plan):
        return
    if permissions.is_reporter(user, plan) and any(
            p.is_open for p in plan.phases) and any(
            m.unit.plan_id == plan.id for m in user.memberships):
        return
    raise Forbidden("Bara strateg, eller handläggare medan en fas är öppen, får fylla i tabeller.")


def ordered_rows(table):
    return sorted(table.rows, key=lambda r: r.position)


def takes_values(row):
    """A value row, or a formula row that carries reported figures."""
    return row.formula is None or row.values is not None


def _same(a, b):
    """Equal as typed: 5,0 and 5 are different inputs; None is no value."""
    return (a is None) == (b is None) and (a is None or str(a) == str(b))


def content(table):
    return table.content()


def first_revision(table, user, source):
    table.start_history(getattr(user, "id", None), source)


def record_change(table, user, source, before):
    """Bump the version and keep the table's new state as its revision. ``before``
    (its ``content`` before this change) is kept too where no revision holds it yet:
    a table from before revisions existed loses nothing on its first change."""
    if table.id is not None and db.session.scalar(select(FigureTableRevision.id).where(
            FigureTableRevision.table_id == table.id,
            FigureTableRevision.version == table.version)) is None:
        db.session.add(FigureTableRevision(table=table, version=table.version,
                                           source="before", content=before))
    table.version += 1
    db.session.add(FigureTableRevision(table=table, version=table.version, source=source,
                                       author_id=getattr(user, "id", None),
                                       content=content(table)))


def check_version(table, version):
    if version is not None and version != table.version:
        raise StaleTable(table)


@contextmanager
def saving(table):
    """The change the block makes to a stored table, in a savepoint of the request's
    transaction (the caller commits). A save that took the same version first → StaleTable:
    the savepoint is rolled back, nothing of the change stays, and the table is read
    again. The plan's lock, with the version read again under it (``require_unlocked``,
    ``check_version``), keeps that from happening; take it before: on SQLite that write
    began the transaction the savepoint lives in."""
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError:
        db.session.refresh(table)
        raise StaleTable(table) from None


def save_values(user, table, cells, comment=None, version=None, source="web"):
    """``cells``: {(row index, column index): text} for the value cells. All or nothing;
    nothing changed → nothing written. ``version``: the version the input was based on."""
    require_value_editor(user, table.plan)
    rows = ordered_rows(table)
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
    figures = {i: {j: v for (r, j), v in parsed.items() if r == i} for i in range(len(rows))}
    return apply_figures(user, table, figures, comment, version, source)


def apply_figures(user, table, figures, comment=None, version=None, source="web"):
    """``figures``: {row index: {column index: Decimal or None}} (checked numbers).
    Rows that take no values are left as they are. Everything is checked before anything
    changes; the caller commits."""
    require_unlocked(table)
    check_version(table, version)
    cleaned = _cleaned_comment(comment)
    with saving(table):
        before = content(table)
        changed = _set_figures(table, figures)
        if comment is not None and cleaned != table.comment:
            table.comment = cleaned
            changed = True
        if changed:
            record_change(table, user, source, before)
    return table


def _cleaned_comment(comment):
    """The comment as it is kept (None for none); Invalid when it is too long."""
    if comment is None:
        return None
    try:
        return sanitize(comment) or None
    except TextTooLong as e:
        raise Invalid(f"Kommentaren: {e}.") from None


def _set_figures(table, figures):
    """Put ``figures`` in the rows that take values; whether any row changed."""
    n = len(table.columns)
    changed = False
    for i, row in enumerate(ordered_rows(table)):
        if takes_values(row) and figures.get(i):
            changed = _set_row(row, figures[i], n) or changed
    return changed


def _set_row(row, figures, n):
    """Put ``figures`` ({column index: value}) in the row; whether it changed."""
    old = (list(row.values or []) + [None] * n)[:n]
    new = list(old)
    for j, value in figures.items():
        new[j] = value
    if all(_same(a, b) for a, b in zip(old, new)) and len(row.values or []) == n:
        return False
    row.values = new
    return True


def preview(table, cells):
    """What the grid would show with these inputs, without saving: computed figures
    per row and column (text), and the cells that cannot be read."""
    rows = ordered_rows(table)
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


def input_texts(table):
    """{"<row>-<column>": text} of the stored values, exactly as typed, for the grid."""
    out = {}
    for i, row in enumerate(ordered_rows(table)):
        if row.values is not None:
            for j in range(len(table.columns)):
                out[f"{i}-{j}"] = typed_text(row.values[j] if j < len(row.values) else None)
    return out


def figure_or_fault(value):
    """A figure from JSON (int, Decimal, or None) → (Decimal or None, Swedish fault)."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None, "ska vara ett tal eller null"
    try:
        number = exact.to_decimal(value)
    except (InvalidOperation, ValueError):
        return None, "är inget ändligt tal"
    fault = exact.fault(number)
    return (None, fault) if fault else (number, None)


SOURCES = {"web": "i webbläsaren", "api": "via API", "excel": "från Excel",
           "definition": "rader och kolumner", "import": "import av planfil",
           "rollover": "ny plan för nästa år", "before": "före första ändringen"}


def history(table):
    """The table's revisions, newest first: (revision, what changed in words)."""
    revisions = db.session.scalars(select(FigureTableRevision).where(
        FigureTableRevision.table_id == table.id).order_by(FigureTableRevision.version)).all()
    out, previous = [], None
    for revision in revisions:
        out.append((revision, SOURCES.get(revision.source, revision.source),
                    changes(previous, revision.content)))
        previous = revision.content
    return list(reversed(out))


def _label(column):
    return column if isinstance(column, str) else column.get("label", "")


def _figure_text(text):
    return "tomt" if text is None else typed_text(Decimal(text))


_TABLE_PARTS = (("title", "Titeln"), ("unit", "Enheten"), ("chart", "Diagrammet"))
_ROW_DEFINITION = ("label", "formula", "decimals", "cell_decimals", "strong")


def changes(before, after):
    """What changed from one revision's content to the next, in Swedish words."""
    if before is None:
        return []
    out = [f"{what} ändrades." for name, what in _TABLE_PARTS if before.get(name) != after.get(name)]
    if before.get("columns") != after.get("columns"):
        out.append("Kolumnerna ändrades.")
    out += _row_changes(before, after)
    if before.get("comment") != after.get("comment"):
        out.append("Kommentaren ändrades.")
    return out


class _EarlierRows:
    """The rows of the earlier revision, each the same as at most one row of the later.
    A row is the same row by its key; a row that had none (made before every row got
    one, issue 21.3) is found by its label."""

    def __init__(self, rows):
        self.rows = rows
        self.by_key = {r["key"]: r for r in rows if r.get("key")}
        self.by_label = {r["label"]: r for r in rows if not r.get("key")}
        self.matched = []

    def of(self, row):
        """The earlier row ``row`` was; None for a new one."""
        was = self.by_key.get(row.get("key")) if row.get("key") else None
        if was is None:
            was = self.by_label.get(row["label"])
        if was is None or any(was is m for m in self.matched):
            return None
        self.matched.append(was)
        return was

    def unmatched(self):
        return [r for r in self.rows if not any(r is m for m in self.matched)]


def _row_changes(before, after):
    """The rows added, changed and removed, and the figures changed where the columns
    are the same."""
    earlier = _EarlierRows(before.get("rows") or [])
    labels = None
    if before.get("columns") == after.get("columns"):
        labels = [_label(c) for c in after.get("columns") or []]
    out = []
    for row in after.get("rows") or []:
        was = earlier.of(row)
        if was is None:
            out.append(f"Raden ”{row['label']}” lades till.")
            continue
        if any(was.get(k) != row.get(k) for k in _ROW_DEFINITION):
            out.append(f"Raden ”{row['label']}” ändrades.")
        if labels is not None:
            out += _figure_changes(was, row, labels)
    return out + [f"Raden ”{row['label']}” togs bort." for row in earlier.unmatched()]


def _figure_changes(was, row, labels):
    """A row's figures that changed, one line each: "Kostnad, 2026: 5 → 6"."""
    blank = [None] * len(labels)
    out = []
    for j, (a, b) in enumerate(zip(was.get("values") or blank, row.get("values") or blank)):
        if a != b:
            column = labels[j] if j < len(labels) else f"kolumn {j + 1}"
            out.append(f"{row['label']}, {column}: {_figure_text(a)} → {_figure_text(b)}")
    return out
