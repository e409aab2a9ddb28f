"""the signed record in the database: signed documents and their snapshot in the
database, one signing in force per memo, a reason for signing with items open

Existing signed PDFs move from instance/signed into the database; a missing file
leaves the sign-off without its document (a clear error when it is asked for).
Sign-offs that concurrent requests doubled are marked as replaced by the latest.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 14:22:26.130194

"""
import hashlib
from pathlib import Path

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signed_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signoff_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=40), nullable=False),
    sa.Column('variant', sa.String(length=20), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['signoff_id'], ['memo_signoff.id'], name=op.f('fk_signed_file_signoff_id_memo_signoff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_file')),
    sa.UniqueConstraint('signoff_id', 'document', 'variant', name=op.f('uq_signed_file_signoff_id_document_variant'))
    )
    with op.batch_alter_table('signed_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_file_signoff_id'), ['signoff_id'], unique=False)

    with op.batch_alter_table('memo_signoff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('snapshot', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('snapshot_sha256', sa.String(length=64), nullable=True))

    _move_files_in()
    _retire_doubled_signoffs()

    with op.batch_alter_table('memo_signoff', schema=None) as batch_op:
        batch_op.create_index('uq_memo_signoff_in_force', ['memo_id'], unique=True, sqlite_where=sa.text('reopened_at IS NULL'), postgresql_where=sa.text('reopened_at IS NULL'))
        batch_op.drop_column('pdf_path')


def downgrade():
    with op.batch_alter_table('memo_signoff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_path', sa.VARCHAR(length=400), nullable=True))
        batch_op.drop_index('uq_memo_signoff_in_force', sqlite_where=sa.text('reopened_at IS NULL'), postgresql_where=sa.text('reopened_at IS NULL'))
    _move_files_out()
    with op.batch_alter_table('memo_signoff', schema=None) as batch_op:
        batch_op.alter_column('pdf_path', existing_type=sa.VARCHAR(length=400), nullable=False)
        batch_op.drop_column('snapshot_sha256')
        batch_op.drop_column('snapshot')
        batch_op.drop_column('reason')

    with op.batch_alter_table('signed_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_file_signoff_id'))

    op.drop_table('signed_file')

def _instance():
    return Path(current_app.instance_path)


def _move_files_in():
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, pdf_path FROM memo_signoff")).all()
    for signoff_id, pdf_path in rows:
        path = _instance() / pdf_path
        if not path.is_file():
            continue
        data = path.read_bytes()
        conn.execute(sa.text(
            "INSERT INTO signed_file (signoff_id, document, variant, content, sha256) "
            "VALUES (:id, 'case', 'archival', :content, :sha)"),
            {"id": signoff_id, "content": data, "sha": hashlib.sha256(data).hexdigest()})


def _retire_doubled_signoffs():
    """Concurrent signings could leave several versions in force: the latest stays."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, memo_id, version, signed_at FROM memo_signoff WHERE reopened_at IS NULL "
        "ORDER BY memo_id, version")).all()
    latest = {}
    for row in rows:
        latest[row.memo_id] = row
    for row in rows:
        newest = latest[row.memo_id]
        if row.id != newest.id:
            conn.execute(sa.text(
                "UPDATE memo_signoff SET reopened_at = :at, reopen_reason = :reason WHERE id = :id"),
                {"at": newest.signed_at, "id": row.id,
                 "reason": f"Fastställd flera gånger samtidigt; version {newest.version} gäller."})


def _move_files_out():
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT s.id, s.version, p.key AS plan, f.key AS phase, sf.content "
        "FROM memo_signoff s JOIN memo m ON m.id = s.memo_id JOIN plan p ON p.id = m.plan_id "
        "JOIN phase f ON f.id = m.phase_id LEFT JOIN signed_file sf ON sf.signoff_id = s.id "
        "AND sf.document = 'case' AND sf.variant = 'archival'")).all()
    for row in rows:
        relative = Path("signed") / f"{row.plan}-{row.phase}-v{row.version}.pdf"
        path = _instance() / relative
        if row.content is not None and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(row.content)
        conn.execute(sa.text("UPDATE memo_signoff SET pdf_path = :p WHERE id = :id"),
                     {"p": str(relative), "id": row.id})
