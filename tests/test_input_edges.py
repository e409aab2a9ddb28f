"""No one input can stop the board (issue 23, items 11 and 12): objects that name a field
twice, titles far too long, titles that show nothing, line breaks in titles, a plan
"file" that never ends, digits of other scripts in a table, and a full disk at sign-off.
(The e-mail side of item 6 is in test_mail_robustness.py.)

Bad input always gets a clear Swedish message and changes nothing: a form error, a 4xx
JSON {"error": …} from the API, or a non-zero exit naming the fault's JSON path."""

import errno
import json
import os
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from followup import demo as demo_data
from followup.core.extensions import db
from followup.core.texts import TITLE_MAX
from followup.memos.models import Memo, MemoState
from followup.plans.models.node import Node
from followup.plans.models.plan import Phase
from followup.tables import tables
from tests.fixtures import snapshot, without_token_use
from tests.html_forms import form_fields

FOLLOWUPS = "/api/plans/SOC-2026/phases/december/followups"
NODES = "/api/plans/SOC-2026/nodes"
TABLE = "/api/plans/SOC-2026/tables/nyckeltal-hvb"
STRUCTURE = "/plans/SOC-2026/struktur"
GRID = "/plans/SOC-2026/tabeller/nyckeltal-hvb"


@pytest.fixture
def auth(bearer):
    return bearer("sara", "lena")


def now():
    return without_token_use(snapshot())


def unchanged_api(client, headers):
    """``now()`` after the token's first use, to compare with after a refused call."""
    client.get(FOLLOWUPS, headers=headers)
    return now()


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


# --- line breaks and control characters in single-line texts ----------------------------

def test_a_line_break_in_a_title_from_the_api_becomes_a_space(client, auth):
    response = client.post(NODES, headers=auth["sara"], json={
        "parent": "nm2-2", "type": "uppdrag", "number": "2.2.9",
        "title": "Starta natthärbärge\r\nBcc: alla@example.com\t\x0b\x1b[2J slut"})
    assert response.status_code == 201, response.text
    # The control characters go; what was between them stays (ESC goes, "[2J" is text).
    title = "Starta natthärbärge Bcc: alla@example.com [2J slut"
    assert response.json["title"] == title and node(response.json["key"]).title == title


def test_control_characters_leave_titles_names_and_labels_from_the_browser(as_user):
    sara = as_user("sara")
    fields = form_fields(sara.get(f"{STRUCTURE}/?redigera=u1").text, "redigera-punkt")
    fields.update(title="Ny titel\r\nBcc: alla@example.com", number="1.1.1\n",
                  responsible_boards="Socialnämnden\u2028Kulturnämnden", group="Grupp\x85ett")
    assert sara.post(f"{STRUCTURE}/noder/u1", fields).status_code == 302
    changed = node("u1")
    assert (changed.title, changed.number, changed.responsible_boards, changed.group) == (
        "Ny titel Bcc: alla@example.com", "1.1.1", "Socialnämnden Kulturnämnden", "Grupp ett")
    # A unit's name and a level's label (StringFields of the same forms).
    sara.get(f"{STRUCTURE}/?visa=enheter")
    assert sara.post(f"{STRUCTURE}/enheter", {"key": "ny", "name": "Ny\r\nenhet"}
                     ).status_code == 302
    plan = changed.plan
    assert [u.name for u in plan.units if u.key == "ny"] == ["Ny enhet"]


def test_line_breaks_in_titles_names_and_labels_of_a_plan_file_become_spaces(cli, ctx,
                                                                             tmp_path):
    data = plan_data()
    data["nodes"][0]["title"] = "Ekbacka ska ha\r\nBcc: alla@example.com en välfärd"
    data["nodes"][0]["notes"] = ["Tidigare\n1.4"]
    data["units"][0]["name"] = "Avdelning\tbarn och unga"
    data["phases"][0]["label"] = "Uppföljning\u2028per april"
    data["tables"][0]["columns"][0]["label"] = "Budget\r\nhelår"
    result = import_text(cli, tmp_path, json.dumps(data), "--replace")
    assert result.exit_code == 0, result.output
    exported = json.loads(cli.invoke(args=["plan", "export", "SOC-2026"]).stdout)
    assert exported["nodes"][0]["title"] == "Ekbacka ska ha Bcc: alla@example.com en välfärd"
    assert exported["nodes"][0]["notes"] == ["Tidigare 1.4"]
    assert exported["units"][0]["name"] == "Avdelning barn och unga"
    assert exported["phases"][0]["label"] == "Uppföljning per april"
    assert exported["tables"][0]["columns"][0]["label"] == "Budget helår"


