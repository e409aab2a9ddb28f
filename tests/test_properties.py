"""Property tests (Hypothesis): the plan-file reader, the Swedish number parser and the
formula evaluator, fed what a person or a file could send.

The budget is bounded and the examples reproducible (derandomize): FOLLOWUP_HYPOTHESIS_
EXAMPLES per property (default 300; the ones that import into the database take a tenth).
"""

import json
import math
import numbers
import os
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup import demo as demo_data
from followup import planfile
from followup.core import formatting, jsonin
from followup.core.extensions import db
from followup.planfile import transfer
from followup.tables import formulas
from followup.tables.tables import parse_number

EXAMPLES = int(os.environ.get("FOLLOWUP_HYPOTHESIS_EXAMPLES", "300"))
FAST = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
SLOW = settings(max_examples=max(10, EXAMPLES // 10), deadline=None, derandomize=True,
                database=None, suppress_health_check=list(HealthCheck))

DEMO = json.loads(demo_data.PLAN_FILE.read_text(encoding="utf-8"))

# JSON values, with the texts a file could hold: any code point, lone surrogates too.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text(st.characters(codec=None, exclude_categories=())),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=20)


# The plan-file reader ------------------------------------------------------------------

@FAST
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_with_faults(raw):
    try:
        value = planfile.parse(raw)
    except planfile.PlanFileError as e:
        assert e.faults and all(str(f) for f in e.faults)
        return
    assert jsonin.faults_in(value) == []


@FAST
@given(json_values)
def test_any_json_value_is_validated_or_refused_with_faults(value):
    text = json.dumps(value)  # ensure_ascii: surrogates travel as \\udxxx, as in a file
    try:
        planfile.validate(planfile.parse(text))
    except planfile.PlanFileError as e:
        assert e.faults
        for fault in e.faults:
            str(fault).encode("utf-8")  # printable: no lone surrogate reaches the terminal


@FAST
@given(st.integers(min_value=1, max_value=200))
def test_nesting_of_any_depth_is_refused_without_a_crash(depth):
    text = "[" * depth + "]" * depth
    try:
        planfile.parse(text)
    except planfile.PlanFileError as e:
        assert depth > jsonin.MAX_DEPTH and "djupt" in str(e)
    else:
        assert depth <= jsonin.MAX_DEPTH


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path


LEAVES = list(_leaves(DEMO))


def _replaced(path, new):
    data = json.loads(json.dumps(DEMO))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return data


@SLOW
@given(st.sampled_from(LEAVES), json_values)
def test_a_plan_with_any_one_value_changed_imports_whole_or_not_at_all(ctx, path, new):
    """Every file the reader accepts imports and exports again; every other is refused
    with faults and leaves the database empty."""
    data = _replaced(path, new)
    try:
        plan = transfer.import_plan(json.dumps(data).encode())
    except planfile.PlanFileError as e:
        assert e.faults
        assert db.session.scalar(db.select(db.func.count()).select_from(
            db.metadata.tables["plan"])) == 0
        return
    try:
        exported = transfer.export_plan(plan.key)
        json.loads(transfer.dump(exported))  # valid JSON: no NaN or Infinity written
        assert planfile.validate(planfile.parse(transfer.dump(exported)))
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


# The Swedish number parser -------------------------------------------------------------

@FAST
@given(st.text(max_size=40))
def test_any_text_is_a_number_blank_or_a_swedish_refusal(text):
    try:
        value = parse_number(text)
    except ValueError as e:
        assert str(e)  # a message for the cell
        return
    assert value is None or isinstance(value, numbers.Number)
    if value is not None:
        assert math.isfinite(float(value))


@FAST
@given(st.integers(min_value=-10**12, max_value=10**12))
def test_an_integer_printed_the_swedish_way_reads_back(n):
    assert parse_number(formatting.number(n)) == n
    assert parse_number(formatting.number(n).replace("\N{NO-BREAK SPACE}", " ")) == n
    assert parse_number(str(n).replace("-", "\u2212")) == n


@FAST
@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=1, max_value=4))
def test_a_decimal_printed_the_swedish_way_reads_back(hundreds, decimals):
    x = hundreds / 10**decimals
    value = parse_number(formatting.number(x, decimals))
    assert abs(float(value) - x) < 10**-decimals


@FAST
@given(st.from_regex(r"\A-?\d{1,6}\.\d{1,3}\Z"))
def test_a_decimal_point_is_refused_with_the_reason(text):
    _refused(text, "decimalkomma")


@FAST
@given(st.text(st.characters(categories=("Nd",)), min_size=1, max_size=12)
       .filter(lambda t: not t.isascii()))
