"""Formula rows of a table of figures: ``sum`` or arithmetic over earlier row keys.

Expressions are evaluated by simpleeval restricted to + - * / and parentheses;
nothing is ever passed to ``eval``.
"""

import ast
import operator
from dataclasses import dataclass

import simpleeval

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


class FormulaError(ValueError):
    """A formula that cannot be used; the message is Swedish and names the fault."""


def _evaluator(names):
    return simpleeval.SimpleEval(operators=_OPERATORS, functions={}, names=names)


def check(formula, earlier_keys, later_keys=()):
    """Raise FormulaError unless ``formula`` only uses + - * / over ``earlier_keys``."""
    if formula.strip() == SUM:
        return
    evaluator = _evaluator({key: 1.0 for key in earlier_keys})
    try:
        parsed = evaluator.parse(formula)
    except SyntaxError:
        raise FormulaError(f'"{formula}" är ingen giltig formel') from None
    for node in ast.walk(parsed):
        if not isinstance(node, _ALLOWED_NODES) or (
            isinstance(node, ast.Constant) and type(node.value) not in (int, float)
        ):
            raise FormulaError(
                f'formeln "{formula}" får bara innehålla radnycklar, tal, + - * / och parenteser'
            )
        if isinstance(node, ast.Name) and node.id not in earlier_keys:
            if node.id in later_keys:
                raise FormulaError(
                    f'formeln "{formula}" använder raden "{node.id}", som kommer senare i tabellen'
                )
            raise FormulaError(f'formeln "{formula}" använder "{node.id}", som inte är en rad i tabellen')
    try:
        evaluator.eval(formula, previously_parsed=parsed)
    except ZeroDivisionError:
        pass  # the check uses 1 for every row; real figures decide
    except simpleeval.InvalidExpression:
        raise FormulaError(
            f'formeln "{formula}" får bara innehålla radnycklar, tal, + - * / och parenteser'
        ) from None
    except (TypeError, ValueError):
        raise FormulaError(f'"{formula}" är ingen giltig formel') from None


@dataclass(frozen=True)
class Cell:
    """A computed figure: ``value`` is None when it cannot be computed, with ``note`` why."""

    value: float | None
    note: str | None = None


DIVISION_BY_ZERO = "division med noll"


def evaluate(formula, row_values):
    """Evaluate an arithmetic formula for one column; ``row_values`` maps key → number or None."""
    if any(row_values.get(name) is None for name in names(formula)):
        return Cell(None)
    try:
        return Cell(_evaluator(dict(row_values)).eval(formula))
    except ZeroDivisionError:
        return Cell(None, DIVISION_BY_ZERO)


def names(formula):
    return {n.id for n in ast.walk(ast.parse(formula, mode="eval")) if isinstance(n, ast.Name)}


def compute(rows, n_columns):
    """Compute every formula row of a table.

    ``rows`` are objects with ``key``, ``formula`` and ``values``. Returns one list
    of Cell per row (the computed figures; for value rows, the values themselves).
    A formula row sums or combines what the rows above it print: their reported
    values where they have them, else what was computed.
    """
    printed = {}  # key → list of numbers/None, what each row prints
    block = []  # value rows since the previous formula row
    result = []
    for row in rows:
        if row.formula is None:
            cells = [Cell(_column(row.values, i)) for i in range(n_columns)]
            block.append(row)
        elif row.formula.strip() == SUM:
            cells = [Cell(_sum(_column(r.values, i) for r in block)) for i in range(n_columns)]
            block = []
        else:
            cells = [
                evaluate(row.formula, {k: v[i] for k, v in printed.items()})
                for i in range(n_columns)
            ]
            block = []
        result.append(cells)
        if row.key:
            shown = [c.value for c in cells]
            if row.formula is not None and row.values:
                shown = [_column(row.values, i) for i in range(n_columns)]
            printed[row.key] = shown
    return result


def _column(values, i):
    return values[i] if values and i < len(values) else None


def _sum(numbers):
    present = [n for n in numbers if n is not None]
    return sum(present) if present else None
