"""issued_documents.kind: the office's other letters (undangan rapat, pengembalian berkas)

Revision ID: c3d4e5f6a7b8
Revises: a7c3e5d9f1b2
Create Date: 2026-11-29 03:40:00.000000

"""
from alembic import op


revision = 'c3d4e5f6a7b8'
down_revision = 'a7c3e5d9f1b2'
branch_labels = None
depends_on = None

OLD = "kind IN ('berita_acara', 'result_letter', 'hasil_akhir')"
NEW = "kind IN ('berita_acara', 'result_letter', 'undangan_rapat', 'pengembalian_berkas', 'hasil_akhir')"


def _replace(condition):
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_issued_documents_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_issued_documents_kind'), condition)


def upgrade():
    _replace(NEW)


def downgrade():
    op.execute("DELETE FROM issued_documents WHERE kind IN ('undangan_rapat', 'pengembalian_berkas')")
    _replace(OLD)
