"""Validation against the plan file's schema, with the faults said in Swedish.

``followup-plan.schema.json`` is version 2, a copy of the shared contract. A version-1
file is checked against ``followup-plan-1.schema.json``, with version 2's pattern for
keys: keys end up in URLs and element ids, whatever the file's version.
"""

import json
from functools import cache
from pathlib import Path

from followup.core.faults import Fault, json_path

SCHEMA_PATH = Path(__file__).with_name("followup-plan.schema.json")
VERSION_1_SCHEMA_PATH = Path(__file__).with_name("followup-plan-1.schema.json")
FORMAT = "followup-plan/2"
VERSION_1 = "followup-plan/1"

_TYPE_NAMES = {
    "string": "en text",
    "integer": "ett heltal",
    "number": "ett tal",
    "object": "ett objekt",
    "array": "en lista",
    "boolean": "true eller false",
    "null": "null",
}


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def validator(version=FORMAT):
    schema = _load(SCHEMA_PATH)
    if version == VERSION_1:
        key_pattern = schema["$defs"]["key"]["pattern"]
        schema = _load(VERSION_1_SCHEMA_PATH)
        schema["$defs"]["key"]["pattern"] = key_pattern
    # Imported on first use: the app starts without reading a plan file.
    from jsonschema import Draft202012Validator, FormatChecker

    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def file_version(data):
    """The version a file is read as: version 1 when it says so, else the current one."""
    return VERSION_1 if isinstance(data, dict) and data.get("format") == VERSION_1 else FORMAT


def schema_faults(data):
    faults = [_fault(e) for e in validator(file_version(data)).iter_errors(data)]
    return sorted(set(faults), key=lambda f: f.path)


def _fault(error):
    path = list(error.absolute_path)
    value, arg = error.instance, error.validator_value
    kind = error.validator
    if kind in ("oneOf", "anyOf") and error.context:
        return _alternatives(error, path)
    if kind == "required":
        missing = [k for k in arg if k not in value]
        return Fault(json_path(path + missing[:1]), "obligatoriskt fält saknas")
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        return Fault(json_path(path + extra[:1]), "okänt fält (finns inte i formatet)")
    return Fault(json_path(path), _message(kind, value, arg, error))


def _alternatives(error, path):
    """A value that fits none of several shapes: the fault of the shape whose type it
    has (a key with a bad character), else the types it may have."""
    specific = [e for e in error.context if e.validator != "type"]
    if specific:
        from jsonschema.exceptions import best_match

        return _fault(best_match(specific))
    wanted = []
    for e in error.context:
        for t in e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]:
            if t not in wanted:
                wanted.append(t)
    return Fault(json_path(path), _message("type", error.instance, wanted, error))


def _message(kind, value, arg, error):
    """The Swedish message for a failed ``kind`` of check (``arg``: what the schema asks
    for), else the validator's own."""
    words = _MESSAGES.get(kind)
    return (words(_show(value), arg) if words else None) or error.message


def _type_message(shown, arg):
    wanted = arg if isinstance(arg, list) else [arg]
    return f"ska vara {' eller '.join(_TYPE_NAMES.get(t, t) for t in wanted)}, inte {shown}"


def _bound(words):
    """A number's bound: "{shown} är för litet; minst {arg}" and the like."""
    return lambda shown, arg: f"{shown} {words} {arg}"


_MESSAGES = {
    "type": _type_message,
    "const": lambda shown, arg: f"ska vara {_show(arg)}, inte {shown}",
    "enum": lambda shown, arg: (f"{shown} är inte tillåtet; välj ett av "
                                f"{', '.join(_show(a) for a in arg)}"),
    "minLength": lambda shown, arg: ("får inte vara tom" if arg == 1
                                     else f"ska ha minst {arg} tecken"),
    "maxLength": lambda shown, arg: f"får ha högst {arg} tecken",
    "minimum": _bound("är för litet; minst"),
    "maximum": _bound("är för stort; högst"),
    "exclusiveMinimum": _bound("är för litet; mer än"),
    "exclusiveMaximum": _bound("är för stort; mindre än"),
    "minItems": lambda shown, arg: f"ska ha minst {arg} element",
    "pattern": lambda shown, arg: f"{shown} innehåller otillåtna tecken",
    "format": lambda shown, arg: (f"{shown} är inget datum (ÅÅÅÅ-MM-DD)" if arg == "date"
                                  else None),
}


def _show(value):
    text = json.dumps(value, ensure_ascii=False, default=str)  # default: a Decimal figure
    return text if len(text) <= 60 else text[:57] + "…"
