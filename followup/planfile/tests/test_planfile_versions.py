"""Version 1 of the plan file still imports (FORMAT.md, "Version 1"); export writes version 2."""

import json

import pytest

from followup.planfile import validate
from tests.fixtures import FIXTURES, load_json, snapshot
from tests.roundtrip import round_trip_differences

V1_FILES = sorted((FIXTURES / "v1").glob("*.json")) if (FIXTURES / "v1").is_dir() else []


def v1_params():
    if not V1_FILES:
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/fixtures/v1 saknas"))]
    return [pytest.param(p, id=f"v1-{p.stem}") for p in V1_FILES]


def plan_key(data):
    return f'{data["organisation"]["board_code"]}-{data["year"]}'


@pytest.mark.parametrize("path", v1_params())
def test_version_1_imports_and_exports_as_version_2(cli, ctx, path, tmp_path):
    original = load_json(path)
    assert original["format"] == "followup-plan/1"
    result = cli.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 0, result.stderr

    exported = json.loads(cli.invoke(args=["plan", "export", plan_key(original)]).stdout)
    assert exported["format"] == "followup-plan/2"
    # Everything else comes back as it was: version 2 only adds keys.
    assert round_trip_differences(original, exported) == [
        "$.format: 'followup-plan/1' blev 'followup-plan/2'"]
    validate(exported)

    # And the version-2 export is stable through a second round.
    first = cli.invoke(args=["plan", "export", plan_key(original)]).stdout
    again = tmp_path / "again.json"
    again.write_text(first, encoding="utf-8")
    assert cli.invoke(args=["plan", "import", "--replace", str(again)]).exit_code == 0
    assert cli.invoke(args=["plan", "export", plan_key(original)]).stdout == first


def _broken_v1(tmp_path, change):
    data = load_json(V1_FILES[0])
    expected = change(data)
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path, expected


def _since_in_v1(data):
    data["nodes"][0]["since"] = data["phases"][0]["key"]
    return "nodes[0].since: okänt fält (finns inte i formatet)"


def _slash_key_in_v1(data):
    data["nodes"][0]["key"] = "a/b"
    return 'nodes[0].key: "a/b" innehåller otillåtna tecken'


def _column_object_in_v1(data):
    table = data["tables"][0]
    table["columns"][0] = {"key": "a", "label": table["columns"][0]}
    return 'tables[0].columns[0]: ska vara en text, inte {"key": "a", "label": "' \
        + table["columns"][0]["label"][:40]


@pytest.mark.skipif(not V1_FILES, reason="../shared/fixtures/v1 saknas")
@pytest.mark.parametrize("change", [_since_in_v1, _slash_key_in_v1, _column_object_in_v1],
                         ids=["since", "slash-key", "column-object"])
def test_version_1_file_is_held_to_version_1_and_to_the_key_pattern(cli, ctx, tmp_path, change):
    path, expected = _broken_v1(tmp_path, change)
    before = snapshot()
    result = cli.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 1
    assert any(line.startswith(expected) for line in result.stderr.splitlines()), result.stderr
    assert snapshot() == before
