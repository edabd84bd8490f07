"""Every figure of the dashboard and of a monthly and a yearly report over the known data set
(tests/stats/dataset.py; expected values worked out by hand), on SQLite and PostgreSQL."""

import pytest

from workflow.engine.errors import InvalidInput
from workflow.operations.calendar import office_calendar
from workflow.stats.dashboard import overview
from workflow.stats.reports import harmonisation_report, parse_period

from ..helpers import user
from . import dataset
from .dataset import TODAY


@pytest.fixture
def data(ctx):
    return dataset.build()


def test_dashboard_of_the_head(data):
    o = overview(user("head"), TODAY, office_calendar(1))
    assert o.due_soon_until.isoformat() == "2026-11-27"
    assert (o.open_total, o.overdue, o.due_soon, o.waiting_on_applicant) == (6, 1, 1, 2)
    assert o.by_phase == {"intake": 2, "review": 2, "meeting": 1, "conclusion": 1}
    assert o.by_process == {"ranperda": 4, "ranperkada": 1, "legal_aid": 1}
    assert [(w["name"], w["open"], w["overdue"]) for w in o.workload] == [
        ("Maria Fernandez", 2, 1),
        ("Yohanes Bria", 2, 0),
    ]
    orgs = {org["name"]: (org["open"], org["concluded"], org["outcomes"]) for org in o.organisations}
    assert orgs == {
        "DPRD Provinsi NTT": (1, 1, {"harmonis_with_notes": 1}),
        "Pemerintah Kabupaten Ngada": (0, 0, {}),
        "Pemerintah Kabupaten Sikka": (1, 2, {"harmonis": 2}),
        "Pemerintah Kota Kupang": (2, 3, {"harmonis": 2, "withdrawn": 1}),
        "Pemerintah Provinsi NTT": (1, 1, {"not_harmonis": 1}),
    }
    trend = {t["month"]: (t["received"], t["concluded"], t["median_working_days"], t["on_time_rate"]) for t in o.trend}
    assert list(trend) == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    assert trend == {
        "2025-12": (1, 0, None, None),
        "2026-01": (1, 2, 5.0, 50.0),
        "2026-02": (2, 0, None, None),
        "2026-03": (2, 3, 6.0, 66.7),
        "2026-04": (0, 0, None, None),
        "2026-05": (0, 0, None, None),
        "2026-06": (0, 0, None, None),
        "2026-07": (0, 0, None, None),
        "2026-08": (0, 0, None, None),
        "2026-09": (1, 1, 4.0, 100.0),
        "2026-10": (2, 0, None, None),
        "2026-11": (4, 1, 5.0, 100.0),
    }
    assert (o.median_days, o.on_time, o.timed, o.on_time_rate) == (5.0, 5, 7, 71.4)


def test_dashboard_of_an_officer_is_their_own_part(data):
    o = overview(user("officer"), TODAY, office_calendar(1))
    assert (o.open_total, o.overdue, o.due_soon, o.waiting_on_applicant) == (2, 1, 0, 0)
    assert o.by_process == {"ranperda": 2}
    assert [(w["name"], w["open"], w["overdue"]) for w in o.workload] == [("Maria Fernandez", 2, 1)]


def test_dashboard_of_a_drafter_is_their_organisation(data):
    o = overview(user("drafter"), TODAY, office_calendar(1))
    assert (o.open_total, o.overdue, o.due_soon) == (2, 1, 1)  # A and B; the draft G is theirs alone
    assert [org["name"] for org in o.organisations] == ["Pemerintah Kota Kupang"]
    assert o.median_days == 4.0  # L 2, H 6


def row(table, key):
    return next(r for r in table.rows if r.key == key)


def figures(r):
    return (r.received, r.returned, r.rounds, r.concluded, r.outcomes, r.withdrawn, r.median, r.p90, r.on_time_rate)


