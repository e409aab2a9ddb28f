"""No one input can stop the board (issue 23, items 11 and 12): objects that name a field
twice, titles far too long, titles that show nothing, line breaks in titles, a plan
"file" that never ends, digits of other scripts in a table, and a full disk at sign-off.

Bad input always gets a clear Swedish message and changes nothing: a form error, a 4xx
JSON {"error": …} from the API, or a non-zero exit naming the fault's JSON path."""

import errno
import json
import re

import pytest
from sqlalchemy import event, select

from followup import demo as demo_data
from followup.extensions import db
from followup.models import MemoState, Node
from followup.services import tables, tokens

from .conftest import snapshot
from .html_forms import form_fields

FOLLOWUPS = "/api/plans/SOC-2026/phases/december/followups"
NODES = "/api/plans/SOC-2026/nodes"
TABLE = "/api/plans/SOC-2026/tables/nyckeltal-hvb"
STRUCTURE = "/plans/SOC-2026/struktur"
GRID = "/plans/SOC-2026/tabeller/nyckeltal-hvb"


@pytest.fixture
def auth(demo):
    headers = {name: {"Authorization": "Bearer " + tokens.create_token(getattr(demo, name))}
               for name in ("sara", "lena")}
    return headers


def unchanged_api(client, headers):
    """A snapshot after the token's first use (recorded on every call: not a change)."""
    client.get(FOLLOWUPS, headers=headers)
    rows = snapshot()
    rows.pop("api_token")
    return rows


def now(rows=None):
    rows = snapshot()
    rows.pop("api_token")
    return rows


def raw(client, method, url, text, headers):
    return client.open(url, method=method, data=text, headers=headers,
                       content_type="application/json")


def plan_data():
    return json.loads(demo_data.PLAN_FILE.read_text(encoding="utf-8"))


def import_text(cli, tmp_path, text, *args):
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    return cli.invoke(args=["plan", "import", str(path), *args])


def node(key):
    return db.session.scalar(select(Node).where(Node.key == key))


# --- a field named twice --------------------------------------------------------------------

def test_a_field_named_twice_in_an_api_body_is_refused_with_its_path(client, auth):
    before = unchanged_api(client, auth["sara"])
    text = ('{"level": "paborjad", "comment": "<p>Första</p>", "version": 0, '
            '"comment": "<p>Andra</p>"}')
    response = raw(client, "PUT", f"{FOLLOWUPS}/u1", text, auth["sara"])
    assert response.status_code == 422, response.text
    message = response.json["error"]
    assert "mer än en gång" in message and "comment" in message
    assert now() == before


def test_a_row_named_twice_in_a_table_body_is_refused_with_its_path(client, auth):
    before = unchanged_api(client, auth["sara"])
    text = '{"version": 1, "rows": {"kost": [1, 2], "int": [3, 4], "kost": [5, 6]}}'
    response = raw(client, "PUT", TABLE, text, auth["sara"])
    assert response.status_code == 422, response.text
    assert "rows.kost" in response.json["error"] and "mer än en gång" in response.json["error"]
    assert now() == before


def test_a_field_named_twice_in_a_plan_file_is_refused_with_its_path(cli, ctx, tmp_path):
    text = demo_data.PLAN_FILE.read_text(encoding="utf-8")
    # The first node's key given twice, the second time for another node's.
    first = plan_data()["nodes"][0]
    doubled = text.replace(f'"key": "{first["key"]}"',
                           f'"key": "{first["key"]}", "key": "annan"', 1)
    assert doubled != text
    before = snapshot()
    result = import_text(cli, tmp_path, doubled)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert lines[0] == "nodes[0].key: fältet finns mer än en gång i samma objekt"
    assert lines[-1].startswith("Inget importerades: 1 fel")
    assert snapshot() == before


# --- a plan "file" that never ends -------------------------------------------------------

def test_plan_import_reads_no_more_than_the_browser_takes(cli, ctx, app):
    before = snapshot()
    result = cli.invoke(args=["plan", "import", "/dev/zero"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    assert result.stderr.splitlines() == [
        f"$: filen är större än {limit} MB, det största en planfil får vara",
        "Inget importerades: 1 fel i /dev/zero."]
    assert snapshot() == before
