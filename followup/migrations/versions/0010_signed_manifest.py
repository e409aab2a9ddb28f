"""signed manifest: every signed version keeps a digest over its stored files and snapshot

A signed version gets ``manifest`` (one line "<sha256>  <name>" per stored file,
"case/archival", "bilaga-1/pdf" …, and for the snapshot, "snapshot", in name order) and
``manifest_sha256``, the SHA-256 of that text. Existing versions get theirs from the
files and snapshot as stored now: they are trusted at upgrade time. Downgrade drops
the two columns (the rows stay).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 05:00:31.044412

"""
import hashlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# A frozen copy of services.signoff.manifest_text as of this revision.
HEADER = "followup-manifest 1\n"


def manifest_text(entries):
    """{name: sha256} → the manifest's text."""
    return HEADER + "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items()))


def upgrade():
    with op.batch_alter_table('memo_signoff', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('manifest', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('manifest_sha256', sa.String(length=64), nullable=True))

    conn = op.get_bind()
    signoffs = conn.execute(sa.text("SELECT id, snapshot FROM memo_signoff ORDER BY id")).all()
    for signoff_id, snapshot in signoffs:
        entries = {}
        files = conn.execute(sa.text(
            "SELECT document, variant, content FROM signed_file WHERE signoff_id = :id"),
            {"id": signoff_id})
        for document, variant, content in files:
            entries[f"{document}/{variant}"] = hashlib.sha256(bytes(content)).hexdigest()
        if snapshot is not None:
            entries["snapshot"] = hashlib.sha256(snapshot.encode("utf-8")).hexdigest()
        text = manifest_text(entries)
        conn.execute(sa.text(
            "UPDATE memo_signoff SET manifest = :text, manifest_sha256 = :digest WHERE id = :id"),
            {"text": text, "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
             "id": signoff_id})


def downgrade():
    with op.batch_alter_table('memo_signoff', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('manifest_sha256')
        batch_op.drop_column('manifest')
