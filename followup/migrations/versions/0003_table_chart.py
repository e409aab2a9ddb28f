"""chart kind per table

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 22:24:23.560998

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('figure_table', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chart', sa.String(length=10), nullable=True))



def downgrade():
    with op.batch_alter_table('figure_table', schema=None) as batch_op:
        batch_op.drop_column('chart')

