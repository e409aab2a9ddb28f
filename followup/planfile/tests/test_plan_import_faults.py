"""Broken plan files: a clear message with the JSON path, exit code 1, nothing changed.

Each broken variant is imported with --replace over the valid plan it was made
from, so "nothing changed" also proves that the old plan was not deleted.
"""

import json

import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.demo import PLAN_FILE as DEMO_PLAN
from followup.followups.models.followup import Followup
from tests.fixtures import LARGER_FIXTURE, load_json, snapshot

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


def second_node_with(data, field, value):
    """The file's second node with ``field`` set to ``value``; returns its path."""
    path, node = list(walk(data["nodes"]))[1]
    node[field] = value
    return path


def unknown_node_type(data):
    path = second_node_with(data, "type", "delmal")
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
    data["format"] = "followup-plan/3"
    return 'format: ska vara "followup-plan/2", inte "followup-plan/3"'


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


def first_appendix(data, kind):
    for j, appendix in enumerate(data["documents"][0]["appendices"]):
        if appendix["kind"] == kind:
            return f"documents[0].appendices[{j}]", appendix
    raise AssertionError(f"no {kind} appendix in the base file")


def layout_names_unknown_type(data):
    path, appendix = first_appendix(data, "plan")
    appendix.setdefault("layout", {})["delmal"] = {"display": "row"}
    return f'{path}.layout.delmal: "delmal" är ingen nodtyp i "node_types" (och ingen grupp, "group:…")'


def layout_names_unknown_group(data):
    path, appendix = first_appendix(data, "plan")
    appendix.setdefault("layout", {})["group:Finns inte"] = {"display": "row"}
    return f'{path}.layout["group:Finns inte"]: ingen punkt i planen har gruppen "Finns inte"'


def layout_column_of_internal_control(data):
    path, appendix = first_appendix(data, "plan")
    type_key = appendix["node_types"][0]
    appendix.setdefault("layout", {})[type_key] = {
        "display": "row", "columns": [{"field": "title", "header": "Mål"},
                                      {"field": "risk", "header": "Risk"}]}
    return (f'{path}.layout.{type_key}.columns[1].field: "risk" kan inte visas här; välj ett av '
            'boards, children, comment, level, level_text, notes, number, number_title, '
            'responsible_boards, title, unit')


def control_columns_on_a_plan_appendix(data):
    path, appendix = first_appendix(data, "plan")
    appendix["phases"] = [data["phases"][0]["key"]]
    return f'{path}.phases: gäller bara delar av typen "internal_control"'


def _computed_columns(data, formula_of):
    table = data["tables"][0]
    n = len(table["columns"])
    table["columns"] = [{"key": f"k{i}", "label": f"Kolumn {i}"} for i in range(n)] + [
        {"key": "x", "label": "X", "formula": formula_of("x")},
        {"key": "y", "label": "Y", "formula": "x + 1"}]
    for row in table["rows"]:
        if row.get("values") is not None:
            row["values"] = row["values"] + [None, None]
        if isinstance(row.get("decimals"), list):
            row["decimals"] = row["decimals"] + [None, None]


def column_formula_on_unknown_column(data):
    _computed_columns(data, lambda key: "k0 - budget")
    return ('tables[0].columns[{}].formula: formeln "k0 - budget" använder "budget", som inte '
            'är en kolumn i tabellen').format(len(data["tables"][0]["columns"]) - 2)


def column_formula_on_itself(data):
    _computed_columns(data, lambda key: f"{key} * 2")
    return ('tables[0].columns[{}].formula: formeln "x * 2" använder sin egen kolumn "x"'
            .format(len(data["tables"][0]["columns"]) - 2))


def column_formulas_in_a_ring(data):
    _computed_columns(data, lambda key: "y - k0")
    return "tables[0].columns: kolumnerna beror på varandra i en ring: x → y → x"


def decimals_per_cell_miscounted(data):
    table = data["tables"][0]
    table["rows"][0]["decimals"] = [1]
    n = len(table["columns"])
    return f"tables[0].rows[0].decimals: 1 decimalangivelse men tabellen har {n} kolumner"


def values_miscounted(data):
    table = data["tables"][0]
    row = next(i for i, r in enumerate(table["rows"]) if r.get("values") is not None)
    table["rows"][row]["values"] = [1]
    n = len(table["columns"])
    return f"tables[0].rows[{row}].values: 1 värde men tabellen har {n} kolumner"


def since_names_no_phase(data):
    path = second_node_with(data, "since", "oktober")
    return f'{path}.since: "oktober" är ingen fas i "phases"'


