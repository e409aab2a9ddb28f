"""The tables' posted forms read into plain values for the operations: the grid's
cells and the version it was based on, and the definition editor's Draft.

The grid's inputs are c-<row>-<column>. The editor's are r-<i>-<field> for rows and
c-<j>-<field> for columns; a formula's terms are <prefix>-t-<k> (a key, or "#" for a
number in <prefix>-n-<k>) joined by <prefix>-op-<k>.
"""

import re

from followup.core.forms import one_line_fields
from followup.tables.table_definitions import (
    CELLS, COLUMN_KINDS, MAX_COLUMNS, MAX_ROWS, MAX_TERMS, ROW_KINDS, Draft, Part,
)
from followup.tables.table_formulas import OPERATORS, Chain, Term
from followup.tables.tables import parse_number

_CELL = re.compile(r"^c-(\d{1,4})-(\d{1,4})$")


def cells_from_form(form):
    """{(row, column): text} from inputs named c-<row>-<column>."""
    cells = {}
    for name, value in form.items():
        match = _CELL.match(name)
        if match:
            cells[(int(match.group(1)), int(match.group(2)))] = value
    return cells


def version_of(form):
    """The version a form was based on; None when the form does not say."""
    return _int(form.get("version"))


def _int(value, low=None, high=None):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def _count(form, prefix, limit):
    indexes = {int(m.group(1)) for name in form
               if (m := re.match(rf"^{prefix}-(\d{{1,4}})-key$", name))}
    return min(len(indexes), limit) if indexes == set(range(len(indexes))) else 0


def _term(form, prefix, k, errors, what):
    choice = form.get(f"{prefix}-t-{k}", "")
    if choice != "#":
        return Term(key=choice or None)
    try:
        number = parse_number(form.get(f"{prefix}-n-{k}", ""))
    except ValueError as e:
        errors.append(f"{what}: talet i formeln {e}.")
        number = None
    return Term(number=number, pending=number is None)


def _chain(form, prefix, errors, what):
    if form.get(f"{prefix}-kept") and not form.get(f"{prefix}-rebuild"):
        return Chain(kept=form[f"{prefix}-kept"])
    terms, ops = [], []
    for k in range(MAX_TERMS):
        term = _term(form, prefix, k, errors, what)
        if term.empty:
            continue
        if terms:
            op = form.get(f"{prefix}-op-{k - 1}", "+")
            ops.append(op if op in OPERATORS else "+")
        terms.append(term)
    return Chain(terms, ops)


def _decimals(value):
    if value == CELLS:
        return CELLS
    return _int(value, 0, 4)


def _part(form, p, kinds, what, errors, **extra):
    """One row or column of the posted editor; ``extra`` names its own fields."""
    label = form.get(f"{p}-label", "").strip()
    kind = form.get(f"{p}-kind", "values")
    return Part(
        key=form.get(f"{p}-key", ""), auto_key=bool(form.get(f"{p}-auto")), label=label,
        kind=kind if kind in kinds else "values",
        chain=_chain(form, p, errors, f"{what} ”{label}”"),
        decimals=_decimals(form.get(f"{p}-decimals")), source=_int(form.get(f"{p}-source")),
        **extra)


def draft_from_form(posted):
    """The posted editor → Draft; faults in reading are kept in ``errors``."""
    # Titles and labels are one line each: a line break in a title reached e-mail.
    form = one_line_fields(posted, ("title", "unit", "unit_label"), ("-label", "-group", "-suffix"))
    draft = Draft(title=form.get("title", ""), unit=form.get("unit", ""),
                  chart=form.get("chart", ""), version=_int(form.get("version")),
                  unit_label=form.get("unit_label", "").strip(),
                  # A form without the box (not the editor's) leaves the title printed.
                  show_title=bool(form.get("show_title")) or not form.get("show_title-shown"))
    for i in range(_count(form, "r", MAX_ROWS)):
        draft.rows.append(_part(
            form, f"r-{i}", ROW_KINDS, "Raden", draft.errors,
            strong=bool(form.get(f"r-{i}-strong")), reported=bool(form.get(f"r-{i}-reported"))))
    for j in range(_count(form, "c", MAX_COLUMNS)):
        draft.columns.append(_part(
            form, f"c-{j}", COLUMN_KINDS, "Kolumnen", draft.errors,
            group=form.get(f"c-{j}-group", "").strip(), suffix=form.get(f"c-{j}-suffix", ""),
            width=form.get(f"c-{j}-width", "").strip(),
            merge_repeats=bool(form.get(f"c-{j}-merge"))))
    return draft