def test_yearly_report(data):
    report = harmonisation_report(user("head"), parse_period("2026"))
    assert figures(report.overall) == (
        10,
        2,
        3,
        6,
        {"harmonis": 4, "harmonis_with_notes": 1, "not_harmonis": 1},
        1,
        4.5,
        8,
        66.7,
    )
    orgs = report.table("organisations")
    assert [r.label for r in orgs.rows] == [
        "DPRD Provinsi NTT",
        "Pemerintah Kabupaten Ngada",
        "Pemerintah Kabupaten Sikka",
        "Pemerintah Kota Kupang",
        "Pemerintah Provinsi NTT",
    ]
    assert [figures(r) for r in orgs.rows] == [
        (1, 0, 0, 1, {"harmonis_with_notes": 1}, 0, 4.0, 4, 100.0),
        (0, 0, 0, 0, {}, 0, None, None, None),
        (3, 2, 3, 2, {"harmonis": 2}, 0, 4.0, 5, 100.0),
        (4, 0, 0, 2, {"harmonis": 2}, 1, 4.0, 6, 50.0),
        (2, 0, 0, 1, {"not_harmonis": 1}, 0, 8.0, 8, 0.0),
    ]
    assert figures(orgs.total)[:6] == (10, 2, 3, 6, {"harmonis_with_notes": 1, "harmonis": 4, "not_harmonis": 1}, 1)
    types = report.table("types")
    assert [r.key for r in types.rows] == [
        "ranperda_provinsi",
        "ranperda_kabupaten",
        "ranperda_kota",
        "pergub",
        "perbup",
        "perwali",
    ]
    assert [figures(r) for r in types.rows] == [
        (3, 0, 0, 2, {"not_harmonis": 1, "harmonis_with_notes": 1}, 0, 6.0, 8, 50.0),
        (2, 2, 3, 1, {"harmonis": 1}, 0, 5.0, 5, 100.0),
        (3, 0, 0, 1, {"harmonis": 1}, 1, 6.0, 6, 0.0),
        (0, 0, 0, 0, {}, 0, None, None, None),
        (1, 0, 0, 1, {"harmonis": 1}, 0, 3.0, 3, 100.0),
        (1, 0, 0, 1, {"harmonis": 1}, 0, 2.0, 2, 100.0),
    ]
    services = {r.key: figures(r) for r in report.table("services").rows}
    assert services["legal_aid"] == (1, 0, 0, 0, {}, 0, None, None, None)
    assert services["naturalisation"] == (1, 0, 0, 1, {"completed": 1}, 0, 20.0, 20, 100.0)
    assert services["public_complaint"] == (0, 0, 0, 0, {}, 0, None, None, None)


def test_monthly_report(data):
    report = harmonisation_report(user("head"), parse_period("2026-03"))
    assert report.period.label == "Maret 2026"
    assert figures(report.overall) == (2, 0, 0, 2, {"harmonis": 2}, 0, 4.5, 6, 50.0)
    orgs = {r.label: figures(r) for r in report.table("organisations").rows}
    assert orgs["Pemerintah Kota Kupang"] == (1, 0, 0, 1, {"harmonis": 1}, 0, 6.0, 6, 0.0)
    assert orgs["Pemerintah Kabupaten Sikka"] == (1, 0, 0, 1, {"harmonis": 1}, 0, 3.0, 3, 100.0)
    services = {r.key: figures(r) for r in report.table("services").rows}
    assert services["naturalisation"] == (0, 0, 0, 1, {"completed": 1}, 0, 20.0, 20, 100.0)


def test_a_drafter_reports_on_their_organisation_only(data):
    report = harmonisation_report(user("drafter"), parse_period("2026"))
    assert [r.label for r in report.table("organisations").rows] == ["Pemerintah Kota Kupang"]
    assert report.overall.received == 4


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("2026-11", "2026-11-01", "2026-11-30"),
        ("2026-Q1", "2026-01-01", "2026-03-31"),
        ("2026", "2026-01-01", "2026-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
    ],
)
def test_periods(text, start, end):
    p = parse_period(text)
    assert (p.start.isoformat(), p.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["", "2026-13", "2026-Q5", "26", "2026-1", "abc", "1999", "2026-00"])
def test_invalid_periods(text):
    with pytest.raises(InvalidInput, match="Periode tidak valid"):
        parse_period(text)
