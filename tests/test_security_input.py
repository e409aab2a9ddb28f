"""Input that used to crash the server or the command line (issue 9): deep nesting, lone
surrogates, NUL, numbers beyond ±10^15, math text in a chart label, a query parameter
that collides with a route's own, and files the CLI must report without a traceback."""

import json

import pytest

from followup import demo as demo_data
from followup.core.extensions import db
from followup.people import tokens
from tests.fixtures import snapshot

BASE = "/api/plans/SOC-2026/phases/december/followups"


@pytest.fixture
def sara_api(demo):
    headers = {"Authorization": "Bearer " + tokens.create_token(demo.sara)}
    db.session.commit()
    return headers


def unchanged_after(client, headers, request):
    """Runs ``request`` (which must be refused) and asserts that it changed no row; the
    token's first use is recorded before, which is not a change."""
    put_raw(client, headers, "{}")
    before = snapshot()
    response = request()
    assert snapshot() == before
    return response


def put_raw(client, headers, text, node="u1"):
    return client.put(f"{BASE}/{node}", data=text, headers=headers,
                      content_type="application/json")


def test_json_nested_a_thousand_deep_is_422_not_500(client, sara_api):
    response = unchanged_after(client, sara_api,
                               lambda: put_raw(client, sara_api, "[" * 1000 + "]" * 1000))
    assert response.status_code == 422
    assert "djupt" in response.json["error"]


def test_json_nested_just_over_the_limit_is_refused_with_its_path(client, sara_api):
    body = {"level": "paborjad", "version": 0, "comment": None}
    inner = body
    for _ in range(70):
        inner["x"] = {}
        inner = inner["x"]
    response = unchanged_after(client, sara_api,
                               lambda: put_raw(client, sara_api, json.dumps(body)))
    assert response.status_code == 422 and "högst 64 nivåer" in response.json["error"]


@pytest.mark.parametrize("field, value", [
    ("comment", "<p>Text \\ud800 mer</p>"),
    ("comment", "<p>Text \\u0000 mer</p>"),
    ("level", "pab\\udfffrjad"),
])
def test_lone_surrogate_or_nul_in_a_comment_is_422_and_nothing_changes(
        client, demo, sara_api, field, value):
    body = {"level": "paborjad", "comment": "<p>Text</p>", "version": 0}
    text = json.dumps(body).replace(json.dumps(body[field]), f'"{value}"')
    put_raw(client, sara_api, "{}")  # the token's first use is recorded: not a change
    before = snapshot()
    response = put_raw(client, sara_api, text)
    assert response.status_code == 422, response.text
    assert "U+" in response.json["error"]
    assert snapshot() == before


def test_lone_surrogate_in_a_remark_is_422(client, demo, sara_api):
    client.post(f"{BASE}/u1/submit", headers=sara_api)
    response = unchanged_after(client, sara_api, lambda: client.post(
        f"{BASE}/u1/return", data='{"remark": "Fixa \\ud83d"}', headers=sara_api,
        content_type="application/json"))
    assert response.status_code == 422 and "surrogat" in response.json["error"]


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "1" * 400,
                                    "1000000000000001"])
def test_numbers_beyond_the_limits_are_refused(client, sara_api, number):
    response = unchanged_after(client, sara_api, lambda: put_raw(
        client, sara_api, f'{{"level": "paborjad", "comment": null, "version": {number}}}'))
    assert response.status_code == 422
    assert "talet" in response.json["error"]


def test_a_body_over_the_size_limit_is_413(client, sara_api):
    response = put_raw(client, sara_api, json.dumps({"comment": "x" * (3 * 1024 * 1024)}))
    assert response.status_code == 413 and response.json["error"]


def test_nul_in_a_form_field_or_query_is_refused_without_a_500(as_user):
    sara = as_user("sara")
    page = sara.get("/granskning/SOC-2026/december?enhet=%00&typ=x%00")
    assert page.status_code == 422
    anna = as_user("anna")
    anna.get("/plans/SOC-2026/phases/december/nodes/u1")
    before = snapshot()
    response = anna.post("/plans/SOC-2026/phases/december/nodes/u1",
                         {"level": "paborjad", "comment": "<p>a\x00b</p>", "version": "0"})
    assert response.status_code == 422 and "otillåtna tecken" in response.text
    assert snapshot() == before


def test_control_characters_in_a_path_are_not_found(as_user):
    sara = as_user("sara")
    assert sara.get("/granskning/SOC-2026/dec%00ember").status_code == 404


