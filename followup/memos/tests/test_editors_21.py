"""Every key of plan file 2.1 is editable in the browser (issue 17, item 1): a node's own
text before its title in the structure editor, and a table's corner label, whether its
title prints, and per column a width and merged repeats in the table definition editor.
What is typed is exported as the plan file's key and printed."""

import json
import re
from decimal import Decimal

from sqlalchemy import select

from followup.core.extensions import db
from followup.memos import reports
from followup.people import tokens
from followup.plans.models.node import Node
from followup.tables.models import FigureTable
from tests.html_forms import form_fields

STRUCTURE = "/plans/SOC-2026/struktur"


def node(key):
    db.session.expire_all()
    return db.session.scalar(select(Node).where(Node.key == key))


def exported(cli, key="SOC-2026"):
    result = cli.invoke(args=["plan", "export", key])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def exported_node(data, key):
    def walk(nodes):
        for n in nodes:
            if n["key"] == key:
                return n
            found = walk(n.get("children") or [])
            if found:
                return found
        return None
    return walk(data["nodes"])


def plan_appendix_text(number=1):
    memo = reports.find_memo("SOC-2026", "augusti")
    html = reports.documents(memo, number)[0].html
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# A node's own prefix

def test_a_nodes_own_prefix_is_edited_exported_and_printed(as_user, cli):
    sara = as_user("sara")
    page = sara.get(f"{STRUCTURE}/?redigera=u1").text
    assert "Inledande text för just den här punkten" in page
    fields = form_fields(page, "redigera-punkt")
    assert fields["title_prefix"] == ""
    # A line break (pasted from Word) becomes a space, as in a title.
    fields["title_prefix"] = "KS-\r\nBESLUT:"
    response = sara.post(f"{STRUCTURE}/noder/u1", fields)
    assert response.status_code == 302, response.text[-2000:]
    # Stored with the space it needs before the title.
    assert node("u1").prefix == "KS- BESLUT: "
    fields["title_prefix"] = "KS-BESLUT:"
    assert sara.post(f"{STRUCTURE}/noder/u1", fields).status_code == 302
    assert node("u1").prefix == "KS-BESLUT: "
    # Shown at the item in the tree, and in its form again.
    page = sara.get(f"{STRUCTURE}/?punkt=u1").text
    assert "Inledande text" in page and "KS-BESLUT:" in page
    assert form_fields(sara.get(f"{STRUCTURE}/?redigera=u1").text,
                       "redigera-punkt")["title_prefix"] == "KS-BESLUT:"
    data = json.loads(exported(cli), parse_float=Decimal)
    assert exported_node(data, "u1")["prefix"] == "KS-BESLUT: "
    assert "prefix" not in exported_node(data, "u2")
    # The plan appendix prints it before the title.
    assert re.search(r"KS-BESLUT: Utveckla", plan_appendix_text())


def test_a_blank_prefix_gives_the_node_its_sorts_again(as_user, cli):
    sara = as_user("sara")
    fields = form_fields(sara.get(f"{STRUCTURE}/?redigera=u1").text, "redigera-punkt")
    fields["title_prefix"] = "KS-BESLUT:"
    assert sara.post(f"{STRUCTURE}/noder/u1", fields).status_code == 302
    fields["title_prefix"] = "   "
    assert sara.post(f"{STRUCTURE}/noder/u1", fields).status_code == 302
    assert node("u1").prefix is None
    assert "prefix" not in exported_node(json.loads(exported(cli)), "u1")


def test_a_prefix_saved_untouched_stays_as_the_plan_file_had_it(as_user, cli, demo):
    u1 = node("u1")
    u1.prefix = "KF:"  # from a plan file, without the space the editor adds
    node("u2").prefix = ""  # no text at all, not even its sort's
    db.session.commit()
    before = exported(cli)
    sara = as_user("sara")
    for key in ("u1", "u2"):
        page = sara.get(f"{STRUCTURE}/?redigera={key}").text
        if key == "u2":
            assert "Just nu skrivs ingen text alls ut före titeln" in page
        response = sara.post(f"{STRUCTURE}/noder/{key}", form_fields(page, "redigera-punkt"))
        assert response.status_code == 302
    assert exported(cli) == before


