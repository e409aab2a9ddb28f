"""Swedish formatting of numbers and times: the one place that decides how they print.

Numbers: space as thousands separator, comma as decimal sign, hyphen-minus
("176 017", "-3", "5,0"). Dates: ISO ("2024-02-05"). Times: Swedish local time.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
THIN_GROUP = "\N{NO-BREAK SPACE}"  # keeps "176 017" on one line
# From 10^30 on a number prints as "1,23×10³⁰": no table holds such a figure, and
# its digits in full would fill the page.
HUGE_DIGITS = 30
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(value, decimals=0):
    """Rounded half away from zero, as finance staff round: 187,25 → 187,3; −0,45 → −0,5
    (Python's own formatting rounds half to even, and a float's binary value)."""
    if value is None:
        return ""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if not exact.is_finite():
        return "–"
    if exact.adjusted() >= HUGE_DIGITS:  # a formula's product, say: bounded, and said
        mantissa, exponent = f"{exact:.2E}".split("E+")
        return f"{mantissa.replace('.', ',')}\N{MULTIPLICATION SIGN}10{exponent.translate(_SUPERSCRIPT)}"
    with localcontext() as context:  # a value of over 28 digits would not round
        context.prec = max(context.prec, exact.adjusted() + decimals + 2)
        exact = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # "-0" prints as "0"
    return text.replace(",", THIN_GROUP).replace(".", ",")


def iso_date(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(STOCKHOLM).date()
    return value.isoformat()


MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")


def long_date(value):
    """"5 februari 2024", as a memo's list of appendices writes its own date."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def local_time(value):
    """A timestamp as Swedish local time: "2026-11-22 14:05"."""
    if value is None:
        return ""
    return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def days_left(deadline, today=None):
    """Swedish words for how far a deadline is: "i dag", "om 3 dagar", "för 2 dagar sedan"."""
    if deadline is None:
        return ""
    today = today or date.today()
    days = (deadline - today).days
    if days == 0:
        return "i dag"
    if days == 1:
        return "i morgon"
    if days > 0:
        return f"om {days} dagar"
    if days == -1:
        return "i går"
    return f"för {-days} dagar sedan"


def count(n, one, many):
    """"1 uppföljning", "3 uppföljningar": a number with the noun (and any adjective)
    in the form Swedish gives it, ``one`` for exactly one and ``many`` otherwise."""
    return f"{number(n)} {one if n == 1 else many}"


def in_sentence(text):
    """A name as it reads inside a sentence: "Delårsbokslut per augusti" → "delårsbokslut
    per augusti". Only a first word written as an ordinary word (a capital, then small
    letters) loses its capital: "KFN i Älvby", "T2 Älvby" and the rest of the name stay
    as the plan wrote them."""
    if not text:
        return text
    first = text.split(maxsplit=1)[0]
    if first[0].isupper() and (len(first) == 1 or first[1:].isalpha() and first[1:].islower()):
        return text[0].lower() + text[1:]
    return text


# Å, Ä and Ö come after Z in Swedish; in Unicode's order Ä comes before Å.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}",
                                "é": "e", "è": "e", "ü": "y"})


def swedish_key(text):
    """A sort key that puts names in Swedish alphabetical order: "Arbetsmarknadsnämnden",
    "Utbildningsnämnden", "Äldrenämnden", "Överförmyndarnämnden"."""
    return text.casefold().translate(_SWEDISH_ORDER)
