"""A file completed after a return for completion goes back to the intake officers' desk: in every
process, its resubmission tells them (kind "new_file", in-app and by e-mail), as harmonisation
always did; a member of the public gets the e-mail confirming it, as on submit."""

import pytest
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import Notification, OutboxMessage
from workflow.operations.notifications import render_notice
from workflow.processes import PROCESSES
from workflow.vocabulary import PUBLIC

from ..helpers import user
from .test_walks import EMAIL, D, act, at, submit, upload

RESUBMITTING = sorted(name for name, p in PROCESSES.items() if p.transition("resubmit") is not None)
PUBLIC_PROCESSES = [name for name in RESUBMITTING if PROCESSES[name].intake == "public"]


def test_every_resubmission_is_declared_alike():
    assert set(PUBLIC_PROCESSES) == {"human_rights_complaint", "ip_facilitation", "legal_aid", "public_complaint"}
    for name in RESUBMITTING:
        t = PROCESSES[name].transition("resubmit")
        assert [(n.audience, n.kind) for n in t.notices] == [("officers", "new_file")], name
        assert t.notify is (t.roles == PUBLIC), name


@pytest.mark.parametrize("process", PUBLIC_PROCESSES)
def test_a_resubmission_tells_the_intake_officers(app, process):
    with app.app_context():
        request_id = submit(process, at(D("2026-03-02")))
        act(request_id, "return_for_completion", "officer", at(D("2026-03-03")), comment="Lengkapi berkas.")
        if PROCESSES[process].document_kinds:
            kind = next(k.name for k in PROCESSES[process].document_kinds if k.uploader == "applicant")
            upload(request_id, kind, "public", at(D("2026-03-04")))
        officers = [user("officer").id, user("officer2").id]
        before = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0
        notified_before = db.session.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1)) or 0
        act(request_id, "resubmit", "public", at(D("2026-03-04")))
        told = db.session.scalars(
            select(Notification.user_id).where(
                Notification.request_id == request_id,
                Notification.kind == "new_file",
                Notification.id > notified_before,
            )
        ).all()
        assert sorted(told) == sorted(officers)
        recipients = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.request_id == request_id, OutboxMessage.id > before)
        ).all()
        assert sorted(recipients) == sorted([EMAIL, "perancang1@harmoni.test", "perancang2@harmoni.test"])


@pytest.mark.parametrize("process", PUBLIC_PROCESSES)
def test_a_public_file_is_named_as_an_individuals_not_as_dash(app, process):
    """A new file from the public tells the intake officers, as a new harmonisation file does; a
    member of the public has no organisation: the notice says so in words."""
    assert ("officers", "new_file") in [(n.audience, n.kind) for n in PROCESSES[process].transition("submit").notices]
    with app.app_context():
        request_id = submit(process, at(D("2026-03-02")))
        notice = db.session.scalar(
            select(Notification).where(Notification.request_id == request_id, Notification.kind == "new_file").limit(1)
        )
        text = render_notice(notice.context)
        assert "dari pemohon perorangan menunggu tindakan" in text, text
        assert "dari -" not in text
