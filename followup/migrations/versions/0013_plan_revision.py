"""plan revision: one more with every change, what a prepared PDF was made at

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan', recreate='never') as batch:
        batch.add_column(sa.Column('revision', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('plan', recreate='never') as batch:
        batch.drop_column('revision')
