"""users.nip (NIP under a signature) and organisations.seat (the "di ..." line of a letter)

Revision ID: b7c1d2e3f4a5
Revises: f15a0c0de001
Create Date: 2026-11-29 03:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = 'b7c1d2e3f4a5'
down_revision = 'f15a0c0de001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nip', sa.String(length=32), nullable=True))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seat', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('seat')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('nip')