def test_a_prefix_too_long_is_refused_in_place_and_changes_nothing(as_user):
    sara = as_user("sara")
    fields = form_fields(sara.get(f"{STRUCTURE}/?redigera=u1").text, "redigera-punkt")
    fields["title_prefix"] = "K" * 81
    response = sara.post(f"{STRUCTURE}/noder/u1", fields)
    assert response.status_code == 422
    assert "Den inledande texten får ha högst 80 tecken." in response.text
    assert node("u1").prefix is None


def test_a_new_node_gets_its_prefix(as_user, cli):
    sara = as_user("sara")
    fields = form_fields(sara.get(f"{STRUCTURE}/?ny=nm2-2").text, "ny-punkt")
    fields.update({"number": "2.2.3", "title": "Starta natthärbärge för kvinnor",
                   "title_prefix": "KF-BESLUT:"})
    assert sara.post(f"{STRUCTURE}/noder", fields).status_code == 302
    assert node("uppdrag-2-2-3").prefix == "KF-BESLUT: "
    assert exported_node(json.loads(exported(cli)), "uppdrag-2-2-3")["prefix"] == "KF-BESLUT: "


def test_the_api_adds_a_node_with_its_prefix(client, demo):
    headers = {"Authorization": "Bearer " + tokens.create_token(demo.sara)}
    db.session.commit()  # the key, as the page that makes one commits it
    data = {"parent": "nm2-2", "type": "uppdrag", "title": "Starta natthärbärge",
            "number": "2.2.9", "prefix": "KS-BESLUT:\n"}
    response = client.post("/api/plans/SOC-2026/nodes", json=data, headers=headers)
    assert response.status_code == 201, response.json
    assert node(response.json["key"]).prefix == "KS-BESLUT: "
    response = client.post("/api/plans/SOC-2026/nodes", headers=headers,
                           json={**data, "prefix": 5})
    assert response.status_code == 422
    reader = {"Authorization": "Bearer " + tokens.create_token(demo.per)}
    db.session.commit()
    assert client.post("/api/plans/SOC-2026/nodes", json=data,
                       headers=reader).status_code == 403


def test_only_the_compiler_sets_a_prefix(as_user):
    anna = as_user("anna")
    anna.get("/mina")
    response = anna.post(f"{STRUCTURE}/noder/u1", {"title": "Utveckla", "title_prefix": "X:"})
    assert response.status_code in (302, 403)
    assert node("u1").prefix is None


# A table's corner label and title, a column's width and merged repeats

RESULT = "/plans/SOC-2026/tabeller/resultat-augusti"


def table(key="resultat-augusti"):
    db.session.expire_all()
    return db.session.scalar(select(FigureTable).where(FigureTable.key == key))


def definition(browser, url=RESULT + "/definition"):
    page = browser.get(url)
    assert page.status_code == 200, page.text[:500]
    return page.text, form_fields(page.text, "definition-form")


def exported_table(cli, key="resultat-augusti"):
    data = json.loads(exported(cli), parse_float=Decimal)
    return next(t for t in data["tables"] if t["key"] == key)


