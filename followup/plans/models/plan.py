"""A board, its yearly plan, and the plan's vocabulary: phases, scales, node types, units."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from followup.core.extensions import db
from followup.core.types import UTCDateTime, utcnow

KEY = String(80)


class PlanPart:
    """A keyed part of a plan, kept in the plan's order; its key is unique in the plan."""

    @declared_attr
    def plan_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)

    position: Mapped[int]
    key: Mapped[str] = mapped_column(KEY)

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("plan_id", "key"),)


class Plan(db.Model):
    """A board's verksamhetsplan for one year with everything followed up in it."""

    __table_args__ = (UniqueConstraint("board_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)  # board_code-year
    year: Mapped[int]
    # The organisation as the plan's year knew it: names and directors change.
    municipality: Mapped[str] = mapped_column(String(200))
    board_name: Mapped[str] = mapped_column(String(200))
    board_code: Mapped[str] = mapped_column(String(40), index=True)
    board_number: Mapped[str | None] = mapped_column(String(40))  # "board_id" in the file
    administration: Mapped[str] = mapped_column(String(200))
    director_name: Mapped[str | None] = mapped_column(String(200))
    director_title: Mapped[str | None] = mapped_column(String(200))
    # "board" (default) or "municipality": the council's own plan (FORMAT.md 2.2).
    level: Mapped[str | None] = mapped_column(String(20))
    # The words the documents print where they differ from the defaults, and how they
    # print (FORMAT.md 2.1 ``wording`` and ``print``): kept as the file gives them.
    wording: Mapped[dict | None] = mapped_column(JSON)
    print_options: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # One more with every change to the plan (taken with its lock, plans/lock.py): what a
    # prepared PDF was made at, so that a download of an unchanged plan writes nothing.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    @classmethod
    def by_key(cls, key):
        """The plan of that key ("SOC-2026"), or None; each caller says in its own words
        that there is none."""
        return db.session.scalar(db.select(cls).where(cls.key == key)) if key else None

    phases: Mapped[list["Phase"]] = relationship(
        back_populates="plan", order_by="Phase.position", cascade="all, delete-orphan"
    )
    scales: Mapped[list["Scale"]] = relationship(
        back_populates="plan",
        order_by="Scale.position",
        cascade="all, delete-orphan",
    )
    node_types: Mapped[list["NodeType"]] = relationship(
        back_populates="plan", order_by="NodeType.position", cascade="all, delete-orphan"
    )
    units: Mapped[list["Unit"]] = relationship(
        back_populates="plan", order_by="Unit.position", cascade="all, delete-orphan"
    )
    # The goal tree's roots; a node's children hang on the node.
    root_nodes: Mapped[list["Node"]] = relationship(  # noqa: F821
        primaryjoin="and_(Plan.id == Node.plan_id, Node.parent_id.is_(None))",
        order_by="Node.position",
        cascade="all, delete-orphan",
        overlaps="plan",
    )
    internal_control: Mapped["InternalControl | None"] = relationship(  # noqa: F821
        back_populates="plan", cascade="all, delete-orphan"
    )
    tables: Mapped[list["FigureTable"]] = relationship(  # noqa: F821
        back_populates="plan", order_by="FigureTable.position", cascade="all, delete-orphan"
    )
    memos: Mapped[list["Memo"]] = relationship(  # noqa: F821
        back_populates="plan", order_by="Memo.position", cascade="all, delete-orphan"
    )

    def phase(self, key):
        return next((p for p in self.phases if p.key == key), None)


class Phase(PlanPart, db.Model):
    """A reporting phase (per april, augusti, december); reporters write only in an open one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    period_end: Mapped[date | None]
    is_open: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[date | None]

    plan: Mapped[Plan] = relationship(back_populates="phases")


class Scale(PlanPart, db.Model):
    """A named vocabulary of levels: a status or an assessment."""

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))

    plan: Mapped[Plan] = relationship(back_populates="scales")
    levels: Mapped[list["Level"]] = relationship(
        back_populates="scale", order_by="Level.position", cascade="all, delete-orphan"
    )

    def level(self, key):
        return next((lv for lv in self.levels if lv.key == key), None)

    @property
    def has_done_level(self):
        return any(lv.done for lv in self.levels)


class Level(db.Model):
    """One step of a scale: its short label, the sentence a document prints, its tone."""

    __table_args__ = (UniqueConstraint("scale_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("scale.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(KEY)
    label: Mapped[str] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    tone: Mapped[str | None] = mapped_column(String(20))
    done: Mapped[bool] = mapped_column(default=False)

    scale: Mapped[Scale] = relationship(back_populates="levels")


class NodeType(PlanPart, db.Model):
    """A kind of node in the goal tree (fokusmål, uppdrag, åtgärd …) and its scale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    plural: Mapped[str | None] = mapped_column(String(200))
    scale_id: Mapped[int | None] = mapped_column(ForeignKey("scale.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship(back_populates="node_types")
    scale: Mapped[Scale | None] = relationship()


class Unit(PlanPart, db.Model):
    """An organisational unit (avdelning) that owns nodes and reports on them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))

    plan: Mapped[Plan] = relationship(back_populates="units")
