"""Broken plan files: a clear message with the JSON path, exit code 1, nothing changed.

Each broken variant is imported with --replace over the valid plan it was made
from, so "nothing changed" also proves that the old plan was not deleted.
"""

import json

import pytest
from sqlalchemy import select

from followup.demo import PLAN_FILE as DEMO_PLAN
from followup.extensions import db
from followup.models import Followup

from .conftest import LARGER_FIXTURE, load_json, snapshot

BASES = [pytest.param(DEMO_PLAN, id="demo")] + (
    [pytest.param(LARGER_FIXTURE, id=LARGER_FIXTURE.stem)] if LARGER_FIXTURE else []
)


def walk(nodes, path="nodes"):
    for i, node in enumerate(nodes):
        here = f"{path}[{i}]"
        yield here, node
        yield from walk(node["children"], here + ".children")


def first_scored_followup(data):
    """The first node whose type has a scale and that has a follow-up."""
    for path, node in walk(data["nodes"]):
        if data["node_types"][node["type"]]["scale"] and node["followups"]:
            phase = next(iter(node["followups"]))
            return path, node, phase
    raise AssertionError("no follow-up with a scale in the base file")


def unknown_level(data):
    path, node, phase = first_scored_followup(data)
    node["followups"][phase]["level"] = "klar"
    scale = data["node_types"][node["type"]]["scale"]
    return f'{path}.followups.{phase}.level: "klar" är ingen nivå i skalan "{scale}"'


def unknown_node_type(data):
    path, node = list(walk(data["nodes"]))[1]
    node["type"] = "delmal"
    return f'{path}.type: "delmal" är ingen nodtyp i "node_types"'


def duplicate_key(data):
    (first_path, first), (path, node) = list(walk(data["nodes"]))[:2]
    node["key"] = first["key"]
    return f'{path}.key: noden "{first["key"]}" finns redan ({first_path})'


def formula_on_later_row(data):
    for t, table in enumerate(data["tables"]):
        rows = table["rows"]
        for r, row in enumerate(rows[:-1]):
            if row.get("key") and rows[-1].get("key") and "values" in row:
                later = rows[-1]["key"]
                row["formula"] = f"{later} + 1"
                return (f'tables[{t}].rows[{r}].formula: formeln "{later} + 1" använder raden '
                        f'"{later}", som kommer senare i tabellen')
    raise AssertionError("no table to break")


def missing_title(data):
    path, node = list(walk(data["nodes"]))[2]
    del node["title"]
    return f"{path}.title: obligatoriskt fält saknas"


def wrong_format(data):
    data["format"] = "followup-plan/2"
    return 'format: ska vara "followup-plan/1", inte "followup-plan/2"'


def huge_comment(data):
    path, node, phase = first_scored_followup(data)
    node["followups"][phase]["comment"] = "<p>" + "x" * (5 * 1024 * 1024) + "</p>"
    return (f"{path}.followups.{phase}.comment: texten är 5\N{NO-BREAK SPACE}242\N{NO-BREAK SPACE}887 "
            f"tecken lång; högst 100\N{NO-BREAK SPACE}000 tillåts")


def unknown_unit(data):
    path, node = list(walk(data["nodes"]))[0]
    node["unit"] = "ekonomi"
    return f'{path}.unit: "ekonomi" är ingen enhet i "units"'


def appendix_names_missing_table(data):
    doc = data["documents"][0]
    doc["appendices"][0]["tables"] = ["finns-inte"]
    return 'documents[0].appendices[0].tables[0]: "finns-inte" är ingen tabell i "tables"'


def unknown_field(data):
    data["nodes"][0]["colour"] = "röd"
    return "nodes[0].colour: okänt fält (finns inte i formatet)"


def wrong_type(data):
    data["year"] = "2023"
    return 'year: ska vara ett heltal, inte "2023"'


def bad_date(data):
    data["documents"][0]["date"] = "5 februari 2024"
    return 'documents[0].date: "5 februari 2024" är inget datum (ÅÅÅÅ-MM-DD)'


VARIANTS = [unknown_level, unknown_node_type, duplicate_key, formula_on_later_row, missing_title,
            wrong_format, huge_comment, unknown_unit, appendix_names_missing_table, unknown_field,
            wrong_type, bad_date]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("break_it", VARIANTS, ids=lambda f: f.__name__)
def test_broken_file_is_refused_with_path_and_changes_nothing(cli, ctx, tmp_path, base, break_it):
    assert cli.invoke(args=["plan", "import", str(base)]).exit_code == 0
    data = load_json(base)
    expected = break_it(data)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = snapshot()

    result = cli.invoke(args=["plan", "import", "--replace", str(broken)])

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert expected in lines, result.stderr[:2000]
    assert lines[-1].startswith("Inget importerades: ")
    assert snapshot() == before


def test_every_fault_is_reported_not_just_the_first(cli, ctx, tmp_path):
    data = load_json(DEMO_PLAN)
    expected = [unknown_level(data), unknown_unit(data), formula_on_later_row(data)]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cli.invoke(args=["plan", "import", str(broken)])
    assert result.exit_code == 1
    for line in expected:
        assert line in result.stderr.splitlines()
    assert "Inget importerades: 3 fel" in result.stderr


@pytest.mark.parametrize("text, message", [
    ('{"format": "followup-plan/1",', "$: ogiltig JSON på rad 1, kolumn 30: "),
    ("", "$: ogiltig JSON på rad 1, kolumn 1: ett värde väntades"),
    ("[]", "$: ska vara ett objekt, inte []"),
])
def test_invalid_json_is_refused(cli, ctx, tmp_path, text, message):
    cli.invoke(args=["plan", "import", str(DEMO_PLAN)])
    before = snapshot()
    broken = tmp_path / "broken.json"
    broken.write_text(text, encoding="utf-8")
    result = cli.invoke(args=["plan", "import", "--replace", str(broken)])
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert snapshot() == before


def test_file_that_is_not_utf8_is_refused(cli, ctx, tmp_path):
    broken = tmp_path / "latin1.json"
    broken.write_bytes('{"format": "Förvaltning"}'.encode("latin-1"))
    result = cli.invoke(args=["plan", "import", str(broken)])
    assert result.exit_code == 1
    assert "$: filen är inte UTF-8" in result.stderr


def test_script_in_a_comment_is_removed_and_its_text_dropped(cli, ctx, tmp_path):
    data = load_json(DEMO_PLAN)
    path, node, phase = first_scored_followup(data)
    node["followups"][phase]["comment"] = (
        '<p onclick="steal()">Bra <script>alert("x")</script>jobbat'
        '<img src=x onerror="alert(1)"> <a href="javascript:alert(1)">läs mer</a></p>'
    )
    file = tmp_path / "hostile.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    result = cli.invoke(args=["plan", "import", str(file)])

    assert result.exit_code == 0, result.stderr
    stored = db.session.scalar(select(Followup.comment).where(Followup.comment.contains("jobbat")))
    assert stored == "<p>Bra jobbat läs mer</p>"
    exported = json.loads(cli.invoke(args=["plan", "export", "SOC-2026"]).stdout)
    assert "<script" not in json.dumps(exported) and "onerror" not in json.dumps(exported)
