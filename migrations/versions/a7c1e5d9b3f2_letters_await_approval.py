"""letters await approval: issued documents get a status, the decision's columns, a version and
their meeting; number and code are given at approval (nullable until then)

Revision ID: a7c1e5d9b3f2
Revises: e5c7a9b1d3f2
Create Date: 2026-11-29 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = 'a7c1e5d9b3f2'
down_revision = 'e5c7a9b1d3f2'
branch_labels = None
depends_on = None

STATUSES = "status IN ('awaiting_approval', 'sent_back', 'issued', 'withdrawn')"
NUMBERED = "(status = 'issued') = (number IS NOT NULL AND code IS NOT NULL)"


def upgrade():
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        # every document issued so far was issued at once
        batch_op.add_column(sa.Column('status', sa.String(length=24), nullable=False, server_default='issued'))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('on_behalf_of', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('sent_back_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sent_back_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sent_back_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.alter_column('number', existing_type=sa.String(length=120), nullable=True)
        batch_op.alter_column('code', existing_type=sa.String(length=32), nullable=True)
        batch_op.create_check_constraint(op.f('ck_issued_documents_status'), STATUSES)
        batch_op.create_check_constraint(op.f('ck_issued_documents_numbered_when_issued'), NUMBERED)
        batch_op.create_index(batch_op.f('ix_issued_documents_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_issued_documents_meeting_id_meetings'), 'meetings', ['meeting_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_issued_documents_approved_by_id_users'), 'users', ['approved_by_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_issued_documents_sent_back_by_id_users'), 'users', ['sent_back_by_id'], ['id']
        )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=24), server_default=None)
        batch_op.alter_column('version', existing_type=sa.Integer(), server_default=None)


def downgrade():
    # letters never approved were never issued: nothing of them can stay without a number
    op.execute("UPDATE outbox SET issued_document_id = NULL WHERE issued_document_id IN "
               "(SELECT id FROM issued_documents WHERE status <> 'issued')")
    op.execute("DELETE FROM issued_documents WHERE status <> 'issued'")
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_issued_documents_sent_back_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_issued_documents_approved_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_issued_documents_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_issued_documents_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_status'))
        batch_op.drop_constraint(op.f('ck_issued_documents_numbered_when_issued'), type_='check')
        batch_op.drop_constraint(op.f('ck_issued_documents_status'), type_='check')
        batch_op.alter_column('code', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('number', existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_column('version')
        batch_op.drop_column('sent_back_comment')
        batch_op.drop_column('sent_back_by_id')
        batch_op.drop_column('sent_back_at')
        batch_op.drop_column('on_behalf_of')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('status')
