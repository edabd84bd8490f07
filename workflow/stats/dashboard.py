"""The dashboard's figures: a fixed set of GROUP BY queries over `requests`, however many rows.

Scope: what the user may see (access.visible_requests: the office for staff, the organisation for
a drafter); an officer's dashboard is their own part, the files assigned to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, literal_column, null, select, true, union_all

from ..access import visible_requests
from ..engine.calendar import WorkingCalendar
from ..engine.definition import Phase
from ..extensions import db
from ..models import (
    AssignedCount,
    DeadlineTotal,
    DueCount,
    Organisation,
    OutcomeCount,
    ReceivedCount,
    Request,
    StateCount,
    TrendCount,
    User,
    WorkloadCount,
    request_assignees,
)
from ..models.stats_counts import NO_DATE
from ..models.time import local_date, utcnow
from . import sql

DUE_SOON_WORKING_DAYS = 2
TREND_MONTHS = 12


def office_today(user) -> date:
    """The user's office's local day (one place, so tests can fix it)."""
    return local_date(utcnow(), user.office.timezone)


def scope(user):
    """The WHERE clause of a user's dashboard."""
    where = visible_requests(user)
    if user.role == "officer":
        # an officer's own part: the files assigned to them
        mine = select(request_assignees.c.request_id).where(request_assignees.c.user_id == user.id)
        where = and_(where, Request.id.in_(mine))
    return where


def months_back(today: date, count: int) -> list[tuple[int, int]]:
    """The last `count` months, oldest first, ending with today's month."""
    y, m = today.year, today.month
    months = []
    for _ in range(count):
        months.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


@dataclass
class Overview:
    today: date
    due_soon_until: date
    open_total: int = 0
    overdue: int = 0
    due_soon: int = 0
    waiting_on_applicant: int = 0
    by_phase: dict = field(default_factory=dict)  # phase value -> count
    by_process: dict = field(default_factory=dict)  # process name -> count
    workload: list = field(default_factory=list)  # dicts: user_id, name, open, overdue
    organisations: list = field(default_factory=list)  # dicts: id, name, open, concluded, outcomes
    trend: list = field(default_factory=list)  # dicts: month "YYYY-MM", received, concluded, median, on_time_rate
    median_days: float | None = None  # over the 12 months
    on_time_rate: float | None = None
    on_time: int = 0
    timed: int = 0

    def snapshot(self) -> dict:
        """Everything, as JSON (stats/cache.py keeps it); from_snapshot() reads it back."""
        data = {k: v for k, v in self.__dict__.items() if k not in ("today", "due_soon_until")}
        return {**data, "today": self.today.isoformat(), "due_soon_until": self.due_soon_until.isoformat()}

    @classmethod
    def from_snapshot(cls, data: dict) -> Overview:
        values = {k: v for k, v in data.items() if not k.startswith("_")}
        values["today"] = date.fromisoformat(values["today"])
        values["due_soon_until"] = date.fromisoformat(values["due_soon_until"])
        return cls(**values)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "due_soon_until": self.due_soon_until.isoformat(),
            "open": {
                "total": self.open_total,
                "by_phase": self.by_phase,
                "by_process": self.by_process,
                "overdue": self.overdue,
                "due_soon": self.due_soon,
                "waiting_on_applicant": self.waiting_on_applicant,
            },
            "workload": self.workload,
            "organisations": self.organisations,
            "trend": self.trend,
            "median_working_days": self.median_days,
            "on_time_rate": self.on_time_rate,
        }


def cached_overview(user, today: date, cal: WorkingCalendar):
    """(Overview, when computed): the snapshot of the user's scope and day while it is fresh."""
    from .cache import cached, scope_key

    data, at = cached(f"overview:{scope_key(user)}:{today.isoformat()}", lambda: overview(user, today, cal).snapshot())
    return Overview.from_snapshot(data), at


def counted_scope(user) -> bool:
    """The office as a whole (heads, admins): read from the maintained counts. An officer's own
    part and an organisation's are a small share of the office's requests, read from `requests`."""
    return user.role not in ("officer", "drafter")


