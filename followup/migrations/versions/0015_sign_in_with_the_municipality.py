"""sign-in with the municipality's accounts: a user's subject at its identity provider,
and which of its groups gives which role on which board

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ROLE = sa.Enum('reporter', 'compiler', 'approver', 'reader', 'admin', name='role',
               native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table('user', recreate='never') as batch:
        batch.add_column(sa.Column('subject', sa.String(length=255), nullable=True))
    op.create_index(op.f('ix_user_subject'), 'user', ['subject'], unique=True)
    op.create_table(
        'group_role',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group', sa.String(length=255), nullable=False),
        sa.Column('role', ROLE, nullable=False),
        sa.Column('board_code', sa.String(length=40), nullable=True),
        sa.Column('unit_key', sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_group_role')),
        sa.UniqueConstraint('group', 'role', 'board_code', 'unit_key',
                            name=op.f('uq_group_role_group_role_board_code_unit_key')),
    )
    op.create_index(op.f('ix_group_role_group'), 'group_role', ['group'])


def downgrade():
    op.drop_index(op.f('ix_group_role_group'), table_name='group_role')
    op.drop_table('group_role')
    op.drop_index(op.f('ix_user_subject'), table_name='user')
    with op.batch_alter_table('user', recreate='never') as batch:
        batch.drop_column('subject')
