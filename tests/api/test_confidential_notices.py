"""Notices written now about a public complaint whose reporter asked for confidentiality: the
request's title is the anonymised default, and the notice's text (written once for all it tells, the
head among them, who may not read the reporter's identity) carries the reporter's name or phone in
no comment either: redacted as the events are (operations/event_redaction.py). The reporter's own
e-mail is theirs and is not redacted. Migration d6f8a0b2c4e7 fixed the notices written before."""

from sqlalchemy import select

from workflow.actors import PublicActor
from workflow.extensions import db
from workflow.models import Notification, OutboxMessage, Request
from workflow.operations.notifications import remind_deadlines
from workflow.operations.public import public_office
from workflow.operations.requests import create_request
from workflow.operations.transitions import fire

from ..helpers import user
from .test_confidential_events import DETAILS, LABEL, NAME, PHONE, assert_no_identity

REPORTER = "pelapor.rahasia@example.org"


def _complaint(confidential: bool) -> int:
    """Filed, returned for completion, sent back by the reporter with a comment naming themselves:
    the intake officers hear of it twice (in-app and by e-mail), the reporter once."""
    req = create_request(
        PublicActor(request_id=0),
        process="public_complaint",
        details={**DETAILS, "confidential": confidential},
        office=public_office(None),
        applicant_email=REPORTER,
    )
    fire(req, "submit", PublicActor(request_id=req.id), version=req.version)
    fire(req, "return_for_completion", user("officer"), version=req.version, comment=f"Mohon KTP {NAME}.")
    fire(
        req,
        "resubmit",
        PublicActor(request_id=req.id),
        version=req.version,
        comment=f"Saya {NAME}, telepon {PHONE}, sudah melengkapi.",
    )
    db.session.commit()
    return req.id


def _notices(request_id: int) -> tuple[list, list, list]:
    """(the staff's notifications, e-mails to the staff, e-mails to the reporter) as shown or sent."""
    bell = db.session.scalars(select(Notification).where(Notification.request_id == request_id)).all()
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id)).all()
    return bell, [m for m in mail if m.recipient != REPORTER], [m for m in mail if m.recipient == REPORTER]


def test_new_notices_of_a_confidential_complaint_never_name_the_reporter(app):
    with app.app_context():
        rid = _complaint(confidential=True)
        bell, staff_mail, reporter_mail = _notices(rid)
        assert bell and staff_mail and reporter_mail
        for notice in bell + staff_mail:
            assert_no_identity(notice.subject + notice.body)
            assert notice.context["title"] == LABEL
        resubmitted = [n for n in bell if n.context["trigger"] == "resubmit"]
        assert resubmitted and all(
            n.context["comment"] == "Saya [disembunyikan], telepon [disembunyikan], sudah melengkapi."
            for n in resubmitted
        )
        assert any(f"Mohon KTP {NAME}." in m.body for m in reporter_mail)  # their own mail


def test_deadline_reminders_of_a_confidential_complaint_never_name_the_reporter(app):
    from datetime import timedelta

    from workflow.models.time import utcnow

    with app.app_context():
        rid = _complaint(confidential=True)
        req = db.session.get(Request, rid)
        fire(req, "declare_complete", user("officer"), version=req.version)
        db.session.commit()
        remind_deadlines(now=utcnow() + timedelta(days=90))
        db.session.commit()
        reminders = db.session.scalars(
            select(Notification).where(Notification.request_id == rid, Notification.kind.in_(("due_soon", "overdue")))
        ).all()
        assert reminders
        for notice in reminders:
            assert_no_identity(notice.subject + notice.body)


def test_a_complaint_without_confidentiality_is_told_as_written(app):
    with app.app_context():
        rid = _complaint(confidential=False)
        bell, _, _ = _notices(rid)
        assert any(n.context["comment"] == f"Saya {NAME}, telepon {PHONE}, sudah melengkapi." for n in bell)
