"""exact table figures, table versions and revisions

Figures were JSON numbers, which the database drivers read back as binary floats;
they become JSON strings of their exact digits. Each table gets a version and a
list of revisions (who, when, what).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 13:57:09.662237

"""
import json
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _rewrite_values(convert):
    """Rewrite every row's values with ``convert``, reading the JSON as text: on
    PostgreSQL ``json`` keeps the text as written, so the digits come back exact."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        'SELECT id, CAST("values" AS TEXT) FROM figure_row WHERE "values" IS NOT NULL')).all()
    table = sa.table("figure_row", sa.column("id", sa.Integer), sa.column("values", sa.JSON))
    for row_id, text in rows:
        values = json.loads(text, parse_float=Decimal)
        if values is None:
            continue
        bind.execute(table.update().where(table.c.id == row_id)
                     .values(values=[None if v is None else convert(v) for v in values]))


def upgrade():
    op.create_table('figure_table_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_figure_table_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['table_id'], ['figure_table.id'], name=op.f('fk_figure_table_revision_table_id_figure_table'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_table_revision')),
    sa.UniqueConstraint('table_id', 'version', name=op.f('uq_figure_table_revision_table_id_version'))
    )
    with op.batch_alter_table('figure_table_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_figure_table_revision_table_id'), ['table_id'], unique=False)

    with op.batch_alter_table('figure_table', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    _rewrite_values(lambda v: str(v) if isinstance(v, str) else str(Decimal(v)))


def downgrade():
    # Back to JSON numbers: an int where the figure is whole, else a float.
    def number(v):
        d = Decimal(v)
        return int(d) if d == d.to_integral_value() and "." not in str(v) else float(d)

    _rewrite_values(number)
    # Dropping the column in place: a copied figure_table on SQLite would take the
    # rows with it (ON DELETE CASCADE).
    with op.batch_alter_table('figure_table', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('figure_table_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_figure_table_revision_table_id'))

    op.drop_table('figure_table_revision')
