"""control result revisions, remark and author

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:17:45.421848

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('control_result_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('empty', 'draft', 'submitted', 'returned', 'approved', name='followup_state', native_enum=False, length=20), nullable=False),
    sa.Column('remark', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_control_result_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['level_id'], ['level.id'], name=op.f('fk_control_result_revision_level_id_level')),
    sa.ForeignKeyConstraint(['result_id'], ['control_result.id'], name=op.f('fk_control_result_revision_result_id_control_result'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_result_revision')),
    sa.UniqueConstraint('result_id', 'version', name=op.f('uq_control_result_revision_result_id_version'))
    )
    with op.batch_alter_table('control_result_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_control_result_revision_result_id'), ['result_id'], unique=False)

    with op.batch_alter_table('control_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remark', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('updated_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_control_result_updated_by_id_user'), 'user', ['updated_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('control_result', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_control_result_updated_by_id_user'), type_='foreignkey')
        batch_op.drop_column('updated_by_id')
        batch_op.drop_column('remark')

    with op.batch_alter_table('control_result_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_control_result_revision_result_id'))

    op.drop_table('control_result_revision')
