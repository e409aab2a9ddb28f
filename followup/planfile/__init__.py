"""The plan file (``followup-plan/2``, and version 1 on import): parse, validate, read into
models, write back."""

import json
from decimal import Decimal

from followup.core import jsonin
from followup.core.faults import Fault, PlanFileError, json_path
from followup.core.texts import sanitized
from followup.planfile.limits import limit_faults
from followup.planfile.references import reference_faults
from followup.planfile.schema import schema_faults

__all__ = ["Fault", "PlanFileError", "parse", "validate"]


def parse(raw):
    """Text or bytes of a plan file → its JSON value; PlanFileError if it is not JSON."""
    try:
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        # A byte-order mark, as Windows editors save UTF-8, is no part of the JSON.
        raw = raw.removeprefix("\ufeff")
        # Numbers with a fraction are read as exact decimals: a table value 1.247 is
        # written back as 1.247. NaN, Infinity and numbers beyond the limits are faults
        # with their JSON path (jsonin).
        return jsonin.loads(raw, parse_float=Decimal)
    except jsonin.JsonInputError as e:
        raise PlanFileError([Fault(json_path(f.parts), f.message) for f in e.faults]) from None
    except UnicodeDecodeError as e:
        raise PlanFileError([Fault("$", f"filen är inte UTF-8 (byte {e.start})")]) from None
    except json.JSONDecodeError as e:
        raise PlanFileError(
            [Fault("$", f"ogiltig JSON på rad {e.lineno}, kolumn {e.colno}: {_reason(e.msg)}")]
        ) from None


_REASONS = {
    "Expecting value": "ett värde väntades",
    "Expecting ',' delimiter": "ett kommatecken väntades",
    "Expecting ':' delimiter": "ett kolon väntades",
    "Expecting property name enclosed in double quotes": "ett fältnamn inom citattecken väntades",
    "Unterminated string starting at": "en text slutar aldrig",
    "Extra data": "mer data efter dokumentets slut",
    "Invalid control character at": "otillåtet styrtecken",
    "Invalid \\escape": "ett omvänt snedstreck (\\) som inte är tillåtet i en text",
    "Invalid \\uXXXX escape": "ett \\u som inte följs av fyra hexadecimala siffror",
}


def _reason(msg):
    return _REASONS.get(msg, "här är filen inte giltig JSON")


def validate(data):
    """A plan file's JSON value → the same with its texts sanitised; PlanFileError if
    anything is wrong, with every fault and its JSON path."""
    faults = schema_faults(data)
    if faults:
        raise PlanFileError(faults)
    clean, faults = sanitized(data)
    faults += reference_faults(clean) + limit_faults(clean)
    if faults:
        raise PlanFileError(faults)
    return clean
