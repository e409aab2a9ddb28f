"""Issue 21: what the screens say must be true, and the tests must be able to tell.

The conflict page shows the user's own text formatted, with a way back into the editor;
the review board approves control results with the follow-ups; the reporter's start page
does not say "all sent in" while something is returned, and a submit leads on to the next
item to write. And the test helpers: a text expected twice must be found twice, and the
shared fixtures' cases are skipped where ../shared is absent, not dropped unseen."""

import re

from followup.core.extensions import db
from followup.followups import controls
from followup.followups import followups as fu
from followup.followups.models.followup import FollowupState
from followup.plans import lookup
from tests import fixtures as conftest
from tests.fixtures import snapshot
from tests.pdftext import InOrder, WordList

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
    saved = controls.save(demo.sara, point, december, level_key=level,
                          comment="<p>Kontrollerat i december.</p>",
                          version=controls.current(point, december).version, submit=True)
    db.session.commit()  # as the request that sent it in would
    return saved


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
    fu.save(demo.anna, lookup.find_node(demo.plan, "u1"), demo.plan.phase("december"),
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
    assert fu.current(lookup.find_node(demo.plan, "u1"), demo.plan.phase("december")).state \
        is FollowupState.approved
    assert "1 uppföljning och 1 kontrollresultat godkändes." in sara.get(BOARD).text


def test_a_control_result_that_cannot_be_approved_is_refused_with_its_reason(as_user, demo):
    sara = as_user("sara")
    sara.get(BOARD)
    before = snapshot()
    sara.post(BOARD + "/godkann", {"controls": ["IK1"], "confirmed": "y"})  # no result
    page = sara.get(BOARD).text
    assert "Kontrollmoment IK1: Välj" in page and "godkändes" not in page
    assert "innan kontrollresultatet godkänns" in page
    assert control_state(demo) is FollowupState.empty and snapshot() == before


# 6. The conflict page shows the user's text formatted, and takes it back to the editor --

EDIT = PHASE + "/nodes/{}"
MINE = "<p>Mottagningsteamet <strong>startar</strong> i mars.</p><ul><li>Två handläggare</li></ul>"


def conflict(as_user, comment=MINE):
    """Anna opens u5's page … Omar saves meanwhile … Anna saves on version 0."""
    omar, other = as_user("omar"), as_user("omar")
    omar.get(EDIT.format("u5"))
    other.get(EDIT.format("u5"))
    other.post(EDIT.format("u5"), {"level": "paborjad", "comment": "<p>Deras text.</p>",
                                   "version": "0", "action": "save"})
    return omar, omar.post(EDIT.format("u5"), {"level": "fardig", "comment": comment,
                                               "version": "0", "action": "save"})


def test_the_conflict_page_shows_my_text_formatted_not_as_code(as_user):
    _, response = conflict(as_user)
    assert response.status_code == 409
    page = response.text
    mine = page.split('id="din"')[1]
    assert "<p>Mottagningsteamet <strong>startar</strong> i mars.</p>" in mine
    assert "<li>Två handläggare</li>" in mine
    shown = re.sub(r'value="[^"]*"', "", page)  # the form carries it, the page shows it
    assert "&lt;p&gt;Mottagningsteamet" not in shown  # not the raw HTML in a box
    assert "<textarea" not in mine
    assert "<p>Deras text.</p>" in page.split('id="deras"')[1].split('id="din"')[0]


def test_the_conflict_page_passes_my_text_through_the_allowlist(as_user):
    _, response = conflict(as_user, '<p>Text<img src=x onerror="alert(1)"><script>x()</script></p>')
    shown = response.text.split('id="my-comment">')[1].split("</div>")[0]
    assert shown.strip() == "<p>Text</p>"


def test_taking_my_text_back_opens_the_editor_with_it_on_the_saved_version(as_user):
    omar, response = conflict(as_user)
    form = response.text.split('id="din"')[1]
    assert 'action="' + EDIT.format("u5") + '/min-text"' in form
    reopened = omar.post(EDIT.format("u5") + "/min-text",
                         {"level": "fardig", "comment": MINE, "version": "1"})
    assert reopened.status_code == 200
    page = reopened.text
    editor = page.split('id="followup-form"')[1].split("</form>")[0]
    # Saving from here goes to the edit page's address, not back to /min-text.
    assert f'action="{EDIT.format("u5")}"' in editor.split(">")[0]
    assert "Mottagningsteamet &lt;strong&gt;startar" in editor  # in the editor's textarea
    assert re.search(r'<input[^>]*name="version"[^>]*value="1"', editor)
    assert re.search(r'<input[^>]*checked[^>]*value="fardig"|<input[^>]*value="fardig"[^>]*checked',
                     editor)
    assert "Sparad version 1" in page and "<p>Deras text.</p>" in page
    assert "inte sparad" in page
    saved = omar.post(EDIT.format("u5"), {"level": "fardig", "comment": MINE, "version": "1",
                                          "action": "save"})
    assert saved.status_code == 302
    assert fu.current(lookup.find_node(omar_plan(), "u5"), omar_plan().phase("december")).comment \
        == MINE


def omar_plan():
    """The demo plan, read in the test's own session."""
    return lookup.find_plan("SOC-2026")


def test_taking_my_text_back_needs_the_form_token_and_changes_nothing(as_user):
    omar, _ = conflict(as_user)
    before = snapshot()
    refused = omar.post(EDIT.format("u5") + "/min-text",
                        {"level": "fardig", "comment": MINE, "version": "1"}, csrf=False)
    assert refused.status_code == 400
    reopened = omar.post(EDIT.format("u5") + "/min-text",
                         {"level": "fardig", "comment": MINE, "version": "1"})
    assert reopened.status_code == 200 and snapshot() == before


def test_taking_my_text_back_after_yet_another_save_compares_again(as_user):
    omar, _ = conflict(as_user)
    fu.save(as_user_obj("sara"), lookup.find_node(omar_plan(), "u5"), omar_plan().phase("december"),
            level_key="paborjad", comment="<p>Tredje.</p>", version=1)
    db.session.commit()
    again = omar.post(EDIT.format("u5") + "/min-text",
                      {"level": "fardig", "comment": MINE, "version": "1"})
    assert again.status_code == 409 and "Sparad version 2" in again.text


def as_user_obj(name):
    from sqlalchemy import select

    from followup.people.models import User
    return db.session.scalar(select(User).where(User.email == f"{name}@ekbacka.example"))


# 8. The reporter's start page tells the truth, and a submit leads on ---------------------

def send_in_everything(user, phase_key="december"):
    from followup.followups import lifecycle, progress, todo
    plan = omar_plan()
    phase = plan.phase(phase_key)
    for entry in todo.owned(user, progress.entries(plan, phase)):
        lifecycle.save(user, entry, level_key=entry.scale.levels[0].key if entry.scale else None,
                       comment="<p>Text.</p>", version=entry.version, submit=True)
    db.session.commit()


def test_a_returned_item_is_not_all_sent_in(as_user, demo):
    send_in_everything(demo.anna)
    december = demo.plan.phase("december")
    u2 = lookup.find_node(demo.plan, "u2")
    fu.return_for_changes(demo.sara, u2, december, "Ange antalet familjehem.")
    db.session.commit()
    page = as_user("anna").get("/mina").text
    assert "Återremitterade till dig (1)" in page and "Ange antalet familjehem." in page
    assert "Allt från dina enheter är inskickat" not in page
    assert "1 punkt som har återremitterats till dig" in page


def test_all_sent_in_is_said_only_when_it_is_true(as_user, demo):
    send_in_everything(demo.anna)
    page = as_user("anna").get("/mina").text
    assert "Allt från dina enheter är inskickat i den här fasen." in page
    assert "Återremitterade" not in page


def test_after_submitting_the_reporter_is_led_to_the_next_to_write(as_user):
    anna = as_user("anna")
    anna.get(EDIT.format("u1"))
    anna.post(EDIT.format("u1"), {"level": "paborjad", "comment": "<p>Text</p>",
                                  "version": "0", "action": "submit"})
    page = anna.get(EDIT.format("u1")).text
    onward = page.split('aria-label="Nästa att skriva"')[1].split("</nav>")[0]
    # u2 comes after u1 in the tree; nm1-1 before it waits its turn.
    assert f'href="{EDIT.format("u2")}"' in onward and "Rekrytera fler familjehem" in onward


def test_a_returned_item_comes_first_and_a_control_result_is_reached_too(as_user, demo):
    december = demo.plan.phase("december")
    send_in_everything(demo.anna)
    fu.return_for_changes(demo.sara, lookup.find_node(demo.plan, "nm1-1"), december, "Mer.")
    db.session.commit()
    page = as_user("anna").get(EDIT.format("u4")).text
    onward = page.split('aria-label="Nästa att skriva"')[1].split("</nav>")[0]
    assert f'href="{EDIT.format("nm1-1")}"' in onward and "återremitterad" in onward
    # The control result is the last one left: the link leads to it.
    goal = fu.current(lookup.find_node(demo.plan, "nm1-1"), december)
    fu.save(demo.anna, goal.node, december, level_key=goal.scale.levels[0].key,
            comment="<p>Mer text.</p>", version=goal.version, submit=True)
    point = controls.find_point(demo.plan, "IK2")
    controls.return_for_changes(demo.sara, point, december, "Ange datum.")
    db.session.commit()
    page = as_user("anna").get(EDIT.format("u4")).text
    onward = page.split('aria-label="Nästa att skriva"')[1].split("</nav>")[0]
    assert "/internkontroll/IK2" in onward


def test_when_nothing_is_left_the_page_says_so_and_leads_home(as_user, demo):
    send_in_everything(demo.anna)
    page = as_user("anna").get(EDIT.format("u1")).text
    onward = page.split('aria-label="Nästa att skriva"')[1].split("</nav>")[0]
    assert "Allt från dina enheter är inskickat i årsbokslut" in onward
    assert 'href="/mina"' in onward


def test_the_compiler_is_not_shown_the_reporters_way_on(as_user, demo):
    send_in_everything(demo.anna)
    assert 'aria-label="Nästa att skriva"' not in as_user("sara").get(EDIT.format("u1")).text


def test_a_control_result_sent_in_leads_on_too(as_user, demo):
    send_in_everything(demo.anna)
    from followup.followups import progress, todo

    plan = omar_plan()
    point = next(e for e in todo.owned(demo.anna, progress.entries(plan, plan.phase("december")))
                 if not hasattr(e, "node"))
    page = as_user("anna").get(f"{PHASE}/internkontroll/{point.point.key}").text
    onward = page.split('aria-label="Nästa att skriva"')[1].split("</nav>")[0]
    assert "Allt från dina enheter är inskickat i årsbokslut" in onward
