"""Reading what a user typed into a form: trimmed text within limits, lines,
ISO dates, and moving an item among its ordered siblings. Faults are Invalid
with a Swedish message that names the field."""

import re
from datetime import date

from followup.core.errors import Invalid

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A key as the plan file allows it ($defs.key of followup-plan.schema.json, held to it by
# followup/planfile/tests/test_planfile.py): keys become parts of addresses and element
# ids, so nothing else gets in.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
KEY_MAX = 80
KEY_RULE = ("får bara innehålla bokstäver a–z och A–Z, siffror och - _ . och ska börja "
            "med en bokstav eller siffra (högst 80 tecken)")


def is_key(value):
    return isinstance(value, str) and len(value) <= KEY_MAX and KEY_PATTERN.match(value) is not None


def key(value, what):
    """A key typed into a form, trimmed, or Invalid with the rule."""
    value = (value or "").strip()
    if not value:
        raise Invalid(f"{what} får inte vara tom.")
    if not is_key(value):
        raise Invalid(f"{what} ”{value[:80]}” {KEY_RULE}.")
    return value


def text(value, what, limit=2000, required=False, field=None):
    value = (value or "").strip()
    if required and not value:
        raise Invalid(f"{what} saknas.", field)
    if len(value) > limit:
        raise Invalid(f"{what} får ha högst {limit} tecken.", field)
    return value or None


def lines(value):
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def iso_date(value, what, field=None):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    value = value.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        if ISO_DATE.fullmatch(value):
            raise Invalid(f"{what}: {value} finns inte i kalendern.", field) from None
        raise Invalid(f"{what} ska skrivas ÅÅÅÅ-MM-DD, till exempel 2027-01-15.",
                      field) from None


def reorder(items, item, offset):
    """Move ``item`` ``offset`` places among ``items`` (by ``position``) and renumber."""
    items = sorted(items, key=lambda x: x.position)
    i = items.index(item)
    j = i + offset
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
    for position, x in enumerate(items):
        x.position = position
