"""Each role's start page is a to-do list; the compiler reviews item after item."""

import re

from sqlalchemy import select, update

from followup.core.extensions import db
from followup.followups.models.followup import Followup, FollowupState
from followup.followups.models.internal_control import ControlResult
from followup.plans.models.node import Node

EDIT = "/plans/SOC-2026/phases/december/nodes/{}"
MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"


def submit(b, node, comment="<p>Text</p>"):
    b.get(EDIT.format(node))
    return b.post(EDIT.format(node), {"level": "paborjad", "comment": comment,
                                      "version": 0, "action": "submit"})


def state_of(node_key, phase_key="december"):
    return db.session.scalar(select(Followup.state).join(Followup.node).join(Followup.phase)
                             .where(Node.key == node_key,
                                    Followup.phase.has(key=phase_key)))


def test_reporter_sees_returned_items_first_with_remark_who_and_when(as_user):
    anna, sara = as_user("anna"), as_user("sara")
    submit(anna, "u2")
    submit(anna, "u1")
    sara.get(EDIT.format("u2"))
    sara.post(EDIT.format("u2") + "/return", {"remark": "Ange antalet familjehem.", "version": 1})

    page = anna.get("/mina").text
    returned, rest = page.split("Att skriva och skicka in")
    assert "Återremitterade till dig (1)" in returned
    assert "Rekrytera fler familjehem" in returned and "Ange antalet familjehem." in returned
    assert re.search(r"Återremitterad av Sara <time datetime=\"[^\"]+\">\d{4}-\d{2}-\d{2} \d{2}:\d{2}",
                     returned)
    # Then what is due: not what is sent in, nor what was returned (shown above).
    assert "Sista dag: <strong><time" in returned  # the phase's deadline heads its list
    assert "Utveckla familjebehandlingen" not in rest  # u1 is sent in
    assert "Rekrytera fler familjehem" not in rest
    assert "Ej rapporterad" in rest


def test_compiler_sees_what_waits_per_unit_and_reviews_next_and_previous(as_user):
    anna, omar, sara = as_user("anna"), as_user("omar"), as_user("sara")
    for b, node in ((anna, "u1"), (anna, "u4"), (omar, "u5")):
        submit(b, node)
    todo = sara.get("/granskning/").text
    barn = todo.index("Avdelning barn och unga: 2 väntar")
    vuxen = todo.index("Avdelning vuxen: 1 väntar")
    assert barn < todo.index("Utveckla familjebehandlingen") < vuxen
    assert f'href="{EDIT.format("u1")}">Börja granska' in todo
    # The counts take in the internal control too, and say so (the board's count
    # follow-ups alone: "Utkast: 5" here and 0 there looked like a fault).
    assert '<p class="counts">Uppföljningar och kontrollresultat: <span class="count">' in todo

    first = sara.get(EDIT.format("u1")).text
    assert "3 väntar på granskning" in first and "Ingen före" in first
    assert f'rel="next" href="{EDIT.format("u4")}"' in first
    middle = sara.get(EDIT.format("u4")).text
    assert f'rel="prev" href="{EDIT.format("u1")}"' in middle
    assert f'rel="next" href="{EDIT.format("u5")}"' in middle
    # Approving keeps the way on: the item is no longer waiting, its neighbours still are.
    sara.post(EDIT.format("u4") + "/approve", {"version": 1})
    after = sara.get(EDIT.format("u4")).text
    assert "2 väntar på granskning" in after and f'rel="next" href="{EDIT.format("u5")}"' in after


