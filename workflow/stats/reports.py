"""The periodic harmonisation recap (laporan): per organisation, per type of regulation, and the
same recap per legal service. Each table is two GROUP BY queries (counts, then percentiles).

A row counts, for its period: files received (reached the office), returned for completion
(files and rounds, among those received), concluded by outcome and withdrawn (by the day of the
first conclusion), the median and 90th percentile of the office's working days from "declared
complete" to the conclusion, and the share concluded by the due date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from ..access import visible_requests
from ..engine.errors import InvalidInput
from ..extensions import db
from ..models import DaysCount, Organisation, OutcomeCount, ReceivedCount, Request
from ..processes import PROCESSES
from ..vocabulary import Conclusion
from . import sql

HARMONISATION = ("ranperda", "ranperkada")
OUTCOMES = Conclusion.values()
OUTCOME_LABELS = {c.value: _l(c.label) for c in Conclusion}  # N_-marked in the vocabulary
# Type of regulation, from the process and the applicant's level of government
TYPES = (
    ("ranperda_provinsi", _l("Ranperda Provinsi")),
    ("ranperda_kabupaten", _l("Ranperda Kabupaten")),
    ("ranperda_kota", _l("Ranperda Kota")),
    ("pergub", _l("Rancangan Pergub")),
    ("perbup", _l("Rancangan Perbup")),
    ("perwali", _l("Rancangan Perwali")),
)
PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$")
MONTHS_ID = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember").split()


@dataclass(frozen=True)
class Period:
    key: str  # as asked: "2026-11", "2026-Q4", "2026"
    start: date
    end: date
    label: str  # Indonesian: "November 2026", "Triwulan IV 2026", "Tahun 2026"

    @property
    def kind(self) -> str:
        return "month" if "-" in self.key and "Q" not in self.key else ("quarter" if "Q" in self.key else "year")


def parse_period(text: str | None) -> Period:
    """YYYY-MM, YYYY-Qn or YYYY. :raise InvalidInput: anything else, with an Indonesian message."""
    match = PERIOD.match((text or "").strip())
    year = int(match.group(1)) if match else 0
    if not match or not 2000 <= year <= 2100 or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        raise InvalidInput(
            "Periode tidak valid: gunakan YYYY-MM (bulan), YYYY-Qn (triwulan) atau YYYY (tahun), mis. 2026-11, 2026-Q4, 2026.",
            details={"period": ["Gunakan YYYY-MM, YYYY-Qn atau YYYY."]},
        )
    if match.group(2):
        month = int(match.group(2))
        start = date(year, month, 1)
        return Period(f"{year}-{month:02d}", start, _month_end(year, month), f"{MONTHS_ID[month - 1]} {year}")
    if match.group(3):
        q = int(match.group(3))
        return Period(
            f"{year}-Q{q}",
            date(year, 3 * q - 2, 1),
            _month_end(year, 3 * q),
            f"Triwulan {('I', 'II', 'III', 'IV')[q - 1]} {year}",
        )
    return Period(str(year), date(year, 1, 1), date(year, 12, 31), f"Tahun {year}")


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def organisation_level():
    """provinsi, kabupaten or kota, from the organisation's kind (a DPRD's level from its region:
    "Provinsi ...", "Kota ...", else a regency); in SQL, so LIKE means what the database says."""
    return case(
        (Organisation.kind == "province", "provinsi"),
        (Organisation.kind == "city", "kota"),
        (Organisation.kind == "regency", "kabupaten"),
        (Organisation.region.like("Provinsi%"), "provinsi"),
        (Organisation.region.like("Kota%"), "kota"),
        else_="kabupaten",
    )


def regulation_type(process: str, level: str) -> str:
    """ranperda_<level> or pergub/perbup/perwali, from the process and the organisation's level."""
    if process == "ranperda":
        return f"ranperda_{level}"
    return {"provinsi": "pergub", "kota": "perwali"}.get(level, "perbup")


