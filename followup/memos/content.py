"""What a memo's documents print, gathered before they are written: the memo with its
plan's tree in a fixed number of queries, the phase's follow-ups, the printed tables,
the comments as plain text and the charts. documents/compose.py turns it into HTML and
runs no query of its own (issue 22)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from followup.core.extensions import db
from followup.documents import compose, plan_appendix
from followup.followups import boards as board_followups
from followup.followups import distributions
from followup.followups.history import paragraphs
from followup.followups.models.followup import Followup
from followup.followups.models.internal_control import ControlPoint, ControlResult, InternalControl
from followup.memos.models import Appendix, Memo
from followup.plans.models.node import Node
from followup.plans.models.plan import NodeType, Plan, Scale
from followup.tables import figures
from followup.tables.models import FigureTable


def load_memo(memo_id):
    """The memo with everything its documents print, in a fixed number of queries."""
    memo = db.session.scalar(
        select(Memo).where(Memo.id == memo_id).options(
            selectinload(Memo.phase),
            selectinload(Memo.sections),
            selectinload(Memo.appendices).options(
                selectinload(Appendix.sections),
                selectinload(Appendix.chapters).selectinload(Appendix.sections)),
            selectinload(Memo.plan).options(
                selectinload(Plan.phases),
                selectinload(Plan.units),
                selectinload(Plan.node_types).selectinload(NodeType.scale)
                .selectinload(Scale.levels),
                selectinload(Plan.tables).selectinload(FigureTable.rows),
                selectinload(Plan.internal_control).options(
                    selectinload(InternalControl.scale).selectinload(Scale.levels),
                    selectinload(InternalControl.points).selectinload(ControlPoint.results)
                    .selectinload(ControlResult.level)),
            ),
        )
    )
    if memo is not None:
        _load_tree(memo.plan)
    return memo


def _load_tree(plan):
    """Every node of the plan in one query, each with its children, its parent and the
    plan's roots set from that one result: the templates walk the tree without a query
    a node. The plan holds its roots and each node its children, so the loaded tree
    lives as long as the memo does (the session alone would forget it). A node's type,
    unit and since/until phase are the plan's, already loaded and held by it."""
    nodes = db.session.scalars(
        select(Node).where(Node.plan_id == plan.id).order_by(Node.position, Node.id)).all()
    by_id = {n.id: n for n in nodes}
    children = {n.id: [] for n in nodes}
    roots = []
    for node in nodes:
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        (children[parent.id] if parent is not None else roots).append(node)
        set_committed_value(node, "parent", parent)
    for node in nodes:
        set_committed_value(node, "children", children[node.id])
    set_committed_value(plan, "root_nodes", [n for n in roots if n.parent_id is None])


def gather(memo, boards=None):
    """The case (compose.Case) of a loaded memo, without its charts (``charts``).
    ``boards``: the boards' follow-ups as followups.boards.printed gives them (a
    document's source carries them); None: read from the database."""
    plan, phase = memo.plan, memo.phase
    followups = db.session.scalars(
        select(Followup).where(Followup.phase_id == phase.id)
        .options(selectinload(Followup.level)))
    entries = {f.node_id: compose.Entry(f.level, f.comment, paragraphs(f.comment))
               for f in followups}
    texts = {}
    if plan.internal_control is not None:
        for point in plan.internal_control.points:
            own = next((r for r in point.results if r.phase_id == phase.id), None)
            texts[point.id] = paragraphs(own.comment) if own else []
    if boards is None:
        boards = board_followups.printed(plan, phase.key)
    return compose.Case(memo, entries, {t.key: figures.printed_table(t) for t in plan.tables},
                        texts, boards=board_lines(boards))


def board_lines(printed):
    """followups.boards.printed's JSON → {node key: [plan_appendix.BoardLine]}."""
    return {key: [plan_appendix.BoardLine(
        b["board"], plan_appendix.BoardLevel(b["level"], b["tone"]) if b["level"] else None,
        b["comment"], tuple(paragraphs(b["comment"])) if b["comment"] else ())
        for b in lines] for key, lines in (printed or {}).items()}


def charts(case, appendix):
    """part id → the charts of the appendix and of each of its chapters that asks for
    them: a plan part's level charts, the internal control's chart of results."""
    plan, phase = case.memo.plan, case.memo.phase
    out = {}
    for part, prefix in compose.parts(appendix):
        if not part.level_chart:
            continue
        if part.kind == "plan":
            out[part.id] = distributions.level_charts(
                plan, phase, set(part.node_types or []), prefix)
        elif part.kind == "internal_control" and plan.internal_control is not None:
            out[part.id] = distributions.control_chart(
                plan, phase, phases=compose.control_phases(plan, phase, part))
    return out


def iter_documents(memo, preview=False, stamp=None, boards=None):
    """The memo's print documents one by one, each gathered and written when it is
    asked for: the PDF pipeline lays out the first while the next is written. Without
    ``stamp`` they are drafts and say so on every page; with it (signoff.Stamp) they
    say who signed them, when, and the checksum of what was signed."""
    case = gather(memo, boards)
    yield compose.memo_document(case, preview, stamp)
    for appendix in compose.appendices(memo):
        case.charts.update(charts(case, appendix))
        yield compose.appendix_document(case, appendix, preview, stamp)


def documents(memo, preview=False, stamp=None, boards=None):
    """The memo's print documents."""
    return list(iter_documents(memo, preview, stamp, boards))
