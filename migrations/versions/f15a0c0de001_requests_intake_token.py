"""public forms: the one-time form token on requests (a double click files once)

Revision ID: f15a0c0de001
Revises: a6e97dd74469
Create Date: 2026-11-29 03:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'f15a0c0de001'
down_revision = 'a6e97dd74469'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_requests_intake_token'), ['intake_token'])


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_requests_intake_token'), type_='unique')
        batch_op.drop_column('intake_token')
