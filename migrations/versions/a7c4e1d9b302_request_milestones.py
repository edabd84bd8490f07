"""requests: milestones for the dashboard and the reports (received_on, concluded_on, outcome,
office_days), indexed per office; backfilled from the events and the clock

Revision ID: a7c4e1d9b302
Revises: 8e2f4b6a1c3d
Create Date: 2026-11-29 03:10:00.000000

Why stored: a report's median of working days (office time only, the office's calendar) cannot be
computed in SQL from dates without a calendar table; the days are known at the conclusion, so the
operation that concludes writes them (operations/milestones.py) and this migration backfills them.
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


revision = 'a7c4e1d9b302'
down_revision = '8e2f4b6a1c3d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('concluded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('office_days', sa.Integer(), nullable=True))
        batch_op.create_index('ix_requests_office_received', ['office_id', 'received_on'], unique=False)
        batch_op.create_index('ix_requests_office_concluded', ['office_id', 'concluded_on'], unique=False)
    backfill(op.get_bind())


def backfill(conn):
    """Replay each request's events through the same rule the operations apply from now on."""
    from types import SimpleNamespace

    from workflow.engine.calendar import Override, WorkingCalendar
    from workflow.operations.milestones import record_milestones
    from workflow.processes import PROCESSES

    zones = dict(conn.execute(sa.text("SELECT id, timezone FROM offices")).all())
    calendars = {}
    for office_id, day, working, reason in conn.execute(
        sa.text("SELECT office_id, day, working, reason FROM holiday_overrides")
    ):
        day = day if not isinstance(day, str) else datetime.strptime(day, "%Y-%m-%d").date()
        calendars.setdefault(office_id, {})[day] = Override(bool(working), reason)
    requests = conn.execute(sa.text(
        "SELECT id, process, office_id, time_limit_days, clock_started_on, clock_stopped_on, due_date, clock_unit "
        "FROM requests ORDER BY id"
    )).mappings().all()
    for row in requests:
        process = PROCESSES.get(row["process"])
        if process is None:
            continue
        req = SimpleNamespace(**{k: _date(v) if k.startswith("clock_") and k != "clock_unit" or k == "due_date" else v
                                 for k, v in row.items()},
                              received_on=None, concluded_on=None, outcome=None, office_days=None, state=None)
        cal = WorkingCalendar(calendars.get(row["office_id"], {}))
        zone = ZoneInfo(zones[row["office_id"]])
        events = conn.execute(sa.text(
            "SELECT from_state, to_state, created_at FROM events WHERE request_id = :id ORDER BY seq"
        ), {"id": row["id"]}).all()
        for from_state, to_state, created_at in events:
            if to_state == from_state or to_state not in process._states:
                continue
            req.state = to_state
            record_milestones(req, process, from_state, _local_day(created_at, zone), cal)
        if req.received_on or req.concluded_on:
            conn.execute(sa.text(
                "UPDATE requests SET received_on = :r, concluded_on = :c, outcome = :o, office_days = :d WHERE id = :id"
            ), {"r": req.received_on, "c": req.concluded_on, "o": req.outcome, "d": req.office_days, "id": row["id"]})


def _date(value):
    if isinstance(value, str):
        return datetime.strptime(value[:10], "%Y-%m-%d").date()
    return value


def _local_day(value, zone):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc).astimezone(zone).date()


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_office_concluded')
        batch_op.drop_index('ix_requests_office_received')
        batch_op.drop_column('office_days')
        batch_op.drop_column('outcome')
        batch_op.drop_column('concluded_on')
        batch_op.drop_column('received_on')
