"""requests: chain_head, the hash of the newest event (appending no longer reads the trail)

Revision ID: 8e2f4b6a1c3d
Revises: 5d1c0a7e9b21
Create Date: 2026-11-27 21:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '8e2f4b6a1c3d'
down_revision = '5d1c0a7e9b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_head', sa.String(length=64), nullable=True))
    op.execute("UPDATE requests SET chain_head = (SELECT e.hash FROM events e WHERE e.request_id = requests.id "
               "ORDER BY e.seq DESC LIMIT 1)")


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('chain_head')