def overview(user, today: date, cal: WorkingCalendar, *, live: bool = False) -> Overview:
    """Every figure of the dashboard: the office's from the counts kept as requests change
    (counted_overview(), six small queries), an officer's or an organisation's (or `live`) from
    `requests` in five queries, however many requests there are.

    Each query groups by plain columns in the order of an index that holds every column it reads
    (see models/request.py), so SQLite walks one index without sorting and without reading the
    table; what depends only on the state (open? with the applicant? which phase?) is decided per
    group from the definitions (sql.STATE_KINDS), months and medians from per-day groups.
    """
    soon = cal.add_working_days(today, DUE_SOON_WORKING_DAYS)
    result = Overview(today, soon, by_phase={p.value: 0 for p in Phase})
    if counted_scope(user) and not live:
        return counted_overview(user, result)
    where = scope(user)
    kinds = sql.STATE_KINDS

    # 1. per process, state, organisation and outcome: the open files (overdue, due soon, with the
    # applicant) and, per applicant organisation, open and concluded this year by outcome
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    received = Request.received_on.is_not(None)
    per_org: dict[int, dict] = {}
    for process, state, org_id, outcome, count, late, late_any, near, got, concluded in db.session.execute(
        select(
            Request.process,
            Request.state,
            Request.organisation_id,
            Request.outcome,
            func.count(),
            sql.count_if(sql.late_clock(today)),
            sql.count_if(sql.late_either(today)),
            sql.count_if(sql.due_soon(today, soon)),
            sql.count_if(received),
            sql.count_if(and_(received, sql.between(Request.concluded_on, year_start, year_end))),
        )
        .where(where)
        .group_by(Request.process, Request.state, Request.organisation_id, Request.outcome)
    ):
        kind = kinds.get((process, state))
        is_open = kind is not None and kind.open
        if is_open:
            result.open_total += count
            result.overdue += late_any if kind.applicant_deadline else late
            result.due_soon += near
            result.waiting_on_applicant += count if kind.waiting else 0
            result.by_phase[kind.phase] += count
            result.by_process[process] = result.by_process.get(process, 0) + count
        if org_id is not None and got:
            entry = per_org.setdefault(org_id, {"open": 0, "concluded": 0, "outcomes": {}})
            entry["open"] += got if is_open else 0
            entry["concluded"] += concluded
            if outcome and concluded:
                entry["outcomes"][outcome] = entry["outcomes"].get(outcome, 0) + concluded

    # 2. workload per assigned member of staff: open assignments, overdue among them (an
    # officer's own line only: their colleagues' share of a file is not their part)
    assigned = true() if user.role != "officer" else request_assignees.c.user_id == user.id
    staff: dict[int, dict] = {}
    # grouped before the names are joined: one lookup of a name per group, not per assignment
    per_assignee = (
        select(
            request_assignees.c.user_id,
            Request.process,
            Request.state,
            func.count().label("count"),
            sql.count_if(sql.late_clock(today)).label("late"),
            sql.count_if(sql.late_either(today)).label("late_any"),
        )
        .select_from(Request)
        .join(request_assignees, request_assignees.c.request_id == Request.id)
        .where(where, assigned, sql.maybe_open())
        .group_by(Request.process, Request.state, request_assignees.c.user_id)
        .subquery()
    )
    for uid, name, process, state, count, late, late_any in db.session.execute(
        select(
            User.id,
            User.name,
            per_assignee.c.process,
            per_assignee.c.state,
            per_assignee.c.count,
            per_assignee.c.late,
            per_assignee.c.late_any,
        ).join(per_assignee, per_assignee.c.user_id == User.id)
    ):
        kind = kinds.get((process, state))
        if kind is not None and kind.open:
            entry = staff.setdefault(uid, {"user_id": uid, "name": name, "open": 0, "overdue": 0})
            entry["open"] += count
            entry["overdue"] += late_any if kind.applicant_deadline else late
    result.workload = sorted(staff.values(), key=lambda w: (-w["open"], w["name"]))

    # 3. the organisations listed (every one of the scope, with or without files)
    result.organisations = _organisations(user, per_org)

    # 4-5. the last 12 months: received per day; concluded, on time and the office's days per day
    # (the medians from the days' histogram), summed into months here
    months = months_back(today, TREND_MONTHS)
    start = date(months[0][0], months[0][1], 1)
    trend = {y * 100 + m: {"received": 0, "concluded": 0, "on_time": 0, "timed": 0, "days": {}} for y, m in months}
    for day, count in db.session.execute(
        select(Request.received_on, func.count())
        .where(where, sql.between(Request.received_on, start, today))
        .group_by(Request.received_on)
    ):
        trend[_month(day)]["received"] += count
    overall: dict[int, int] = {}
    for day, days, count, timely, timed in db.session.execute(
        select(
            Request.concluded_on,
            Request.office_days,
            sql.count_if(Request.outcome.not_in(sql.WITHDRAWN_OUTCOMES)),
            sql.count_if(sql.on_time()),
            sql.count_if(sql.timed_conclusion()),
        )
        .where(where, sql.between(Request.concluded_on, start, today))
        .group_by(Request.concluded_on, Request.office_days)
    ):
        t = trend[_month(day)]
        t["concluded"] += count
        t["on_time"] += timely
        t["timed"] += timed
        if timed:
            t["days"][days] = t["days"].get(days, 0) + timed
            overall[days] = overall.get(days, 0) + timed
    _finish_trend(result, trend, overall)
    return result


