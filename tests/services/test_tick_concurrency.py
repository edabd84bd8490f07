"""`workflow tick` run by four servers at once fires each expiry exactly once.

Four OS processes (forked from a fresh forkserver: nothing inherited from the parent's
connections; tests/processes.py) build their own application on the same database, connect, wait at a barrier, and
call workflow.operations.timers.tick(now=...) together on a dozen due timers of three kinds
(deemed withdrawal, overdue naturalisation documents, an overdue public complaint), next to
timers that are not due yet. Each due timer must fire once: one event per request, reported by
exactly one of the four, and nothing fired early.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select, text

from workflow.documents.store import DocumentStore
from workflow.extensions import db
from workflow.models import Event, Request
from workflow.operations.public import submit_public_request
from workflow.operations.requests import create_request, upload_document
from workflow.operations.transitions import fire

from ..helpers import PDF, user
from ..processes import run_together

pytestmark = pytest.mark.slow

WORKERS = 4
WITA = timedelta(hours=8)


def at(day: date, hour=10, minute=0) -> datetime:
    """The stored (naive UTC) moment of `hour:minute` office time (Asia/Makassar) on `day`."""
    return datetime.combine(day, time(hour, minute)) - WITA


# --- the child's work (module level, so that the child can import it) -------------------------


def tick_work(app, wait, now):
    from workflow.operations.timers import tick

    with app.app_context():
        db.session.execute(text("SELECT 1"))  # warm up: imports and a connection
        db.session.rollback()  # and hold no lock while waiting
        wait()
        return tick(now=now)


def tick_together(app, now) -> list[list]:
    """Run tick(now) in WORKERS processes released together; their return values."""
    return run_together(app, tick_work, [(now,)] * WORKERS)


# --- set-up -------------------------------------------------------------------------------------

HR_DETAILS = {
    "name": "Pengadu Serentak",
    "nik": "5371010101900021",
    "address": "Jl. Serentak",
    "phone": "081234500021",
    "reported_party": "Instansi Uji",
    "chronology": "Kronologi.",
}
PC_DETAILS = {
    "name": "Pelapor Serentak",
    "reported_person": "Petugas",
    "place": "Loket",
    "time": "Maret 2026",
    "chronology": "Kronologi.",
}


def public_request(process, details, kinds, when) -> int:
    req, _code, _pin = submit_public_request(
        process,
        details=details,
        email="serentak@example.org",
        language="id",
        uploads=[(k, f"{k}.pdf", PDF) for k in kinds],
        store=DocumentStore(current_app.config["DOCUMENT_STORE"]),
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        now=when,
    )
    db.session.commit()
    return req.id


def act(request_id, trigger, who, when, comment=None, **data):
    req = db.session.get(Request, request_id)
    fire(req, trigger, who, version=req.version, comment=comment, data=data, now=when)
    db.session.commit()


def returned_complaint(returned_on: date) -> int:
    """Returned for completion on `returned_on`: deemed withdrawn after 10 working days."""
    request_id = public_request(
        "human_rights_complaint", HR_DETAILS, ("ktp", "complaint_letter", "evidence"), at(date(2026, 3, 2))
    )
    act(request_id, "return_for_completion", user("officer"), at(returned_on), comment="Lengkapi bukti.")
    return request_id


def decreed_applicant(decree_on: date, registered_on: date = date(2026, 1, 5)) -> int:
    """Naturalisation with the Keputusan Presiden recorded on `decree_on`: the applicant has 3
    months to take the oath, else the decree is void."""
    req = create_request(
        user("officer"),
        process="naturalisation",
        now=at(registered_on),
        details={
            "name": "Applicant Together",
            "nationality": "Timor-Leste",
            "passport": "TL1234567",
            "address": "Jl. Serentak",
        },
    )
    for kind in ("application", "passport_copy", "civil_records"):
        upload_document(
            req,
            user("officer"),
            kind=kind,
            filename=f"{kind}.pdf",
            content=PDF,
            store=DocumentStore(current_app.config["DOCUMENT_STORE"]),
            max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
            now=at(registered_on),
        )
    db.session.commit()
    head, officer = user("head"), user("officer")
    act(req.id, "declare_complete", officer, at(registered_on))
    act(
        req.id,
        "record_payment",
        officer,
        at(registered_on),
        amount=350000,
        receipt_number="PNBP-1",
        payment_date=registered_on.isoformat(),
    )
    act(req.id, "forward", head, at(registered_on), cover_letter="W.21-AH-1")
    act(req.id, "record_decree", officer, at(decree_on), decree_number="Keppres-1", oath_date=decree_on.isoformat())
    return req.id


def sworn_applicant(oath_on: date) -> int:
    """Naturalisation with the oath taken on `oath_on`: 14 working days for the immigration documents."""
    request_id = decreed_applicant(date(2026, 3, 5), registered_on=date(2026, 3, 2))
    act(request_id, "take_oath", user("head"), at(oath_on))
    return request_id


def returned_public_complaint(returned_on: date) -> int:
    """A public complaint returned for completion on `returned_on`: deemed withdrawn after 30 days."""
    request_id = public_request("public_complaint", PC_DETAILS, (), at(date(2026, 3, 2)))
    act(request_id, "return_for_completion", user("officer"), at(returned_on), comment="Lengkapi kronologi.")
    return request_id


def investigated_complaint(complete_on: date) -> int:
    """A public complaint declared complete on `complete_on`: 60 calendar days."""
    request_id = public_request("public_complaint", PC_DETAILS, ("evidence",), at(date(2026, 3, 2)))
    act(request_id, "declare_complete", user("officer"), at(complete_on))
    return request_id


TIMERS = ("deem_withdrawn", "escalate_documents", "escalate_overdue", "lapse_decree")


def events_of(app, trigger_by_request) -> dict:
    with app.app_context():
        rows = db.session.execute(
            select(Event.request_id, Event.trigger, Event.actor_id, Event.data).where(
                Event.request_id.in_(trigger_by_request)
            )
        ).all()
        states = dict(
            db.session.execute(select(Request.id, Request.state).where(Request.id.in_(trigger_by_request))).all()
        )
        db.session.remove()
    fired = Counter((r.request_id, r.trigger) for r in rows if r.trigger in TIMERS)
    by_system = all(r.actor_id is None and r.data.get("by") == "system" for r in rows if r.trigger in TIMERS)
    return {"fired": fired, "states": states, "by_system": by_system}


def test_four_ticks_at_once_fire_each_expiry_once(app):
    now = at(date(2026, 5, 5), 0, 5)  # Tuesday 5 May 2026, 00:05 in Kupang
    with app.app_context():
        due = {}
        for day in (9, 10, 11, 12, 13):  # returned 9-13 March: due 30 March-6 April, long past
            due[returned_complaint(date(2026, 3, day))] = "deem_withdrawn"
        for day in (16, 17, 25):  # across 18-24 March and Good Friday: due 7, 8 and 9 April
            due[returned_complaint(date(2026, 3, day))] = "deem_withdrawn"
        for day in (17, 25):  # oath 17 / 25 March: documents due 14 / 15 April
            due[sworn_applicant(date(2026, 3, day))] = "escalate_documents"
        due[investigated_complaint(date(2026, 3, 5))] = "escalate_overdue"  # due Monday 4 May
        due[returned_public_complaint(date(2026, 4, 1))] = "deem_withdrawn"  # 30 days: due Friday 1 May
        due[returned_public_complaint(date(2026, 4, 4))] = "deem_withdrawn"  # due Monday 4 May
        due[decreed_applicant(date(2026, 2, 3))] = "lapse_decree"  # 3 months: due Sunday 3 May
        due[decreed_applicant(date(2026, 2, 4))] = "lapse_decree"  # due Monday 4 May
        not_due = {
            returned_complaint(date(2026, 4, 21)): "deem_withdrawn",  # due Wednesday 6 May: not yet
            investigated_complaint(date(2026, 3, 6)): "escalate_overdue",  # due Tuesday 5 May: today
            returned_public_complaint(date(2026, 4, 5)): "deem_withdrawn",  # due Tuesday 5 May: today
            decreed_applicant(date(2026, 2, 5)): "lapse_decree",  # due Tuesday 5 May: today
        }
        assert db.session.scalar(select(func.count()).select_from(Event).where(Event.trigger.in_(TIMERS))) == 0

    outcomes = tick_together(app, now)

    reported = Counter(item for fired in outcomes for item in map(tuple, fired))
    assert reported == Counter({(request_id, trigger): 1 for request_id, trigger in due.items()}), outcomes
    seen = events_of(app, {**due, **not_due})
    assert seen["fired"] == Counter({(request_id, trigger): 1 for request_id, trigger in due.items()})
    assert seen["by_system"]
    for request_id, trigger in due.items():
        expected = {
            "deem_withdrawn": "deemed_withdrawn",
            "escalate_documents": "oath_taken",
            "escalate_overdue": "investigation",
            "lapse_decree": "void",
        }[trigger]
        assert seen["states"][request_id] == expected, (request_id, trigger)
    assert all(seen["states"][i] in ("incomplete", "investigation", "oath_scheduled") for i in not_due)

    with app.app_context():  # the next run, at the same moment: nothing left to fire
        from workflow.operations.timers import tick

        assert tick(now=now) == []
        db.session.remove()
    assert events_of(app, due)["fired"] == seen["fired"]