def test_digits_of_other_scripts_are_never_a_figure(text):
    """re's \\d, int() and Decimal() read "١٢٣" and "１٢٣" as 123; a figure is 0–9 only."""
    _refused(text, "är inget tal")


def _refused(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_number(text)


# One-line texts and e-mail subjects ----------------------------------------------------

@FAST
@given(st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=120))
def test_a_single_line_text_has_no_control_characters_left(text):
    from followup.core.texts import single_line

    line = single_line(text)
    assert not any(ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or ch in "\u2028\u2029"
                   for ch in line)
    assert single_line(line) == line


@FAST
@given(st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=300))
def test_any_subject_is_encoded_on_lines_that_read_back_whole(text):
    """Folded between words within 78 characters a line, read back word for word."""
    from email import message_from_string, policy

    from followup.core.texts import single_line
    from followup.notify.mailer import encode_subject

    encoded = encode_subject(text)
    assert encoded.isascii()
    lines = ("Subject: " + encoded).split("\r\n")
    assert all(len(line) <= 78 for line in lines)
    assert all(line.startswith(" ") and line.strip() for line in lines[1:])
    words = [w for w in (single_line(text) or "").split(" ") if w]
    parsed = message_from_string("Subject: " + encoded + "\r\n\r\n", policy=policy.default)
    assert str(parsed["Subject"] or "") == " ".join(words)


# The formula evaluator -----------------------------------------------------------------

KEYS = ["a", "b", "c", "kost", "int"]
VALUES = st.integers(min_value=-10**6, max_value=10**6)


@st.composite
def expressions(draw, depth=0):
    """(formula text, exact value as a Fraction or None for a division by zero)."""
    if depth >= 3 or draw(st.booleans()):
        if draw(st.booleans()):
            key = draw(st.sampled_from(KEYS))
            return key, ("name", key)
        n = draw(st.integers(min_value=0, max_value=1000))
        return str(n), ("num", n)
    kind = draw(st.sampled_from(["+", "-", "*", "/", "neg", "()"]))
    left = draw(expressions(depth=depth + 1))
    if kind == "neg":
        return f"-({left[0]})", ("neg", left[1])
    if kind == "()":
        return f"({left[0]})", left[1]
    right = draw(expressions(depth=depth + 1))
    return f"({left[0]}) {kind} ({right[0]})", (kind, left[1], right[1])


def exact(tree, values):
    kind = tree[0]
    if kind == "name":
        return Fraction(values[tree[1]])
    if kind == "num":
        return Fraction(tree[1])
    if kind == "neg":
        inner = exact(tree[1], values)
        return None if inner is None else -inner
    left, right = exact(tree[1], values), exact(tree[2], values)
    if left is None or right is None:
        return None
    if kind == "/":
        return None if right == 0 else left / right
    return {"+": left + right, "-": left - right, "*": left * right}[kind]


@FAST
@given(expressions(), st.fixed_dictionaries({k: VALUES for k in KEYS}))
def test_a_formula_computes_what_arithmetic_says(expression, values):
    text, tree = expression
    formulas.check(text, KEYS)
    cell = formulas.evaluate(text, values)
    expected = exact(tree, values)
    if expected is None:
        assert cell.value is None and cell.note == formulas.DIVISION_BY_ZERO
    elif cell.value is not None:
        assert math.isclose(cell.value, float(expected), rel_tol=1e-9, abs_tol=1e-6)
    else:  # a division by something that rounds to zero in floating point
        assert cell.note == formulas.DIVISION_BY_ZERO


@FAST
@given(st.text(max_size=30), st.lists(st.sampled_from(KEYS), max_size=3))
def test_any_text_as_a_formula_is_checked_or_refused_in_swedish(text, earlier):
    try:
        formulas.check(text, earlier)
    except formulas.FormulaError as e:
        assert str(e)


@FAST
@given(st.lists(st.lists(st.one_of(st.none(), VALUES), min_size=2, max_size=2),
                min_size=1, max_size=6))
def test_a_sum_row_is_the_sum_of_the_value_rows_above_it(rows):
    from types import SimpleNamespace as Row

    table = [Row(key=f"r{i}", formula=None, values=v) for i, v in enumerate(rows)]
    table.append(Row(key="tot", formula="sum", values=None))
    total = formulas.compute(table, 2)[-1]
    for column in range(2):
        present = [r[column] for r in rows if r[column] is not None]
        assert total[column].value == (sum(present) if present else None)


@FAST
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["(", "-", "+"]))
def test_deeply_nested_formulas_are_checked_or_refused_not_a_crash(depth, opener):
    closer = ")" if opener == "(" else ""
    try:
        formulas.check(opener * depth + "a" + closer * depth, ["a"])
    except formulas.FormulaError as e:
        assert "formel" in str(e)
