"""requests: a covering index for the work queue (its visibility, count and sort read no table row)

Revision ID: e1f2a3b4c5d6
Revises: c3d4e5f6a7b8
Create Date: 2026-11-29 06:10:00.000000

"""
from alembic import op


revision = 'e1f2a3b4c5d6'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None

COLUMNS = [
    'office_id', 'process', 'state', 'created_by_id',
    'due_date', 'applicant_due_on', 'clock_paused_on', 'clock_stopped_on', 'received_on', 'id',
]


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_work_queue', COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_work_queue')
