"""minutes awaiting approval (status, the decision's columns); an issued PDF attached to e-mail

Revision ID: d4e5f6a7b8c9
Revises: f2a6c8e4d1b3
Create Date: 2026-11-29 06:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = 'd4e5f6a7b8c9'
down_revision = 'f2a6c8e4d1b3'
branch_labels = None
depends_on = None

OLD = "status IN ('draft', 'final', 'superseded')"
NEW = "status IN ('draft', 'awaiting_approval', 'final', 'superseded')"


def upgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_minutes_status'), type_='check')
        batch_op.alter_column('status', existing_type=sa.String(length=16), type_=sa.String(length=24))
        batch_op.create_check_constraint(op.f('ck_minutes_status'), NEW)
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sent_back_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sent_back_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sent_back_comment', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_minutes_approved_by_id_users'), 'users', ['approved_by_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_minutes_sent_back_by_id_users'), 'users', ['sent_back_by_id'], ['id']
        )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_document_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_issued_document_id_issued_documents'), 'issued_documents', ['issued_document_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_issued_document_id_issued_documents'), type_='foreignkey')
        batch_op.drop_column('issued_document_id')
    # minutes awaiting approval were never issued: back to drafts
    op.execute("UPDATE minutes SET status = 'draft' WHERE status = 'awaiting_approval'")
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_minutes_sent_back_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_minutes_approved_by_id_users'), type_='foreignkey')
        batch_op.drop_column('sent_back_comment')
        batch_op.drop_column('sent_back_by_id')
        batch_op.drop_column('sent_back_at')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('approved_at')
        batch_op.drop_constraint(op.f('ck_minutes_status'), type_='check')
        batch_op.alter_column('status', existing_type=sa.String(length=24), type_=sa.String(length=16))
        batch_op.create_check_constraint(op.f('ck_minutes_status'), OLD)
