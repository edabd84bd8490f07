"""requests.clock_stage: which stage of the SLA clock runs (the administrative check before the
process's own clock), or NULL for the process's own clock

Revision ID: d12a0c4ec001
Revises: e7b3c9d2a5f1
Create Date: 2026-11-29 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'd12a0c4ec001'
down_revision = 'e7b3c9d2a5f1'
branch_labels = None
depends_on = None


def upgrade():
    # files submitted before keep no administrative-check deadline: their clock starts, as it did,
    # when they are declared complete
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_stage', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('clock_stage')
