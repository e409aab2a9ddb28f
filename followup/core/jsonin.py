"""JSON from outside (API bodies, plan files), read within limits.

Python's reader accepts what the rest of the program cannot hold: nesting deep enough
to exhaust the stack, ``NaN`` and ``Infinity``, numbers of any size, lone UTF-16
surrogates (``"\\ud800"``, which no database stores) and NUL (which PostgreSQL refuses);
and an object that names a field twice, of which it silently keeps the last value.
Here each of those is a fault with its JSON path, found before anything uses the value.
"""

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal

MAX_DEPTH = 64  # a plan file's goal tree nests about 15 deep
MAX_NUMBER = 10**15  # no amount, count or key figure of a board comes near
# Decimals a number read exactly may have: "1e-99999999" is a short text whose digits
# would fill a page of 100 MB wherever it is printed in full.
MAX_DECIMALS = 10


@dataclass(frozen=True)
class JsonFault:
    parts: tuple  # the JSON path: keys and indexes
    message: str  # Swedish


class _Repeated(dict):
    """An object whose text names a field more than once: the names, to report them."""

    repeated = ()


def _object(pairs):
    """``object_pairs_hook``: the object, marked where a name came more than once."""
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    seen, repeated = set(), []
    for name, _ in pairs:
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    value = _Repeated(value)
    value.repeated = tuple(repeated)
    return value


class JsonInputError(ValueError):
    def __init__(self, faults):
        self.faults = list(faults)
        super().__init__("; ".join(f.message for f in self.faults))


def loads(text, max_depth=MAX_DEPTH, parse_float=None):
    """JSON text → its value. json.JSONDecodeError for what is not JSON, JsonInputError
    listing every value beyond the limits. ``parse_float``: e.g. Decimal, to keep digits."""
    try:
        # Integers of thousands of digits would be refused by int() with an error of its
        # own; as floats they become infinite and are reported with their path.
        value = json.loads(text, parse_int=lambda s: int(s) if len(s) <= 20 else float(s),
                           parse_float=parse_float, object_pairs_hook=_object)
    except RecursionError:
        raise JsonInputError([JsonFault((), f"för djupt nästlat; högst {max_depth} nivåer")]) \
            from None
    faults = faults_in(value, max_depth)
    if faults:
        raise JsonInputError(faults)
    return value


def faults_in(value, max_depth=MAX_DEPTH):
    """Every place in a JSON value that is beyond the limits (walked without recursion)."""
    faults = []
    stack = [(value, (), 1)]
    while stack:
        item, parts, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                faults.append(JsonFault(parts, f"för djupt nästlat; högst {max_depth} nivåer"))
                continue
            if isinstance(item, dict):
                for key in getattr(item, "repeated", ()):
                    faults.append(JsonFault(parts + (key,),
                                            "fältet finns mer än en gång i samma objekt"))
                for key, child in item.items():
                    problem = text_problem(key)
                    if problem:
                        faults.append(JsonFault(parts, f"ett fältnamn {problem}"))
                    else:
                        stack.append((child, parts + (key,), depth + 1))
            else:
                stack.extend((child, parts + (i,), depth + 1) for i, child in enumerate(item))
        elif isinstance(item, str):
            problem = text_problem(item)
            if problem:
                faults.append(JsonFault(parts, f"texten {problem}"))
        elif isinstance(item, (int, float, Decimal)) and not isinstance(item, bool):
            problem = number_problem(item)
            if problem:
                faults.append(JsonFault(parts, problem))
    return sorted(faults, key=lambda f: [str(p) for p in f.parts])


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(text):
    """Why a text cannot be stored (a lone surrogate, NUL), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if code == 0:
        return "innehåller tecknet NUL (U+0000), som inte får förekomma"
    return f"innehåller ett ensamt surrogattecken (U+{code:04X}), som inte är text"


def number_problem(number):
    """Why a number is refused (not finite, beyond ±10^15, more decimals than figures
    may have), or None."""
    if isinstance(number, (float, Decimal)) and not math.isfinite(number):
        return "talet är inte ändligt (för stort, NaN eller Infinity)"
    if abs(number) > MAX_NUMBER:
        return "talet är för stort; högst 10^15 till beloppet"
    if isinstance(number, Decimal) and -number.as_tuple().exponent > MAX_DECIMALS:
        return f"talet har för många decimaler; högst {MAX_DECIMALS}"
    return None


def escaped(text):
    """A text safe to print or show: surrogates and control characters as \\uXXXX."""
    return "".join(
        f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF else ch
        for ch in text)
