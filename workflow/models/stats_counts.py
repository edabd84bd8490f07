"""Counts of requests maintained as they change: what the office-wide dashboard and the reports
would otherwise count by reading every request of the office (O(rows) at every page).

Each table holds, per key, how many requests have that key right now; database triggers on
`requests` and `request_assignees` (workflow/stats/counts.py, installed by the migration) move a
request's count from its old key to its new one in the same transaction as the change, whichever
code writes it (fire(), request creation, the clock, assignments, a bulk load). Keys are NOT NULL
with a sentinel for "none" (organisation 0, outcome '', office days -1, date 9999-12-31), so each
key is one row of a primary key and the upsert `n = n + 1` is atomic. A row whose count fell to 0
stays (it is read as nothing). `flask stats verify` compares every table with a recount.

Keys are bounded by the calendar and the definitions (states, organisations, days, months), not
by the number of requests.
"""

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

NO_DATE = date(9999, 12, 31)  # "no date" in a key: never before today, never due soon


class StateCount(db.Model):
    """Requests per office, process, state, organisation and whether received (open files, per
    phase, process and organisation)."""

    __tablename__ = "stats_state_counts"
    __table_args__ = {"sqlite_with_rowid": False}  # SQLite: the rows in key order, read without a lookup

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: none
    received: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1 when received_on is set
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DueCount(db.Model):
    """Requests per office, process, state and their two deadlines: the office's clock's due date
    while the clock runs (NO_DATE otherwise) and the applicant's own deadline (NO_DATE if none).
    Only requests with one of the two are counted (overdue and due soon)."""

    __tablename__ = "stats_due_counts"
    __table_args__ = (
        # the dashboard reads only the rows due from today on (the overdue ones are the totals'
        # rest, DeadlineTotal): a range of this index, however many files are overdue
        Index("ix_stats_due_counts_upcoming", "office_id", "clock_due"),
        {"sqlite_with_rowid": False},  # SQLite: the rows in key order, read without a lookup
    )

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(40), primary_key=True)
    clock_due: Mapped[date] = mapped_column(Date, primary_key=True)
    applicant_due: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AssignedCount(db.Model):
    """Assignments per office, member of staff, process, state and the two deadlines (workload)."""

    __tablename__ = "stats_assigned_counts"
    __table_args__ = (
        Index("ix_stats_assigned_counts_upcoming", "office_id", "clock_due"),  # as DueCount's
        {"sqlite_with_rowid": False},  # SQLite: the rows in key order, read without a lookup
    )

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(40), primary_key=True)
    clock_due: Mapped[date] = mapped_column(Date, primary_key=True)
    applicant_due: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ReceivedCount(db.Model):
    """Requests received per office, month (year * 100 + month), process and organisation, with
    how many of them were returned for completion and how many times."""

    __tablename__ = "stats_received_counts"
    __table_args__ = {"sqlite_with_rowid": False}  # SQLite: the rows in key order, read without a lookup

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    returned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # completion_rounds > 0
    rounds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # sum of completion_rounds


class ConcludedCount(db.Model):
    """Requests concluded per office, month, process, organisation, outcome, office days, whether
    received and whether the clock stopped by its due date."""

    __tablename__ = "stats_concluded_counts"
    __table_args__ = {"sqlite_with_rowid": False}  # SQLite: the rows in key order, read without a lookup

    # key order: the dashboard's trend groups by (month, outcome, office_days, on_time)
    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(40), primary_key=True)  # '': none
    office_days: Mapped[int] = mapped_column(Integer, primary_key=True)  # -1: none
    on_time: Mapped[int] = mapped_column(Integer, primary_key=True)  # clock_stopped_on <= due_date
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# Sums of the tables above over keys a page does not need: what the dashboard and the reports read
# stays a few rows per state, user, month or organisation, not one per deadline day or per
# combination of every key (at 100,000 requests in a year those tables reach some 10,000 rows).


class DeadlineTotal(db.Model):
    """DueCount summed over the two deadlines, per office, process and state: the requests with a
    running clock or an applicant's deadline (n) and those with a running clock (running). The
    overdue are these totals less the rows of DueCount due from today on."""

    __tablename__ = "stats_deadline_totals"
    __table_args__ = {"sqlite_with_rowid": False}

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    running: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WorkloadCount(db.Model):
    """AssignedCount summed over the two deadlines: assignments per office, member of staff,
    process and state (n), those with a running clock (running)."""

    __tablename__ = "stats_workload_counts"
    __table_args__ = {"sqlite_with_rowid": False}

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    running: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class TrendCount(db.Model):
    """Requests concluded per office, month and office days (-1: none): the conclusions that are
    not withdrawals (concluded) and those of them on time (the dashboard's trend)."""

    __tablename__ = "stats_trend_counts"
    __table_args__ = {"sqlite_with_rowid": False}

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    concluded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OutcomeCount(db.Model):
    """Received requests concluded per office, month, process, organisation (0: none) and outcome
    ('': none): the organisations' outcomes on the dashboard and the reports' outcome columns."""

    __tablename__ = "stats_outcome_counts"
    __table_args__ = {"sqlite_with_rowid": False}

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DaysCount(db.Model):
    """Received requests concluded (not withdrawn) with the office's days known, per office, month,
    process, organisation and office days, and those on time: the reports' medians, percentiles
    and on-time rates."""

    __tablename__ = "stats_days_counts"
    __table_args__ = {"sqlite_with_rowid": False}

    office_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    process: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
