"""Whether a plan's documents are being laid out again after a change, and asking for
it: the marks in the queue's Redis that every server and worker reads (issue 20.3).

After a commit that changed plans (``signals.plans_changed``) their documents are laid
out again once the plans have been quiet for DOCUMENTS_QUIET_SECONDS: one refresh job a
plan at a time (``memos.tasks.refresh_documents``), put off by every change that comes
before it starts.
"""

import time

from flask import current_app, has_app_context
from sqlalchemy import select

from followup.core import jobs, signals
from followup.core.extensions import db
from followup.plans.models.plan import Plan

REFRESH = "followup.refresh_documents"
# How long the marks of a refresh live at most: a worker that died leaves none for good.
MARK_SECONDS = 600


def due_key(plan_id):
    return f"{jobs.PREFIX}documents-due:{plan_id}"


def refreshing_key(plan_id):
    return f"{jobs.PREFIX}documents-refreshing:{plan_id}"


@signals.plans_changed.connect
def _refresh_soon(plan_ids):
    if has_app_context() and jobs.redis() is not None:
        refresh(set(plan_ids) | printing(plan_ids),
                float(current_app.config["DOCUMENTS_QUIET_SECONDS"]))


def printing(plan_ids):
    """The municipality's plans of the same years: their documents print the boards'
    follow-ups (FORMAT.md 2.2)."""
    years = select(Plan.year).where(Plan.id.in_(list(plan_ids))).scalar_subquery()
    # A connection of its own: this runs after the session's commit, which takes no
    # more queries.
    with db.engine.connect() as connection:
        return set(connection.scalars(select(Plan.id).where(
            Plan.level == "municipality", Plan.year.in_(years))))


def refresh(plan_ids, quiet):
    """Have the plans' documents laid out again ``quiet`` seconds from now, unless a
    change comes first; nothing without a queue."""
    client = jobs.redis()
    if client is None:
        return
    for plan_id in plan_ids:
        client.set(due_key(plan_id), repr(time.time() + quiet), ex=MARK_SECONDS)
        _start_unless_running(client, plan_id, quiet)


def _start_unless_running(client, plan_id, quiet):
    """The plan's refresh job, ``quiet`` seconds from now, unless one is marked as
    under way already: it takes the mark."""
    if client.set(refreshing_key(plan_id), "1", nx=True, ex=MARK_SECONDS):
        jobs.start(REFRESH, plan_id, countdown=quiet)


def refreshing(plan_id):
    """Whether the plan's documents are being laid out again after a change."""
    client = jobs.redis()
    return client is not None and bool(client.exists(refreshing_key(plan_id)))


def done(plan_id, started):
    """The plan's refresh that began at ``started`` is over. A change that came while it
    ran, and found it running, started no job of its own: one is started now."""
    client = jobs.redis()
    client.delete(refreshing_key(plan_id))
    if float(client.get(due_key(plan_id)) or 0) > started:
        _start_unless_running(client, plan_id,
                              float(current_app.config["DOCUMENTS_QUIET_SECONDS"]))
