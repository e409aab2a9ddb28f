"""Building a case's documents runs a number of SQL queries that does not grow with the
number of nodes (issue 20, item 8): the goal tree, its types, scales, levels, units,
phases and the phase's follow-ups are read up front and held while the documents are
written, and the internal control, the tables and the charts read nothing per node."""

import copy
import json
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from followup.core.extensions import db
from followup.documents import compose
from followup.memos import reports
from followup.memos.models import Memo
from followup.planfile import transfer

# Far above what the documents need (about 20), far below one query a node (41 in the
# demo plan, 656 at ×16).
MOST_QUERIES = 40
# What may differ between the plan and the plan scaled: nothing, but a constant slack.
SLACK = 2


def scaled_plan(data, factor):
    """The plan file ``data`` with its goal tree ``factor`` times: the roots and
    everything below them copied with new keys and numbers, follow-ups kept. Copies
    beyond the first say ``since`` and ``until`` (the plan's first and last phase, so
    that they print as before) where the original says nothing, so that those phases
    are read too."""
    out = copy.deepcopy(data)
    roots = data["nodes"]
    first, last = data["phases"][0]["key"], data["phases"][-1]["key"]
    numbered = [int(n["number"]) for n in roots if (n.get("number") or "").isdigit()]
    step = max(numbered, default=0)

    def copied(node, i):
        new = copy.deepcopy({k: v for k, v in node.items() if k != "children"})
        new["key"] = f"{node['key']}-x{i}"
        number = node.get("number")
        if number and i:
            head, dot, tail = number.partition(".")
            new["number"] = (f"{int(head) + i * step}{dot}{tail}" if head.isdigit()
                             else f"{number}-{i}")
        if i:
            new["since"] = node.get("since") or first
            new["until"] = node.get("until") or last
        new["children"] = [copied(c, i) for c in node.get("children", [])]
        return new

    out["nodes"] = [copied(root, i) for i in range(factor) for root in roots]
    return out


def count_nodes(nodes):
    return sum(1 + count_nodes(n.get("children", [])) for n in nodes)


@contextmanager
def counted_queries():
    """The SQL statements run inside the block, as a list that grows."""
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def import_scaled(factor):
    """The demo plan ×``factor`` in the database (in place of any earlier import)."""
    from followup.demo import PLAN_FILE

    data = scaled_plan(json.loads(PLAN_FILE.read_text(encoding="utf-8")), factor)
    plan = transfer.import_plan(json.dumps(data, ensure_ascii=False), replace=True)
    db.session.commit()
    memo_id = db.session.scalar(select(Memo.id).where(Memo.plan_id == plan.id))
    return data, memo_id


def build_html(memo_id):
    """Every document's HTML, from a session that has forgotten everything, with the
    statements it ran."""
    db.session.expunge_all()
    with counted_queries() as statements:
        memo = reports.load(memo_id)
        docs = reports.documents(memo)
    return docs, statements


def test_the_scaled_plan_is_the_demo_plan_n_times():
    from followup.demo import PLAN_FILE

    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    scaled = scaled_plan(data, 4)
    assert count_nodes(scaled["nodes"]) == 4 * count_nodes(data["nodes"])
    keys, numbers = [], []

    def walk(nodes):
        for n in nodes:
            keys.append(n["key"])
            if n.get("number"):
                numbers.append(n["number"])
            walk(n.get("children", []))
    walk(scaled["nodes"])
    assert len(keys) == len(set(keys)) and len(numbers) == len(set(numbers))


@pytest.mark.parametrize("factor", [1, 4, 16])
def test_documents_run_a_fixed_number_of_queries(ctx, factor):
    data, memo_id = import_scaled(factor)
    docs, statements = build_html(memo_id)
    assert len(statements) <= MOST_QUERIES, "\n".join(statements)
    # Every copy of the goal tree is printed: the plan appendix names each node.
    appendix = next(d for d in docs if d.key == "bilaga-1")
    text = re.sub(r"\s+", " ", appendix.html)
    assert text.count("Ekbacka ska ha en välfärd där barn och unga får rätt stöd") >= factor
    assert f">{3 * factor}.2<" in text or f"{3 * factor}.2 " in text


def test_query_count_does_not_grow_with_the_plan(ctx):
    counts = {}
    for factor in (1, 4, 16):
        _, memo_id = import_scaled(factor)
        _, statements = build_html(memo_id)
        counts[factor] = len(statements)
    assert max(counts.values()) - min(counts.values()) <= SLACK, counts
    assert max(counts.values()) <= MOST_QUERIES, counts


def test_one_appendix_alone_is_as_cheap(ctx):
    _, memo_id = import_scaled(4)
    db.session.expunge_all()
    with counted_queries() as statements:
        memo = reports.load(memo_id)
        reports.documents(memo, appendix=2)
    assert len(statements) <= MOST_QUERIES, "\n".join(statements)
    assert compose.document_titles(memo)[0][0] == "memo"