@dataclass
class Row:
    key: str
    label: str
    received: int = 0
    returned: int = 0  # files returned for completion at least once (among those received)
    rounds: int = 0  # times returned
    outcomes: dict = field(default_factory=dict)  # outcome -> concluded in the period
    concluded: int = 0  # all conclusions but withdrawals
    withdrawn: int = 0
    on_time: int = 0
    timed: int = 0
    median: float | None = None
    p90: int | None = None

    @property
    def on_time_rate(self) -> float | None:
        return sql.rate(self.on_time, self.timed)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "received": self.received,
            "returned_for_completion": self.returned,
            "completion_rounds": self.rounds,
            "concluded": self.concluded,
            "outcomes": self.outcomes,
            "withdrawn": self.withdrawn,
            "median_working_days": self.median,
            "p90_working_days": self.p90,
            "on_time_rate": self.on_time_rate,
        }


@dataclass
class Table:
    name: str  # organisations, types, services
    title: str
    key_label: str
    outcomes: tuple  # outcome columns shown
    rows: list

    @property
    def total(self) -> Row:
        """Sums over the rows; percentiles of a total are not sums, so it carries none."""
        total = Row("total", _l("Jumlah"))
        for r in self.rows:
            for name in ("received", "returned", "rounds", "concluded", "withdrawn", "on_time", "timed"):
                setattr(total, name, getattr(total, name) + getattr(r, name))
            for k, v in r.outcomes.items():
                total.outcomes[k] = total.outcomes.get(k, 0) + v
        return total


@dataclass
class Report:
    period: Period
    office_name: str
    tables: list
    overall: Row  # harmonisation as a whole, with its own median and p90

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def as_dict(self) -> dict:
        return {
            "period": {
                "key": self.period.key,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
            },
            "office": self.office_name,
            "harmonisation": self.overall.as_dict(),
            **{t.name: [r.as_dict() for r in t.rows] for t in self.tables},
        }


TIMED = object()  # in place of an outcome: a group of timed conclusions (_counted_groups)


class _Tally:
    """One row's counts and its histogram of the office's days, summed over GROUP BY groups."""

    def __init__(self, key: str, label):
        self.row = Row(key, label)
        self.days: dict[int, int] = {}

    def add(self, outcome, days, got, returned, rounds, done, timely) -> None:
        row = self.row
        if outcome is TIMED:  # the counts' timed conclusions, already counted by their outcome
            row.on_time += timely
            row.timed += done
            self.days[days] = self.days.get(days, 0) + done
            return
        row.received += got
        row.returned += returned
        row.rounds += int(rounds)
        if outcome and done:
            if outcome in sql.WITHDRAWN_OUTCOMES:
                row.withdrawn += done
            else:
                row.concluded += done
                row.outcomes[outcome] = row.outcomes.get(outcome, 0) + done
                if days is not None:  # a timed conclusion (sql.timed_conclusion)
                    row.on_time += timely
                    row.timed += done
                    self.days[days] = self.days.get(days, 0) + done

    def finish(self) -> Row:
        median, p90 = sql.median_p90(self.days)
        self.row.median = None if median is None else round(float(median), 1)
        self.row.p90 = p90
        return self.row


def scope(user):
    return and_(visible_requests(user), Request.received_on.is_not(None))


