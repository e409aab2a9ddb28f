"""A table warning names a real difference between a reported figure and the computed
one, never a figure the plan computes itself (issue 17, item 6): a sum row does not
add a column that a column formula computes, the column formula wins."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.demo import PLAN_FILE as DEMO_PLAN
from followup.memos import reports
from followup.memos.models import Memo
from followup.planfile import transfer
from followup.tables.figures import printed_table
from followup.tables.models import FigureRow, FigureTable
from tests.fixtures import FIXTURE_FILES

PLANS = [pytest.param(p, id=p.stem) for p in FIXTURE_FILES] + [pytest.param(DEMO_PLAN, id="demo")]


@pytest.mark.parametrize("path", PLANS)
def test_no_table_of_the_real_reports_or_the_demo_warns(ctx, path):
    plan = transfer.import_plan(path.read_bytes(), replace=True)
    warnings = [w for memo in db.session.scalars(select(Memo).where(Memo.plan_id == plan.id))
                for w in reports.table_warnings(memo)]
    assert warnings == []


def table(total):
    return FigureTable(key="t", title="Andel av budget", unit="mnkr", columns=[
        {"key": "b", "label": "Budget"}, {"key": "u", "label": "Utfall"},
        {"key": "p", "label": "Andel", "formula": "u / b * 100", "decimals": 1, "suffix": " %"}],
        rows=[FigureRow(position=0, key="a", label="Vuxna", values=[Decimal(10), Decimal(5), None]),
              FigureRow(position=1, key="c", label="Barn", values=[Decimal(30), Decimal(27), None]),
              FigureRow(position=2, key="tot", label="Summa", formula="sum", values=total)])


def test_a_sum_row_does_not_add_a_percentage_column(ctx):
    printed = printed_table(table([Decimal(40), Decimal(32), Decimal("80.0")]))
    assert printed.warnings == []
    assert [c.text for c in printed.rows[-1].cells] == ["40", "32", "80,0\N{NO-BREAK SPACE}%"]


def test_a_reported_total_that_differs_is_named_with_both_figures(ctx):
    printed = printed_table(table([Decimal(45), Decimal(32), Decimal("80.0")]))
    # The share is computed from what the total row prints (its reported 45).
    assert printed.warnings == [
        'Andel av budget: raden "Summa", kolumnen "Budget": redovisat 45, beräknat 40,0',
        'Andel av budget: raden "Summa", kolumnen "Andel": redovisat 80,0, beräknat 71,1']
    # Within the rounding of its two terms (half a unit each) a total does not warn.
    assert printed_table(table([Decimal(41), Decimal(32), Decimal("78.0")])).warnings == []
