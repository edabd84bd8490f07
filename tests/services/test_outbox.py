"""The e-mail outbox against a real SMTP server (aiosmtpd on 127.0.0.1, a free port).

Transitions that concern the applicant queue a message in their own transaction; `send_pending`
(`notifications send`) delivers what is due. With SMTP down nothing is lost: each failure is
recorded and retried later with a growing backoff; when SMTP is back each message is delivered
once, in the applicant's language, and never again; two senders at once do not send a message
twice; and a transition that fails leaves no message behind.
"""

import asyncio
import email
import email.policy
import io
import re
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import current_app
from sqlalchemy import func, select, update

from workflow.documents.store import DocumentStore
from workflow.engine.errors import GuardFailed
from workflow.extensions import db
from workflow.models import OutboxMessage, Request, User
from workflow.models.time import utcnow
from workflow.operations.notifications import send_pending
from workflow.operations.public import submit_public_request
from workflow.operations.transitions import fire

from ..helpers import PDF, user

SENDER = "Harmoni <noreply@harmoni.test>"


class Inbox:
    """An aiosmtpd handler keeping what it received."""

    def __init__(self):
        self.received = []
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow server: a wider window for a race
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(
                {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos), "message": message}
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    """A port with nothing listening until start(): SMTP "down", then "up"."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        return self.inbox.received


@pytest.fixture
def smtp(app):
    server = SmtpServer()
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_SENDER")
    saved = {k: app.config.get(k) for k in keys}
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USERNAME=None, MAIL_SENDER=SENDER
    )
    yield server
    server.stop()
    app.config.update(saved)


HR = {
    "name": "Markus Surel",
    "nik": "5371010101900031",
    "address": "Jl. Surel",
    "phone": "0812",
    "reported_party": "Instansi Uji",
    "chronology": "Kronologi.",
}
LA = {
    "name": "Yosefina Surel",
    "nik": "5371010101900032",
    "address": "Jl. Surel 2",
    "phone": "0813",
    "problem": "Sengketa.",
    "case_type": "pidana",
}


def public_request(process, details, kinds, email_, language="id"):
    req, code, _pin = submit_public_request(
        process,
        details=details,
        email=email_,
        language=language,
        uploads=[(k, f"{k}.pdf", PDF) for k in kinds],
        store=DocumentStore(current_app.config["DOCUMENT_STORE"]),
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
    )
    db.session.commit()
    return req.id, code


def act(request_id, trigger, who, comment=None, **data):
    req = db.session.get(Request, request_id)
    fire(req, trigger, who, version=req.version, comment=comment, data=data)
    db.session.commit()


@pytest.fixture(autouse=True)
def applicants_mail_only(app):
    """These tests follow the public applicants' mail: the office's own new-file mail (tested in
    test_resubmit_notices and test_notifications) is turned off by its staff, as a user can."""
    with app.app_context():
        db.session.execute(update(User).where(User.role.in_(("officer", "head"))).values(email_opt_out=["new_file"]))
        db.session.commit()
    yield
    with app.app_context():
        db.session.execute(update(User).values(email_opt_out=[]))
        db.session.commit()


def outbox():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_smtp_down_nothing_lost_retried_with_backoff_then_delivered_once(app, smtp):
    note = "Mohon lampirkan surat kuasa yang ditandatangani."
    with app.app_context():
        la_id, _ = public_request("legal_aid", LA, ("ktp", "sktm"), "yosefina@example.org")
        hr_id, hr_code = public_request(
            "human_rights_complaint", HR, ("ktp", "complaint_letter", "evidence"), "markus@example.org", language="en"
        )
        act(hr_id, "return_for_completion", user("officer"), comment=note)
        hr = db.session.get(Request, hr_id)
        la = db.session.get(Request, la_id)
        numbers = {"la": la.number, "hr": hr.number}
        queued = [(m.recipient, m.subject) for m in outbox()]
        assert queued == [
            ("yosefina@example.org", f"Permohonan {la.number}: Diterima, pemeriksaan kelengkapan"),
            ("markus@example.org", f"Request {hr.number}: Received, administrative check"),
            ("markus@example.org", f"Request {hr.number}: Incomplete, waiting for the complainant"),
        ]
        t0 = utcnow()

        # SMTP down: every attempt fails, nothing is lost, the next attempt moves further away
        assert send_pending(now=t0) == (0, 3)
        rows = outbox()
        assert [(m.attempts, m.sent_at, m.claimed_until, m.next_attempt_at) for m in rows] == [
            (1, None, None, t0 + timedelta(minutes=1))
        ] * 3
        assert all("ConnectionRefusedError" in m.last_error for m in rows), [m.last_error for m in rows]
        assert send_pending(now=t0 + timedelta(seconds=59)) == (0, 0)  # not due yet
        t1 = t0 + timedelta(minutes=1)
        assert send_pending(now=t1) == (0, 3)
        assert {(m.attempts, m.next_attempt_at) for m in outbox()} == {(2, t1 + timedelta(minutes=2))}
        t2 = t1 + timedelta(minutes=2)
        assert send_pending(now=t2) == (0, 3)
        assert {(m.attempts, m.next_attempt_at) for m in outbox()} == {(3, t2 + timedelta(minutes=4))}
        assert smtp.received == []

        # SMTP back: delivered once each
        smtp.start()
        assert send_pending(now=t2 + timedelta(minutes=3)) == (0, 0)  # still waiting its turn
        assert send_pending(now=t2 + timedelta(minutes=4)) == (3, 0)
        rows = outbox()
        assert all(m.sent_at is not None and m.attempts == 4 and m.last_error is None for m in rows)
        assert send_pending(now=t2 + timedelta(days=1)) == (0, 0)
        assert len(smtp.received) == 3

    got = [(r["rcpt_tos"], r["message"]["To"], r["message"]["From"], r["message"]["Subject"]) for r in smtp.received]
    assert got == [
        (["yosefina@example.org"], "yosefina@example.org", SENDER, queued[0][1]),
        (["markus@example.org"], "markus@example.org", SENDER, queued[1][1]),
        (["markus@example.org"], "markus@example.org", SENDER, queued[2][1]),
    ]
    assert len({r["message"]["Message-ID"] for r in smtp.received}) == 3
    indonesian, english, returned = (r["message"].get_content() for r in smtp.received)
    # legal aid and human-rights complaints are confidential matters: the notice comes first
    assert indonesian.startswith("RAHASIA. Surel ini menyangkut perkara") and "Yth. Bapak/Ibu," in indonesian
    assert (
        f"Permohonan Anda nomor {numbers['la']} (Bantuan hukum) kini berstatus: Diterima, "
        "pemeriksaan kelengkapan." in indonesian
    )
    assert "Surel ini dikirim otomatis oleh Harmoni" in indonesian
    assert english.startswith("CONFIDENTIAL. This e-mail concerns a matter") and "Dear Sir or Madam," in english
    assert f"Your request number {numbers['hr']}" in english and "Received, administrative check" in english
    assert f"with the code {hr_code} and your PIN" in english
    assert "This e-mail was sent automatically by Harmoni; please do not reply." in english
    assert "Permohonan Anda" not in english and "Tenggat" not in english
    assert re.search(
        r"Deadline of this step: \d{1,2} (January|February|March|April|May|June|July|August|"
        r"September|October|November|December) \d{4}\.",
        english,
    )
    assert "The officer's note:" in returned and note in returned


def test_two_senders_at_once_send_each_message_once(app, smtp):
    """Four senders (threads, each with its own session) drain the same outbox in small batches
    against a slow server: every message arrives exactly once."""
    with app.app_context():
        for i in range(6):
            request_id, _ = public_request(
                "legal_aid", {**LA, "name": f"Pemohon {i}"}, ("ktp", "sktm"), f"pemohon{i}@example.org"
            )
            act(request_id, "return_for_completion", user("officer"), comment="Lengkapi.")
        ids = [m.id for m in outbox()]
        assert len(ids) == 12
        db.session.commit()
        db.session.remove()
    smtp.start()
    smtp.inbox.delay = 0.02
    now = utcnow() + timedelta(seconds=1)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def sender():
        try:
            with app.app_context():
                barrier.wait(30)
                while True:
                    sent, failed = send_pending(now=now, batch=2)
                    results.append((sent, failed))
                    if sent + failed == 0:
                        break
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(repr(exc))

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not [t for t in threads if t.is_alive()], "a sender hangs"
    assert errors == []
    assert sum(s for s, _ in results) == 12 and sum(f for _, f in results) == 0
    message_ids = sorted(r["message"]["Message-ID"] for r in smtp.received)
    assert len(message_ids) == 12 and len(set(message_ids)) == 12, message_ids
    assert message_ids == sorted(f"<outbox-{i}@harmoni.test>" for i in ids)
    with app.app_context():
        assert all(m.sent_at is not None and m.attempts == 1 for m in outbox())


def test_no_message_without_the_transition(app, api):
    """The message is part of the transition's transaction: a transition refused (guard, role,
    stale version, missing reason) or rolled back after it ran leaves no row; one that commits
    leaves exactly one."""
    with app.app_context():
        with pytest.raises(GuardFailed):  # a submission without its documents
            public_request("legal_aid", LA, ("ktp",), "tanpa.sktm@example.org")
        db.session.rollback()
        assert outbox() == []
        request_id, _ = public_request(
            "human_rights_complaint", HR, ("ktp", "complaint_letter", "evidence"), "markus@example.org"
        )
        assert len(outbox()) == 1

        req = db.session.get(Request, request_id)
        fire(req, "return_for_completion", user("officer"), version=req.version, comment="Lengkapi bukti.")
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2  # flushed with it
        db.session.rollback()  # the transaction fails after the transition ran
        assert (db.session.get(Request, request_id).state, len(outbox())) == ("submitted", 1)
        version = db.session.get(Request, request_id).version
        db.session.commit()

    head, officer = api.as_("head"), api.as_("officer")
    assert officer.fire(request_id, "declare_complete", version=version - 1).status_code == 409  # stale
    assert officer.fire(request_id, "return_for_completion", version=version).status_code == 422  # no reason
    assert (
        officer.fire(
            request_id, "declare_not_competent", version=version, comment="x", referred_to="Komnas HAM"
        ).status_code
        == 409
    )  # not in this state
    head.ok(head.fire(request_id, "declare_complete", version=version))
    assert officer.fire(request_id, "conclude_violation", comment="Ada indikasi.").status_code == 403  # the head's
    with app.app_context():
        assert [m.subject.split(": ", 1)[1] for m in outbox()] == [
            "Diterima, pemeriksaan administrasi",
            "Pemeriksaan substansi",
        ]


def test_an_undeliverable_address_does_not_block_the_outbox(app, smtp):
    """The public form takes any text as the e-mail address (it is never validated). One with a
    line break, which cannot be written into a To: header, makes _deliver raise ValueError, which
    send_pending does not catch: the run stops, the message stays claimed without an attempt
    recorded, and since it is the oldest it is claimed first again at every run after the lease:
    no e-mail queued after it is ever delivered."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.66.0.1"
    page = client.get("/layanan/legal_aid").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    once = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    r = client.post(
        "/layanan/legal_aid",
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "form_token": once,
            "consent": "1",
            **LA,
            "email": "yosefina@example.org\r\nBcc: semua@example.org",
            "language": "id",
            "ktp": (io.BytesIO(PDF), "ktp.pdf"),
            "sktm": (io.BytesIO(PDF), "sktm.pdf"),
        },
    )
    assert r.status_code in (302, 422)
    with app.app_context():
        public_request("legal_aid", {**LA, "name": "Pemohon Lain"}, ("ktp", "sktm"), "lain@example.org")
        public_request("human_rights_complaint", HR, ("ktp", "complaint_letter", "evidence"), "markus@example.org")
        smtp.start()
        t0 = utcnow() + timedelta(seconds=1)
        errors = []
        for minutes in (0, 10, 60, 180):  # `notifications send` from cron, over three hours
            try:
                send_pending(now=t0 + timedelta(minutes=minutes))
            except Exception as exc:  # noqa: BLE001  (reported below)
                db.session.rollback()
                errors.append(repr(exc))
        delivered = sorted(rcpt for m in smtp.received for rcpt in m["rcpt_tos"])
        assert delivered == ["lain@example.org", "markus@example.org"], errors
        assert errors == []
        bad = [m for m in outbox() if m.sent_at is None]
        assert all(m.attempts >= 1 and m.last_error for m in bad)