def harmonisation_report(user, period: Period, *, live: bool = False) -> Report:
    """The recap for `period` as `user` may see it (their office; a drafter, their organisation).

    Three queries, however many requests: the organisations, then the counts of requests received
    and concluded in the period's months per process, organisation, outcome and the office's days
    (models/stats_counts.py, kept by triggers as requests change: the months of a period are
    whole months, so the month's counts are exact). `live` reads `requests` instead (one GROUP BY
    in the order of a covering index, O(rows); the check that both agree). Each table (per
    organisation, per type, per service, harmonisation as a whole) sums the groups; the medians
    and 90th percentiles come from the days' histogram.
    """
    org_filter = Organisation.office_id == user.office_id
    if user.role == "drafter":
        org_filter = Organisation.id == user.organisation_id
    listed, levels = [], {}
    for oid, name, level, shown in db.session.execute(
        select(Organisation.id, Organisation.name, organisation_level(), org_filter).order_by(Organisation.name)
    ):
        levels[oid] = level
        if shown:
            listed.append((oid, name))
    names = {str(oid): name for oid, name in listed}
    services = {p.name: p.label for p in PROCESSES.values() if p.name not in HARMONISATION}
    type_labels = dict(TYPES)
    by_org: dict[str, _Tally] = {}
    by_type: dict[str, _Tally] = {}
    by_service: dict[str, _Tally] = {}
    overall = _Tally("all", _l("Harmonisasi"))

    def tally(tallies: dict, key: str, label) -> _Tally:
        found = tallies.get(key)
        if found is None:  # made once per row of a table, not once per group added to it
            found = tallies[key] = _Tally(key, label)
        return found

    def add(process, org_id, figures):
        if process in HARMONISATION:
            overall.add(*figures)
            key = str(org_id)
            tally(by_org, key, names.get(key, key)).add(*figures)
            if org_id in levels:  # the type needs the organisation (as the inner join did)
                key = regulation_type(process, levels[org_id])
                tally(by_type, key, type_labels.get(key, key)).add(*figures)
        elif process in services:
            tally(by_service, process, services[process]).add(*figures)

    for process, org_id, figures in (_live_groups if live else _counted_groups)(user, period):
        add(process, org_id, figures)
    by_org_rows = {k: t.finish() for k, t in by_org.items()}
    by_type_rows = {k: t.finish() for k, t in by_type.items()}
    by_service_rows = {k: t.finish() for k, t in by_service.items()}

    tables = [
        Table(
            "organisations",
            _l("Rekapitulasi per pemrakarsa"),
            _l("Pemrakarsa"),
            OUTCOMES,
            [by_org_rows.get(str(oid)) or Row(str(oid), name) for oid, name in listed],
        ),
        Table(
            "types",
            _l("Rekapitulasi per jenis rancangan"),
            _l("Jenis"),
            OUTCOMES,
            [by_type_rows.get(k) or Row(k, label) for k, label in TYPES],
        ),
        Table(
            "services",
            _l("Rekapitulasi layanan hukum lainnya"),
            _l("Layanan"),
            (),
            [by_service_rows.get(k) or Row(k, label) for k, label in services.items()],
        ),
    ]
    return Report(period, user.office.name, tables, overall.finish())


def _live_groups(user, period: Period):
    """(process, organisation, figures) per group of the requests received or concluded in the
    period, read from `requests`."""
    received = sql.between(Request.received_on, period.start, period.end)
    concluded = sql.between(Request.concluded_on, period.start, period.end)
    for process, org_id, outcome, days, got, returned, rounds, done, timely in db.session.execute(
        select(
            Request.process,
            Request.organisation_id,
            Request.outcome,
            Request.office_days,
            sql.count_if(received),
            sql.count_if(and_(received, Request.completion_rounds > 0)),
            func.coalesce(func.sum(case((received, Request.completion_rounds), else_=0)), 0),
            sql.count_if(concluded),
            sql.count_if(and_(concluded, Request.clock_stopped_on <= Request.due_date)),
        )
        .where(scope(user), or_(received, concluded))
        .group_by(Request.process, Request.organisation_id, Request.outcome, Request.office_days)
    ):
        yield process, org_id, (outcome, days, got, returned, rounds, done, timely)


def _month_key(day: date) -> int:
    return day.year * 100 + day.month


