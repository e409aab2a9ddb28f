"""Formula rows of a table of figures: ``sum`` or arithmetic over earlier row keys.

Expressions are evaluated by simpleeval restricted to + - * / and parentheses;
nothing is ever passed to ``eval``. Figures and the numbers written in a formula
are exact decimals, so 0,1 + 0,2 is 0,3 and a sum is the sum of what was typed.
"""

import ast
import operator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import simpleeval

from followup.tables.exact import LIMIT, to_decimal

SUM = "sum"
_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


# The shapes a formula may have: numbers and row keys joined by + - * /.
_ALLOWED_NODES = (ast.Expr, ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load,
                  *_OPERATORS)


# Real formulas are a few keys and signs; a longer one can only nest deep enough to
# exhaust the evaluator.
MAX_LENGTH = 300


class FormulaError(ValueError):
    """A formula that cannot be used; the message is Swedish and names the fault."""


class _DecimalEval(simpleeval.SimpleEval):
    """Numbers written in a formula ("* 100", "/ 1,5") are read as exact decimals."""

    @staticmethod
    def _eval_constant(node):
        value = node.value
        if type(value) in (int, float):
            return Decimal(repr(value))
        return value


def _evaluator(names):
    return _DecimalEval(operators=_OPERATORS, functions={}, names=names)


def check(formula, earlier_keys, later_keys=(), what="rad"):
    """Raise FormulaError unless ``formula`` only uses + - * / over ``earlier_keys``.

    ``what`` is what the keys name: "rad" (a row formula, over the rows above it) or
    "kolumn" (a column formula, over the table's other columns).
    """
    if what == "rad" and formula.strip() == SUM:
        return
    if len(formula) > MAX_LENGTH:
        raise FormulaError(f"en formel får ha högst {MAX_LENGTH} tecken")
    shapes = (f'formeln "{formula}" får bara innehålla {what}nycklar, tal, + - * / '
              f'och parenteser')
    evaluator = _evaluator({key: Decimal(1) for key in earlier_keys})
    try:
        parsed = evaluator.parse(formula)
    except (SyntaxError, ValueError, RecursionError, MemoryError, simpleeval.InvalidExpression):
        # Empty, not Python, NUL, or nested deeper than the parser goes.
        raise FormulaError(f'"{formula}" är ingen giltig formel') from None
    _check_names(formula, parsed, earlier_keys, later_keys, what, shapes)
    try:
        evaluator.eval(formula, previously_parsed=parsed)
    except (ZeroDivisionError, InvalidOperation):
        pass  # the check uses 1 for every key; real figures decide
    except simpleeval.InvalidExpression:
        raise FormulaError(shapes) from None
    except (TypeError, ValueError, RecursionError, MemoryError):
        raise FormulaError(f'"{formula}" är ingen giltig formel') from None


def _check_names(formula, parsed, earlier_keys, later_keys, what, shapes):
    """FormulaError (``shapes`` its message) unless every node of ``parsed`` is a number,
    + - * / or a key in ``earlier_keys``."""
    for node in ast.walk(parsed):
        if not isinstance(node, _ALLOWED_NODES) or (
            isinstance(node, ast.Constant) and type(node.value) not in (int, float)
        ):
            raise FormulaError(shapes)
        if isinstance(node, ast.Constant) and not abs(node.value) <= LIMIT:
            # 1e999 is read as infinity, and printed "Infinity" in the board's document.
            raise FormulaError(f'formeln "{formula}" har ett tal som är större än en '
                               'biljard (10¹⁵)')
        if isinstance(node, ast.Name) and node.id not in earlier_keys:
            if node.id in later_keys:
                raise FormulaError(
                    f'formeln "{formula}" använder raden "{node.id}", som kommer senare i tabellen'
                )
            raise FormulaError(
                f'formeln "{formula}" använder "{node.id}", som inte är en {what} i tabellen')


def names_of(formula):
    """The keys a formula names; none where it cannot be read (``check`` says why)."""
    try:
        return names(formula)
    except SyntaxError:
        return set()


