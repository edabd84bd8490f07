"""requests.running_deadline: the work queue's default order kept by the database (a generated
column, never NULL) and an index it is walked in, so a page stops after its rows instead of sorting
every visible request of the office

The CASE is frozen here as the process definitions stand (ranperda and ranperkada run the
applicant's deadline in harmonis_with_notes); tests/test_running_deadline.py checks it against the
definitions. No batch rebuild of `requests` on SQLite: a rebuild would drop the count tables'
triggers (workflow/stats/counts.py); SQLite adds a VIRTUAL generated column by plain ALTER TABLE,
PostgreSQL a STORED one (computed for every existing row by the ALTER).

Revision ID: 2c4e6a8b0d1f
Revises: a1b2c3d4e5f7
Create Date: 2026-11-29 11:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '2c4e6a8b0d1f'
down_revision = 'a1b2c3d4e5f7'
branch_labels = None
depends_on = None

RUNNING_DEADLINE_SQL = (
    "CASE"
    " WHEN applicant_due_on IS NOT NULL AND process IN ('ranperda', 'ranperkada')"
    " AND state = 'harmonis_with_notes' THEN applicant_due_on"
    " WHEN clock_paused_on IS NOT NULL OR clock_stopped_on IS NOT NULL THEN '9999-12-31'"
    " ELSE COALESCE(due_date, '9999-12-31') END"
)


def upgrade():
    op.add_column('requests', sa.Column('running_deadline', sa.Date(), sa.Computed(RUNNING_DEADLINE_SQL), nullable=False))
    op.create_index(
        'ix_requests_queue_deadline',
        'requests',
        ['office_id', 'running_deadline', sa.text('id DESC'), 'process', 'state', 'created_by_id'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_requests_queue_deadline', table_name='requests')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite (3.35+) drops a generated column that no index or view names by plain ALTER TABLE
        op.execute('ALTER TABLE requests DROP COLUMN running_deadline')
    else:
        op.drop_column('requests', 'running_deadline')
