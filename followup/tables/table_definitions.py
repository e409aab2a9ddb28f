"""Defining a table without syntax: rows and columns with labels, formulas picked
from the other rows or columns, decimals, bold, groups and suffixes.

The editor works on a ``Draft``: read from the table, or from the posted form
(``followup.tables.forms``), changed by an action (add, move, remove a row or
column) and shown again, and saved only when the compiler says so. Keys are never shown: a new row or column
gets one made up, and a plain column label that nothing refers to stays a plain
label, so a plan file's definition exports as it came in.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from followup.core import inputs
from followup.core.charts import CHART_KINDS
from followup.core.errors import Invalid
from followup.core.extensions import db
from followup.core.texts import single_line
from followup.people import permissions
from followup.tables import columns as table_columns
from followup.tables import formulas
from followup.tables.models import FigureRow, FigureTable, row_key
from followup.tables.table_formulas import Chain, chain_of, in_words
from followup.tables.tables import (
    check_version, content, first_revision, ordered_rows, parse_number, record_change,
    require_unlocked, saving,
)

MAX_ROWS, MAX_COLUMNS, MAX_TERMS = 200, 30, 12
ROW_KINDS = {"values": "Värden som fylls i", "sum": "Summa av raderna ovan",
             "formula": "Beräknas med en formel"}
COLUMN_KINDS = {"values": "Värden som fylls i", "formula": "Beräknas med en formel"}
CELLS = "cells"  # a row whose decimals differ per column (from a plan file)
UNIT_LABEL_MAX = 200


@dataclass
class Part:
    """A row or a column being edited. ``source``: its place in the stored table
    (row id, column index), None for a new one; ``auto_key``: a key made up here,
    dropped again where nothing refers to it."""

    key: str
    label: str = ""
    kind: str = "values"
    chain: Chain = field(default_factory=Chain)
    decimals: object = None  # None, 0–4, or CELLS
    source: int | None = None
    auto_key: bool = False
    # rows
    strong: bool = False
    reported: bool = False
    # columns
    group: str = ""
    suffix: str = ""
    width: str = ""  # its share of the table's width in per cent, as typed ("22")
    merge_repeats: bool = False  # a figure prints only where it differs from the row above


@dataclass
class Draft:
    title: str = ""
    unit: str = ""
    chart: str = ""
    unit_label: str = ""  # the corner cell; blank: the unit
    show_title: bool = True
    version: int | None = None
    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def row_labels(self):
        return {p.key: p.label or "(rad utan etikett)" for p in self.rows}

    def column_labels(self):
        return {p.key: p.label or "(kolumn utan rubrik)" for p in self.columns}

    def row_words(self, part):
        return in_words(_formula(part), self.row_labels())

    def column_words(self, part):
        return in_words(_formula(part), self.column_labels())


def _formula(part):
    if part.kind == "sum":
        return formulas.SUM
    if part.kind == "formula":
        return part.chain.formula()
    return None


_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")


def _free_key(prefix, taken):
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def draft_from_table(table):
    draft = Draft(title=table.title, unit=table.unit or "", chart=table.chart or "",
                  unit_label=(table.unit_label or "").strip(),
                  show_title=table.show_title is not False, version=table.version)
    draft.rows = _row_parts(table)
    draft.columns = _column_parts(table)
    return draft


def _key_or_made_up(key, prefix, taken):
    """(key, whether it was made up): a part without a key gets one not in ``taken``."""
    if key:
        return key, False
    key = _free_key(prefix, taken)
    taken.add(key)
    return key, True


def _row_kind(row):
    if row.formula is None:
        return "values"
    return "sum" if row.formula.strip() == formulas.SUM else "formula"


def _row_parts(table):
    parts = []
    taken = {r.key for r in table.rows if r.key}
    for row in ordered_rows(table):
        key, auto = _key_or_made_up(row.key, "rad", taken)
        kind = _row_kind(row)
        parts.append(Part(
            key=key, auto_key=auto, label=row.label, kind=kind,
            chain=chain_of(row.formula) if kind == "formula" else Chain(),
            decimals=CELLS if row.cell_decimals is not None else row.decimals,
            source=row.id, strong=row.strong,
            reported=row.formula is not None and row.values is not None))
    return parts


def _column_parts(table):
    parts = []
    columns = table_columns.columns_of(table)
    stored = list(table.columns or [])
    taken = {c.key for c in columns if c.key}
    for j, column in enumerate(columns):
        key, auto = _key_or_made_up(column.key, "kol", taken)
        parts.append(Part(
            key=key, auto_key=auto, label=column.label,
            kind="formula" if column.formula else "values",
            chain=chain_of(column.formula), decimals=column.decimals, source=j,
            group=column.group or "", suffix=column.suffix or "",
            width=width_text(stored[j].get("width") if isinstance(stored[j], dict) else None),
            merge_repeats=column.merge_repeats))
    return parts


def width_text(width):
    """A stored width as the editor shows it: "22", "12,5"; blank for none."""
    if width is None or isinstance(width, bool):
        return ""
    return format(Decimal(str(width)).normalize(), "f").replace(".", ",")


def new_draft():
    return Draft(rows=[Part(key="rad1", auto_key=True)], columns=[Part(key="kol1", auto_key=True)])


def apply_action(draft, action):
    """Add, move or remove a row or column: ``row-add``, ``row-up-3``, ``col-remove-1``…"""
    match = re.match(r"^(row|col)-(add|up|down|remove)(?:-(\d{1,4}))?$", action or "")
    if not match:
        return draft
    what, verb, index = match.group(1), match.group(2), match.group(3)
    parts = draft.rows if what == "row" else draft.columns
    if verb == "add":
        limit = MAX_ROWS if what == "row" else MAX_COLUMNS
        if len(parts) < limit:
            taken = {p.key for p in parts}
            parts.append(Part(key=_free_key("rad" if what == "row" else "kol", taken),
                              auto_key=True))
        return draft
    i = int(index)
    if not 0 <= i < len(parts):
        return draft
    if verb == "remove" and len(parts) > 1:
        parts.pop(i)
    elif verb in ("up", "down"):
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(parts):
            parts[i], parts[j] = parts[j], parts[i]
    return draft


def _check(draft):
    """Every fault of a draft, in words."""
    errors = list(draft.errors) + _table_faults(draft)
    for parts, name in ((draft.rows, "rad"), (draft.columns, "kolumn")):
        errors += _key_faults(parts, name)
    errors += _row_faults(draft) + _column_faults(draft)
    if not errors:
        errors += _ring_faults(draft)
    return errors


def _table_faults(draft):
    errors = []
    if not draft.title.strip():
        errors.append("Tabellen behöver en titel.")
    if not draft.rows:
        errors.append("Tabellen behöver minst en rad.")
    if not draft.columns:
        errors.append("Tabellen behöver minst en kolumn.")
    if len(draft.unit_label) > UNIT_LABEL_MAX:
        errors.append(f"Texten i hörnrutan får ha högst {UNIT_LABEL_MAX} tecken.")
    if draft.chart not in ("", *CHART_KINDS):
        errors.append("Välj stapeldiagram, linjediagram eller inget diagram.")
    return errors


def _named(parts):
    """The keys the formulas of ``parts`` name."""
    return set().union(*(p.chain.keys() for p in parts if p.kind == "formula"))


def _key_faults(parts, name):
    """Keys are the plan file's (they end up in element ids and URLs); one that a
    formula names must also be a name in the formula."""
    errors = []
    keys = [p.key for p in parts]
    if len(set(keys)) != len(keys) or not all(not k or inputs.is_key(k) for k in keys):
        errors.append(f"Tabellens {name}er kunde inte läsas; ladda om sidan.")
    named = _named(parts)
    for p in parts:
        if p.key in named and not _NAME.match(p.key):
            errors.append(f"{name.capitalize()}en ”{p.label}” kan inte ingå i en formel.")
    return errors


def _row_faults(draft):
    errors = []
    labels = draft.row_labels()
    for i, row in enumerate(draft.rows):
        where = f"Rad {i + 1}"
        if not row.label:
            errors.append(f"{where} saknar etikett.")
        if len(row.label) > 400:
            errors.append(f"{where}: etiketten får ha högst 400 tecken.")
        if row.kind == "formula":
            errors += _formula_errors(row, ("Raden", "en rad"), labels,
                                      {p.key for p in draft.rows[:i]})
    return errors


def _column_faults(draft):
    errors = []
    labels = draft.column_labels()
    for j, column in enumerate(draft.columns):
        if not column.label:
            errors.append(f"Kolumn {j + 1} saknar rubrik.")
        if len(column.label) > 200 or len(column.group) > 200 or len(column.suffix) > 20:
            errors.append(f"Kolumnen ”{column.label}”: texten är för lång.")
        if column.kind == "formula":
            errors += _formula_errors(column, ("Kolumnen", "en kolumn"), labels)
    return errors


def _ring_faults(draft):
    """Columns reckoned from each other in a ring."""
    computed = {c.key: c.chain.formula() for c in draft.columns if c.kind == "formula"}
    try:
        formulas.column_order(computed)
    except formulas.FormulaError:
        labels = draft.column_labels()
        names = [labels[k] for k in computed]
        return ["Kolumnerna räknas fram ur varandra i en ring: "
                + ", ".join(f"”{n}”" for n in names) + ". Ändra någon av formlerna."]
    return []


def _formula_errors(part, words, labels, earlier=None):
    """The faults of a formula row or column, in words: ``words`` is how a message
    names it ("Raden", "en rad"); ``earlier``, for rows, the keys above it (a row is
    reckoned from the rows above it only)."""
    the, one = words
    if part.chain.incomplete():
        return [f"{the} ”{part.label}”: skriv talet i formeln."]
    if not part.chain.formula():
        return [f"{the} ”{part.label}”: välj vad den räknas fram ur."]
    errors = []
    for key in sorted(part.chain.keys()):
        if key == part.key:
            errors.append(f"{the} ”{part.label}” kan inte räknas fram ur sig själv.")
        elif key not in labels:
            errors.append(f"{the} ”{part.label}” räknar med {one} som har tagits bort.")
        elif earlier is not None and key not in earlier:
            errors.append(f"{the} ”{part.label}” räknar med ”{labels[key]}”, som "
                          "står under den. Flytta raden eller ändra formeln.")
    return errors


def _column_value(part, used, printing):
    """A column as the plan file keeps it: a plain label, unless it has more to say.
    ``printing``: how it prints (``width``, ``merge_repeats``), last, as a plan file has
    them; a column that says nothing else keeps no key."""
    plain = (part.kind == "values" and not part.group and part.decimals is None
             and not part.suffix and (part.auto_key and part.key not in used))
    if plain:
        return {"label": part.label, **printing} if printing else part.label
    out = {"key": part.key, "label": part.label}
    if part.group:
        out["group"] = part.group
    if part.kind == "formula":
        out["formula"] = part.chain.formula()
    if part.decimals not in (None, CELLS):
        out["decimals"] = part.decimals
    if part.suffix:
        out["suffix"] = part.suffix
    out.update(printing)
    return out


def _printing(draft, old_columns):
    """([how each column prints: {"width", "merge_repeats"} where set], faults in words).
    A width is a whole per cent of the table's width, 1–100, the columns' together at most
    100; what a column had and still has is kept as it was (22.0 stays 22.0, and so does
    a width the editor would not take), in the order the plan file gave them."""
    out, errors, changed = [], [], False
    for j, part in enumerate(draft.columns):
        old = _old_column(old_columns, part.source)
        width, fault, differs = _width(part.width, old.get("width"), part.label or f"Kolumn {j + 1}")
        keys = {} if width is None else {"width": width}
        if fault:
            errors.append(fault)
        changed = changed or differs
        if part.merge_repeats:
            keys["merge_repeats"] = True
        elif old.get("merge_repeats") is False:
            keys["merge_repeats"] = False  # as the plan file said it
        out.append(_in_order_of(keys, old))
    if changed and not errors:
        errors += _total_width_faults(out)
    return out, errors


def _old_column(old_columns, source):
    """What the stored table said of a column beyond its label ({} for a new column)."""
    old = old_columns[source] if source is not None and 0 <= source < len(old_columns) else None
    return old if isinstance(old, dict) else {}


def _width(typed, old_width, name):
    """(the width to keep or None, its fault or None, whether it differs from the stored
    one) for a width typed as ``typed``."""
    try:
        width = parse_number(typed)
    except ValueError:
        return None, _not_whole(name), False
    if width is None:
        return None, None, old_width is not None
    if old_width is not None and not isinstance(old_width, bool) \
            and Decimal(str(old_width)) == width:
        return old_width, None, False
    if width != width.to_integral_value():
        return None, _not_whole(name), False
    if not 1 <= width <= 100:
        return None, (f"Kolumnen ”{name}”: bredden ska vara mellan 1 och 100 procent "
                      "av tabellens bredd."), True
    return int(width), None, True


def _not_whole(name):
    return (f"Kolumnen ”{name}”: skriv bredden som ett heltal mellan 1 och 100 "
            "(procent av tabellens bredd), eller lämna rutan tom.")


def _in_order_of(keys, old):
    """``keys`` in the order the stored column had them, new ones last."""
    order = list(old)
    return dict(sorted(keys.items(), key=lambda kv: order.index(kv[0])
                       if kv[0] in order else len(order)))


def _total_width_faults(printing):
    total = sum(Decimal(str(k["width"])) for k in printing if "width" in k)
    if total <= 100:
        return []
    return [f"Kolumnernas bredder blir tillsammans {width_text(total)} procent av "
            "tabellens bredd. De får vara högst 100 procent tillsammans; minska "
            "någon av dem."]


def _corner(draft, table):
    """(unit_label, show_title) as stored: blank is the unit, a ticked box the default
    (None); what the table had and still has stays as it was."""
    label = single_line(draft.unit_label).strip() or None
    old = table.unit_label if table is not None else None
    if old is not None and old.strip() == (label or ""):
        label = old  # also "" from a plan file: an empty corner
    old_show = table.show_title if table is not None else None
    if draft.show_title:
        show = True if old_show is True else None
    else:
        show = False
    return label, show


def _remap(values, sources, n):
    """A row's stored list (values or per-cell decimals) in the draft's column order."""
    if values is None:
        return None
    return [values[s] if s is not None and s < len(values) else None for s in sources][:n]


def save_definition(user, plan, table, draft):
    """Create (``table`` None) or redefine a table from a draft. Figures follow their
    row and column through moves; a removed row or column takes its figures along
    (they stay in the table's revisions). Everything is checked before anything
    changes; the caller commits."""
    permissions.require_compiler(user, plan)
    if table is not None:
        require_unlocked(table)
        check_version(table, draft.version)
    title, unit, printing = _checked(draft, table)
    if table is None:
        table = _new_table(plan, title)
        _define(table, draft, title, unit, printing)
        first_revision(table, user, "definition")
        db.session.flush()
        return table
    with saving(table):
        before = content(table)
        corner_before = (table.unit_label, table.show_title)
        _define(table, draft, title, unit, printing)
        if content(table) != before or (table.unit_label, table.show_title) != corner_before:
            record_change(table, user, "definition", before)
    return table


def _define(table, draft, title, unit, printing):
    """Give the table the draft's title, unit, chart, corner, columns and rows."""
    used_columns = _named(draft.columns)
    columns = [_column_value(c, used_columns, keys) for c, keys in zip(draft.columns, printing)]
    rows = _rows(draft, table, [c.source for c in draft.columns], len(columns))
    table.title, table.unit, table.chart, table.columns = title, unit, draft.chart or None, columns
    table.unit_label, table.show_title = _corner(draft, table)
    table.rows = rows


def _checked(draft, table):
    """(title, unit, how each column prints) of a draft without faults; Invalid naming
    every fault."""
    old_columns = list(table.columns or []) if table is not None else []
    printing, print_errors = _printing(draft, old_columns)
    errors = _check(draft) + print_errors
    if errors:
        raise Invalid(" ".join(errors))
    return (inputs.text(draft.title, "Titeln", required=True),
            inputs.text(draft.unit, "Enheten", 40), printing)


def _new_table(plan, title):
    table = FigureTable(plan=plan, key=_table_key(title, {t.key for t in plan.tables}),
                        position=len(plan.tables), rows=[], columns=[])
    db.session.add(table)
    return table


def _row_keys(draft):
    """Every row keeps a key (the API and the plan file name rows by it): a key made up
    by the editor and named by no formula becomes one from the row's label."""
    used = _named(draft.rows)
    keys = [None if p.auto_key and p.key not in used else p.key for p in draft.rows]
    taken = {k for k in keys if k}
    for i, part in enumerate(draft.rows):
        if keys[i] is None:
            keys[i] = row_key(part.label, taken)
            taken.add(keys[i])
    return keys


def _rows(draft, table, sources, n):
    """The draft's rows; a row that was in the table is the same row, its figures (and
    per-cell decimals) in the draft's column order: ``sources`` (each column's index
    in the stored table), ``n`` columns."""
    old_rows = {r.id: r for r in table.rows}
    rows = []
    for position, (part, key) in enumerate(zip(draft.rows, _row_keys(draft))):
        old = old_rows.get(part.source)
        row = old if old is not None else FigureRow()
        attrs = _row_attributes(part, old, sources, n)
        for name, value in dict(position=position, key=key, **attrs).items():
            setattr(row, name, value)
        rows.append(row)
    return rows


def _row_attributes(part, old, sources, n):
    values = None
    if part.kind == "values" or part.reported:
        values = (_remap(old.values, sources, n) if old is not None else None) or [None] * n
    cells = part.decimals == CELLS
    return dict(label=part.label, formula=_formula(part), values=values,
                decimals=None if cells else part.decimals, strong=part.strong,
                cell_decimals=_remap(old.cell_decimals, sources, n)
                if cells and old is not None else None)


def _table_key(title, taken):
    """A key for a new table made from its title: "Resultat per augusti" → resultat-per-augusti."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "tabell"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def choices_for(draft, part, what):
    """What a term of ``part``'s formula can name, as (key, label): the other rows or
    columns. A row or column the formula names that is gone stays a choice, so that
    moving or removing never silently changes a formula: saving says what is wrong."""
    parts = draft.rows if what == "row" else draft.columns
    noun = "Rad" if what == "row" else "Kolumn"
    out = [(p.key, p.label or f"{noun} {k + 1}") for k, p in enumerate(parts) if p is not part]
    known = {p.key for p in parts}
    gone = sorted(k for k in part.chain.keys() if k not in known)
    return out + [(k, "(borttagen " + ("rad)" if what == "row" else "kolumn)")) for k in gone]