def until_before_since(data):
    path, node = list(walk(data["nodes"]))[1]
    first, last = data["phases"][0]["key"], data["phases"][-1]["key"]
    node["since"], node["until"] = last, first
    return f'{path}.until: fasen "{first}" kommer före "{last}" (since)'


def chapter_of_unknown_kind(data):
    path, appendix = "documents[0].appendices[0]", data["documents"][0]["appendices"][0]
    appendix["chapters"] = [{"title": "Ekonomi", "kind": "economy"}]
    return (f'{path}.chapters[0].kind: "economy" är inte tillåtet; välj ett av "plan", '
            '"internal_control", "text", "tables"')


def key_with_a_slash(data):
    path, node = list(walk(data["nodes"]))[1]
    node["key"] = "../admin"
    return f'{path}.key: "../admin" innehåller otillåtna tecken'


def scale_key_with_a_quote(data):
    key = next(iter(data["scales"]))
    bad = key + '" onload="x'
    data["scales"] = {(bad if k == key else k): v for k, v in data["scales"].items()}
    for t in data["node_types"].values():
        if t["scale"] == key:
            t["scale"] = bad
    if (data.get("internal_control") or {}).get("scale") == key:
        data["internal_control"]["scale"] = bad
    return (f'scales["{key}\\" onload=\\"x"]: nyckeln "{bad}" innehåller otillåtna tecken; '
            'använd bokstäver a–z, siffror och - _ . (högst 80 tecken, först en bokstav eller siffra)')


VARIANTS = [unknown_level, unknown_node_type, duplicate_key, formula_on_later_row, missing_title,
            wrong_format, huge_comment, unknown_unit, appendix_names_missing_table, unknown_field,
            wrong_type, bad_date,
            # what version 2 added
            layout_names_unknown_type, layout_names_unknown_group,
            layout_column_of_internal_control, control_columns_on_a_plan_appendix,
            column_formula_on_unknown_column, column_formula_on_itself, column_formulas_in_a_ring,
            decimals_per_cell_miscounted, values_miscounted, since_names_no_phase, until_before_since,
            chapter_of_unknown_kind, key_with_a_slash, scale_key_with_a_quote]


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
    ('{"format": "a\\q"}', "$: ogiltig JSON på rad 1, kolumn 14: ett omvänt snedstreck (\\)"),
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


def test_a_text_longer_than_its_column_is_a_fault_with_its_path(cli, ctx, tmp_path):
    """The shared schema sets no length on a node's number or a board's code, but the
    columns do: PostgreSQL refused the import with a traceback, and SQLite kept a number
    that the structure editor then refused to save again."""
    from followup.planfile.limits import STORED_IN

    data = load_json(DEMO_PLAN)
    data["organisation"]["board_code"] = "S" * 41
    child = data["nodes"][0]["children"][0]
    child["number"] = "1" * 41
    data["tables"][0]["unit"] = "t" * 41
    data["documents"][0]["appendices"][0]["number"] = 3_000_000_000
    broken = tmp_path / "long.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = snapshot()
    result = cli.invoke(args=["plan", "import", str(broken)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "organisation.board_code: högst 40 tecken, inte 41" in result.stderr
    assert "nodes[0].children[0].number: högst 40 tecken, inte 41" in result.stderr
    assert "tables[0].unit: högst 40 tecken, inte 41" in result.stderr
    assert "documents[0].appendices[0].number: talet är för stort" in result.stderr
    assert snapshot() == before
    # Each limit is a column's own: a text column with a length, or an integer.
    for column in STORED_IN.values():
        assert getattr(column.type, "length", None) or column.type.python_type is int, column


def test_a_file_saved_with_a_byte_order_mark_is_read(cli, ctx, tmp_path):
    """Windows editors save UTF-8 with a byte-order mark; it was refused in English."""
    marked = tmp_path / "bom.json"
    marked.write_bytes(b"\xef\xbb\xbf" + DEMO_PLAN.read_bytes())
    result = cli.invoke(args=["plan", "import", str(marked)])
    assert result.exit_code == 0, result.stderr


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


def test_a_division_by_zero_imports_with_a_warning_that_names_the_cell(cli, ctx, tmp_path):
    """It was imported without a word, and the document printed an empty cell."""
    data = load_json(DEMO_PLAN)
    table = next(t for t in data["tables"] if t["key"] == "nyckeltal-hvb")
    days = next(r for r in table["rows"] if r["key"] == "dygn")
    days["values"][0] = 0
    path = tmp_path / "noll.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cli.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 0 and result.stdout.strip() == "SOC-2026"
    assert ('Varning: Placeringar av barn och unga i HVB: raden "Nettokostnad per vårddygn", '
            'kolumnen "Utfall jan–aug 2026": division med noll') in result.stderr.splitlines()
