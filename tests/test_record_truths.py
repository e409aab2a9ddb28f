"""Issue 21, "Nothing wrong on the record": what a signed memo shows does not change
through the structure, history tells the truth about figures, warnings name only what
the memo prints, and reminders and charts say what is so."""

from sqlalchemy import select

from followup.core.extensions import db
from followup.memos.models import Memo, MemoState
from followup.people import tokens
from followup.planfile import transfer
from followup.plans.models.node import Node
from tests.fixtures import snapshot
from tests.html_forms import form_fields

STRUCTURE = "/plans/SOC-2026/struktur"


def node(key):
    return db.session.scalar(select(Node).where(Node.key == key))


def record():
    """snapshot() without the API tokens, whose last use a request records."""
    rows = snapshot()
    rows.pop("api_token")
    return rows


def sign_augusti():
    memo = db.session.scalar(select(Memo).where(Memo.phase.has(key="augusti")))
    memo.state = MemoState.signed
    db.session.commit()
    return memo


# --- Item 2: a signed phase does not change through the structure -----------------

def test_the_new_node_form_offers_no_signed_phase_and_refuses_one(as_user, demo):
    sign_augusti()
    sara = as_user("sara")
    fields = form_fields(sara.get(f"{STRUCTURE}/?ny=nm1-1").text, "ny-punkt")
    page = sara.get(f"{STRUCTURE}/?ny=nm1-1").text
    assert 'value="augusti"' not in page.split('id="ny-punkt"')[1].split("</form>")[0]
    assert 'value="april"' not in page.split('id="ny-punkt"')[1].split("</form>")[0]
    before = snapshot()
    for since in ("augusti", "april"):
        fields.update({"title": "Nytt uppdrag", "since": since, "type": "uppdrag"})
        response = sara.post(STRUCTURE + "/noder", fields)
        assert response.status_code == 422
        assert "Tjänsteskrivelsen för delårsbokslut per augusti är fastställd" in response.text
        assert snapshot() == before
    fields["since"] = ""
    assert sara.post(STRUCTURE + "/noder", fields).status_code == 302
    added = db.session.scalar(select(Node).where(Node.title == "Nytt uppdrag"))
    assert added.since.key == "december"


def test_an_edit_may_not_make_a_node_enter_or_leave_a_signed_phase(as_user, demo):
    sign_augusti()
    sara = as_user("sara")
    before = snapshot()
    for change in ({"since": "december"}, {"until": "april"}, {"since": "augusti"},
                   {"parent": "u12"}):
        fields = form_fields(sara.get(f"{STRUCTURE}/?redigera=u2").text, "redigera-punkt")
        fields.update(change)
        if change == {"parent": "u12"}:
            # u12 is followed up from december only: moving under it leaves august.
            node("u12").since = demo.plan.phase("december")
            db.session.commit()
            before = snapshot()
        response = sara.post(STRUCTURE + "/noder/u2", fields)
        assert response.status_code == 422, change
        assert "är fastställd" in response.text and "Traceback" not in response.text
        assert snapshot() == before, change
    # Leaving december only, with august as the last phase, keeps august as it was.
    fields = form_fields(sara.get(f"{STRUCTURE}/?redigera=u4").text, "redigera-punkt")
    fields.update({"until": "augusti"})
    assert sara.post(STRUCTURE + "/noder/u4", fields).status_code == 302
    assert node("u4").until.key == "augusti"


def test_put_back_may_not_bring_a_node_into_a_signed_phase(as_user, demo):
    u3 = node("u3")
    for n in u3.walk():
        n.until = demo.plan.phase("april")
    db.session.commit()
    sign_augusti()
    sara = as_user("sara")
    sara.get(f"{STRUCTURE}/?punkt=u3")
    before = snapshot()
    response = sara.post(STRUCTURE + "/noder/u3/ta-tillbaka", follow_redirects=True)
    assert response.status_code == 200
    assert "är fastställd" in response.text
    assert snapshot() == before
    # Taking a node out while december is current keeps it in the signed august.
    response = sara.post(STRUCTURE + "/noder/u5/ta-bort", follow_redirects=True)
    assert node("u5").until.key == "augusti" and not node("u5").archived


def test_the_api_refuses_a_new_node_in_a_signed_phase_with_422_json(client, demo):
    sign_augusti()
    headers = {"Authorization": "Bearer " + tokens.create_token(demo.sara)}
    db.session.commit()
    before = record()
    for since in ("augusti", "april"):
        response = client.post("/api/plans/SOC-2026/nodes", headers=headers, json={
            "parent": "nm1-1", "type": "uppdrag", "title": "Nytt", "since": since})
        assert response.status_code == 422
        assert "fastställd" in response.get_json()["error"]
        assert record() == before
    response = client.post("/api/plans/SOC-2026/nodes", headers=headers, json={
        "parent": "nm1-1", "type": "uppdrag", "title": "Nytt", "since": "december"})
    assert response.status_code == 201


