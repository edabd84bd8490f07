"""A known data set for the dashboard and the reports: requests with fixed dates across the 2026
holidays (Nyepi and Idul Fitri, 18-24 March), built directly as rows with their milestones, as the
operations leave them (tests/stats/test_milestones.py checks that the operations do).

Today is Wednesday 25 November 2026; "due soon" runs to Friday 27 November (2 working days).
The expected figures are worked out by hand in the tests that use it.
"""

from datetime import date

from sqlalchemy import insert, select

from workflow.extensions import db
from workflow.models import Office, Organisation, Request, request_assignees

from ..helpers import user

TODAY = date(2026, 11, 25)
KUPANG, SIKKA, PROVINSI, DPRD, NGADA = (
    "Pemerintah Kota Kupang",
    "Pemerintah Kabupaten Sikka",
    "Pemerintah Provinsi NTT",
    "DPRD Provinsi NTT",
    "Pemerintah Kabupaten Ngada",
)


def make_request(letter, process, state, org=None, *, assignees=(), **fields) -> Request:
    """A row in `state` with the given clock and milestone fields (a "factory" for the figures)."""
    office = db.session.scalar(select(Office))
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == org)) if org else None
    req = Request(
        process=process,
        number=f"{letter}/{process.upper()}/NTT/2026",
        title=f"Rancangan {letter}",
        state=state,
        office_id=office.id,
        organisation_id=organisation.id if organisation else None,
        time_limit_days=fields.pop("time_limit_days", 5 if fields.get("due_date") else None),
        **fields,
    )
    db.session.add(req)
    db.session.flush()
    for alias in assignees:
        db.session.execute(insert(request_assignees).values(request_id=req.id, user_id=user(alias).id))
    return req


def build():
    d = date
    open_ = dict(clock_started_on=d(2026, 11, 1))
    rows = {
        # open files
        "A": make_request(
            "A",
            "ranperda",
            "in_analysis",
            KUPANG,
            assignees=("officer",),
            received_on=d(2026, 11, 2),
            due_date=d(2026, 11, 20),
            **open_,
        ),
        "B": make_request(
            "B", "ranperkada", "verified", KUPANG, received_on=d(2026, 11, 16), due_date=d(2026, 11, 26), **open_
        ),
        "C": make_request(
            "C",
            "ranperda",
            "returned",
            SIKKA,
            received_on=d(2026, 10, 5),
            due_date=d(2026, 10, 22),
            clock_started_on=d(2026, 10, 15),
            clock_paused_on=d(2026, 10, 20),
            clock_remaining_days=2,
            completion_rounds=1,
        ),
        "D": make_request(
            "D",
            "ranperda",
            "meeting_scheduled",
            PROVINSI,
            assignees=("officer", "officer2"),
            received_on=d(2026, 11, 10),
            due_date=d(2026, 12, 4),
            **open_,
        ),
        "E": make_request(
            "E",
            "ranperda",
            "harmonis_with_notes",
            DPRD,
            assignees=("officer2",),
            received_on=d(2026, 9, 1),
            clock_started_on=d(2026, 9, 9),
            due_date=d(2026, 9, 16),
            clock_stopped_on=d(2026, 9, 15),
            concluded_on=d(2026, 9, 15),
            outcome="harmonis_with_notes",
            office_days=4,
        ),
        "F": make_request("F", "legal_aid", "submitted", None, received_on=d(2026, 11, 24)),
        "G": make_request("G", "ranperda", "draft", KUPANG),
        # concluded
        "H": make_request(
            "H",
            "ranperda",
            "harmonis",
            KUPANG,
            received_on=d(2026, 3, 2),
            clock_started_on=d(2026, 3, 10),
            due_date=d(2026, 3, 17),
            clock_stopped_on=d(2026, 3, 25),
            concluded_on=d(2026, 3, 25),
            outcome="harmonis",
            office_days=6,
        ),
        "I": make_request(
            "I",
            "ranperkada",
            "harmonis",
            SIKKA,
            received_on=d(2026, 3, 2),
            clock_started_on=d(2026, 3, 4),
            due_date=d(2026, 3, 10),
            clock_stopped_on=d(2026, 3, 9),
            concluded_on=d(2026, 3, 9),
            outcome="harmonis",
            office_days=3,
        ),
        "J": make_request(
            "J",
            "ranperda",
            "not_harmonis",
            PROVINSI,
            received_on=d(2026, 1, 5),
            clock_started_on=d(2026, 1, 7),
            due_date=d(2026, 1, 15),
            clock_stopped_on=d(2026, 1, 20),
            concluded_on=d(2026, 1, 20),
            outcome="not_harmonis",
            office_days=8,
        ),
        "K": make_request(
            "K",
            "ranperda",
            "withdrawn",
            KUPANG,
            received_on=d(2026, 2, 2),
            concluded_on=d(2026, 2, 10),
            outcome="withdrawn",
        ),
        "L": make_request(
            "L",
            "ranperkada",
            "harmonis",
            KUPANG,
            received_on=d(2025, 12, 15),
            clock_started_on=d(2026, 1, 5),
            due_date=d(2026, 1, 12),
            clock_stopped_on=d(2026, 1, 8),
            concluded_on=d(2026, 1, 8),
            outcome="harmonis",
            office_days=2,
        ),
        "M": make_request(
            "M",
            "ranperda",
            "harmonis",
            SIKKA,
            received_on=d(2026, 10, 20),
            clock_started_on=d(2026, 10, 29),
            due_date=d(2026, 11, 5),
            clock_stopped_on=d(2026, 11, 5),
            concluded_on=d(2026, 11, 5),
            outcome="harmonis",
            office_days=5,
            completion_rounds=2,
        ),
        "N": make_request(
            "N",
            "naturalisation",
            "completed",
            None,
            received_on=d(2026, 2, 3),
            clock_started_on=d(2026, 2, 3),
            due_date=d(2026, 3, 31),
            clock_stopped_on=d(2026, 3, 3),
            concluded_on=d(2026, 3, 3),
            outcome="completed",
            office_days=20,
            time_limit_days=40,
        ),
        "O": make_request(
            "O",
            "ranperkada",
            "not_harmonis",
            PROVINSI,
            received_on=d(2025, 11, 3),
            clock_started_on=d(2025, 11, 5),
            due_date=d(2025, 11, 12),
            clock_stopped_on=d(2025, 11, 20),
            concluded_on=d(2025, 11, 20),
            outcome="not_harmonis",
            office_days=10,
        ),
    }
    db.session.commit()
    return rows
