"""The goal tree: goals, assignments, actions and questions are nodes of a node type."""

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from followup.core.extensions import db
from followup.plans.models.plan import NodeType, Phase, Plan, PlanPart, Unit


class Node(PlanPart, db.Model):
    """``position`` orders a node among its siblings."""

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("node.id", ondelete="CASCADE"), index=True
    )
    type_id: Mapped[int] = mapped_column(ForeignKey("node_type.id"))
    number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    carried_over_from: Mapped[int | None]
    responsible_boards: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    group: Mapped[str | None] = mapped_column("group_heading", String(200))
    # Printed before the title instead of its type's layout prefix ("KS-BESLUT: ").
    prefix: Mapped[str | None] = mapped_column(Text)
    # "<plan key>/<node key>": the municipality's goal or assignment this node is (2.2).
    source: Mapped[str | None] = mapped_column(String(200), index=True)
    archived: Mapped[bool] = mapped_column(default=False)
    # The first and last phase in which the node is followed up (None: from the first,
    # to the last).
    since_id: Mapped[int | None] = mapped_column(ForeignKey("phase.id", ondelete="SET NULL"))
    until_id: Mapped[int | None] = mapped_column(ForeignKey("phase.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship(overlaps="root_nodes")
    parent: Mapped["Node | None"] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list["Node"]] = relationship(
        back_populates="parent", order_by="Node.position", cascade="all, delete-orphan"
    )
    type: Mapped[NodeType] = relationship()
    unit: Mapped[Unit | None] = relationship()
    since: Mapped[Phase | None] = relationship(foreign_keys=[since_id])
    until: Mapped[Phase | None] = relationship(foreign_keys=[until_id])
    followups: Mapped[list["Followup"]] = relationship(  # noqa: F821
        back_populates="node", cascade="all, delete-orphan"
    )

    def in_phase(self, phase):
        """Whether the node is part of the plan in ``phase`` (FORMAT.md ``since``/``until``)."""
        return ((self.since is None or self.since.position <= phase.position)
                and (self.until is None or phase.position <= self.until.position))

    def described(self):
        """Its sort, number, title and unit, by their keys as the plan file and the API
        give them."""
        return {"type": self.type.key, "number": self.number, "title": self.title,
                "unit": self.unit.key if self.unit else None}

    def walk(self):
        """This node and its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()
