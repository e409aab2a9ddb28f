"""plan file 2.1: header, issuer, wording, print options, node prefix and source

No data changes: where the new keys are unset, the defaults of FORMAT.md 2.1 apply.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 04:15:23.255772

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appendix', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contents_depth', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('issuer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('header', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('running_lines', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('orientation', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('level_chart', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('wording', sa.JSON(), nullable=True))

    with op.batch_alter_table('figure_table', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_label', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('show_title', sa.Boolean(), nullable=True))

    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_type', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('issuer', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('header', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('running_lines', sa.JSON(), nullable=True))

    with op.batch_alter_table('node', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prefix', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_node_source'), ['source'], unique=False)

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('wording', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('print_options', sa.JSON(), nullable=True))


def downgrade():
    # Dropped in place: a copied table on SQLite would take the rows that refer to it
    # with it (ON DELETE CASCADE).
    with op.batch_alter_table('plan', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('print_options')
        batch_op.drop_column('wording')
        batch_op.drop_column('level')

    with op.batch_alter_table('node', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_node_source'))
        batch_op.drop_column('source')
        batch_op.drop_column('prefix')

    with op.batch_alter_table('memo', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('running_lines')
        batch_op.drop_column('header')
        batch_op.drop_column('issuer')
        batch_op.drop_column('document_type')

    with op.batch_alter_table('figure_table', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('show_title')
        batch_op.drop_column('unit_label')

    with op.batch_alter_table('appendix', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('wording')
        batch_op.drop_column('level_chart')
        batch_op.drop_column('orientation')
        batch_op.drop_column('running_lines')
        batch_op.drop_column('header')
        batch_op.drop_column('issuer')
        batch_op.drop_column('contents_depth')
