"""SQL building blocks shared by the dashboard and the reports: what "open", "overdue" and
"on time" mean as expressions over `requests`, and percentiles that run on SQLite and PostgreSQL
alike (window functions; SQLite has no percentile_cont)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, false, func, or_, select

from ..models import Organisation, Request
from ..processes import PROCESSES

WITHDRAWN_OUTCOMES = ("withdrawn", "deemed_withdrawn")


def _per_process(pick) -> list:
    """(process, [state names]) for every process with states that `pick(process, state)` keeps."""
    found = []
    for p in PROCESSES.values():
        names = [s.name for s in p.states if pick(p, s)]
        if names:
            found.append((p.name, names))
    return found


def _in_states(pairs):
    return or_(false(), *(and_(Request.process == name, Request.state.in_(states)) for name, states in pairs))


def is_open():
    """Submitted and not finished: neither private (a draft) nor unlisted nor final."""
    return _in_states(_per_process(lambda p, s: not s.final and not s.unlisted and s.name not in p.private_states))


def waiting_on_applicant():
    """With the applicant: states in which only the applicant can move the file on."""
    return _in_states(_per_process(lambda p, s: s.name in p.applicant_upload_states and s.name not in p.private_states))


def clock_running():
    return and_(Request.due_date.is_not(None), Request.clock_paused_on.is_(None), Request.clock_stopped_on.is_(None))


def applicant_deadline_running():
    """The applicant's own deadline counts (e.g. a correction after "harmonis dengan catatan")."""
    return and_(
        Request.applicant_due_on.is_not(None),
        _in_states(_per_process(lambda p, s: s.name in p.applicant_deadline_states)),
    )


def overdue(today: date):
    """The office's clock ran out, or the applicant's own deadline passed where it counts."""
    return or_(
        and_(clock_running(), Request.due_date < today),
        and_(applicant_deadline_running(), Request.applicant_due_on < today),
    )


def due_soon(today: date, until: date):
    """Due today or within the next working days up to `until` (not yet overdue)."""
    return and_(clock_running(), Request.due_date >= today, Request.due_date <= until)


@dataclass(frozen=True)
class StateKind:
    """What the figures need to know of one (process, state): read per GROUP BY group in Python,
    not evaluated per row in SQL (a long OR of process-and-state-list terms on every row made the
    dashboard's scans several times slower than the scans themselves)."""

    phase: str
    open: bool  # as is_open()
    waiting: bool  # as waiting_on_applicant()
    applicant_deadline: bool  # the applicant's own deadline counts (applicant_deadline_running())


STATE_KINDS = {
    (p.name, s.name): StateKind(
        phase=s.phase.value,
        open=not s.final and not s.unlisted and s.name not in p.private_states,
        waiting=s.name in p.applicant_upload_states and s.name not in p.private_states,
        applicant_deadline=s.name in p.applicant_deadline_states,
    )
    for p in PROCESSES.values()
    for s in p.states
}


def maybe_open(table=Request):
    """A cheap superset of is_open() for a WHERE clause: the process and state named among the
    open ones (a state name open in one process may be final in another: STATE_KINDS decides per
    group). Both lists are constants, so an index on (office_id, process, state) is searched at
    the open states only instead of scanned. `table`: `requests` or a count table with the same
    two columns (models/stats_counts.py)."""
    return and_(
        table.process.in_(sorted({p for p, _ in STATE_KINDS})),
        table.state.in_(sorted({s for (_, s), kind in STATE_KINDS.items() if kind.open})),
    )


def late_clock(today: date):
    """overdue() by the office's clock alone."""
    return and_(clock_running(), Request.due_date < today)


def late_either(today: date):
    """overdue() in a state where the applicant's deadline counts (StateKind.applicant_deadline):
    the clock ran out or the applicant's own deadline passed."""
    return or_(late_clock(today), and_(Request.applicant_due_on.is_not(None), Request.applicant_due_on < today))


def median_p90(histogram: dict) -> tuple[float | None, int | None]:
    """The median and 90th percentile of values given as {value: how many}, as quantiles() defines
    them (median: the mean of the two middle values; p90: the ceil(0.9 n)-th value). The histogram
    comes from a GROUP BY on the value (office_days: whole working days, a few dozen distinct
    values however many requests), so no row is loaded to rank it."""
    n = sum(histogram.values())
    if not n:
        return None, None
    wanted = ((n + 1) // 2, (n + 2) // 2, (n * 9 + 9) // 10)
    found, seen = {}, 0
    for value in sorted(histogram):
        seen += histogram[value]
        for rank in wanted:
            if rank not in found and rank <= seen:
                found[rank] = value
    return (found[wanted[0]] + found[wanted[1]]) / 2, found[wanted[2]]


def count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def timed_conclusion():
    """A conclusion (not a withdrawal) whose office time is known: the base of medians and on-time."""
    return and_(
        Request.office_days.is_not(None),
        Request.outcome.is_not(None),
        Request.outcome.not_in(WITHDRAWN_OUTCOMES),
    )


def on_time():
    return and_(timed_conclusion(), Request.clock_stopped_on <= Request.due_date)


def between(column, start: date, end: date):
    return and_(column >= start, column <= end)


def month_key(column):
    """year * 100 + month as an integer: one portable GROUP BY key (EXTRACT works on both)."""
    return func.extract("year", column) * 100 + func.extract("month", column)


def quantiles(where, *keys, join_organisation=False):
    """SELECT k0, k1 ..., median, p90 of office_days over the timed conclusions matching `where`,
    one row per group of `keys` (none: one row per office, i.e. one for everything in a scope; a
    constant would do, but PostgreSQL refuses to GROUP BY a constant). `join_organisation` when a
    key reads the organisation's columns.

    Median: the mean of the two middle values (the middle one when the count is odd); p90: the
    nearest rank, the ceil(0.9 n)-th value. Rows are ranked per group by window functions.
    """
    keys = keys or (Request.office_id,)
    base = select(
        *(k.label(f"k{i}") for i, k in enumerate(keys)),
        Request.office_days.label("d"),
        func.row_number().over(partition_by=list(keys), order_by=Request.office_days).label("rn"),
        func.count().over(partition_by=list(keys)).label("n"),
    ).where(where, timed_conclusion())
    if join_organisation:
        base = base.join(Organisation, Organisation.id == Request.organisation_id)
    ranked = base.subquery()
    group = [ranked.c[f"k{i}"] for i in range(len(keys))]
    rn, n = ranked.c.rn, ranked.c.n
    middle = or_(rn == (n + 1) // 2, rn == (n + 2) // 2)
    return select(
        *group,
        func.avg(case((middle, ranked.c.d))).label("median"),
        func.max(case((rn == (n * 9 + 9) // 10, ranked.c.d))).label("p90"),
    ).group_by(*group)


def rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
