"""stats counts: requests counted per office and state, deadline, assignee, month received and
concluded, kept by triggers as requests change (the office's dashboard and the reports no longer
read every request); backfilled from `requests`

Revision ID: e5c7a9b1d3f2
Revises: d4e5f6a7b8c9
Create Date: 2026-11-29 09:00:00.000000

The triggers' SQL is workflow/stats/counts.py's, for both dialects (one description of each
table). SQLite: a later migration that rebuilds `requests` or `request_assignees` in batch mode
drops their triggers; it must install them again (`counts.install`) and recount
(tests/stats/test_counts.py checks they exist at the head).
"""

import sqlalchemy as sa
from alembic import op

from workflow.stats import counts


revision = "e5c7a9b1d3f2"
down_revision = "d4e5f6a7b8c9"
branch_labels = None
depends_on = None

TABLES = (
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
    org = ("organisation_id", sa.Integer())
    dues = (("clock_due", sa.Date()), ("applicant_due", sa.Date()))
    # SQLite: WITHOUT ROWID, the rows kept in key order (a GROUP BY on a key prefix reads them in order)
    plain = {"sqlite_with_rowid": False}
    op.create_table("stats_state_counts", *_columns(office, process, state, org, ("received", sa.Integer())), **plain)
    op.create_table("stats_due_counts", *_columns(office, process, state, *dues), **plain)
    op.create_table(
        "stats_assigned_counts", *_columns(office, ("user_id", sa.Integer()), process, state, *dues), **plain
    )
    op.create_table(
        "stats_received_counts",
        *_columns(office, ("month", sa.Integer()), process, org, values=("n", "returned", "rounds")),
        **plain,
    )
    op.create_table(
        "stats_concluded_counts",
        *_columns(
            office,
            ("month", sa.Integer()),
            ("outcome", sa.String(40)),
            ("office_days", sa.Integer()),
            ("on_time", sa.Integer()),
            process,
            org,
            ("received", sa.Integer()),
        ),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    # the tables of this revision (later ones install their own, c9e1f3a5b7d2)
    counts.install(bind, TABLES)
    counts.recount(bind, TABLES)


def downgrade():
    bind = op.get_bind()
    for statement in counts.drop_ddl(bind.dialect.name):
        op.execute(statement)
    for table in (
        "stats_concluded_counts",
        "stats_received_counts",
        "stats_assigned_counts",
        "stats_due_counts",
        "stats_state_counts",
    ):
        op.drop_table(table)
