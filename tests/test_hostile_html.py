"""No one text can stop the board's documents (issue 23, item 2).

A reporter's comment of 120 lists inside one another (2 161 characters, within the
allowlist) made the case, each appendix and the sign-off answer 500 (WeasyPrint's
RecursionError); 5 000 levels kept a request busy for minutes. However such a comment
comes in (the browser's form, the API, a plan file) it is kept with every word, three
list levels deep, and the case prints it; a render that still takes too long ends
with a Swedish message that names the document, never a hung request.
"""

import json
import re
import time

import pytest
from sqlalchemy import select

from followup.core import pdf
from followup.core.extensions import db
from followup.demo import PLAN_FILE
from followup.followups.models.followup import Followup
from followup.memos.models import Memo, MemoState
from followup.people import tokens, users
from followup.people.models import Role
from followup.planfile import transfer
from followup.plans.models.node import Node
from followup.plans.models.plan import Phase
from tests.fixtures import PASSWORD, Browser, snapshot
from tests.pdftext import reading_order
from tests.test_html import nested_list, nesting

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"
API = "/api/plans/SOC-2026/phases/{}/followups/{}"


def followup(node_key, phase_key="augusti"):
    return db.session.scalar(
        select(Followup).join(Node, Followup.node_id == Node.id)
        .join(Phase, Followup.phase_id == Phase.id)
        .where(Node.key == node_key, Phase.key == phase_key))


def stored_comment(node_key, phase_key="augusti"):
    return followup(node_key, phase_key).comment


def printed_words(browser, url=MEMO + "/pdf"):
    pdf.forget_rendered()
    started = time.perf_counter()
    response = browser.get(url)
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.text[:2000]
    assert response.mimetype == "application/pdf"
    return " ".join(reading_order(response.data)[0]), seconds


def assert_flattened(comment, words):
    assert nesting(comment)[1] == 3
    for word in words:
        assert word in comment


@pytest.fixture
def api(demo, client):
    """api("anna", "u1", comment) saves a comment through the API as that demo user."""
    def put(who, node, comment, phase="augusti"):
        headers = {"Authorization": "Bearer " + tokens.create_token(getattr(demo, who))}
        db.session.commit()  # as /konto would, before the key is used
        url = API.format(phase, node)
        current = client.get(url, headers=headers).json
        return client.put(url, headers=headers, json={
            "level": current["level"], "comment": comment, "version": current["version"]})
    return put


def test_a_120_deep_list_saved_in_the_browser_prints_in_the_case_and_the_appendix(as_user):
    sara = as_user("sara")
    edit = "/plans/SOC-2026/phases/augusti/nodes/u1"
    sara.get(edit)
    current = followup("u1")
    response = sara.post(edit, {"level": current.level.key, "comment": nested_list(120),
                                "version": str(current.version), "action": "save"})
    assert response.status_code == 302, response.text[:2000]
    assert_flattened(stored_comment("u1"), ["punkt 1<", "punkt 3<", "punkt 120<"])

    words, _ = printed_words(sara)
    assert [f"punkt {i}" for i in range(1, 121)] == re.findall(r"punkt \d+", words)
    words, _ = printed_words(sara, MEMO + "/pdf/bilaga/1")
    assert "punkt 120" in words


def test_a_5000_deep_list_through_the_api_prints_with_its_deepest_text(api, as_user):
    # The reporter in her open phase: the comment is kept, three levels deep.
    response = api("anna", "u1", nested_list(5000, items=False), phase="december")
    assert response.status_code == 200, response.json
    assert response.json["comment"] == \
        "<ul><li><ul><li><ul><li>djupast</li></ul></li></ul></li></ul>"
    # The same in the memo's phase, by the compiler: the case prints, and quickly.
    response = api("sara", "u1", nested_list(5000, items=False))
    assert response.status_code == 200, response.json
    words, seconds = printed_words(as_user("per"))
    assert "djupast" in words
    assert seconds < 60  # 96 s, and a failure, before


def test_deep_lists_in_an_imported_plan_file_are_flattened_and_print(ctx, client):
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))

    def node(key, nodes=data["nodes"]):
        for n in nodes:
            if n["key"] == key:
                return n
            found = node(key, n.get("children") or [])
            if found:
                return found
        return None

    node("u1")["followups"]["augusti"]["comment"] = nested_list(120)
    node("u2")["followups"]["augusti"]["comment"] = nested_list(5000, items=False)
    transfer.import_plan(json.dumps(data, ensure_ascii=False))
    users.create_user("per@ekbacka.example", "Per", Role.reader, PASSWORD, [])
    db.session.commit()  # as the import command and the user command would
    per = Browser(client)
    assert per.login("per@ekbacka.example").status_code == 302

    assert_flattened(stored_comment("u1"), ["punkt 1<", "punkt 120<"])
    assert stored_comment("u2") == "<ul><li><ul><li><ul><li>djupast</li></ul></li></ul></li></ul>"
    words, _ = printed_words(per)
    assert "punkt 120" in words and "djupast" in words


def test_a_deep_list_stored_before_the_limit_prints_and_is_signed(demo, as_user):
    """Texts saved before the allowlist limited nesting are in databases now: the
    documents limit them as they print, and the director can sign."""
    followup("u1").comment = nested_list(120)  # as the old allowlist let it through
    db.session.commit()
    words, _ = printed_words(as_user("per"))
    assert "punkt 120" in words

    lena = as_user("lena")
    lena.get(MEMO + "/signera")
    response = lena.post(MEMO + "/signera", {"confirm": "y",
                                             "reason": "Granskat och klart."})
    assert response.status_code == 302, response.text[:3000]
    assert db.session.scalar(select(Memo)).state is MemoState.signed


@pytest.fixture
def short_limit(app, monkeypatch):
    """Renders stopped after a twentieth of a second: every real document is over it."""
    monkeypatch.setitem(app.config, "PDF_RENDER_TIMEOUT", 0.05)
    pdf.forget_rendered()
    yield
    pdf.forget_rendered()


def test_a_render_over_its_time_limit_ends_with_a_swedish_message(as_user, short_limit):
    per = as_user("per")
    started = time.perf_counter()
    response = per.get(MEMO + "/pdf")
    assert time.perf_counter() - started < 30
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "kunde inte göras till PDF" in response.text
    assert "Dokumentet ”" in response.text and "sekunder" in response.text
    assert "Traceback" not in response.text
    response = per.get(MEMO + "/pdf/bilaga/1")
    assert response.status_code == 503
    assert "Bilaga 1 – Uppföljning av verksamhetsplan per augusti 2026" in response.text


def test_a_sign_off_whose_render_is_stopped_signs_nothing(as_user, short_limit):
    lena = as_user("lena")
    lena.get(MEMO + "/signera")
    before = snapshot()
    response = lena.post(MEMO + "/signera", {"confirm": "y", "reason": "Granskat och klart."})
    assert response.status_code == 422
    assert "inte fastställd" in response.text and "kunde inte göras till PDF" in response.text
    db.session.expire_all()
    assert snapshot() == before
