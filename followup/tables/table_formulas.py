"""Formulas of tables as the compiler sees and builds them: picked rows or columns
and numbers joined by operators, said in words ("Kostnader − Intäkter"), never
as keys or syntax. ``followup.tables.formulas`` evaluates what this builds."""

import ast
from dataclasses import dataclass, field
from decimal import Decimal

from followup.core import formatting
from followup.tables.formulas import SUM

OPERATORS = {"+": "+", "-": "−", "*": "×", "/": "/"}  # formula → as shown
_AST_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


@dataclass
class Term:
    """A row or column (``key``), or a number written into the formula."""

    key: str | None = None
    number: Decimal | None = None
    pending: bool = False  # "a number" is picked and not yet written

    @property
    def empty(self):
        return self.key is None and self.number is None and not self.pending


@dataclass
class Chain:
    """``terms[0] ops[0] terms[1] …``, read with the usual precedence (× and / first).
    ``kept``: a formula from a plan file that is no plain chain (it has parentheses):
    shown in words and kept as it is unless the compiler builds a new one."""

    terms: list = field(default_factory=list)
    ops: list = field(default_factory=list)
    kept: str | None = None

    def formula(self):
        """The formula text, or None when no term is picked."""
        if self.kept:
            return self.kept
        if self.incomplete():
            return None
        parts = []
        for i, term in enumerate(self.terms):
            if i:
                parts.append(self.ops[i - 1])
            parts.append(term.key if term.key is not None else _number_text(term.number))
        return " ".join(parts) or None

    def incomplete(self):
        return any(t.pending for t in self.terms)

    def keys(self):
        if self.kept:
            return _names(self.kept)
        return {t.key for t in self.terms if t.key is not None}


def _number_text(number):
    text = str(number)
    return text if "E" not in text else f"{number:f}"


def _names(formula):
    return {n.id for n in ast.walk(ast.parse(formula, mode="eval")) if isinstance(n, ast.Name)}


def chain_of(formula):
    """A stored formula → Chain: a plain chain where the formula is one, else kept."""
    if not formula:
        return Chain()
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        return Chain(kept=formula)
    terms, ops = [], []

    def walk(node):
        if isinstance(node, ast.BinOp) and type(node.op) in _AST_OPERATORS:
            walk(node.left)
            ops.append(_AST_OPERATORS[type(node.op)])
            walk(node.right)
        elif isinstance(node, ast.Name):
            terms.append(Term(key=node.id))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            terms.append(Term(number=Decimal(repr(node.value))))
        else:
            raise ValueError

    try:
        walk(tree.body)
    except ValueError:
        return Chain(kept=formula)
    chain = Chain(terms, ops)
    # Flattened, "a - (b - c)" would read "a - b - c": such a formula is kept whole.
    if ast.dump(ast.parse(chain.formula(), mode="eval")) != ast.dump(tree):
        return Chain(kept=formula)
    return chain


def in_words(formula, labels):
    """A formula as the compiler reads it: "Summa av raderna ovan", "Kostnader −
    Intäkter", "(Budget + Tillskott) / Antal"; ``labels`` maps keys to labels."""
    if not formula:
        return ""
    if formula.strip() == SUM:
        return "Summa av raderna ovan"
    try:
        return _words(ast.parse(formula, mode="eval").body, labels, 0, False)
    except (SyntaxError, ValueError):
        return "en formel som inte kan läsas"


def _words(node, labels, outer, right):
    if isinstance(node, ast.BinOp) and type(node.op) in _AST_OPERATORS:
        op = _AST_OPERATORS[type(node.op)]
        level = _PRECEDENCE[op]
        text = (f"{_words(node.left, labels, level, False)} {OPERATORS[op]} "
                f"{_words(node.right, labels, level, True)}")
        return f"({text})" if level < outer or (right and level == outer) else text
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = "−" if isinstance(node.op, ast.USub) else ""
        return sign + _words(node.operand, labels, 3, False)
    if isinstance(node, ast.Name):
        return labels.get(node.id) or "(okänd)"
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        number = Decimal(repr(node.value))
        return formatting.number(number, max(0, -number.as_tuple().exponent))
    raise ValueError
