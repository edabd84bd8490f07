"""stats_snapshots: the dashboard's and the reports' figures, kept for STATS_CACHE_SECONDS

Revision ID: b5d2f8a1c7e4
Revises: 2b1fd217f61a
Create Date: 2026-11-29 03:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = 'b5d2f8a1c7e4'
down_revision = '2b1fd217f61a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stats_snapshots',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_stats_snapshots')),
    )


def downgrade():
    op.drop_table('stats_snapshots')
