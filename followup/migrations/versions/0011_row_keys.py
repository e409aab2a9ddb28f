"""every table row has a key: rows made in the browser had none (issue 21.3)

The API and the plan file name rows by key, so a row without one was left out
("rows": {} for a table full of figures, "key": null in the export). Each row without
a key gets one from its label, unique within its table, as the table editor now makes
them: "Politisk verksamhet" → politisk_verksamhet, a second "Summa" → summa_2, "2025" →
rad_2025. Rows that have a key keep it. Downgrade keeps the keys (valid in 0010 too).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:10:00.000000

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def row_key(label, taken):
    """A frozen copy of models.figures.row_key as of this revision."""
    ascii_label = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")[:60] or "rad"
    if not base[0].isalpha():
        base = "rad_" + base
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, table_id, key, label FROM figure_row ORDER BY table_id, position, id")).all()
    taken = {}
    for _, table_id, key, _ in rows:
        if key:
            taken.setdefault(table_id, set()).add(key)
    for row_id, table_id, key, label in rows:
        if key:
            continue
        keys = taken.setdefault(table_id, set())
        new = row_key(label, keys)
        keys.add(new)
        conn.execute(sa.text("UPDATE figure_row SET key = :key WHERE id = :id"),
                     {"key": new, "id": row_id})


def downgrade():
    pass
