"""Every key of plan file 2.1 is editable in the browser (issue 17, item 1): a node's own
text before its title in the structure editor, and a table's corner label, whether its
title prints, and per column a width and merged repeats in the table definition editor.
What is typed is exported as the plan file's key and printed."""

import json
import re
from decimal import Decimal

from sqlalchemy import select

from followup.extensions import db
from followup.models import FigureTable, Node
from followup.services import reports, tokens

from .html_forms import form_fields

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
    assert "Text före titeln för just den här punkten" in page
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
    assert "Text före titeln" in page and "KS-BESLUT:" in page
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
    assert "Texten före titeln får ha högst 80 tecken." in response.text
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
    data = {"parent": "nm2-2", "type": "uppdrag", "title": "Starta natthärbärge",
            "number": "2.2.9", "prefix": "KS-BESLUT:\n"}
    response = client.post("/api/plans/SOC-2026/nodes", json=data, headers=headers)
    assert response.status_code == 201, response.json
    assert node(response.json["key"]).prefix == "KS-BESLUT: "
    response = client.post("/api/plans/SOC-2026/nodes", headers=headers,
                           json={**data, "prefix": 5})
    assert response.status_code == 422
    reader = {"Authorization": "Bearer " + tokens.create_token(demo.per)}
    assert client.post("/api/plans/SOC-2026/nodes", json=data,
                       headers=reader).status_code == 403


def test_only_the_compiler_sets_a_prefix(as_user):
    anna = as_user("anna")
    anna.get("/mina")
    response = anna.post(f"{STRUCTURE}/noder/u1", {"title": "Utveckla", "title_prefix": "X:"})
    assert response.status_code in (302, 403)
    assert node("u1").prefix is None
