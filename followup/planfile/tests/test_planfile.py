"""The plan file's schema copy and the round-trip rule used by the import/export tests."""

import json

import pytest

from followup.planfile.schema import SCHEMA_PATH
from tests.fixtures import SHARED
from tests.roundtrip import round_trip_differences

SHARED_SCHEMA = SHARED / "followup-plan.schema.json"


def test_the_key_rule_of_forms_is_the_schemas():
    """Keys typed in the browser (core.inputs) follow the same rule as the plan file's."""
    from followup.core.inputs import KEY_MAX, KEY_PATTERN

    key = json.loads(SCHEMA_PATH.read_text())["$defs"]["key"]
    assert (key["pattern"], key["maxLength"]) == (KEY_PATTERN.pattern, KEY_MAX)


@pytest.mark.skipif(not SHARED_SCHEMA.exists(), reason="../shared saknas")
def test_schema_copy_equals_the_shared_contract():
    assert json.loads(SCHEMA_PATH.read_text()) == json.loads(SHARED_SCHEMA.read_text())


@pytest.mark.parametrize("original, exported, expected", [
    ({"a": 1, "b": [1, 2]}, {"a": 1, "b": [1, 2]}, []),
    ({"a": 1}, {"a": 1, "b": None, "c": [], "d": {}, "e": False}, []),
    ({"a": 1}, {"a": 1, "b": 0}, ["$.b: tillagt med 0"]),
    ({"a": 1, "b": 2}, {"a": 1}, ["$.b: saknas i exporten"]),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}, ["$: annan ordning på fälten"]),
    ({"a": [1, 2]}, {"a": [1]}, ["$.a: 2 element blev 1"]),
    ({"a": "x"}, {"a": "y"}, ["$.a: 'x' blev 'y'"]),
    ({"a": 5}, {"a": 5.0}, []),
    ({"a": None}, {"a": False}, ["$.a: None blev False"]),
    ({"a": "1"}, {"a": 1}, ["$.a: '1' blev 1"]),
])
def test_round_trip_rule(original, exported, expected):
    assert round_trip_differences(original, exported) == expected
