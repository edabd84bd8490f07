"""The dashboard's figures: a fixed set of GROUP BY queries over `requests`, however many rows.

Scope: what the user may see (access.visible_requests: the office for staff, the organisation for
a drafter); an officer's dashboard is their own part, the files assigned to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select, true

from ..access import visible_requests
from ..engine.calendar import WorkingCalendar
from ..engine.definition import Phase
from ..extensions import db
from ..models import Organisation, Request, User, request_assignees
from ..models.time import local_date, utcnow
from ..processes import PROCESSES
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


def overview(user, today: date, cal: WorkingCalendar) -> Overview:
    """Every figure of the dashboard in eight queries, however many requests there are."""
    where = scope(user)
    soon = cal.add_working_days(today, DUE_SOON_WORKING_DAYS)
    result = Overview(today, soon, by_phase={p.value: 0 for p in Phase})

    # 1. open files per process and state, with how many are overdue, due soon, with the applicant
    rows = db.session.execute(
        select(
            Request.process,
            Request.state,
            func.count(),
            sql.count_if(sql.overdue(today)),
            sql.count_if(sql.due_soon(today, soon)),
            sql.count_if(sql.waiting_on_applicant()),
        )
        .where(where, sql.is_open())
        .group_by(Request.process, Request.state)
    ).all()
    for process, state, count, late, near, waiting in rows:
        definition = PROCESSES[process]
        result.open_total += count
        result.overdue += late
        result.due_soon += near
        result.waiting_on_applicant += waiting
        result.by_phase[definition.state(state).phase.value] += count
        result.by_process[process] = result.by_process.get(process, 0) + count

    # 2. workload per assigned member of staff: open assignments, overdue among them (an
    # officer's own line only: their colleagues' share of a file is not their part)
    assigned = true() if user.role != "officer" else request_assignees.c.user_id == user.id
    result.workload = [
        {"user_id": uid, "name": name, "open": count, "overdue": late}
        for uid, name, count, late in db.session.execute(
            select(User.id, User.name, func.count(), sql.count_if(sql.overdue(today)))
            .select_from(request_assignees)
            .join(Request, Request.id == request_assignees.c.request_id)
            .join(User, User.id == request_assignees.c.user_id)
            .where(where, sql.is_open(), assigned)
            .group_by(User.id, User.name)
            .order_by(func.count().desc(), User.name)
        )
    ]

    # 3. per applicant organisation: open, concluded this year, and by outcome
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    concluded_this_year = sql.between(Request.concluded_on, year_start, year_end)
    per_org: dict[int, dict] = {}
    for org_id, outcome, open_count, concluded in db.session.execute(
        select(
            Request.organisation_id,
            Request.outcome,
            sql.count_if(sql.is_open()),
            sql.count_if(concluded_this_year),
        )
        .where(where, Request.organisation_id.is_not(None), Request.received_on.is_not(None))
        .group_by(Request.organisation_id, Request.outcome)
    ):
        entry = per_org.setdefault(org_id, {"open": 0, "concluded": 0, "outcomes": {}})
        entry["open"] += open_count
        entry["concluded"] += concluded
        if outcome and concluded:
            entry["outcomes"][outcome] = entry["outcomes"].get(outcome, 0) + concluded
    org_filter = Organisation.office_id == user.office_id
    if user.role == "drafter":
        org_filter = Organisation.id == user.organisation_id
    result.organisations = [
        {"id": oid, "name": name, **per_org.get(oid, {"open": 0, "concluded": 0, "outcomes": {}})}
        for oid, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(org_filter).order_by(Organisation.name)
        )
    ]

    # 4-6. the last 12 months: received, concluded, on time; medians per month and overall
    months = months_back(today, TREND_MONTHS)
    start = date(months[0][0], months[0][1], 1)
    trend = {y * 100 + m: {"received": 0, "concluded": 0, "on_time": 0, "timed": 0, "median": None} for y, m in months}
    # grouped by the label: PostgreSQL sees two spellings of one expression (bound parameters) as two
    received_month = sql.month_key(Request.received_on).label("month")
    for key, count in db.session.execute(
        select(received_month, func.count())
        .where(where, sql.between(Request.received_on, start, today))
        .group_by(received_month)
    ):
        trend[int(key)]["received"] = count
    in_window = and_(where, sql.between(Request.concluded_on, start, today))
    concluded_month = sql.month_key(Request.concluded_on).label("month")
    for key, count, timely, timed in db.session.execute(
        select(
            concluded_month,
            sql.count_if(Request.outcome.not_in(sql.WITHDRAWN_OUTCOMES)),
            sql.count_if(sql.on_time()),
            sql.count_if(sql.timed_conclusion()),
        )
        .where(in_window)
        .group_by(concluded_month)
    ):
        trend[int(key)].update(concluded=count, on_time=timely, timed=timed)
    month = sql.month_key(Request.concluded_on)
    for key, median, _p90 in db.session.execute(sql.quantiles(in_window, month)):
        trend[int(key)]["median"] = _round(median)
    overall = db.session.execute(sql.quantiles(in_window)).first()
    result.median_days = _round(overall.median) if overall else None
    result.trend = [
        {
            "month": f"{key // 100:04d}-{key % 100:02d}",
            "received": t["received"],
            "concluded": t["concluded"],
            "median_working_days": t["median"],
            "on_time_rate": sql.rate(t["on_time"], t["timed"]),
        }
        for key, t in trend.items()
    ]
    result.on_time = sum(t["on_time"] for t in trend.values())
    result.timed = sum(t["timed"] for t in trend.values())
    result.on_time_rate = sql.rate(result.on_time, result.timed)
    return result


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)
