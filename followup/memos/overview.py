"""The memos as the approver and the reader see them on their start pages: which are
ready to sign, which wait, which are signed."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core.extensions import db
from followup.followups import progress
from followup.memos import reports
from followup.memos.models import Memo, MemoSignoff, MemoState


@dataclass
class MemoStatus:
    memo: object
    readiness: progress.Readiness
    warnings: list

    @property
    def ready(self):
        return self.readiness.ready


def approver():
    """(ready to sign, not yet ready, signed): every memo with its readiness."""
    ready, waiting, signed = [], [], []
    for memo_id in db.session.scalars(select(Memo.id).order_by(Memo.plan_id, Memo.position)):
        memo = reports.load(memo_id)
        if memo.state is MemoState.signed:
            signed.append(memo)
            continue
        status = MemoStatus(memo, progress.readiness(memo.plan, memo.phase),
                            reports.table_warnings(memo))
        (ready if status.ready else waiting).append(status)
    return ready, waiting, signed


def latest_signed(limit=20):
    """The latest signed versions of memos, newest first."""
    return db.session.scalars(
        select(MemoSignoff).options(selectinload(MemoSignoff.memo).selectinload(Memo.plan),
                                    selectinload(MemoSignoff.memo).selectinload(Memo.phase))
        .order_by(MemoSignoff.signed_at.desc()).limit(limit)).all()
