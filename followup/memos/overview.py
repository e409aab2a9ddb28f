"""The memos as the approver and the reader see them on their start pages: which are
ready to sign, which wait, which are signed."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core.extensions import db
from followup.followups import followups as fu
from followup.followups import progress
from followup.memos import reports
from followup.memos.models import Appendix, Memo, MemoSignoff, MemoState
from followup.people import permissions
from followup.plans.models.plan import Plan
from followup.tables.models import FigureTable


@dataclass
class MemoStatus:
    memo: object
    readiness: progress.Readiness
    warnings: list

    @property
    def ready(self):
        return self.readiness.ready


def approver(user):
    """(ready to sign, not yet ready, signed): every memo of the boards where ``user``
    signs, with its readiness."""
    permissions.require_reads_any(user)
    ready, waiting, signed = [], [], []
    plans = [p for p in db.session.scalars(select(Plan)) if permissions.is_approver(user, p)]
    memos = _memos(p.id for p in plans)
    entries = progress.entries_of((m.plan, m.phase) for m in memos
                                  if m.state is not MemoState.signed)
    for memo in memos:
        if memo.state is MemoState.signed:
            signed.append(memo)
            continue
        status = MemoStatus(memo, progress.Readiness(fu.state_counts(entries[memo.phase_id])),
                            reports.table_warnings(memo))
        (ready if status.ready else waiting).append(status)
    return ready, waiting, signed


def _memos(plan_ids):
    """The plans' memos with what the page shows of them (their parts name the tables
    whose warnings it shows), in the same few queries however many."""
    return db.session.scalars(
        select(Memo).where(Memo.plan_id.in_(list(plan_ids)))
        .order_by(Memo.plan_id, Memo.position).options(
            selectinload(Memo.phase), selectinload(Memo.signoffs), selectinload(Memo.sections),
            selectinload(Memo.appendices).options(
                selectinload(Appendix.sections),
                selectinload(Appendix.chapters).selectinload(Appendix.sections)),
            selectinload(Memo.plan).options(
                selectinload(Plan.phases),
                selectinload(Plan.tables).selectinload(FigureTable.rows)),
        )).all()


def latest_signed(user, limit=20):
    """The latest signed versions of the memos ``user`` may read, newest first."""
    plan_ids = [p.id for p in permissions.readable(user, db.session.scalars(select(Plan)))]
    return db.session.scalars(
        select(MemoSignoff).join(Memo).where(Memo.plan_id.in_(plan_ids))
        .options(selectinload(MemoSignoff.memo).selectinload(Memo.plan),
                 selectinload(MemoSignoff.memo).selectinload(Memo.phase))
        .order_by(MemoSignoff.signed_at.desc()).limit(limit)).all()
