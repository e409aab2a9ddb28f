"""The documents written from the plan file alone (issue 20.2) are the documents written
from the database: for the real reports, the project's own plans in other
municipalities' styles and the demo, each memo's every document, HTML for HTML, with
some follow-ups and control results approved and some not."""

import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.demo import PLAN_FILE
from followup.followups.models.followup import Followup, FollowupState
from followup.followups.models.internal_control import ControlResult
from followup.memos import content, snapshots
from followup.memos.models import Memo
from followup.planfile import transfer
from tests.fixtures import plan_params


def _some_approved(plan):
    """Every other follow-up and control result approved, the rest sent in: the charts
    print the two apart."""
    for i, entry in enumerate(db.session.scalars(
            select(Followup).join(Followup.phase).where(Followup.phase.has(plan_id=plan.id))
            .order_by(Followup.id))):
        entry.state = FollowupState.approved if i % 2 else FollowupState.submitted
    for i, entry in enumerate(db.session.scalars(
            select(ControlResult).order_by(ControlResult.id))):
        entry.state = FollowupState.approved if i % 3 else FollowupState.returned
    db.session.commit()


@pytest.mark.parametrize("path", plan_params() + [pytest.param(PLAN_FILE, id="demo")])
def test_documents_from_the_snapshot_are_those_from_the_database(ctx, path):
    plan = transfer.import_plan(path.read_bytes())
    db.session.commit()
    _some_approved(plan)
    memos = db.session.scalars(select(Memo).where(Memo.plan_id == plan.id)).all()
    assert memos
    for memo in memos:
        live = content.documents(content.load_memo(memo.id))
        written = snapshots.documents(snapshots.capture(memo))
        assert [d.key for d in written] == [d.key for d in live]
        for a, b in zip(live, written):
            assert a.title == b.title
            assert a.html == b.html, f"{path.name} {memo.phase.key} {a.key}"


def test_the_snapshot_leaves_the_application_database_as_it_was(ctx):
    from tests.fixtures import snapshot

    plan = transfer.import_plan(PLAN_FILE.read_bytes())
    db.session.commit()
    memo = db.session.scalar(select(Memo).where(Memo.plan_id == plan.id))
    before = snapshot()
    source = snapshots.capture(memo)
    snapshots.documents(source)
    snapshots.documents(source)  # twice: the private database is emptied in between
    assert snapshot() == before
