"""The columns of a table of figures (FORMAT.md): a plain label, or an object with
a key, a label, a spanning group header, a formula over other columns, decimals and
a suffix. The plan file's form is kept as given; code reads it through ``Column``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    label: str
    key: str | None = None
    group: str | None = None
    formula: str | None = None
    decimals: int | None = None
    suffix: str | None = None
    width: float | None = None  # its share of the table's width in per cent
    merge_repeats: bool = False  # a figure prints only where it differs from the row above


def columns_of(table):
    """A table's columns as ``Column``s, in order."""
    return [Column(label=c) if isinstance(c, str) else Column(
        label=c["label"], key=c.get("key"), group=c.get("group"), formula=c.get("formula"),
        decimals=c.get("decimals"), suffix=c.get("suffix"), width=c.get("width"),
        merge_repeats=bool(c.get("merge_repeats")))
        for c in table.columns]


def decimals(row, j, column):
    """How many decimals cell ``j`` of ``row`` prints: the row's own for that cell, else
    the column's, else the row's, else none."""
    per_cell = getattr(row, "cell_decimals", None)
    if per_cell and j < len(per_cell) and per_cell[j] is not None:
        return per_cell[j]
    if column.decimals is not None:
        return column.decimals
    return row.decimals or 0


def header_rows(columns):
    """The header as printed: ``(groups, spans)`` where ``groups`` is None when no column
    has a group, else a list of (label or None, span) over adjacent columns. A column
    without a group spans both header rows."""
    if not any(c.group for c in columns):
        return None
    groups = []
    for c in columns:
        if c.group and groups and groups[-1][0] == c.group:
            groups[-1] = (c.group, groups[-1][1] + 1)
        else:
            groups.append((c.group, 1))
    return groups
