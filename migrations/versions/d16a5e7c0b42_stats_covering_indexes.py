"""requests: covering indexes for the dashboard and the reports (computed live at 100,000 requests)

Revision ID: d16a5e7c0b42
Revises: e1f2a3b4c5d6
Create Date: 2026-11-29 06:30:00.000000

Each figure query of workflow/stats/ groups in the order of one of these indexes and reads only
the columns it holds: SQLite walks the index without a sort and without reading the table. The
received/concluded indexes keep their leading columns (office_id, day), so what used them before
still can.
"""
from alembic import op


revision = 'd16a5e7c0b42'
down_revision = 'e1f2a3b4c5d6'
branch_labels = None
depends_on = None

RECEIVED = ['office_id', 'received_on', 'process', 'state', 'created_by_id']
CONCLUDED = ['office_id', 'concluded_on', 'office_days', 'outcome', 'clock_stopped_on', 'due_date', 'process',
             'state', 'created_by_id']
STATE = ['office_id', 'process', 'state', 'organisation_id', 'outcome', 'created_by_id', 'received_on',
         'concluded_on', 'due_date', 'clock_paused_on', 'clock_stopped_on', 'applicant_due_on']
REPORT = ['office_id', 'process', 'organisation_id', 'outcome', 'office_days', 'received_on', 'concluded_on',
          'completion_rounds', 'clock_stopped_on', 'due_date', 'state', 'created_by_id']


def upgrade():
    op.drop_index('ix_requests_office_received', table_name='requests')
    op.drop_index('ix_requests_office_concluded', table_name='requests')
    op.create_index('ix_requests_office_received', 'requests', RECEIVED, unique=False)
    op.create_index('ix_requests_office_concluded', 'requests', CONCLUDED, unique=False)
    op.create_index('ix_requests_stats_state', 'requests', STATE, unique=False)
    op.create_index('ix_requests_stats_report', 'requests', REPORT, unique=False)


def downgrade():
    op.drop_index('ix_requests_stats_report', table_name='requests')
    op.drop_index('ix_requests_stats_state', table_name='requests')
    op.drop_index('ix_requests_office_concluded', table_name='requests')
    op.drop_index('ix_requests_office_received', table_name='requests')
    op.create_index('ix_requests_office_concluded', 'requests', ['office_id', 'concluded_on'], unique=False)
    op.create_index('ix_requests_office_received', 'requests', ['office_id', 'received_on'], unique=False)
