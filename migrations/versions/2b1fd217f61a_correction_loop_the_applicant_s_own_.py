"""correction loop: the applicant's own deadline on requests, the final result letter (hasil_akhir) as an issued kind

Revision ID: 2b1fd217f61a
Revises: ce498448e220
Create Date: 2026-11-29 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '2b1fd217f61a'
down_revision = 'ce498448e220'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('berita_acara', 'result_letter')"
NEW_KINDS = "kind IN ('berita_acara', 'result_letter', 'hasil_akhir')"


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_due_on', sa.Date(), nullable=True))
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_issued_documents_kind'), type_='check')
        batch_op.create_check_constraint('kind', NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM issued_documents WHERE kind = 'hasil_akhir'")
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_issued_documents_kind'), type_='check')
        batch_op.create_check_constraint('kind', OLD_KINDS)
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('applicant_due_on')
