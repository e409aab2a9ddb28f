"""Tables of figures (economy, key figures, volumes): value rows and formula rows."""

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .plan import KEY, Plan, PlanPart


class FigureTable(PlanPart, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(40))
    # A column is a label, or an object (FORMAT.md) with key, label, group, formula,
    # decimals and suffix; kept as the plan file gives it.
    columns: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    # "bar" or "line": the table is drawn as that chart too; None: no chart.
    chart: Mapped[str | None] = mapped_column(String(10))

    plan: Mapped[Plan] = relationship(back_populates="tables")
    rows: Mapped[list["FigureRow"]] = relationship(
        back_populates="table", order_by="FigureRow.position", cascade="all, delete-orphan"
    )


class FigureRow(db.Model):
    """A row holds ``values`` (one a column), a ``formula``, or a formula and reported values."""

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("figure_table.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    key: Mapped[str | None] = mapped_column(KEY)
    label: Mapped[str] = mapped_column(Text)
    formula: Mapped[str | None] = mapped_column(String(400))
    values: Mapped[list[float | None] | None] = mapped_column(JSON)
    decimals: Mapped[int | None]
    # One number of decimals a column (None: the column's), where the cells differ.
    cell_decimals: Mapped[list | None] = mapped_column(JSON)
    strong: Mapped[bool] = mapped_column(default=False)

    table: Mapped[FigureTable] = relationship(back_populates="rows")