def test_a_query_parameter_named_like_the_route_does_not_crash_bulk_approval(as_user):
    sara = as_user("sara")
    board = sara.get("/granskning/SOC-2026/december?plan_key=x&phase_key=y&enhet=*")
    assert board.status_code == 200
    response = sara.post("/granskning/SOC-2026/december/godkann?plan_key=x&phase_key=y&enhet=*",
                         {"nodes": []})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/granskning/SOC-2026/december")
    assert "plan_key" not in response.headers["Location"]
    assert "enhet=" in response.headers["Location"]


def test_math_text_in_a_table_label_is_drawn_as_text(demo):
    from followup.core import charts

    chart = charts.table_chart("Kostnad $\\frac{$", "mnkr", ["2024", "2025"],
                               [("Rad $\\frac{ b $", [1, 2])], "bar", "t")
    assert "Kostnad $\\frac{$" in chart.svg and "Rad $\\frac{ b $" in chart.svg


# The command line: one line per fault with its JSON path, exit 1, never a traceback.

def _plan(**change):
    data = json.loads(demo_data.PLAN_FILE.read_text(encoding="utf-8"))
    return data


def _import(cli, tmp_path, text):
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    return cli.invoke(args=["plan", "import", str(path)])


def test_cli_reports_deep_nesting_in_one_line(cli, ctx, tmp_path):
    result = _import(cli, tmp_path, "[" * 1000 + "]" * 1000)
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "$: för djupt nästlat; högst 64 nivåer", f"Inget importerades: 1 fel i {tmp_path / 'plan.json'}."]


def test_cli_reports_every_surrogate_nul_and_huge_number_with_its_path(cli, ctx, tmp_path):
    data = _plan()
    data["nodes"][0]["title"] = "Titel \ud800"
    data["nodes"][1]["title"] = "Titel \x00"
    data["tables"][0]["rows"][0]["values"][0] = 1e300
    text = json.dumps(data)  # ensure_ascii: the surrogate travels as \ud800
    before = snapshot()
    result = _import(cli, tmp_path, text)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        "nodes[0].title: texten innehåller ett ensamt surrogattecken (U+D800), som inte är text",
        "nodes[1].title: texten innehåller tecknet NUL (U+0000), som inte får förekomma",
        "tables[0].rows[0].values[0]: talet är för stort; högst 10^15 till beloppet",
    ]
    assert lines[3].startswith("Inget importerades: 3 fel")
    assert snapshot() == before


def test_cli_refuses_keys_with_slashes(cli, ctx, tmp_path):
    data = _plan()
    data["units"][0]["key"] = "../x"
    data["nodes"][0]["key"] = "a/b"
    result = _import(cli, tmp_path, json.dumps(data))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert any(line.startswith("units[0].key") for line in result.stderr.splitlines())
    assert any(line.startswith("nodes[0].key") for line in result.stderr.splitlines())


def test_a_surrogate_in_a_field_name_is_shown_escaped(cli, ctx, tmp_path):
    data = _plan()
    data["nodes"][0]["followups"]["\ud800"] = {"level": None, "comment": None}
    result = _import(cli, tmp_path, json.dumps(data))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "nodes[0].followups: ett fältnamn innehåller ett ensamt surrogattecken" \
        in result.stderr


def test_a_formula_nested_past_the_evaluator_is_refused_on_the_form(as_user):
    sara = as_user("sara")
    sara.get("/plans/SOC-2026/tabeller/ny")
    before = snapshot()
    for formula in ("-" * 900 + "a", "(" * 150 + "a" + ")" * 150):
        response = sara.post("/plans/SOC-2026/tabeller/ny", {
            "key": "djup", "title": "Djup", "columns": "Helår",
            "rows": f"a; A\nb; B; {formula}"})
        assert response.status_code == 422, formula[:20]
        assert snapshot() == before


def test_cli_arguments_that_are_not_text_are_refused_in_one_line(cli, ctx):
    for args in (["plan", "export", "SOC\x00"], ["user", "token", "a\udcff@x.se", "--name", "x"],
                 ["user", "create", "a@x.se", "--name", "N\x00", "--role", "reader"]):
        result = cli.invoke(args=args, input="ett-långt-lösenord-för-test\n")
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output
        assert "argumentet" in result.stderr and ("NUL" in result.stderr
                                                  or "surrogat" in result.stderr)