def test_a_phase_label_and_a_user_name_from_the_browser_are_one_line(as_user, demo):
    """A phase's label is in the subject of every deadline reminder; a name in a signature."""
    sara = as_user("sara")
    sara.get("/granskning/SOC-2026/december")
    sara.post("/granskning/SOC-2026/faser/december", {
        "december-label": "Årsbokslut\r\nBcc: alla@example.com", "december-deadline": "",
        "december-is_open": "y"})
    db.session.expire_all()
    assert demo.plan.phase("december").label == "Årsbokslut Bcc: alla@example.com"
    admin = as_user("it")
    admin.get(f"/anvandare/{demo.per.id}")
    response = admin.post(f"/anvandare/{demo.per.id}", {
        "name": "Per\r\nBcc: alla@example.com", "role": "reader", "active": "y"})
    assert response.status_code == 302, response.text[:500]
    db.session.expire_all()
    assert demo.per.name == "Per Bcc: alla@example.com"


def test_a_table_definition_from_the_browser_is_on_one_line_each(as_user):
    sara = as_user("sara")
    fields = form_fields(sara.get(GRID + "/definition").text, "definition-form")
    fields.update({"title": "Placeringar\r\nBcc: alla@example.com", "unit": "tkr\t",
                   "r-0-label": "Kostnad\nför placeringar", "c-0-label": "Utfall\r\n2026",
                   "action": "save"})
    response = sara.post(GRID + "/definition", fields)
    assert response.status_code == 302, response.text[:2000]
    table = tables_named("nyckeltal-hvb")
    assert (table.title, table.unit) == ("Placeringar Bcc: alla@example.com", "tkr")
    assert tables.ordered_rows(table)[0].label == "Kostnad för placeringar"
    column = table.columns[0]
    assert (column if isinstance(column, str) else column["label"]) == "Utfall 2026"


def test_a_table_title_that_shows_nothing_is_refused_in_the_browser(as_user):
    sara = as_user("sara")
    fields = form_fields(sara.get(GRID + "/definition").text, "definition-form")
    fields.update({"title": "\u200b\u2060", "action": "save"})
    before = snapshot()
    response = sara.post(GRID + "/definition", fields)
    assert response.status_code == 422
    assert "Tabellens titel har inget synligt tecken" in response.text
    assert snapshot() == before


def tables_named(key):
    from followup.tables.models import FigureTable

    db.session.expire_all()
    return db.session.scalar(select(FigureTable).where(FigureTable.key == key))


# --- titles too long, or showing nothing ----------------------------------------------------

def test_the_title_field_has_the_limit_the_server_keeps(as_user):
    page = as_user("sara").get(f"{STRUCTURE}/?redigera=u1").text
    assert re.search(rf'<textarea[^>]*id="title"[^>]*maxlength="{TITLE_MAX}"', page) \
        or re.search(rf'<textarea[^>]*maxlength="{TITLE_MAX}"[^>]*id="title"', page)


@pytest.mark.parametrize("title", ["x" * 200_000, "x" * (TITLE_MAX + 1)])
def test_a_title_over_the_limit_is_refused_by_the_api(client, auth, title):
    before = unchanged_api(client, auth["sara"])
    response = client.post(NODES, headers=auth["sara"],
                           json={"type": "uppdrag", "parent": "nm2-2", "title": title})
    assert response.status_code == 422
    assert re.search(r"Titeln får ha högst 2\s?000 tecken", response.json["error"])
    assert now() == before


def test_a_title_at_the_limit_is_taken(client, auth):
    response = client.post(NODES, headers=auth["sara"],
                           json={"type": "uppdrag", "parent": "nm2-2", "title": "å" * TITLE_MAX})
    assert response.status_code == 201