def _counted_groups(user, period: Period):
    """The same figures from the maintained counts, summed over the period's months: received per
    process and organisation; concluded per process, organisation and outcome; the timed
    conclusions per process, organisation and office days (TIMED groups: on time and the days'
    histogram). Concluded ones are the received ones (the report's scope is what reached the
    office). A drafter's scope is their organisation, anyone else's their office."""
    months = (_month_key(period.start), _month_key(period.end))
    if user.role == "drafter":
        received_scope = ReceivedCount.organisation_id == (user.organisation_id or -1)
        outcome_scope = OutcomeCount.organisation_id == (user.organisation_id or -1)
        days_scope = DaysCount.organisation_id == (user.organisation_id or -1)
    else:
        received_scope = ReceivedCount.office_id == user.office_id
        outcome_scope = OutcomeCount.office_id == user.office_id
        days_scope = DaysCount.office_id == user.office_id
    for process, org_id, got, returned, rounds in db.session.execute(
        select(
            ReceivedCount.process,
            ReceivedCount.organisation_id,
            func.sum(ReceivedCount.n),
            func.sum(ReceivedCount.returned),
            func.sum(ReceivedCount.rounds),
        )
        .where(received_scope, ReceivedCount.month.between(*months), ReceivedCount.n != 0)
        .group_by(ReceivedCount.process, ReceivedCount.organisation_id)
    ):
        yield process, org_id or None, (None, None, int(got), int(returned), int(rounds), 0, 0)
    # conclusions per outcome (OutcomeCount counts received requests only)
    for process, org_id, outcome, done in db.session.execute(
        select(OutcomeCount.process, OutcomeCount.organisation_id, OutcomeCount.outcome, func.sum(OutcomeCount.n))
        .where(outcome_scope, OutcomeCount.month.between(*months), OutcomeCount.n != 0)
        .group_by(OutcomeCount.process, OutcomeCount.organisation_id, OutcomeCount.outcome)
    ):
        yield process, org_id or None, (outcome or None, None, 0, 0, 0, int(done), 0)
    # the timed ones (not withdrawn, the office's days known) per office days: on time, histogram
    for process, org_id, days, done, timely in db.session.execute(
        select(
            DaysCount.process,
            DaysCount.organisation_id,
            DaysCount.office_days,
            func.sum(DaysCount.n),
            func.sum(DaysCount.on_time),
        )
        .where(days_scope, DaysCount.month.between(*months), DaysCount.n != 0)
        .group_by(DaysCount.process, DaysCount.organisation_id, DaysCount.office_days)
    ):
        yield process, org_id or None, (TIMED, days, 0, 0, 0, int(done), int(timely))


_NUMBERS = ("received", "returned", "rounds", "outcomes", "concluded", "withdrawn", "on_time", "timed", "median", "p90")


def _row_snapshot(row: Row) -> dict:
    return {"key": row.key, "label": str(row.label), **{name: getattr(row, name) for name in _NUMBERS}}


def _row_from(data: dict, labels: dict) -> Row:
    # labels from the code (types, services) are shown in the reader's language; names as stored
    return Row(data["key"], labels.get(data["key"], data["label"]), **{name: data[name] for name in _NUMBERS})


def cached_report(user, period: Period):
    """(Report, when computed): the snapshot of the user's scope and period while it is fresh."""
    from .cache import cached, scope_key

    def compute():
        report = harmonisation_report(user, period)
        return {
            "office": report.office_name,
            "overall": _row_snapshot(report.overall),
            "tables": {t.name: [_row_snapshot(r) for r in t.rows] for t in report.tables},
        }

    data, at = cached(f"report:{scope_key(user)}:{period.key}", compute)
    services = {p.name: p.label for p in PROCESSES.values() if p.name not in HARMONISATION}
    labels = {"organisations": {}, "types": dict(TYPES), "services": services}
    specs = {
        "organisations": (_l("Rekapitulasi per pemrakarsa"), _l("Pemrakarsa"), OUTCOMES),
        "types": (_l("Rekapitulasi per jenis rancangan"), _l("Jenis"), OUTCOMES),
        "services": (_l("Rekapitulasi layanan hukum lainnya"), _l("Layanan"), ()),
    }
    tables = [
        Table(name, *specs[name], [_row_from(r, labels[name]) for r in rows]) for name, rows in data["tables"].items()
    ]
    overall = _row_from(data["overall"], {"all": _l("Harmonisasi")})
    return Report(period, data["office"], tables, overall), at
