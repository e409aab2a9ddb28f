"""Figures of tables as exact decimals, and the limits every figure keeps.

A figure is a ``decimal.Decimal`` with the digits it was typed or imported with.
Everywhere a figure enters (the grid, Excel, the API, a plan file) it is finite
and lies within ±10^15 (FORMAT.md), so that charts, documents and exports can
always print it.
"""

import re
from decimal import Decimal, InvalidOperation

from followup.core import jsonin

LIMIT = Decimal(10) ** 15
LIMIT_TEXT = "1 000 000 000 000 000"
MAX_DECIMALS = jsonin.MAX_DECIMALS
# A figure as text: ASCII digits only. Python's Decimal() and int() also read the digits
# of every other script ("١٢٣", "１２３" are 123 to them), which no one here types as a
# figure and no document prints back the same.
_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def to_decimal(value):
    """A figure as stored or given → Decimal (None stays None). A float is read by
    its shortest repr, the digits it was written with."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a figure is a number, not true or false")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and not _ASCII_NUMBER.fullmatch(value):
        raise ValueError(f"”{value[:40]}” är inget tal (bara siffrorna 0–9)")
    return Decimal(value)


def fault(value):
    """Why ``value`` (a Decimal) cannot be a figure, in Swedish; None when it can."""
    try:
        if not value.is_finite():
            return "är inget ändligt tal"
        if abs(value) > LIMIT:
            return f"är för stort; tal får vara högst {LIMIT_TEXT} till beloppet"
        if -value.as_tuple().exponent > MAX_DECIMALS:
            return f"har för många decimaler (högst {MAX_DECIMALS})"
    except InvalidOperation:
        return "är inget ändligt tal"
    return None
