"""session generation, named API tokens with expiry and revocation

A user's session generation is part of what the session cookie carries: raising it
ends the user's sessions. Tokens get a name, an expiry and a revocation time; tokens
made before this revision have no name and no expiry until revoked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 14:01:41.362178

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_generation')

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('name')