def test_a_title_over_the_limit_in_a_plan_file_is_refused_with_its_path(cli, ctx, tmp_path):
    data = plan_data()
    data["nodes"][0]["children"][0]["title"] = "x" * 200_000
    before = snapshot()
    result = import_text(cli, tmp_path, json.dumps(data))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines()[0] == (
        "nodes[0].children[0].title: titeln är för lång: högst 2\u00a0000 tecken "
        "(den har 200\u00a0000)")
    assert snapshot() == before


INVISIBLE = ["\u200b", " \u200b\u200c\u200d\u2060\ufeff ", "\u00ad", "\u3164", "\u0301",
             "\u202e\u2066", "\r\n\t"]


@pytest.mark.parametrize("title", INVISIBLE)
def test_a_title_that_shows_nothing_is_refused_in_the_browser(as_user, title):
    sara = as_user("sara")
    fields = form_fields(sara.get(f"{STRUCTURE}/?ny=nm2-2").text, "ny-punkt")
    fields.update(number="2.2.9", title=title)
    before = snapshot()
    response = sara.post(f"{STRUCTURE}/noder", fields)
    assert response.status_code == 422
    form = form_fields(response.text, "ny-punkt")
    assert form["parent"] == "nm2-2"
    assert ("synligt tecken" in response.text or "Punkten behöver en titel." in response.text)
    assert snapshot() == before


@pytest.mark.parametrize("title", INVISIBLE)
def test_a_title_that_shows_nothing_is_refused_by_the_api(client, auth, title):
    before = unchanged_api(client, auth["sara"])
    response = client.post(NODES, headers=auth["sara"],
                           json={"type": "uppdrag", "parent": "nm2-2", "title": title})
    assert response.status_code == 422
    assert "Titeln" in response.json["error"]
    assert now() == before


def test_an_edited_title_that_shows_nothing_is_refused(as_user):
    sara = as_user("sara")
    fields = form_fields(sara.get(f"{STRUCTURE}/?redigera=u1").text, "redigera-punkt")
    title = node("u1").title
    fields["title"] = "\u200b\u200b"
    before = snapshot()
    response = sara.post(f"{STRUCTURE}/noder/u1", fields)
    assert response.status_code == 422 and "synligt tecken" in response.text
    assert snapshot() == before and node("u1").title == title


def test_a_title_that_shows_nothing_in_a_plan_file_is_refused_with_its_path(cli, ctx,
                                                                            tmp_path):
    data = plan_data()
    data["nodes"][1]["title"] = "\u200b"
    data["tables"][0]["title"] = "\u2060 "
    before = snapshot()
    result = import_text(cli, tmp_path, json.dumps(data))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert "nodes[1].title: titeln har inget synligt tecken (bara mellanslag eller osynliga " \
           "tecken); skriv en text" in lines
    assert any(line.startswith("tables[0].title: tabellens titel har inget synligt tecken")
               for line in lines)
    assert snapshot() == before


def test_titles_of_other_scripts_and_with_joiners_are_titles(client, auth):
    for title in ("Ökad trygghet", "日本語", "👩\u200d👩\u200d👧", "ا", "\u05d0\u200f"):
        response = client.post(NODES, headers=auth["sara"],
                               json={"type": "uppdrag", "parent": "nm2-2", "title": title})
        assert response.status_code == 201, (title, response.text)
        assert response.json["title"] == title


# --- digits of other scripts in a table -------------------------------------------------

@pytest.mark.parametrize("text", ["١٢٣", "１２３", "۱۲۳", "१२३", "1٢3", "12,٥", "1 ２34",
                                  "𝟏𝟐𝟑", "¹²³", "①"])
def test_only_ascii_digits_are_a_number(text):
    with pytest.raises(ValueError, match="är inget tal"):
        tables.parse_number(text)


def test_digits_of_other_scripts_are_refused_on_the_grid_and_nothing_is_saved(as_user):
    sara = as_user("sara")
    sara.get(GRID)
    before = snapshot()
    response = sara.post(GRID, {"c-0-0": "١٢٣", "c-1-0": "１２３", "version": "1"})
    assert response.status_code == 422
    assert "”١٢٣” är inget tal" in response.text and "”１２３” är inget tal" in response.text
    assert snapshot() == before