def column_order(computed):
    """Computed columns (key → formula) in an order where each comes after the computed
    columns it uses; FormulaError naming the columns that depend on each other."""
    order, state = [], {}

    def visit(key, trail):
        if state.get(key) == "done":
            return
        if state.get(key) == "visiting":
            cycle = trail[trail.index(key):] + [key]
            raise FormulaError("kolumnerna beror på varandra i en ring: " + " → ".join(cycle))
        state[key] = "visiting"
        for name in sorted(names_of(computed[key])):
            if name in computed:
                visit(name, trail + [key])
        state[key] = "done"
        order.append(key)

    for key in computed:
        visit(key, [])
    return order


@dataclass(frozen=True)
class Cell:
    """A computed figure: ``value`` is None when it cannot be computed, with ``note`` why."""

    value: Decimal | None
    note: str | None = None


DIVISION_BY_ZERO = "division med noll"


def evaluate(formula, row_values):
    """Evaluate an arithmetic formula for one column; ``row_values`` maps key → number or None."""
    if any(row_values.get(name) is None for name in names(formula)):
        return Cell(None)
    try:
        return Cell(_evaluator(dict(row_values)).eval(formula))
    except (ZeroDivisionError, InvalidOperation):  # x / 0, and 0 / 0
        return Cell(None, DIVISION_BY_ZERO)


def names(formula):
    return {n.id for n in ast.walk(ast.parse(formula, mode="eval")) if isinstance(n, ast.Name)}


def compute(rows, n_columns, columns=()):
    """Compute every formula row and formula column of a table.

    ``rows`` are objects with ``key``, ``formula`` and ``values``; ``columns`` (optional)
    objects with ``key`` and ``formula``, one a column. Returns one list of Cell per
    row: the computed figures, and for value cells the values themselves.

    A formula row sums or combines what the rows above it print: their reported
    values where they have them, else what was computed. A formula column combines,
    row by row, what the row's other cells print; where a row formula and a column
    formula meet, the column formula wins (a total's percentage is not a sum).
    """
    by_key = {c.key: j for j, c in enumerate(columns) if c.key}
    order = _formula_columns(columns, by_key)
    printed = {}  # row key → list of numbers/None, what each row prints
    block = []  # value rows since the previous formula row
    result = []
    for row in rows:
        cells = _row_cells(row, n_columns, block, printed)
        block = block + [row] if row.formula is None else []
        shown = [c.value for c in cells]
        if row.formula is not None and row.values:
            shown = [_column(row.values, i) for i in range(n_columns)]
        _apply_column_formulas(row, cells, shown, [(j, columns[j].formula) for j in order],
                               by_key)
        result.append(cells)
        if row.key:
            printed[row.key] = shown
    return result


def _formula_columns(columns, by_key):
    """The indexes of the formula columns, each after the formula columns it uses."""
    computed_columns = {c.key: c.formula for c in columns if c.key and c.formula}
    return [by_key[k] for k in column_order(computed_columns)] if computed_columns else []


def _apply_column_formulas(row, cells, shown, formula_columns, by_key):
    """Compute ``row``'s formula columns ((index, formula), in order) into ``cells``, and
    into ``shown`` where the row reports no figure of its own."""
    for j, formula in formula_columns:
        cells[j] = evaluate(formula, {k: shown[i] for k, i in by_key.items()})
        reported = _column(row.values, j)
        shown[j] = reported if reported is not None else cells[j].value


def _row_cells(row, n_columns, block, printed):
    """A row's cells before the formula columns: its values, the sum of ``block`` (the
    value rows since the previous formula row), or its formula over what the rows above
    print (``printed``)."""
    if row.formula is None:
        return [Cell(_column(row.values, i)) for i in range(n_columns)]
    if row.formula.strip() == SUM:
        return [Cell(_sum(_column(r.values, i) for r in block)) for i in range(n_columns)]
    return [evaluate(row.formula, {k: v[i] for k, v in printed.items()})
            for i in range(n_columns)]


def _column(values, i):
    return to_decimal(values[i]) if values and i < len(values) else None


def _sum(numbers):
    present = [n for n in numbers if n is not None]
    return sum(present) if present else None
