"""plan file version 2: layouts, chapters, signatures, node since/until, cell decimals

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 13:37:32.259998

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appendix', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('layout', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('columns', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('phases', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('contents', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('cover', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('new_page', sa.Boolean(), nullable=True))
        batch_op.alter_column('number',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_appendix_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_appendix_parent_id_appendix'), 'appendix', ['parent_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('figure_row', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cell_decimals', sa.JSON(), nullable=True))

    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('numbered_proposals', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('signatures', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('appendices_heading', sa.Text(), nullable=True))

    with op.batch_alter_table('node', schema=None) as batch_op:
        batch_op.add_column(sa.Column('since_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('until_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_node_since_id_phase'), 'phase', ['since_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_node_until_id_phase'), 'phase', ['until_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_after', sa.Text(), nullable=True))


def downgrade():
    # Version 1 has no chapters, and an appendix without a number cannot stay.
    op.execute("DELETE FROM appendix WHERE parent_id IS NOT NULL")
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.drop_column('body_after')

    with op.batch_alter_table('node', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_node_until_id_phase'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_node_since_id_phase'), type_='foreignkey')
        batch_op.drop_column('until_id')
        batch_op.drop_column('since_id')

    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.drop_column('appendices_heading')
        batch_op.drop_column('signatures')
        batch_op.drop_column('numbered_proposals')

    with op.batch_alter_table('figure_row', schema=None) as batch_op:
        batch_op.drop_column('cell_decimals')

    with op.batch_alter_table('appendix', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appendix_parent_id_appendix'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appendix_parent_id'))
        batch_op.alter_column('number',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('new_page')
        batch_op.drop_column('cover')
        batch_op.drop_column('contents')
        batch_op.drop_column('phases')
        batch_op.drop_column('columns')
        batch_op.drop_column('layout')
        batch_op.drop_column('parent_id')
