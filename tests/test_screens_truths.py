"""Issue 21: what the screens say must be true, and the tests must be able to tell.

The conflict page shows the user's own text formatted, with a way back into the editor;
the review board approves control results with the follow-ups; the reporter's start page
does not say "all sent in" while something is returned, and a submit leads on to the next
item to write. And the test helpers: a text expected twice must be found twice, and the
shared fixtures' cases are skipped where ../shared is absent, not dropped unseen."""

import pytest

from followup.extensions import db
from followup.models import FollowupState
from followup.services import controls
from followup.services import followups as fu

from . import conftest
from .conftest import snapshot
from .pdftext import InOrder, WordList

PHASE = "/plans/SOC-2026/phases/december"


# The test helpers ------------------------------------------------------------------------

def test_a_text_expected_twice_must_be_there_twice():
    doc = WordList("Mål ett Delvis uppfyllt Mål två".split())
    reader = InOrder(doc)
    reader.find("Delvis uppfyllt", "bedömning")
    reader.find("Delvis uppfyllt", "bedömning")  # dropped the second time
    assert reader.found == 1 and len(reader.missing) == 1

    doc = WordList("Mål ett Delvis uppfyllt Mål två Delvis uppfyllt".split())
    reader = InOrder(doc)
    for _ in range(2):
        reader.find("Delvis uppfyllt", "bedömning")
    assert reader.found == 2 and not reader.missing


def test_a_text_found_moves_on_past_itself():
    reader = InOrder(WordList("a b c b".split()))
    reader.find("a b")
    reader.find("b")
    assert reader.position == 4 and not reader.missing


def test_without_shared_the_fixture_cases_are_skipped_not_dropped(monkeypatch):
    monkeypatch.setattr(conftest, "FIXTURE_FILES", [])
    params = conftest.plan_params()
    skipped = [p for p in params if p.values[0] is None]
    assert len(skipped) == 1
    (mark,) = skipped[0].marks
    assert mark.name == "skip" and mark.kwargs["reason"] == "../shared saknas"
    assert len(params) == 1 + len(conftest.OWN_PLANS)


# 7. Bulk approval takes the control results too -----------------------------------------

BOARD = "/granskning/SOC-2026/december"


def submit_control(demo, key="IK1"):
    plan = demo.plan
    point = controls.find_point(plan, key)
    december = plan.phase("december")
    level = point.internal_control.scale.levels[0].key
    return controls.save(demo.sara, point, december, level_key=level,
                         comment="<p>Kontrollerat i december.</p>",
                         version=controls.current(point, december).version, submit=True)


def control_state(demo, key="IK1"):
    db.session.expire_all()
    return controls.current(controls.find_point(demo.plan, key), demo.plan.phase("december")).state


def test_the_board_lists_control_results_to_approve_with_the_follow_ups(as_user, demo):
    submit_control(demo)
    sara = as_user("sara")
    page = sara.get(BOARD).text
    assert "Uppföljningar och kontrollresultat" in page
    assert 'name="controls" value="IK1"' in page and 'name="nodes" value="u1"' not in page
    assert "kontrollresultat" in page.split("<caption>")[-1].split("</caption>")[0]
    only = sara.get(BOARD + "?typ=_kontroll").text
    assert 'name="controls" value="IK1"' in only and "Utveckla familjebehandlingen" not in only


def test_bulk_approval_approves_a_control_result_through_the_control_service(
        as_user, demo, monkeypatch):
    fu.save(demo.anna, fu.find_node(demo.plan, "u1"), demo.plan.phase("december"),
            level_key="paborjad", comment="<p>Text</p>", version=0, submit=True)
    submit_control(demo)
    called = []
    original = controls.approve
    monkeypatch.setattr(controls, "approve",
                        lambda *a, **kw: called.append(a[1].key) or original(*a, **kw))
    sara = as_user("sara")
    sara.get(BOARD)
    before = snapshot()
    confirm = sara.post(BOARD + "/godkann", {"nodes": ["u1"], "controls": ["IK1"]})
    assert confirm.status_code == 200
    assert "Godkänna 1 uppföljning och 1 kontrollresultat?" in confirm.text
    assert 'name="controls" value="IK1"' in confirm.text
    assert snapshot() == before  # nothing approved before the confirmation
    done = sara.post(BOARD + "/godkann", {"nodes": ["u1"], "controls": ["IK1"],
                                          "confirmed": "y"})
    assert done.status_code == 302
    assert called == ["IK1"]
    assert control_state(demo) is FollowupState.approved
    assert fu.current(fu.find_node(demo.plan, "u1"), demo.plan.phase("december")).state \
        is FollowupState.approved
    assert "1 uppföljning och 1 kontrollresultat godkändes." in sara.get(BOARD).text


def test_a_control_result_that_cannot_be_approved_is_refused_with_its_reason(as_user, demo):
    sara = as_user("sara")
    sara.get(BOARD)
    before = snapshot()
    sara.post(BOARD + "/godkann", {"controls": ["IK1"], "confirmed": "y"})  # a draft, no result
    page = sara.get(BOARD).text
    assert "Kontrollmoment IK1: Välj" in page and "godkändes" not in page
    assert control_state(demo) is FollowupState.draft and snapshot() == before
