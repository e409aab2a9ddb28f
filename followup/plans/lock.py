"""The plan's write lock: what keeps a signing and a change to the plan from crossing."""

import logging

from sqlalchemy import bindparam, event, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from followup.core import signals
from followup.core.errors import ServiceError
from followup.core.extensions import db
from followup.plans.models.plan import Plan

log = logging.getLogger("followup.lock")


class Busy(ServiceError):
    """The plan's lock was not free in time: a signing (or a long change) is under way.
    Nothing was changed."""

    status = 503


BUSY_MESSAGE = ("Planen håller på att ändras eller tjänsteskrivelsen fastställs just nu. "
                "Inget sparades. Vänta en stund och försök igen.")
# The session's notes: the plans whose lock it took, and those of them it wrote to.
CHANGED = "changed_plans"
REVISED = "revised_plans"
# How long a change waits for the plan's lock on PostgreSQL (SQLite waits its busy_timeout).
LOCK_WAIT = "30s"


def lock_plan(plan_id):
    """Take the plan's write lock, held until the transaction ends (commit or rollback).

    Signing takes it first and keeps it until the signed version is stored; every change
    to the plan's follow-ups, control results, tables, structure and memos takes it before
    it checks whether the phase is frozen. So a change either lands before the snapshot
    is read, or waits, sees the signed memo and is refused. A transaction that then
    writes counts the plan's revision one up (``_count_revision``). On PostgreSQL a row lock
    (SELECT … FOR UPDATE on the plan's row); on SQLite the database's write lock, taken by
    a write to the plan's row (SQLite has one writer at a time). A change that waits
    longer than the database lets it raises Busy (503) and changes nothing."""
    # Noted for after the commit: the plan's documents are then laid out again ahead of
    # time (memos/tasks.py).
    db.session.info.setdefault(CHANGED, set()).add(plan_id)
    connection = db.session.connection()
    plan = Plan.__table__
    try:
        if connection.dialect.name == "sqlite":
            # Plain SQL: the model's onupdate would stamp the plan's updated_at.
            connection.execute(text("UPDATE plan SET key = key WHERE id = :id"),
                               {"id": plan_id})
        else:
            connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
            connection.execute(select(plan.c.id).where(plan.c.id == plan_id).with_for_update())
    except OperationalError as e:
        db.session.rollback()
        log.warning("lock.busy plan=%s error=%r", plan_id, str(e)[:300])
        raise Busy(BUSY_MESSAGE) from None


@event.listens_for(Session, "after_flush")
def _count_revision(session, context):
    """A flush that wrote anything while the session holds plans' locks is a change of
    those plans: their revision goes one up, in the same transaction (a lock taken by
    an operation that was then refused writes nothing, and counts nothing)."""
    locked = session.info.get(CHANGED)
    if not locked or not (session.new or session.dirty or session.deleted):
        return
    session.connection().execute(
        text("UPDATE plan SET revision = revision + 1 WHERE id IN :ids")
        .bindparams(bindparam("ids", expanding=True)), {"ids": sorted(locked)})
    session.info.setdefault(REVISED, set()).update(locked)


@event.listens_for(Session, "after_commit")
def _announce(session):
    session.info.pop(CHANGED, None)
    revised = session.info.pop(REVISED, None)
    if revised:
        signals.plans_changed.send(frozenset(revised))


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(CHANGED, None)
    session.info.pop(REVISED, None)
