"""plan, follow-ups, internal control, tables, memos, users

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 20:56:24.532166

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('municipality', sa.String(length=200), nullable=False),
    sa.Column('board_name', sa.String(length=200), nullable=False),
    sa.Column('board_code', sa.String(length=40), nullable=False),
    sa.Column('board_number', sa.String(length=40), nullable=True),
    sa.Column('administration', sa.String(length=200), nullable=False),
    sa.Column('director_name', sa.String(length=200), nullable=True),
    sa.Column('director_title', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
    sa.UniqueConstraint('board_code', 'year', name=op.f('uq_plan_board_code_year')),
    sa.UniqueConstraint('key', name=op.f('uq_plan_key'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_board_code'), ['board_code'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('reporter', 'compiler', 'approver', 'reader', 'admin', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('figure_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=True),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_figure_table_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_table')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_figure_table_plan_id_key'))
    )
    with op.batch_alter_table('figure_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_figure_table_plan_id'), ['plan_id'], unique=False)

    op.create_table('phase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_phase_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_phase_plan_id_key'))
    )
    with op.batch_alter_table('phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_plan_id'), ['plan_id'], unique=False)

    op.create_table('scale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_scale_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scale')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_scale_plan_id_key'))
    )
    with op.batch_alter_table('scale', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scale_plan_id'), ['plan_id'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_unit_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_unit_plan_id_key'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_plan_id'), ['plan_id'], unique=False)

    op.create_table('figure_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=True),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('formula', sa.String(length=400), nullable=True),
    sa.Column('values', sa.JSON(), nullable=True),
    sa.Column('decimals', sa.Integer(), nullable=True),
    sa.Column('strong', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['table_id'], ['figure_table.id'], name=op.f('fk_figure_row_table_id_figure_table'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_row'))
    )
    with op.batch_alter_table('figure_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_figure_row_table_id'), ['table_id'], unique=False)

    op.create_table('internal_control',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_internal_control_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scale_id'], ['scale.id'], name=op.f('fk_internal_control_scale_id_scale')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_control')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_internal_control_plan_id'))
    )
    op.create_table('level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('tone', sa.String(length=20), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['scale_id'], ['scale.id'], name=op.f('fk_level_scale_id_scale'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_level')),
    sa.UniqueConstraint('scale_id', 'key', name=op.f('uq_level_scale_id_key'))
    )
    with op.batch_alter_table('level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_level_scale_id'), ['scale_id'], unique=False)

    op.create_table('memo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('diarienummer', sa.String(length=80), nullable=True),
    sa.Column('handlaggare', sa.JSON(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=True),
    sa.Column('meeting_date', sa.Date(), nullable=True),
    sa.Column('proposals_intro', sa.Text(), nullable=True),
    sa.Column('proposals', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'signed', 'reopened', name='memo_state', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['phase_id'], ['phase.id'], name=op.f('fk_memo_phase_id_phase'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_memo_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo')),
    sa.UniqueConstraint('plan_id', 'phase_id', name=op.f('uq_memo_plan_id_phase_id'))
    )
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memo_plan_id'), ['plan_id'], unique=False)

    op.create_table('node_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('plural', sa.String(length=200), nullable=True),
    sa.Column('scale_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_node_type_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scale_id'], ['scale.id'], name=op.f('fk_node_type_scale_id_scale'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_node_type')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_node_type_plan_id_key'))
    )
    with op.batch_alter_table('node_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_node_type_plan_id'), ['plan_id'], unique=False)

    op.create_table('unit_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_membership_unit_id_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_unit_membership_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_membership')),
    sa.UniqueConstraint('user_id', 'unit_id', name=op.f('uq_unit_membership_user_id_unit_id'))
    )
    with op.batch_alter_table('unit_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_membership_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_membership_user_id'), ['user_id'], unique=False)

    op.create_table('appendix',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memo_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('intro', sa.Text(), nullable=True),
    sa.Column('node_types', sa.JSON(), nullable=False),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.Column('document_type', sa.String(length=200), nullable=True),
    sa.Column('heading', sa.Text(), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('diarienummer', sa.String(length=80), nullable=True),
    sa.Column('handlaggare', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['memo_id'], ['memo.id'], name=op.f('fk_appendix_memo_id_memo'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appendix'))
    )
    with op.batch_alter_table('appendix', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appendix_memo_id'), ['memo_id'], unique=False)

    op.create_table('control_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('internal_control_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('area', sa.Text(), nullable=True),
    sa.Column('process', sa.Text(), nullable=True),
    sa.Column('risk', sa.Text(), nullable=True),
    sa.Column('control', sa.Text(), nullable=False),
    sa.Column('method', sa.Text(), nullable=True),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['internal_control_id'], ['internal_control.id'], name=op.f('fk_control_point_internal_control_id_internal_control'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_control_point_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_point')),
    sa.UniqueConstraint('internal_control_id', 'key', name=op.f('uq_control_point_internal_control_id_key'))
    )
    with op.batch_alter_table('control_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_control_point_internal_control_id'), ['internal_control_id'], unique=False)

    op.create_table('memo_signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memo_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('pdf_path', sa.String(length=400), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['memo_id'], ['memo.id'], name=op.f('fk_memo_signoff_memo_id_memo'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['user.id'], name=op.f('fk_memo_signoff_reopened_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['user.id'], name=op.f('fk_memo_signoff_signed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memo_signoff')),
    sa.UniqueConstraint('memo_id', 'version', name=op.f('uq_memo_signoff_memo_id_version'))
    )
    with op.batch_alter_table('memo_signoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memo_signoff_memo_id'), ['memo_id'], unique=False)

    op.create_table('node',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('carried_over_from', sa.Integer(), nullable=True),
    sa.Column('responsible_boards', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('group_heading', sa.String(length=200), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['node.id'], name=op.f('fk_node_parent_id_node'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_node_plan_id_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['node_type.id'], name=op.f('fk_node_type_id_node_type')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_node_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_node')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_node_plan_id_key'))
    )
    with op.batch_alter_table('node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_node_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_node_plan_id'), ['plan_id'], unique=False)

    op.create_table('control_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('empty', 'draft', 'submitted', 'returned', 'approved', name='followup_state', native_enum=False, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['level.id'], name=op.f('fk_control_result_level_id_level')),
    sa.ForeignKeyConstraint(['phase_id'], ['phase.id'], name=op.f('fk_control_result_phase_id_phase'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['point_id'], ['control_point.id'], name=op.f('fk_control_result_point_id_control_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_result')),
    sa.UniqueConstraint('point_id', 'phase_id', name=op.f('uq_control_result_point_id_phase_id'))
    )
    with op.batch_alter_table('control_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_control_result_phase_id'), ['phase_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_control_result_point_id'), ['point_id'], unique=False)

    op.create_table('followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('empty', 'draft', 'submitted', 'returned', 'approved', name='followup_state', native_enum=False, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('remark', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['level_id'], ['level.id'], name=op.f('fk_followup_level_id_level')),
    sa.ForeignKeyConstraint(['node_id'], ['node.id'], name=op.f('fk_followup_node_id_node'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['phase_id'], ['phase.id'], name=op.f('fk_followup_phase_id_phase'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_followup_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup')),
    sa.UniqueConstraint('node_id', 'phase_id', name=op.f('uq_followup_node_id_phase_id'))
    )
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_phase_id'), ['phase_id'], unique=False)

    op.create_table('section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('memo_id', sa.Integer(), nullable=True),
    sa.Column('appendix_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.Text(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('tables', sa.JSON(), nullable=False),
    sa.CheckConstraint('(memo_id IS NULL) <> (appendix_id IS NULL)', name=op.f('ck_section_one_owner')),
    sa.ForeignKeyConstraint(['appendix_id'], ['appendix.id'], name=op.f('fk_section_appendix_id_appendix'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['memo_id'], ['memo.id'], name=op.f('fk_section_memo_id_memo'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section'))
    )
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_appendix_id'), ['appendix_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_section_memo_id'), ['memo_id'], unique=False)

    op.create_table('followup_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('empty', 'draft', 'submitted', 'returned', 'approved', name='followup_state', native_enum=False, length=20), nullable=False),
    sa.Column('remark', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_followup_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['followup_id'], ['followup.id'], name=op.f('fk_followup_revision_followup_id_followup'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['level_id'], ['level.id'], name=op.f('fk_followup_revision_level_id_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_revision')),
    sa.UniqueConstraint('followup_id', 'version', name=op.f('uq_followup_revision_followup_id_version'))
    )
    with op.batch_alter_table('followup_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_revision_followup_id'), ['followup_id'], unique=False)



def downgrade():
    with op.batch_alter_table('followup_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_revision_followup_id'))

    op.drop_table('followup_revision')
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_memo_id'))
        batch_op.drop_index(batch_op.f('ix_section_appendix_id'))

    op.drop_table('section')
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_phase_id'))
        batch_op.drop_index(batch_op.f('ix_followup_node_id'))

    op.drop_table('followup')
    with op.batch_alter_table('control_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_control_result_point_id'))
        batch_op.drop_index(batch_op.f('ix_control_result_phase_id'))

    op.drop_table('control_result')
    with op.batch_alter_table('node', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_node_plan_id'))
        batch_op.drop_index(batch_op.f('ix_node_parent_id'))

    op.drop_table('node')
    with op.batch_alter_table('memo_signoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memo_signoff_memo_id'))

    op.drop_table('memo_signoff')
    with op.batch_alter_table('control_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_control_point_internal_control_id'))

    op.drop_table('control_point')
    with op.batch_alter_table('appendix', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appendix_memo_id'))

    op.drop_table('appendix')
    with op.batch_alter_table('unit_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_unit_membership_unit_id'))

    op.drop_table('unit_membership')
    with op.batch_alter_table('node_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_node_type_plan_id'))

    op.drop_table('node_type')
    with op.batch_alter_table('memo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memo_plan_id'))

    op.drop_table('memo')
    with op.batch_alter_table('level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_level_scale_id'))

    op.drop_table('level')
    op.drop_table('internal_control')
    with op.batch_alter_table('figure_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_figure_row_table_id'))

    op.drop_table('figure_row')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_plan_id'))

    op.drop_table('unit')
    with op.batch_alter_table('scale', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scale_plan_id'))

    op.drop_table('scale')
    with op.batch_alter_table('phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_plan_id'))

    op.drop_table('phase')
    with op.batch_alter_table('figure_table', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_figure_table_plan_id'))

    op.drop_table('figure_table')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('user')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_board_code'))

    op.drop_table('plan')
