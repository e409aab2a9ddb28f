"""A memo's documents written from the plan file alone (issue 20.2).

What a phase's documents are made from is its ``Source``: the plan file's text (the
snapshot that signing stores) and the review state of each follow-up and control
result, which the plan file does not carry but the charts print ("varav 3 ej godkända
än"). ``documents`` writes them without the application's database: the source is
imported into a private in-memory database of this thread and written there, so any
worker on any machine writes the same documents from the same source, and what is
signed is written from exactly the snapshot that is stored with it.
"""

import threading
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from followup.core.extensions import db
from followup.followups import boards
from followup.followups.models.followup import Followup, FollowupState
from followup.followups.models.internal_control import ControlPoint, ControlResult
from followup.memos import content
from followup.memos.models import Memo
from followup.planfile import transfer
from followup.plans.models.node import Node
from followup.plans.models.plan import Phase


@dataclass(frozen=True)
class Source:
    """What a phase's documents are written from: JSON all through, for a job's
    arguments."""

    snapshot: str  # the plan file's text
    phase: str  # the key of the memo's phase
    # {"followups": {phase key: {node key: state}}, "controls": {phase key: {point key:
    # state}}}: each entry that is not a draft (a draft is what an import makes).
    states: dict
    # The boards' follow-ups of a municipality's plan (followups.boards.printed): they
    # stand in the boards' plans, not in this one's file.
    boards: dict | None = None

    def as_json(self):
        return {"snapshot": self.snapshot, "phase": self.phase, "states": self.states,
                "boards": self.boards}

    @classmethod
    def from_json(cls, data):
        return cls(data["snapshot"], data["phase"], data["states"], data.get("boards"))


def capture(memo):
    """The source of the memo's documents as the database holds them now."""
    snapshot = transfer.dump(transfer.export_plan(memo.plan.key))
    return Source(snapshot, memo.phase.key, review_states(memo.plan_id),
                  boards.printed(memo.plan, memo.phase.key))


def review_states(plan_id):
    """The review state of every follow-up and control result of the plan that is not a
    draft, by phase key and node or point key: two queries."""
    followups = db.session.execute(
        select(Phase.key, Node.key, Followup.state).join(Followup.phase)
        .join(Followup.node).where(Node.plan_id == plan_id,
                                   Followup.state != FollowupState.draft)).all()
    controls = db.session.execute(
        select(Phase.key, ControlPoint.key, ControlResult.state).join(ControlResult.phase)
        .join(ControlResult.point).where(Phase.plan_id == plan_id,
                                         ControlResult.state != FollowupState.draft)).all()
    out = {"followups": {}, "controls": {}}
    for kind, rows in (("followups", followups), ("controls", controls)):
        for phase, key, state in rows:
            out[kind].setdefault(phase, {})[key] = state.value
    return out


_local = threading.local()


def _engine():
    """This thread's private in-memory database, with the application's tables."""
    engine = getattr(_local, "engine", None)
    if engine is None:
        engine = create_engine("sqlite://", poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
        db.metadata.create_all(engine)
        _local.engine = engine
    return engine


def documents(source, preview=False, stamp=None):
    """The memo's print documents written from ``source`` alone (see the module)."""
    engine = _engine()
    # A context of its own: the session of this scope is the private database's, never
    # the application's, and is let go at the end.
    with current_app.app_context():
        private = Session(bind=engine, expire_on_commit=False)
        db.session.registry.set(private)
        try:
            plan = transfer.import_plan(source.snapshot)
            private.flush()
            _set_states(plan, source.states)
            memo_id = private.scalar(select(Memo.id).join(Memo.phase).where(
                Memo.plan_id == plan.id, Phase.key == source.phase))
            return content.documents(content.load_memo(memo_id), preview, stamp,
                                     boards=source.boards or {})
        finally:
            private.close()  # and with it what was imported: nothing is committed
            db.session.remove()


def _set_states(plan, states):
    phases = {p.key: p.id for p in plan.phases}
    session = db.session
    for kind, model, owner in (("followups", Followup, Node),
                               ("controls", ControlResult, ControlPoint)):
        for phase_key, entries in states.get(kind, {}).items():
            rows = session.execute(
                select(model, owner.key).join(owner)
                .where(model.phase_id == phases[phase_key], owner.key.in_(list(entries))))
            for entry, key in rows:
                entry.state = FollowupState(entries[key])
    session.flush()
