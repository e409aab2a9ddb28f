"""The strateg's and the director's start pages cover every board they hold a role on,
in the same number of queries however many boards there are (issue 18: 604 queries
with 20 boards before)."""

import json

import pytest
from sqlalchemy import event

from followup.core.extensions import db
from followup.demo import PLAN_FILE
from followup.memos import memos
from followup.planfile import transfer

DEMO = json.loads(PLAN_FILE.read_text(encoding="utf-8"))


def add_boards(sara, first, count):
    for i in range(first, first + count):
        DEMO["organisation"].update(board_code=f"N{i:02d}", board=f"Nämnd {i:02d}")
        plan = transfer.import_plan(json.dumps(DEMO))
        plan.phase("december").is_open = True
        memos.create_memo(sara, plan, plan.phase("december"))
    db.session.commit()


def queries(browser, path):
    statements = []

    def count(*_):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = browser.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response.text


@pytest.mark.parametrize("who, path", [("sara", "/granskning/"), ("lena", "/att-faststalla")])
def test_start_page_queries_do_not_grow_with_the_boards(demo, as_user, who, path):
    add_boards(demo.sara, 0, 1)
    browser = as_user(who)
    queries(browser, path)  # warm: the session's first page loads the user
    few, _ = queries(browser, path)
    add_boards(demo.sara, 1, 5)
    many, text = queries(browser, path)
    assert all(f"Nämnd {i:02d}" in text or f"N{i:02d}-2026" in text for i in range(6))
    assert many <= few + 2, (few, many)
