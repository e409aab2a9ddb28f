"""Validation against ``followup-plan.schema.json``, with the faults said in Swedish."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from .faults import Fault, json_path

SCHEMA_PATH = Path(__file__).with_name("followup-plan.schema.json")

_TYPE_NAMES = {
    "string": "en text",
    "integer": "ett heltal",
    "number": "ett tal",
    "object": "ett objekt",
    "array": "en lista",
    "boolean": "true eller false",
    "null": "null",
}


@cache
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_faults(data):
    faults = [_fault(e) for e in validator().iter_errors(data)]
    return sorted(set(faults), key=lambda f: f.path)


def _fault(error):
    path = list(error.absolute_path)
    value, arg = error.instance, error.validator_value
    kind = error.validator
    if kind == "required":
        missing = [k for k in arg if k not in value]
        return Fault(json_path(path + missing[:1]), "obligatoriskt fält saknas")
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        return Fault(json_path(path + extra[:1]), "okänt fält (finns inte i formatet)")
    return Fault(json_path(path), _message(kind, value, arg, error))


def _message(kind, value, arg, error):
    shown = _show(value)
    if kind == "type":
        wanted = arg if isinstance(arg, list) else [arg]
        names = " eller ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        return f"ska vara {names}, inte {shown}"
    if kind == "const":
        return f"ska vara {_show(arg)}, inte {shown}"
    if kind == "enum":
        return f"{shown} är inte tillåtet; välj ett av {', '.join(_show(a) for a in arg)}"
    if kind == "minLength":
        return "får inte vara tom" if arg == 1 else f"ska ha minst {arg} tecken"
    if kind == "maxLength":
        return f"får ha högst {arg} tecken"
    if kind == "minimum":
        return f"{shown} är för litet; minst {arg}"
    if kind == "maximum":
        return f"{shown} är för stort; högst {arg}"
    if kind == "minItems":
        return f"ska ha minst {arg} element"
    if kind == "pattern":
        return f"{shown} innehåller otillåtna tecken"
    if kind == "format" and arg == "date":
        return f"{shown} är inget datum (ÅÅÅÅ-MM-DD)"
    return error.message


def _show(value):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"
