"""A follow-up is one node in one phase: a level, a comment, a state in the review cycle."""

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .node import Node
from .plan import Level, Phase


class FollowupState(enum.Enum):
    empty = "empty"
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"


STATE = Enum(FollowupState, name="followup_state", native_enum=False, length=20)


class Followup(db.Model):
    __table_args__ = (UniqueConstraint("node_id", "phase_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phase.id", ondelete="CASCADE"), index=True)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("level.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    state: Mapped[FollowupState] = mapped_column(STATE, default=FollowupState.draft)
    # Bumped by every change. SQLAlchemy adds "AND version = <what we read>" to each
    # UPDATE, so a change based on an older version fails instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)
    remark: Mapped[str | None] = mapped_column(Text)  # the compiler's, when returned
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": version}

    node: Mapped[Node] = relationship(back_populates="followups")
    phase: Mapped[Phase] = relationship()
    level: Mapped[Level | None] = relationship()
    revisions: Mapped[list["FollowupRevision"]] = relationship(
        back_populates="followup",
        order_by="FollowupRevision.version",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class FollowupRevision(db.Model):
    """What a follow-up was after one change, by whom and when; nothing is overwritten."""

    __table_args__ = (UniqueConstraint("followup_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(
        ForeignKey("followup.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    level_id: Mapped[int | None] = mapped_column(ForeignKey("level.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    state: Mapped[FollowupState] = mapped_column(STATE)
    remark: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(default="web")  # web, api, import
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    followup: Mapped[Followup] = relationship(back_populates="revisions")
    level: Mapped[Level | None] = relationship()
