"""The municipality's documents print the boards' follow-ups of its goals (FORMAT.md
2.2 ``boards``): under a goal one line a board or a table of the boards, and a row
column of the boards' levels; the same written from the source alone as from the
database; and a prepared PDF is not served once a board's follow-up changed."""

import io
import json

import pypdf
import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.demo import MUNICIPAL_PLAN_FILE, board_plan
from followup.followups import followups as fu
from followup.memos import content, reports, snapshots
from followup.memos.models import Memo
from followup.people.models import BoardRole, Role
from followup.planfile import transfer
from followup.plans import lookup

KF = json.loads(MUNICIPAL_PLAN_FILE.read_text(encoding="utf-8"))


def municipal_file(goal_boards):
    data = json.loads(json.dumps(KF))
    data["documents"][0]["appendices"][0]["layout"]["inriktningsmal"]["boards"] = goal_boards
    return json.dumps(data)


def reviewed(plan, phase_key):
    """The board's strateg has approved its follow-ups of the phase (those with an
    answer), as the demo's are: only approved ones print in the municipality's memo."""
    from followup.followups.models.followup import FollowupState
    from followup.people import users

    strateg = users.create_user(f"granskare-{plan.board_code.lower()}@ekbacka.example",
                                "Granskare", "compiler", "ett-långt-testlösenord")
    phase = plan.phase(phase_key)
    for cur in fu.phase_overview(plan, phase):
        if cur.state is FollowupState.draft:
            fu.approve(strateg, cur.node, phase)
    db.session.commit()


def second_board(code, name):
    data = board_plan("KF-2026")
    data["organisation"].update(board_code=code, board=name)
    return json.dumps(data)


@pytest.fixture
def municipality(ctx):
    from followup.people import users

    kf = transfer.import_plan(municipal_file("levels"))
    soc = transfer.import_plan(json.dumps(board_plan("KF-2026")))
    ubn = transfer.import_plan(second_board("UBN", "Utbildningsnämnden"))
    db.session.commit()
    reviewed(soc, "augusti")
    strateg = users.create_user("s@ekbacka.example", "S", None, "ett-långt-testlösenord")
    for code in ("SOC", "UBN"):
        strateg.board_roles.append(BoardRole(board_code=code, role=Role.compiler))
    db.session.commit()
    # UBN's own view of goal 2 in augusti differs from SOC's.
    node = lookup.find_node(ubn, "im2")
    cur = fu.current(node, ubn.phase("augusti"))
    fu.save(strateg, node, ubn.phase("augusti"), level_key="helt",
            comment="<p>UBN når målet.</p>", version=cur.version)
    fu.approve(strateg, node, ubn.phase("augusti"))
    db.session.commit()
    memo = db.session.scalar(select(Memo).where(Memo.plan_id == kf.id))
    return kf, soc, ubn, memo, strateg


def appendix_html(memo):
    docs = content.documents(content.load_memo(memo.id))
    return next(d.html for d in docs if d.key == "bilaga-1")


def test_under_each_goal_one_line_a_board_with_its_level(municipality):
    kf, soc, ubn, memo, _ = municipality
    html = appendix_html(memo)
    goal2 = html[html.index("Inriktningsmål 2"):html.index("Inriktningsmål 3")]
    lines = goal2[goal2.index('class="board-levels"'):]
    assert lines.index("Socialnämnden") < lines.index("Utbildningsnämnden")
    assert "Delvis uppfyllt" in lines and "Helt uppfyllt" in lines
    # The uppdrag row's column "Nämndernas status": each board's status, one a line.
    row = html[html.index("1.1</strong>"):]
    assert "Socialnämnden: " in row and "Utbildningsnämnden: " in row


def appendix_with(goal_boards):
    """The appendix of the municipality's memo whose goals print the boards so, with
    the demo's board sourcing them."""
    transfer.import_plan(municipal_file(goal_boards))
    reviewed(transfer.import_plan(json.dumps(board_plan("KF-2026"))), "augusti")
    return appendix_html(db.session.scalar(
        select(Memo).join(Memo.plan).where(Memo.plan.has(key="KF-2026"))))


def test_a_table_of_the_boards_with_level_and_comment(ctx):
    html = appendix_with("table")
    assert '<table class="boards">' in html
    table = html[html.index('<table class="boards">'):]
    table = table[:table.index("</table>")]
    assert "Socialnämnden" in table and "Bristen på familjehem" in table


def test_without_boards_in_the_layout_nothing_of_them_prints(ctx):
    html = appendix_with("none")
    assert 'class="board-levels"' not in html and '<table class="boards">' not in html


def test_the_source_alone_writes_the_same_documents(municipality):
    memo = municipality[3]
    live = content.documents(content.load_memo(memo.id))
    written = snapshots.documents(snapshots.capture(memo))
    assert [d.html for d in written] == [d.html for d in live]
    # Through JSON, as a job gets it.
    again = snapshots.Source.from_json(json.loads(json.dumps(snapshots.capture(memo).as_json())))
    assert [d.html for d in snapshots.documents(again)] == [d.html for d in live]


def test_the_pdf_prints_the_boards_in_order_under_the_goal(municipality):
    memo = municipality[3]
    data = reports.render_pdf(memo, appendix=1)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    goal2 = text[text.index("Inriktningsmål 2"):text.index("Inriktningsmål 3")]
    assert goal2.index("Bedömning: Delvis uppfyllt") < goal2.index("Socialnämnden")
    assert goal2.index("Socialnämnden") < goal2.index("Utbildningsnämnden: Helt uppfyllt")


def test_a_board_s_change_makes_the_municipality_s_documents_new(municipality):
    kf, soc, ubn, memo, strateg = municipality
    before = reports.documents_revision(kf.id)
    node = lookup.find_node(soc, "im1")
    cur = fu.current(node, soc.phase("augusti"))
    fu.save(strateg, node, soc.phase("augusti"), level_key="ej",
            comment="<p>Ändrat.</p>", version=cur.version)
    db.session.commit()
    assert reports.documents_revision(kf.id) != before
    # A board's own documents go by its own revision alone.
    from followup.plans.models.plan import Plan
    assert reports.documents_revision(soc.id) == str(
        db.session.scalar(select(Plan.revision).where(Plan.id == soc.id)))


def test_a_board_s_change_refreshes_the_municipality_s_documents_too(municipality):
    from followup.memos import freshness

    kf, soc, ubn, _, _ = municipality
    assert freshness.printing({soc.id}) == {kf.id}
    assert freshness.printing({soc.id, ubn.id}) == {kf.id}


def test_a_board_s_draft_does_not_print_until_its_strateg_approves_it(municipality):
    kf, soc, ubn, memo, strateg = municipality
    node = lookup.find_node(ubn, "im3")
    cur = fu.current(node, ubn.phase("augusti"))
    fu.save(strateg, node, ubn.phase("augusti"), level_key="ej",
            comment="<p>Ett utkast som inte ska ut.</p>", version=cur.version)
    db.session.commit()
    html = appendix_html(memo)
    assert "Ett utkast som inte ska ut." not in html
    fu.approve(strateg, node, ubn.phase("augusti"))
    db.session.commit()
    assert "Ej uppfyllt" in appendix_html(memo)[appendix_html(memo).index("Inriktningsmål 3"):]
