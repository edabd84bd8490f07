"""requests: index (office_id, id) for the newest-first lists

Revision ID: 5d1c0a7e9b21
Revises: 3172fb2fd0bf
Create Date: 2026-11-27 19:30:00.000000

"""
from alembic import op


revision = '5d1c0a7e9b21'
down_revision = '3172fb2fd0bf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_office_id_id', ['office_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_office_id_id')
