"""A follow-up is one node in one phase: a level, a comment, a state in the review cycle."""

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from followup.core.extensions import db
from followup.core.types import UTCDateTime, utcnow
from followup.plans.models.node import Node
from followup.plans.models.plan import Level, Phase


class FollowupState(enum.Enum):
    empty = "empty"
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"


STATE = Enum(FollowupState, name="followup_state", native_enum=False, length=20)


class EntryColumns:
    """What a reviewed entry holds (a follow-up, a control result): its id, level,
    comment, state, the compiler's remark, who changed it last, and its version."""

    # First in the table, as the migrations made it: a mixin's columns otherwise come
    # after the model's own.
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)

    @declared_attr
    def phase_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("phase.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def level_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("level.id"))

    comment: Mapped[str | None] = mapped_column(Text)
    state: Mapped[FollowupState] = mapped_column(STATE, default=FollowupState.draft)
    # Bumped by every change. SQLAlchemy adds "AND version = <what we read>" to each
    # UPDATE, so a change based on an older version fails instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)
    remark: Mapped[str | None] = mapped_column(Text)  # the compiler's, when returned
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}

    @declared_attr
    def phase(cls) -> Mapped[Phase]:
        return relationship()

    @declared_attr
    def level(cls) -> Mapped[Level | None]:
        return relationship()


class RevisionColumns:
    """What an entry was after one change, by whom, when and through what."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)  # first, as above
    version: Mapped[int]

    @declared_attr
    def level_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("level.id"))

    comment: Mapped[str | None] = mapped_column(Text)
    state: Mapped[FollowupState] = mapped_column(STATE)
    remark: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def author_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    source: Mapped[str] = mapped_column(default="web")  # web, api, autosave, import
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def level(cls) -> Mapped[Level | None]:
        return relationship()


class Followup(EntryColumns, db.Model):
    __table_args__ = (UniqueConstraint("node_id", "phase_id"),)

    node_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"), index=True)

    node: Mapped[Node] = relationship(back_populates="followups")
    revisions: Mapped[list["FollowupRevision"]] = relationship(
        back_populates="followup",
        order_by="FollowupRevision.version",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class FollowupRevision(RevisionColumns, db.Model):
    """What a follow-up was after one change, by whom and when; nothing is overwritten."""

    __table_args__ = (UniqueConstraint("followup_id", "version"),)

    followup_id: Mapped[int] = mapped_column(
        ForeignKey("followup.id", ondelete="CASCADE"), index=True
    )

    followup: Mapped[Followup] = relationship(back_populates="revisions")