def test_the_corner_title_widths_and_merged_repeats_are_edited_exported_and_printed(
        as_user, cli):
    memo = reports.find_memo("SOC-2026", "augusti")
    html = reports.documents(memo, 3)[0].html
    assert 'class="table-title">Resultat per verksamhet' in html
    assert '<th scope="col" class="unit">mnkr</th>' in html
    sara = as_user("sara")
    page, fields = definition(sara)
    for words in ("Text i hörnrutan", "Visa tabellens rubrik", "Bredd i procent",
                  "Skriv bara ut när värdet skiljer sig från raden ovanför"):
        assert words in page
    assert fields["unit_label"] == "" and fields["show_title"] == "1"
    assert fields["c-0-width"] == "" and "c-0-merge" not in fields
    fields.update({"unit_label": "Belopp i\nmiljoner kronor", "c-0-width": "30",
                   "c-1-width": "17", "c-2-merge": "1"})
    del fields["show_title"]
    response = sara.post(RESULT + "/definition", {**fields, "action": "save"})
    assert response.status_code == 302, response.text[-3000:]
    saved = table()
    assert saved.unit_label == "Belopp i miljoner kronor" and saved.show_title is False
    assert saved.version == 2  # a change of how it prints is a new version too
    out = exported_table(cli)
    assert out["unit_label"] == "Belopp i miljoner kronor" and out["show_title"] is False
    budget, outcome, forecast, deviation = out["columns"]
    assert budget == {"key": "budget", "label": "Budget helår", "width": 30}
    assert outcome == {"key": "utfall", "label": "Utfall jan–aug", "width": 17}
    assert forecast == {"key": "prognos", "label": "Prognos helår", "merge_repeats": True}
    assert "width" not in deviation and "merge_repeats" not in deviation
    # The editor shows them again as typed.
    _, fields = definition(sara)
    assert (fields["unit_label"], fields["c-0-width"], fields["c-1-width"],
            fields["c-2-merge"]) == ("Belopp i miljoner kronor", "30", "17", "1")
    assert "show_title" not in fields
    # The table page shows the corner, and that the title does not print.
    grid = sara.get(RESULT).text
    assert re.search(r'<th scope="col" class="corner">Belopp i miljoner kronor</th>', grid)
    assert "I dokumenten skrivs tabellen ut utan rubrik" in grid
    # The appendix prints the corner and the widths, and no title above the table.
    memo = reports.find_memo("SOC-2026", "augusti")
    html = reports.documents(memo, 3)[0].html
    assert '<th scope="col" class="unit">Belopp i miljoner kronor</th>' in html
    assert re.search(r'<col class="value" style="width: 30(\.0+)?%">', html), html[:3000]
    assert 'class="table-title">Resultat per verksamhet' not in html


def test_an_untouched_save_keeps_the_corner_and_widths_as_the_plan_file_had_them(
        as_user, cli, tmp_path):
    from followup.demo import PLAN_FILE

    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    first = next(t for t in data["tables"] if t["key"] == "resultat-augusti")
    first["unit_label"] = ""  # an empty corner, not the unit
    first["show_title"] = True
    first["columns"][0]["width"] = 22
    first["columns"][1]["merge_repeats"] = False
    first["columns"][2]["width"] = 100  # over the whole with the others: as the file had it
    other = next(t for t in data["tables"] if t["key"] == "nyckeltal-hvb")
    other["columns"][0] = {"label": other["columns"][0], "width": 60}  # a label, no key
    other["columns"][1] = {"label": other["columns"][1], "merge_repeats": True, "width": 30}
    other["unit_label"] = "tkr"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cli.invoke(args=["plan", "import", "--replace", str(path)])
    assert result.exit_code == 0, result.stderr
    key = result.stdout.strip()
    before = exported(cli, key)
    sara = as_user("sara")
    for t in ("resultat-augusti", "nyckeltal-hvb"):
        url = f"/plans/{key}/tabeller/{t}/definition"
        _, fields = definition(sara, url)
        response = sara.post(url, {**fields, "action": "save"})
        assert response.status_code == 302, response.text[-3000:]
    assert exported(cli, key) == before
    assert table().version == 1 and table("nyckeltal-hvb").version == 1