def _organisations(user, per_org: dict) -> list:
    """Every organisation of the scope, with or without files, with its figures."""
    org_filter = Organisation.office_id == user.office_id
    if user.role == "drafter":
        org_filter = Organisation.id == user.organisation_id
    return [
        {"id": oid, "name": name, **per_org.get(oid, {"open": 0, "concluded": 0, "outcomes": {}})}
        for oid, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(org_filter).order_by(Organisation.name)
        )
    ]


def _finish_trend(result: Overview, trend: dict, overall: dict) -> None:
    result.median_days = _round(sql.median_p90(overall)[0])
    result.trend = [
        {
            "month": f"{key // 100:04d}-{key % 100:02d}",
            "received": t["received"],
            "concluded": t["concluded"],
            "median_working_days": _round(sql.median_p90(t["days"])[0]),
            "on_time_rate": sql.rate(t["on_time"], t["timed"]),
        }
        for key, t in trend.items()
    ]
    result.on_time = sum(t["on_time"] for t in trend.values())
    result.timed = sum(t["timed"] for t in trend.values())
    result.on_time_rate = sql.rate(result.on_time, result.timed)


def counted_overview(user, result: Overview) -> Overview:
    """The office's figures from the counts (models/stats_counts.py): per (process, state) group,
    deadline day, assignee and month, not per request. Month keys are exact for the trend's
    window (whole months up to today's; no milestone is dated after today) and the year."""
    today, soon, office = result.today, result.due_soon_until, user.office_id
    kinds = sql.STATE_KINDS
    per_org: dict[int, dict] = {}

    # 1. open files per process, state and organisation
    for process, state, org_id, received, n in db.session.execute(
        select(
            StateCount.process, StateCount.state, StateCount.organisation_id, StateCount.received, StateCount.n
        ).where(StateCount.office_id == office, StateCount.n != 0)
    ):
        kind = kinds.get((process, state))
        if kind is None or not kind.open:
            continue
        result.open_total += n
        result.waiting_on_applicant += n if kind.waiting else 0
        result.by_phase[kind.phase] += n
        result.by_process[process] = result.by_process.get(process, 0) + n
        if org_id and received:
            per_org.setdefault(org_id, {"open": 0, "concluded": 0, "outcomes": {}})["open"] += n

    # 2. overdue and due soon, per (process, state): the totals with a deadline (DeadlineTotal)
    # less those not yet overdue, which are the rows of DueCount due from today on (a range of its
    # index: the days ahead, not every day a file ever fell due)
    for (process, state), (n, running, running_ahead, both_ahead, near, _) in _deadlines(
        DeadlineTotal, DueCount, office, today, soon
    ).items():
        kind = kinds.get((process, state))
        if kind is not None and kind.open:
            result.overdue += n - both_ahead if kind.applicant_deadline else running - running_ahead
            result.due_soon += near

    # 3. workload per assigned member of staff, the same way (WorkloadCount less AssignedCount's
    # rows due from today on), with their names
    staff: dict[int, dict] = {}
    for (uid, process, state), (n, running, running_ahead, both_ahead, _, name) in _deadlines(
        WorkloadCount, AssignedCount, office, today, soon
    ).items():
        kind = kinds.get((process, state))
        if kind is not None and kind.open and n:
            entry = staff.setdefault(uid, {"user_id": uid, "name": name, "open": 0, "overdue": 0})
            entry["open"] += n
            entry["overdue"] += n - both_ahead if kind.applicant_deadline else running - running_ahead
    result.workload = sorted(staff.values(), key=lambda w: (-w["open"], w["name"]))

    # 4-5. the last 12 months: received; concluded, on time and the office's days; and, for the
    # organisations, concluded this year by outcome
    months = months_back(today, TREND_MONTHS)
    first, year_first = months[0][0] * 100 + months[0][1], today.year * 100 + 1
    last = today.year * 100 + today.month
    trend = {y * 100 + m: {"received": 0, "concluded": 0, "on_time": 0, "timed": 0, "days": {}} for y, m in months}
    for month, n in db.session.execute(
        select(ReceivedCount.month, func.sum(ReceivedCount.n))
        .where(ReceivedCount.office_id == office, ReceivedCount.month.between(first, last))
        .group_by(ReceivedCount.month)
    ):
        trend[month]["received"] += int(n)
    overall: dict[int, int] = {}
    # per month and office days: the conclusions but withdrawals, and those on time
    for month, days, n, timely in db.session.execute(
        select(TrendCount.month, TrendCount.office_days, TrendCount.concluded, TrendCount.on_time).where(
            TrendCount.office_id == office, TrendCount.month.between(first, last), TrendCount.concluded != 0
        )
    ):
        t = trend[month]
        t["concluded"] += n
        if days >= 0:  # a timed conclusion (sql.timed_conclusion)
            t["timed"] += n
            t["on_time"] += timely
            t["days"][days] = t["days"].get(days, 0) + n
            overall[days] = overall.get(days, 0) + n
    for org_id, outcome, n in db.session.execute(
        select(OutcomeCount.organisation_id, OutcomeCount.outcome, func.sum(OutcomeCount.n))
        .where(
            OutcomeCount.office_id == office,
            OutcomeCount.month.between(year_first, today.year * 100 + 12),
            OutcomeCount.organisation_id != 0,
            OutcomeCount.n != 0,
        )
        .group_by(OutcomeCount.organisation_id, OutcomeCount.outcome)
    ):
        entry = per_org.setdefault(org_id, {"open": 0, "concluded": 0, "outcomes": {}})
        entry["concluded"] += int(n)
        if outcome and n:
            entry["outcomes"][outcome] = entry["outcomes"].get(outcome, 0) + int(n)
    result.organisations = _organisations(user, per_org)
    _finish_trend(result, trend, overall)
    return result


