"""The operations record the milestones the figures count: the day a request reaches the office,
the day and kind of its first conclusion, and the office's working days complete -> conclusion
(pauses with the applicant excluded, the 2026 holidays skipped)."""

from datetime import date, datetime

from workflow.documents.store import DocumentStore
from workflow.extensions import db
from workflow.models import Request
from workflow.operations.requests import create_request, upload_document
from workflow.operations.transitions import fire

from ..helpers import APPLICATION_LETTER, PDF, REQUIRED, final_minutes, force_state, user


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T02:00:00")  # 10:00 WITA


def test_harmonisation_milestones_across_nyepi_and_idul_fitri(app, ctx):
    drafter, officer, head = user("drafter"), user("officer"), user("head")
    req = create_request(
        drafter, process="ranperda", title="Ranperda tentang Uji", now=at("2026-03-02"), **APPLICATION_LETTER
    )
    store = DocumentStore(app.config["DOCUMENT_STORE"])
    for kind in REQUIRED["ranperda"]:
        upload_document(
            req, drafter, kind=kind, filename="b.pdf", content=PDF, store=store, max_bytes=10**6, now=at("2026-03-02")
        )
    assert req.received_on is None  # a draft is the applicant's own
    fire(req, "submit", drafter, version=req.version, now=at("2026-03-03"))
    assert req.received_on == date(2026, 3, 3)
    fire(req, "declare_complete", officer, version=req.version, now=at("2026-03-05"))  # due 12 March
    assert req.due_date == date(2026, 3, 12)
    # returned on 10 March with 2 working days left (11, 12), resubmitted on 25 March after the
    # holidays of 18-24 March: the 2 days count again from 26 March
    fire(req, "return_for_completion", officer, version=req.version, comment="Lengkapi", now=at("2026-03-10"))
    fire(req, "resubmit", drafter, version=req.version, now=at("2026-03-25"))
    assert req.due_date == date(2026, 3, 27)
    assert req.received_on == date(2026, 3, 3)  # received once
    db.session.commit()
    force_state(req.id, "meeting_held")
    final_minutes(req.id, "harmonis")
    req = db.session.get(Request, req.id)
    fire(req, "conclude_harmonis", head, version=req.version, now=at("2026-03-27"))
    # office time: 6, 9 and 10 March (3 working days) + 26 and 27 March (2) = 5, the limit: on time
    assert (req.concluded_on, req.outcome, req.office_days) == (date(2026, 3, 27), "harmonis", 5)
    assert req.clock_stopped_on <= req.due_date  # on time


def test_withdrawal_is_a_conclusion_without_office_time(app, ctx):
    drafter = user("drafter")
    req = create_request(
        drafter, process="ranperkada", title="Ranperkada tentang Uji", now=at("2026-05-04"), **APPLICATION_LETTER
    )
    store = DocumentStore(app.config["DOCUMENT_STORE"])
    for kind in REQUIRED["ranperkada"]:
        upload_document(
            req, drafter, kind=kind, filename="b.pdf", content=PDF, store=store, max_bytes=10**6, now=at("2026-05-04")
        )
    fire(req, "submit", drafter, version=req.version, now=at("2026-05-04"))
    fire(req, "withdraw", drafter, version=req.version, comment="Ditarik", now=at("2026-05-06"))
    assert (req.received_on, req.concluded_on, req.outcome, req.office_days) == (
        date(2026, 5, 4),
        date(2026, 5, 6),
        "withdrawn",
        None,
    )


def test_a_walk_in_is_received_when_registered(app, ctx):
    req = create_request(
        user("officer"),
        process="naturalisation",
        details={"name": "Warga Uji", "nationality": "Timor-Leste", "passport": "P-1", "address": "Kupang"},
        now=at("2026-06-02"),
    )
    assert req.received_on == date(2026, 6, 2)
