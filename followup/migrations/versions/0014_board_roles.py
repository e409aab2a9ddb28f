"""roles per board: each user's role on every board they had, held per board

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ROLE = sa.Enum('reporter', 'compiler', 'approver', 'reader', 'admin', name='role',
               native_enum=False, length=20)
BOARD_ROLES = ('reporter', 'compiler', 'approver', 'reader')
# What a user without a role on every board gets back on a downgrade: the widest duty
# they held on some board, as the one role the old schema knows.
DOWNGRADE_ORDER = ('compiler', 'approver', 'reporter', 'reader')


def upgrade():
    op.create_table(
        'board_role',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('board_code', sa.String(length=40), nullable=False),
        sa.Column('role', ROLE, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_board_role_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_board_role')),
        sa.UniqueConstraint('user_id', 'board_code', 'role',
                            name=op.f('uq_board_role_user_id_board_code_role')),
    )
    op.create_index(op.f('ix_board_role_board_code'), 'board_role', ['board_code'])
    op.create_index(op.f('ix_board_role_user_id'), 'board_role', ['user_id'])
    with op.batch_alter_table('user') as batch:
        batch.alter_column('role', existing_type=ROLE, nullable=True)

    # Everyone keeps their role on every board there is, so a one-board installation
    # works as before; a board imported later gives nobody anything until granted.
    # Without any plan yet, the role stays on every board.
    conn = op.get_bind()
    boards = [r[0] for r in conn.execute(sa.text("SELECT DISTINCT board_code FROM plan"))]
    if not boards:
        return
    users = conn.execute(sa.text('SELECT id, role FROM "user" WHERE role IN '
                                 "('reporter', 'compiler', 'approver', 'reader')")).all()
    for user_id, role in users:
        for board in boards:
            conn.execute(sa.text("INSERT INTO board_role (user_id, board_code, role) "
                                 "VALUES (:u, :b, :r)"), {"u": user_id, "b": board, "r": role})
        conn.execute(sa.text('UPDATE "user" SET role = NULL WHERE id = :u'), {"u": user_id})


def downgrade():
    conn = op.get_bind()
    for role in DOWNGRADE_ORDER:
        conn.execute(sa.text(
            'UPDATE "user" SET role = :r WHERE role IS NULL AND id IN '
            '(SELECT user_id FROM board_role WHERE role = :r)'), {"r": role})
    # Nobody is left without a role: the narrowest one.
    conn.execute(sa.text("UPDATE \"user\" SET role = 'reader' WHERE role IS NULL"))
    with op.batch_alter_table('user') as batch:
        batch.alter_column('role', existing_type=ROLE, nullable=False)
    op.drop_index(op.f('ix_board_role_user_id'), table_name='board_role')
    op.drop_index(op.f('ix_board_role_board_code'), table_name='board_role')
    op.drop_table('board_role')