def test_replacing_a_plan_may_not_change_a_signed_phase(cli, demo, tmp_path):
    sign_augusti()
    data = transfer.export_plan("SOC-2026")
    data["nodes"][0]["children"][0]["children"].append(
        {"key": "u-ny", "type": "uppdrag", "title": "Nytt uppdrag", "since": "augusti"})
    data["nodes"][1]["children"][0]["children"][0]["until"] = "april"
    path = tmp_path / "plan.json"
    path.write_text(transfer.dump(data), encoding="utf-8")
    before = snapshot()
    result = cli.invoke(args=["plan", "import", "--replace", str(path)])
    assert result.exit_code == 1
    assert "punkten u-ny skulle komma med i delårsbokslut per augusti" in result.stderr
    assert "punkten u5 skulle försvinna ur delårsbokslut per augusti" in result.stderr
    assert "Inget importerades" in result.stderr
    db.session.expire_all()
    assert snapshot() == before
    # The same node from december on changes nothing signed.
    data["nodes"][0]["children"][0]["children"][-1]["since"] = "december"
    data["nodes"][1]["children"][0]["children"][0].pop("until")
    path.write_text(transfer.dump(data), encoding="utf-8")
    result = cli.invoke(args=["plan", "import", "--replace", str(path)])
    assert result.exit_code == 0, result.stderr


# --- Item 4: the history says what the grid and the database keep -----------------

def test_a_figure_retyped_with_a_decimal_is_kept_as_typed_or_not_recorded(demo):
    from followup.tables import tables
    from followup.tables.models import FigureRow

    table = next(t for t in demo.plan.tables if t.key == "nyckeltal-hvb")
    tables.save_values(demo.sara, table, {(0, 0): "52 000"})
    version = table.version
    tables.save_values(demo.sara, table, {(0, 0): "52 000,0"})
    db.session.expire_all()
    row = db.session.scalar(select(FigureRow).where(FigureRow.table_id == table.id)
                            .order_by(FigureRow.position))
    stored = tables.typed_text(row.values[0])
    said = [c for _, _, cs in tables.history(table) for c in cs if "52" in c]
    if table.version == version:
        assert stored == tables.typed_text(52000) and len(said) == 1
    else:
        # A new version: the typed decimals are kept, and the history says so.
        assert stored.endswith(",0"), stored
        assert said[0].endswith("→ " + stored)


# --- Item 5: warnings name only what the memo prints -------------------------------

def with_a_table_no_memo_prints():
    """The demo plan with "Ekonomiskt bistånd 2026", whose reported total (99) is not the
    sum of its rows (30), a table that no memo names."""
    data = transfer.export_plan("SOC-2026")
    data["tables"].append({
        "key": "ekbist", "title": "Ekonomiskt bistånd 2026", "unit": "mnkr",
        "columns": ["Utfall"],
        "rows": [{"key": "a", "label": "Försörjningsstöd", "values": [10]},
                 {"key": "b", "label": "Introduktionsersättning", "values": [20]},
                 {"key": "tot", "label": "Totalt", "formula": "sum", "values": [99]}]})
    transfer.import_plan(transfer.dump(data), replace=True)
    db.session.commit()
    return next(t for t in transfer.get_plan("SOC-2026").tables if t.key == "ekbist")


def test_warnings_name_only_the_tables_the_memo_prints(as_user, demo):
    from followup.memos import reports

    table = with_a_table_no_memo_prints()
    assert any("Ekonomiskt bistånd 2026" in w for w in transfer.table_warnings(table.plan))
    memo = db.session.scalar(select(Memo).where(Memo.phase.has(key="augusti")))
    assert not any("Ekonomiskt bistånd" in w for w in reports.table_warnings(memo))
    url = "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"
    assert "Ekonomiskt bistånd" not in as_user("sara").get(url).text
    lena = as_user("lena")
    assert "Ekonomiskt bistånd" not in lena.get(url + "signera").text
    assert "Ekonomiskt bistånd" not in lena.get("/").text
    # Once a memo section names the table, its warning is there.
    memo.sections[0].tables = list(memo.sections[0].tables or []) + ["ekbist"]
    db.session.commit()
    assert any("Ekonomiskt bistånd 2026" in w for w in reports.table_warnings(memo))
    assert "Ekonomiskt bistånd 2026" in lena.get(url + "signera").text
