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
from ..models import Organisation, Request
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


def regulation_type():
    """ranperda_<level> or pergub/perbup/perwali, from the process and the organisation's kind
    (a DPRD's level from its region: "Provinsi ...", "Kota ...", else a regency)."""
    level = case(
        (Organisation.kind == "province", "provinsi"),
        (Organisation.kind == "city", "kota"),
        (Organisation.kind == "regency", "kabupaten"),
        (Organisation.region.like("Provinsi%"), "provinsi"),
        (Organisation.region.like("Kota%"), "kota"),
        else_="kabupaten",
    )
    return case(
        (Request.process == "ranperda", "ranperda_" + level),
        (level == "provinsi", "pergub"),
        (level == "kota", "perwali"),
        else_="perbup",
    )


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


def _rows(where, key, period: Period, labels: dict, *, join_org=False) -> dict[str, Row]:
    """One table's figures grouped by `key`: counts in one query, percentiles in another."""
    received = sql.between(Request.received_on, period.start, period.end)
    concluded = sql.between(Request.concluded_on, period.start, period.end)
    stmt = select(
        key,
        sql.count_if(received),
        sql.count_if(and_(received, Request.completion_rounds > 0)),
        func.coalesce(func.sum(case((received, Request.completion_rounds), else_=0)), 0),
        Request.outcome,
        sql.count_if(concluded),
        sql.count_if(and_(concluded, sql.on_time())),
        sql.count_if(and_(concluded, sql.timed_conclusion())),
    ).where(where, or_(received, concluded))
    if join_org:
        stmt = stmt.join(Organisation, Organisation.id == Request.organisation_id)
    rows: dict[str, Row] = {}
    for k, got, returned, rounds, outcome, done, timely, timed in db.session.execute(
        stmt.group_by(key, Request.outcome)
    ):
        row = rows.setdefault(str(k), Row(str(k), labels.get(str(k), str(k))))
        row.received += got
        row.returned += returned
        row.rounds += int(rounds)
        row.on_time += timely
        row.timed += timed
        if outcome and done:
            if outcome in sql.WITHDRAWN_OUTCOMES:
                row.withdrawn += done
            else:
                row.concluded += done
                row.outcomes[outcome] = row.outcomes.get(outcome, 0) + done
    for k, median, p90 in db.session.execute(sql.quantiles(and_(where, concluded), key, join_organisation=join_org)):
        if str(k) in rows:
            rows[str(k)].median = None if median is None else round(float(median), 1)
            rows[str(k)].p90 = p90
    return rows


def scope(user):
    return and_(visible_requests(user), Request.received_on.is_not(None))


def harmonisation_report(user, period: Period) -> Report:
    """The recap for `period` as `user` may see it (their office; a drafter, their organisation)."""
    where = scope(user)
    harmonisation = and_(where, Request.process.in_(HARMONISATION))
    org_filter = Organisation.office_id == user.office_id
    if user.role == "drafter":
        org_filter = Organisation.id == user.organisation_id
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name).where(org_filter).order_by(Organisation.name)
    ).all()
    names = {str(oid): name for oid, name in organisations}
    by_org = _rows(harmonisation, Request.organisation_id, period, names)
    type_labels = dict(TYPES)
    by_type = _rows(harmonisation, regulation_type(), period, type_labels, join_org=True)
    services = {p.name: p.label for p in PROCESSES.values() if p.name not in HARMONISATION}
    by_service = _rows(and_(where, Request.process.in_(services)), Request.process, period, services)
    # one group per office: the scope's whole (a constant key would do, but PostgreSQL refuses it)
    overall = next(iter(_rows(harmonisation, Request.office_id, period, {}).values()), None) or Row("all", "")
    overall.key, overall.label = "all", _l("Harmonisasi")

    tables = [
        Table(
            "organisations",
            _l("Rekapitulasi per pemrakarsa"),
            _l("Pemrakarsa"),
            OUTCOMES,
            [by_org.get(str(oid)) or Row(str(oid), name) for oid, name in organisations],
        ),
        Table(
            "types",
            _l("Rekapitulasi per jenis rancangan"),
            _l("Jenis"),
            OUTCOMES,
            [by_type.get(k) or Row(k, label) for k, label in TYPES],
        ),
        Table(
            "services",
            _l("Rekapitulasi layanan hukum lainnya"),
            _l("Layanan"),
            (),
            [by_service.get(k) or Row(k, label) for k, label in services.items()],
        ),
    ]
    return Report(period, user.office.name, tables, overall)


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
