"""stats totals: the maintained counts summed over keys the pages do not need (deadline totals,
workload, trend, outcomes, days), and the deadline counts indexed from today on, so the dashboard and
the reports read a few rows per state, user, month and organisation however many requests there are

Revision ID: c9e1f3a5b7d2
Revises: 2c4e6a8b0d1f
Create Date: 2026-11-29 12:00:00.000000

The triggers are dropped and installed again with the new tables (workflow/stats/counts.py), and
the new tables filled by a recount. No table of `requests` is rebuilt (SQLite batch mode would
drop the triggers).
"""

import sqlalchemy as sa
from alembic import op

from workflow.stats import counts


revision = "c9e1f3a5b7d2"
down_revision = "2c4e6a8b0d1f"
branch_labels = None
depends_on = None

NEW = (
    "stats_deadline_totals",
    "stats_workload_counts",
    "stats_trend_counts",
    "stats_outcome_counts",
    "stats_days_counts",
)
BEFORE = (  # the tables of migration e5c7a9b1d3f2
    "stats_state_counts",
    "stats_due_counts",
    "stats_assigned_counts",
    "stats_received_counts",
    "stats_concluded_counts",
)


def _columns(*keys, values=("n",)):
    return [
        *(sa.Column(name, kind, primary_key=True, nullable=False) for name, kind in keys),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in values),
    ]


def upgrade():
    office, process, state = ("office_id", sa.Integer()), ("process", sa.String(40)), ("state", sa.String(40))
    month = ("month", sa.Integer())
    plain = {"sqlite_with_rowid": False}
    op.create_table("stats_deadline_totals", *_columns(office, process, state, values=("n", "running")), **plain)
    op.create_table(
        "stats_workload_counts",
        *_columns(office, ("user_id", sa.Integer()), process, state, values=("n", "running")),
        **plain,
    )
    op.create_table(
        "stats_trend_counts",
        *_columns(office, month, ("office_days", sa.Integer()), values=("concluded", "on_time")),
        **plain,
    )
    op.create_table(
        "stats_outcome_counts",
        *_columns(office, month, process, ("organisation_id", sa.Integer()), ("outcome", sa.String(40))),
        **plain,
    )
    op.create_table(
        "stats_days_counts",
        *_columns(office, month, process, ("organisation_id", sa.Integer()), ("office_days", sa.Integer()), values=("n", "on_time")),
        **plain,
    )
    op.create_index("ix_stats_due_counts_upcoming", "stats_due_counts", ["office_id", "clock_due"])
    op.create_index("ix_stats_assigned_counts_upcoming", "stats_assigned_counts", ["office_id", "clock_due"])
    bind = op.get_bind()
    for statement in counts.drop_ddl(bind.dialect.name):
        op.execute(statement)
    counts.install(bind, BEFORE + NEW)
    counts.recount(bind, NEW)


def downgrade():
    bind = op.get_bind()
    for statement in counts.drop_ddl(bind.dialect.name):
        op.execute(statement)
    counts.install(bind, BEFORE)
    op.drop_index("ix_stats_assigned_counts_upcoming", table_name="stats_assigned_counts")
    op.drop_index("ix_stats_due_counts_upcoming", table_name="stats_due_counts")
    for table in reversed(NEW):
        op.drop_table(table)