def test_swedish_separators_are_still_numbers():
    assert tables.parse_number("1\u202f234,5") == tables.parse_number("1 234,5")
    assert tables.parse_number("\u22123") == -3


def test_a_stored_figure_text_is_ascii_only():
    from followup.tables import exact

    assert exact.to_decimal("1234.5") == tables.parse_number("1 234,5")
    for text in ("١٢٣", "１２３", "12\u0663"):
        with pytest.raises(ValueError):
            exact.to_decimal(text)


def test_a_year_in_other_digits_is_refused(as_user):
    sara = as_user("sara")
    fields = form_fields(sara.get(f"{STRUCTURE}/?redigera=u1").text, "redigera-punkt")
    fields["carried_over_from"] = "٢٠٢٥"
    before = snapshot()
    response = sara.post(f"{STRUCTURE}/noder/u1", fields)
    assert response.status_code == 422 and "Kvar från ska vara ett årtal" in response.text
    assert snapshot() == before


def test_an_appendix_number_in_other_digits_is_refused_by_the_api(client, auth):
    response = client.get("/api/plans/SOC-2026/phases/augusti/memo/pdf?appendix=١",
                          headers=auth["lena"])
    assert response.status_code == 422 and "bilagans nummer" in response.json["error"]


# --- a full disk at sign-off ------------------------------------------------------------

MEMO_API = "/api/plans/SOC-2026/phases/augusti/memo"
MEMO_PAGE = "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"


@contextmanager
def full_disk():
    """The disk is full where the signed documents are stored: writing their rows
    (signed_file) fails with ENOSPC, as the operating system's write does on a full disk.
    Everything else the database does is real."""

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO SIGNED_FILE"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse)


def memo_state(demo):
    db.session.expire_all()
    return db.session.scalar(select(Memo.state).join(Phase, Memo.phase_id == Phase.id)
                             .where(Phase.key == "augusti"))


def test_a_full_disk_at_sign_off_is_a_clear_error_through_the_api(client, auth, demo):
    before = unchanged_api(client, auth["lena"])
    with full_disk():
        response = client.post(MEMO_API + "/sign", headers=auth["lena"],
                               json={"confirm": True, "reason": "Muntligt."})
    assert response.status_code == 507, response.text
    message = response.json["error"]
    assert message.startswith("Tjänsteskrivelsen kunde inte fastställas")
    assert "inte plats" in message and "Ingenting har ändrats" in message
    assert now() == before and memo_state(demo) is not MemoState.signed
    # With space again the same signing goes through: the state stayed whole.
    response = client.post(MEMO_API + "/sign", headers=auth["lena"],
                           json={"confirm": True, "reason": "Muntligt."})
    assert response.status_code == 201 and response.json["version"] == 1
    assert memo_state(demo) is MemoState.signed


def test_a_full_disk_at_sign_off_is_a_clear_error_in_the_browser(as_user, demo):
    lena = as_user("lena")
    lena.get(MEMO_PAGE + "signera")
    before = snapshot()
    with full_disk():
        response = lena.post(MEMO_PAGE + "signera", {"confirm": "y", "reason": "Muntligt."})
    assert response.status_code == 507
    assert "Tjänsteskrivelsen kunde inte fastställas" in response.text
    assert "inte plats" in response.text and "Ingenting har ändrats" in response.text
    assert snapshot() == before and memo_state(demo) is not MemoState.signed


@pytest.mark.skipif("postgresql" in os.environ.get("FOLLOWUP_TEST_DATABASE_URL", ""),
                    reason="SQLite's own limit on the size of its file")
def test_a_database_file_that_cannot_grow_at_sign_off_is_the_same_clear_error(client, auth,
                                                                             demo):
    """SQLite itself full ("database or disk is full", what it says on a full disk): its
    file may not grow by a page, so the signed documents do not fit."""
    before = unchanged_api(client, auth["lena"])
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM")  # no free pages left inside the file
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    def limit(dbapi_connection, record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 8}")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", limit)
    try:
        response = client.post(MEMO_API + "/sign", headers=auth["lena"],
                               json={"confirm": True, "reason": "Muntligt."})
    finally:
        event.remove(db.engine, "connect", limit)
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 507, response.text
    assert "inte plats" in response.json["error"]
    assert now() == before and memo_state(demo) is not MemoState.signed
