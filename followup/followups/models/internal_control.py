"""The internal control plan: control points and their result per phase."""

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from followup.core.extensions import db
from followup.followups.models.followup import EntryColumns, RevisionColumns
from followup.plans.models.plan import KEY, Plan, Scale, Unit


class InternalControl(db.Model):
    """A plan's internal control plan; a plan without one has no row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), unique=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("scale.id"))

    plan: Mapped[Plan] = relationship(back_populates="internal_control")
    scale: Mapped[Scale] = relationship()
    points: Mapped[list["ControlPoint"]] = relationship(
        back_populates="internal_control",
        order_by="ControlPoint.position",
        cascade="all, delete-orphan",
    )


class ControlPoint(db.Model):
    """A kontrollmoment: what is checked, why, how, and by which unit."""

    __table_args__ = (UniqueConstraint("internal_control_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    internal_control_id: Mapped[int] = mapped_column(
        ForeignKey("internal_control.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    key: Mapped[str] = mapped_column(KEY)
    area: Mapped[str | None] = mapped_column(Text)
    process: Mapped[str | None] = mapped_column(Text)
    risk: Mapped[str | None] = mapped_column(Text)
    control: Mapped[str] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(Text)
    mandatory: Mapped[bool] = mapped_column(default=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))

    internal_control: Mapped[InternalControl] = relationship(back_populates="points")
    unit: Mapped[Unit | None] = relationship()
    results: Mapped[list["ControlResult"]] = relationship(
        back_populates="point", cascade="all, delete-orphan"
    )


class ControlResult(EntryColumns, db.Model):
    """One control point in one phase: the result on the control scale and a comment."""

    __table_args__ = (UniqueConstraint("point_id", "phase_id"),)

    point_id: Mapped[int] = mapped_column(
        ForeignKey("control_point.id", ondelete="CASCADE"), index=True
    )

    point: Mapped[ControlPoint] = relationship(back_populates="results")
    revisions: Mapped[list["ControlResultRevision"]] = relationship(
        back_populates="result", order_by="ControlResultRevision.version",
        cascade="all, delete-orphan", passive_deletes=True)


class ControlResultRevision(RevisionColumns, db.Model):
    """What a control result was after one change, by whom and when."""

    __table_args__ = (UniqueConstraint("result_id", "version"),)

    result_id: Mapped[int] = mapped_column(
        ForeignKey("control_result.id", ondelete="CASCADE"), index=True)

    result: Mapped[ControlResult] = relationship(back_populates="revisions")
