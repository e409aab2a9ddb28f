"""Tables of figures (economy, key figures, volumes): value rows and formula rows.

Figures are exact decimals (``decimal.Decimal``) with the digits they were typed or
imported with: "1 234,5" stays 1234.5 and "5,0" stays 5.0. They are stored as JSON
strings, because a JSON number passes through a binary float in the database
drivers and comes back rounded.
"""

import re
import unicodedata
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from followup.core.extensions import db
from followup.core.types import UTCDateTime, utcnow
from followup.plans.models.plan import KEY, Plan, PlanPart
from followup.tables.exact import to_decimal


class Figures(TypeDecorator):
    """A list of figures (Decimal or None), kept as JSON strings of their exact digits."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return [None if v is None else str(to_decimal(v)) for v in value]

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return [to_decimal(v) for v in value]

    def compare_values(self, x, y):
        """Figures are the same when their digits are: 52 000 and 52 000,0 are equal as
        numbers, but a change from one to the other is saved (and its revision)."""
        def digits(values):
            return None if values is None else [None if v is None else str(to_decimal(v))
                                                for v in values]
        return digits(x) == digits(y)


class FigureTable(PlanPart, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(40))
    unit_label: Mapped[str | None] = mapped_column(Text)  # the corner cell; default: unit
    show_title: Mapped[bool | None]  # None: the default (the title prints)
    # A column is a label, or an object (FORMAT.md) with key, label, group, formula,
    # decimals and suffix; kept as the plan file gives it.
    columns: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    # "bar" or "line": the table is drawn as that chart too; None: no chart.
    chart: Mapped[str | None] = mapped_column(String(10))
    # Bumped by every change of values, comment or definition; each version has its
    # revision, unique per table, so two saves based on one version cannot both land.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    plan: Mapped[Plan] = relationship(back_populates="tables")
    rows: Mapped[list["FigureRow"]] = relationship(
        back_populates="table", order_by="FigureRow.position", cascade="all, delete-orphan"
    )
    revisions: Mapped[list["FigureTableRevision"]] = relationship(
        back_populates="table", order_by="FigureTableRevision.version",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    def content(self):
        """What a revision keeps: the whole table, its figures as exact strings."""
        return {
            "title": self.title, "unit": self.unit, "chart": self.chart,
            "unit_label": self.unit_label, "show_title": self.show_title,
            "columns": list(self.columns or []),
            "rows": [{"key": r.key, "label": r.label, "formula": r.formula,
                      "values": None if r.values is None
                      else [None if v is None else str(to_decimal(v)) for v in r.values],
                      "decimals": r.decimals, "cell_decimals": r.cell_decimals,
                      "strong": r.strong}
                     for r in sorted(self.rows, key=lambda r: r.position)],
            "comment": self.comment,
        }

    def start_history(self, author_id, source):
        """A new table (defined, imported, rolled over) is version 1 with its revision."""
        self.version = 1
        self.revisions.append(FigureTableRevision(version=1, source=source, author_id=author_id,
                                                  content=self.content()))


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
    values: Mapped[list[Decimal | None] | None] = mapped_column(Figures)
    decimals: Mapped[int | None]
    # One number of decimals a column (None: the column's), where the cells differ.
    cell_decimals: Mapped[list | None] = mapped_column(JSON)
    strong: Mapped[bool] = mapped_column(default=False)

    table: Mapped[FigureTable] = relationship(back_populates="rows")


def row_key(label, taken):
    """A key for a row made from its label, not in ``taken``: "Politisk verksamhet" →
    politisk_verksamhet, "Område 2" → omrade_2, "2025" → rad_2025, a second
    "Summa" → summa_2. A name a formula can use (a letter first, then letters, digits
    and _), as the table editor's own keys."""
    ascii_label = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")[:60] or "rad"
    if not base[0].isalpha():
        base = "rad_" + base
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


@event.listens_for(Session, "before_flush")
def _every_row_has_a_key(session, flush_context, instances):
    """A row made or left without a key gets one from its label, unique in its table:
    the API and the plan file name rows by key (issue 21.3)."""
    for row in [*session.new, *session.dirty]:
        if isinstance(row, FigureRow) and row.key is None and row.table is not None:
            row.key = row_key(row.label, {r.key for r in row.table.rows if r.key})


class FigureTableRevision(db.Model):
    """A table as it was after one change: who, when, through what, and every row
    with its figures (as exact strings) and the comment. Nothing typed is lost."""

    __table_args__ = (UniqueConstraint("table_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(
        ForeignKey("figure_table.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # web, api, excel, definition, import, rollover, before (the state found before
    # the first recorded change)
    source: Mapped[str] = mapped_column(String(20))
    # {"columns": [...], "rows": [{"key", "label", "formula", "values"}], "comment"}
    content: Mapped[dict] = mapped_column(JSON)

    table: Mapped[FigureTable] = relationship(back_populates="revisions")
    author: Mapped["User | None"] = relationship()  # noqa: F821