def _deadlines(totals, counts, office: int, today: date, soon: date) -> dict:
    """Per (user,) process and state, in one statement: from `totals` (DeadlineTotal or
    WorkloadCount) how many requests (n) and with a running clock (running); from the deadline
    counts `counts` (DueCount or AssignedCount) the rows due from today on (the clock due today or
    later, or not running): those with a running clock, those whose applicant's deadline has not
    passed either, and those due by `soon`; per user, their name too. The overdue are the totals
    less these."""
    per_user = counts is AssignedCount
    name = (User.name,) if per_user else ()
    key_totals = ((totals.user_id,) if per_user else ()) + (totals.process, totals.state)
    key_counts = ((counts.user_id,) if per_user else ()) + (counts.process, counts.state)
    zero = literal_column("0")
    whole = select(*key_totals, totals.n, totals.running, zero, zero, zero, *name).where(
        totals.office_id == office, totals.n != 0
    )
    if per_user:
        whole = whole.join(User, User.id == totals.user_id)
    running = counts.clock_due != NO_DATE
    # the rows themselves, summed below: no GROUP BY and no list of states, so that SQLite (which
    # keeps no statistics here) takes the range of the clock_due index rather than walk the
    # primary key for its order (every row of the office)
    ahead = select(
        *key_counts,
        zero,
        zero,
        case((running, counts.n), else_=0),
        case((counts.applicant_due >= today, counts.n), else_=0),
        case((counts.clock_due <= soon, counts.n), else_=0),
        *((null(),) if per_user else ()),
    ).where(counts.office_id == office, counts.clock_due >= today)
    found: dict[tuple, list] = {}
    width = len(key_totals)
    for row in db.session.execute(union_all(whole, ahead)):
        key, figures = tuple(row[:width]), row[width:]
        entry = found.setdefault(key, [0, 0, 0, 0, 0, None])
        for i in range(5):
            entry[i] += int(figures[i])
        if per_user and figures[5] is not None:
            entry[5] = figures[5]
    return found


def _month(day) -> int:
    """year * 100 + month of a date (PostgreSQL returns a date; SQLite through SQLAlchemy too)."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return day.year * 100 + day.month


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)