def test_widths_out_of_range_or_over_the_whole_are_refused_in_words(as_user):
    sara = as_user("sara")
    _, fields = definition(sara)
    for widths, message in (
            ({"c-0-width": "0"}, "Kolumnen ”Budget helår”: bredden ska vara mellan 1 och 100 "
                                 "procent av tabellens bredd."),
            ({"c-0-width": "101"}, "bredden ska vara mellan 1 och 100"),
            ({"c-0-width": "bred"}, "Kolumnen ”Budget helår”: skriv bredden som ett heltal "
                                    "mellan 1 och 100"),
            ({"c-0-width": "12,5"}, "skriv bredden som ett heltal mellan 1 och 100"),
            ({"c-0-width": "60", "c-1-width": "30", "c-2-width": "20"},
             "Kolumnernas bredder blir tillsammans 110 procent av tabellens bredd. De får "
             "vara högst 100 procent tillsammans")):
        response = sara.post(RESULT + "/definition", {**fields, **widths, "action": "save"})
        assert response.status_code == 422, widths
        assert "Definitionen sparades inte" in response.text
        assert message in response.text, (widths, response.text[-2000:])
        # What was typed stays in the form.
        assert form_fields(response.text, "definition-form")["c-0-width"] == widths["c-0-width"]
    assert table().version == 1
    assert all(not isinstance(c, dict) or "width" not in c for c in table().columns)
    response = sara.post(RESULT + "/definition",
                         {**fields, "unit_label": "x" * 201, "action": "save"})
    assert response.status_code == 422
    assert "Texten i hörnrutan får ha högst 200 tecken." in response.text


def test_a_blank_corner_and_a_ticked_box_give_the_defaults_back(as_user, cli):
    sara = as_user("sara")
    _, fields = definition(sara)
    changed = {**fields, "unit_label": "Belopp i mnkr", "c-0-width": "40", "c-1-merge": "1"}
    changed.pop("show_title")
    assert sara.post(RESULT + "/definition", {**changed, "action": "save"}).status_code == 302
    _, fields = definition(sara)
    fields.update({"unit_label": "", "c-0-width": "", "show_title": "1"})
    fields.pop("c-1-merge")
    assert sara.post(RESULT + "/definition", {**fields, "action": "save"}).status_code == 302
    saved = table()
    assert saved.unit_label is None and saved.show_title is None
    out = exported_table(cli)
    assert "unit_label" not in out and "show_title" not in out
    assert all(set(c) <= {"key", "label", "formula", "group", "decimals", "suffix"}
               for c in out["columns"])


def test_a_new_table_gets_its_corner_and_widths(as_user, cli):
    sara = as_user("sara")
    url = "/plans/SOC-2026/tabeller/ny"
    _, fields = definition(sara, url)
    fields.update({"title": "Volymer", "unit": "antal", "unit_label": "Antal personer",
                   "c-0-label": "Helår", "c-0-width": "25", "r-0-label": "Barn"})
    assert sara.post(url, {**fields, "action": "save"}).status_code == 302
    out = exported_table(cli, "volymer")
    assert out["unit_label"] == "Antal personer" and "show_title" not in out
    assert out["columns"] == [{"label": "Helår", "width": 25}]


def test_the_print_settings_of_a_table_in_a_signed_memo_are_locked(as_user, demo):
    from followup.memos.models import MemoState

    memo = next(m for m in demo.plan.memos if m.phase.key == "augusti")
    memo.state = MemoState.signed
    db.session.commit()
    sara = as_user("sara")
    page, fields = definition(sara)
    assert "kan inte ändras" in page
    fields.update({"unit_label": "Belopp i mnkr", "c-0-width": "40"})
    response = sara.post(RESULT + "/definition", {**fields, "action": "save"})
    assert response.status_code == 409
    assert table().unit_label is None and table().version == 1


def test_only_the_compiler_edits_a_definition(as_user):
    per = as_user("per")
    assert per.get(RESULT + "/definition").status_code == 403
    per.get(RESULT)
    response = per.post(RESULT + "/definition", {"title": "x", "unit_label": "y",
                                                  "action": "save"})
    assert response.status_code == 403
    assert table().unit_label is None