def test_approving_or_returning_leads_on_to_the_next_waiting(as_user):
    """It stayed on the item just approved: the compiler had to find the next one."""
    anna, omar, sara = as_user("anna"), as_user("omar"), as_user("sara")
    for b, node in ((anna, "u1"), (anna, "u4"), (omar, "u5")):
        submit(b, node)
    sara.get(EDIT.format("u1"))
    approved = sara.post(EDIT.format("u1") + "/approve", {"version": 1})
    assert approved.headers["Location"].endswith(EDIT.format("u4"))
    assert "Uppföljningen är godkänd. Här är nästa att granska." in sara.get(EDIT.format("u4")).text
    returned = sara.post(EDIT.format("u4") + "/return", {"remark": "Hur många?", "version": 1})
    assert returned.headers["Location"].endswith(EDIT.format("u5"))
    sara.get(EDIT.format("u5"))
    last = sara.post(EDIT.format("u5") + "/approve", {"version": 1})
    assert last.headers["Location"].endswith(EDIT.format("u5"))  # nothing more waits


def test_compiler_gets_no_reporter_buttons_on_a_sent_item_and_saving_keeps_its_state(as_user):
    anna, sara = as_user("anna"), as_user("sara")
    submit(anna, "u1")
    page = sara.get(EDIT.format("u1")).text
    assert "Spara utkast" not in page and "Skicka in för granskning" not in page
    assert "Spara ändringen" in page
    response = sara.post(EDIT.format("u1"), {"level": "paborjad", "comment": "<p>Rättad</p>",
                                             "version": 1, "action": "save"},
                         follow_redirects=True)
    assert "Utkastet är sparat." not in response.text
    assert "Ändringen är sparad. Uppföljningen är fortfarande inskickad." in response.text
    assert state_of("u1") is FollowupState.submitted
    # A draft is still the compiler's to save or send in like a reporter.
    draft = sara.get(EDIT.format("u2")).text
    assert "Spara utkast" in draft and "Skicka in för granskning" in draft


def test_approver_sees_readiness_of_each_memo_and_the_signed_ones(as_user, demo):
    lena = as_user("lena")
    page = lena.get("/").text
    assert "Klara att fastställa (0)" in page
    waiting = page.split("Under arbete (1)")[1]
    assert "Delårsbokslut per augusti" in waiting
    assert re.search(r"Utkast: \d+", waiting) and "godkända" in waiting
    assert f'href="{MEMO}"' in waiting

    august = demo.plan.phase("augusti")
    for model in (Followup, ControlResult):
        db.session.execute(update(model).where(model.phase_id == august.id)
                           .values(state=FollowupState.approved))
    db.session.commit()
    ready = lena.get("/").text.split("Klara att fastställa (1)")[1].split("Fastställda")[0]
    assert "alla" in ready and "godkända" in ready and f'href="{MEMO}"' in ready

    lena.get(MEMO + "signera")
    assert lena.post(MEMO + "signera", {"confirm": "y"}).status_code == 302  # all approved
    signed = lena.get("/").text.split("Fastställda (1)")[1]
    assert "version 1, fastställd" in signed


def test_approver_sees_table_warnings(as_user, demo):
    from followup.tables.models import FigureRow

    row = db.session.scalar(select(FigureRow).where(FigureRow.formula.is_not(None),
                                                    FigureRow.values.is_not(None)).limit(1))
    if row is None:  # a reported total to disagree with: make one
        row = db.session.scalar(select(FigureRow).where(FigureRow.formula.is_not(None)).limit(1))
    width = len(row.table.columns)
    row.values = [999_999.0] * width
    db.session.commit()
    page = as_user("lena").get("/").text
    assert re.search(r"\d+ tabellvarning(ar)?:</strong> redovisade summor", page)


def test_reader_sees_the_latest_signed_documents(as_user):
    per = as_user("per")
    assert "Inga tjänsteskrivelser är fastställda än." in per.get("/").text
    lena = as_user("lena")
    lena.get(MEMO + "signera")
    assert lena.post(MEMO + "signera", {"confirm": "y",
                                        "reason": "Muntlig dragning."}).status_code == 302
    page = per.get("/").text
    assert "Delårsbokslut per augusti" in page and "version 1, fastställd" in page
    assert f'href="{MEMO}pdf/version/1"' in page and 'download="SOC-2026-augusti-faststalld-v1.pdf"' in page
