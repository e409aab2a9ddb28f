"""GET/PUT /api/plans/<plan>/tables/<table>: figures exactly, versions, the signed
lock and every refusal as {"error": "<Swedish>"} (#8 item 7, #9)."""

import json
from decimal import Decimal

import pytest

from followup.core.extensions import db
from followup.memos.models import MemoState
from tests.fixtures import snapshot as everything
from tests.fixtures import without_token_use

URL = "/api/plans/SOC-2026/tables/nyckeltal-hvb"


@pytest.fixture
def auth(bearer):
    return bearer("anna", "sara", "per", "it")


def snapshot():
    return without_token_use(everything())


def put(client, headers, body):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.put(URL, data=text, headers={**headers, "Content-Type": "application/json"})


def exact(response):
    return json.loads(response.get_data(as_text=True), parse_float=Decimal)


def test_get_gives_the_figures_exactly_as_stored(client, auth):
    response = client.get(URL, headers=auth["per"])
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert exact(response) == {
        "table": "nyckeltal-hvb", "title": "Placeringar av barn och unga i HVB", "unit": "tkr",
        "columns": ["Utfall jan–aug 2026", "Utfall jan–aug 2025"], "version": 1,
        "rows": {"kost": [31840, 36210], "int": [1210, 1480], "dygn": [4620, 5310]}}


def test_put_stores_exact_digits_and_get_returns_them(client, auth):
    body = '{"version": 1, "rows": {"kost": [1234.5, 0.10], "dygn": [4620.125, null]}}'
    response = put(client, auth["sara"], body)
    assert response.status_code == 200, response.get_data(as_text=True)
    text = client.get(URL, headers=auth["per"]).get_data(as_text=True)
    assert '"kost": [1234.5, 0.10]' in text and '"dygn": [4620.125, null]' in text
    assert exact(response)["version"] == 2
    # The same body again changes nothing: no new version.
    assert exact(put(client, auth["sara"], body.replace('"version": 1', '"version": 2'))
                 )["version"] == 2


def test_a_stale_version_is_409_with_the_current_table(client, auth):
    put(client, auth["sara"], {"version": 1, "rows": {"kost": [1, 2]}})
    before = snapshot()
    response = put(client, auth["sara"], {"version": 1, "rows": {"kost": [3, 4]}})
    assert response.status_code == 409
    body = exact(response)
    assert "Någon annan har ändrat tabellen" in body["error"]
    assert body["current"]["version"] == 2 and body["current"]["rows"]["kost"] == [1, 2]
    assert snapshot() == before


def test_a_table_in_a_signed_memo_is_409(client, auth, demo):
    memo = next(m for m in demo.plan.memos if m.phase.key == "augusti")
    memo.state = MemoState.signed
    db.session.commit()
    response = put(client, auth["sara"], {"version": 1, "rows": {"kost": [777777, 1]}})
    assert response.status_code == 409
    assert "fastställda tjänsteskrivelsen" in response.json["error"]


@pytest.mark.parametrize("body, message", [
    ({"version": 1, "rows": {"okand": [1, 2]}}, "Raden ”okand” finns inte i tabellen."),
    ({"version": 1, "rows": {"netto": [1, 2]}}, "Raden ”netto” räknas fram och tar inga värden."),
    ({"version": 1, "rows": {"kost": [1]}}, "ska ha en lista med 2 värden"),
    ({"version": 1, "rows": {"kost": [1, 2, 3]}}, "ska ha en lista med 2 värden"),
    ({"version": 1, "rows": {"kost": ["1", 2]}}, "rows.kost[0]: ska vara ett tal eller null."),
    ({"version": 1, "rows": {"kost": [True, 2]}}, "rows.kost[0]: ska vara ett tal eller null."),
    ('{"version": 1, "rows": {"kost": [1e400, 2]}}', "rows.kost[0]: talet är inte ändligt"),
    ('{"version": 1, "rows": {"kost": [' + "9" * 400 + ', 2]}}', "rows.kost[0]: talet är inte ändligt"),
    ('{"version": 1, "rows": {"kost": [-1000000000000000.5, 2]}}', "rows.kost[0]: talet är för stort"),
    ('{"version": 1, "rows": {"kost": [NaN, 2]}}', "rows.kost[0]: talet är inte ändligt"),
    ('{"version": 1, "rows": {"kost": [Infinity, 2]}}', "rows.kost[0]: talet är inte ändligt"),
    ({"rows": {"kost": [1, 2]}}, "”version” ska vara tabellens version, ett heltal"),
    ({"version": "1", "rows": {}}, "”version” ska vara tabellens version, ett heltal"),
    ({"version": 1}, "”rows” ska vara ett objekt"),
    ({"version": 1, "rows": {}, "comment": "x"}, "Okända fält: comment."),
    ("[1, 2]", "Kroppen ska vara ett JSON-objekt."),
    ("{", "Kroppen är ingen giltig JSON."),
    ("[" * 5000 + "]" * 5000, "för djupt nästlat"),
])
def test_a_bad_body_is_422_and_changes_nothing(client, auth, body, message):
    before = snapshot()
    response = put(client, auth["sara"], body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert message in response.json["error"]
    assert snapshot() == before


def test_who_may_read_and_write(client, auth, demo):
    assert client.get(URL, headers=auth["it"]).status_code == 403
    assert put(client, auth["per"], {"version": 1, "rows": {}}).status_code == 403
    assert put(client, auth["anna"], {"version": 1, "rows": {"kost": [1, 2]}}).status_code == 200
    assert client.get(URL).status_code == 401
    assert client.get("/api/plans/SOC-2026/tables/finns-inte",
                      headers=auth["per"]).json == {
        "error": "Tabellen finns-inte finns inte i planen SOC-2026."}
