"""rendered files kept in the database by what they were made from, for every server

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rendered_file',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rendered_file')),
    )
    op.create_index(op.f('ix_rendered_file_used_at'), 'rendered_file', ['used_at'])


def downgrade():
    op.drop_index(op.f('ix_rendered_file_used_at'), table_name='rendered_file')
    op.drop_table('rendered_file')
