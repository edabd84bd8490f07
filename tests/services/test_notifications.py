"""Notifications of a harmonisation file, through the real SMTP test server (aiosmtpd).

Each transition that concerns the applicant tells the applicant organisation's drafters (in-app
and by e-mail, in their language); a new or resubmitted file tells the intake officers, the
assignment the assigned drafters; meeting invitees get the .ics (METHOD:REQUEST with a stable UID
and a SEQUENCE that grows, METHOD:CANCEL when cancelled); and a kind turned off sends no e-mail
but stays in the list.
"""

from datetime import date, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select, update

from workflow.extensions import db
from workflow.models import Notification, OutboxMessage, User
from workflow.models.time import utcnow
from workflow.operations.notifications import send_pending

from ..helpers import final_minutes, submitted_request, user
from .test_outbox import smtp  # noqa: F401  (the fixture)

DRAFTER, OFFICER, OFFICER2, HEAD = (
    "hukum.kotakupang@harmoni.test",
    "perancang1@harmoni.test",
    "perancang2@harmoni.test",
    "kakanwil@harmoni.test",
)


def notices(email_):
    db.session.expire_all()
    return db.session.scalars(
        select(Notification)
        .join(User, User.id == Notification.user_id)
        .where(User.email == email_)
        .order_by(Notification.id)
    ).all()


def set_user(email_, **values):
    db.session.execute(update(User).where(User.email == email_).values(**values))
    db.session.commit()


def ics_of(message):
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.iter_attachments()]
    assert parts[0].get_filename().endswith(".ics")
    return Calendar.from_ical(parts[0].get_content())


def test_a_harmonisation_file_tells_each_party_once(app, api, smtp):  # noqa: F811
    officer, head, drafter = api.as_("officer"), api.as_("head"), api.as_("drafter")
    with app.app_context():
        set_user(DRAFTER, language="en")
        set_user(OFFICER2, email_opt_out=["assignment"])
        officer_ids = [user("officer").id, user("officer2").id]
        head_id = user("head").id
    try:
        req = submitted_request(api)
        rid = req["id"]
        officer.ok(officer.fire(rid, "return_for_completion", comment="Lampirkan SK tim penyusun yang ditandatangani."))
        drafter.ok(drafter.upload(rid, "sk_tim_penyusun"), 201)
        drafter.ok(drafter.fire(rid, "resubmit"))
        officer.ok(officer.fire(rid, "declare_complete"))
        head.ok(head.fire(rid, "assign", assignees=officer_ids))
        officer.ok(officer.fire(rid, "complete_analysis"))
        day = date.today() + timedelta(days=7)
        # scheduled by the head: the undangan is issued at once, and so the invitations go out now
        # (an officer's undangan waits for approval: tests/services/test_letter_approval.py)
        meeting = head.ok(
            head.post(
                "/meetings",
                json={
                    "request_ids": [rid],
                    "title": "Rapat Harmonisasi Kota Kupang",
                    "starts_at": f"{day.isoformat()}T09:00:00",
                    "confirm_non_working_day": True,  # a relative date may be a day off
                    "place": "Aula Kanwil NTT",
                    "chair_id": head_id,
                    "participants": [
                        {
                            "name": "Agustinus Lake",
                            "position": "Kepala Bagian Hukum",
                            "institution": "Pemerintah Kota Kupang",
                            "side": "applicant",
                            "email": "agus@kupang.test",
                        },
                        {"name": "Tanpa Surel", "position": "Staf", "institution": "Kota Kupang", "side": "applicant"},
                    ],
                },
            ),
            201,
        )
        meeting = officer.ok(
            officer.post(
                f"/meetings/{meeting['id']}/reschedule",
                json={
                    "version": meeting["version"],
                    "starts_at": f"{(day + timedelta(days=1)).isoformat()}T10:00:00",
                    "confirm_non_working_day": True,  # a relative date may be a day off
                    "reason": "Ruang rapat dipakai.",
                },
            )
        )
        officer.ok(
            officer.post(
                f"/meetings/{meeting['id']}/cancel",
                json={"version": meeting["version"], "reason": "Kepala daerah berhalangan."},
            )
        )

        with app.app_context():
            # the drafter (the actor of submit/resubmit) hears of what the office did, in English
            got = [(n.kind, n.subject) for n in notices(DRAFTER)]
            number = req["number"]
            assert got == [
                ("status", f"Request {number}: Returned for completion"),
                ("status", f"Request {number}: Declared complete, awaiting assignment"),
                ("meeting", f"Meeting scheduled for {number}"),
                ("meeting", f"Meeting for {number} rescheduled"),
                ("meeting", f"Meeting for {number} cancelled"),
            ], got
            returned = notices(DRAFTER)[0]
            assert "Lampirkan SK tim penyusun yang ditandatangani." in returned.body
            assert returned.link == f"/permohonan/{rid}"
            assert notices(DRAFTER)[2].link == f"/rapat/{meeting['id']}"
            # intake officers: the new file and the resubmission; the actor of a return is not told
            assert [n.kind for n in notices(OFFICER)] == ["new_file", "new_file", "assignment"]
            assert [n.kind for n in notices(OFFICER2)] == ["new_file", "new_file", "assignment"]
            # the officer's surat pengembalian awaits the head's approval; declared complete: assign next
            assert [n.kind for n in notices(HEAD)] == ["approval", "new_file"]
            assert "Anda ditugaskan menelaah" in notices(OFFICER)[2].subject
            # officer2 turned e-mail for assignments off: in the list, not in the outbox
            mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            to_officer2 = [m.subject for m in mails if m.recipient == OFFICER2]
            assert len(to_officer2) == 2 and not any("ditugaskan" in s for s in to_officer2)
            queued = len(mails)
        smtp.start()
        with app.app_context():
            assert send_pending(now=utcnow() + timedelta(seconds=1), batch=200) == (queued, 0)
            assert send_pending(now=utcnow() + timedelta(days=1), batch=200) == (0, 0)
    finally:
        with app.app_context():
            set_user(DRAFTER, language="id")
            set_user(OFFICER2, email_opt_out=[])

    by_rcpt = {}
    for r in smtp.received:
        by_rcpt.setdefault(r["rcpt_tos"][0], []).append(r["message"])
    assert sum(len(v) for v in by_rcpt.values()) == queued
    # the invitee with an address: request, update (higher SEQUENCE, same UID), cancel
    invitations = by_rcpt["agus@kupang.test"]
    assert [m["Subject"].split(":")[0] for m in invitations] == [
        "Undangan rapat",
        "Perubahan jadwal rapat",
        "Pembatalan rapat",
    ]
    cals = [ics_of(m) for m in invitations]
    assert [str(c["method"]) for c in cals] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [c.walk("VEVENT")[0] for c in cals]
    assert len({str(e["uid"]) for e in events}) == 1
    sequences = [int(e["sequence"]) for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3, sequences
    assert events[1].decoded("dtstart") == datetime.combine(day + timedelta(days=1), datetime.min.time()).replace(
        hour=2, tzinfo=events[1].decoded("dtstart").tzinfo
    )  # 10:00 WITA is 02:00 UTC
    assert str(events[2]["status"]) == "CANCELLED"
    # the drafter's mail is in English, with the link to the page of the next step
    english = [m.get_content() for m in by_rcpt[DRAFTER]]
    assert len(english) == 5
    assert english[0].startswith("Dear ")
    assert f"/permohonan/{rid}" in english[0]
    assert "Reasons for the return:" in english[0]
    assert all("Harmoni" in text for text in english)
    # the ones without an address get nothing, and nobody got an e-mail twice
    assert all(len({m["Message-ID"] for m in msgs}) == len(msgs) for msgs in by_rcpt.values())


def test_conclusion_and_correction_tell_the_applicant_with_the_documents(app, api, smtp):  # noqa: F811
    from workflow.models import Request

    from ..helpers import force_state

    head, drafter = api.as_("head"), api.as_("drafter")
    req = submitted_request(api)
    rid = req["id"]
    with app.app_context():
        force_state(rid, "meeting_held")
        final_minutes(rid, "harmonis_with_notes")
        deadline = db.session.scalar(
            select(__import__("workflow.models", fromlist=["Minutes"]).Minutes.correction_deadline).where(
                __import__("workflow.models", fromlist=["Minutes"]).Minutes.request_id == rid
            )
        )
    head.ok(
        head.fire(rid, "conclude_with_notes", comment="Perbaiki Pasal 5.", correction_deadline=deadline.isoformat())
    )
    drafter.ok(drafter.upload(rid, "rancangan_perbaikan"), 201)
    drafter.ok(drafter.fire(rid, "submit_correction"))
    head.ok(head.fire(rid, "reject_correction", comment="Pasal 5 belum diperbaiki."))
    with app.app_context():
        got = notices(DRAFTER)
        number = req["number"]
        assert [n.subject for n in got] == [
            f"Permohonan {number}: Harmonis dengan catatan, menunggu perbaikan",
            f"Perbaikan {number} dikembalikan",
        ]
        concluded = got[0].body
        assert "Dokumen yang diterbitkan:" in concluded
        assert concluded.count("/dokumen-resmi/") == 2  # the result letter and the berita acara
        assert "Pasal 5 belum diperbaiki." in got[1].body
        # the minutes awaiting approval (final_minutes: the officer finalised them), then the
        # correction went to the head (and to no assignee: there is none)
        assert [n.kind for n in notices(HEAD)] == ["approval", "new_file"]
        assert db.session.get(Request, rid).state == "harmonis_with_notes"


def test_a_notice_is_rendered_when_sent_in_the_recipients_language_with_the_same_text(app, api, smtp):  # noqa: F811
    """A transition's notices keep their context, not their text: the body is rendered when the
    in-app notification is read and when `notifications send` sends the e-mail (then kept on the
    outbox row), in the recipient's language, and says what it said when it was rendered inside
    the transaction (the text below is that text, written out)."""
    officer = api.as_("officer")
    with app.app_context():
        set_user(DRAFTER, language="en")
        drafter_name = user("drafter").name
    try:
        req = submitted_request(api)
        rid, number = req["id"], req["number"]
        officer.ok(officer.fire(rid, "return_for_completion", comment="Lampirkan SK tim penyusun."))
        with app.app_context():
            rows = notices(DRAFTER)
            mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == DRAFTER)).all()
            officer_notice = notices(OFFICER)[0]
            assert len(rows) == len(mails) == 1
            assert rows[0].stored_body is None and mails[0].stored_body is None  # not rendered in the transaction
            assert rows[0].context["language"] == "en"
            english = (
                f"Dear {drafter_name},\n\n"
                f"Request number {number} (Harmonisation of a draft regional regulation (Ranperda)) is now: Returned for completion.\n"
                f"{req['title']}\n\n"
                "Reasons for the return:\nLampirkan SK tim penyusun.\n\n"
                f"Next step at http://127.0.0.1:5000/permohonan/{rid}\n\n"
                "This e-mail was sent automatically by Harmoni; please do not reply.\n"
                "Choose which notifications you get by e-mail at http://127.0.0.1:5000/akun/notifikasi\n"
                "Kanwil Kementerian Hukum NTT"
            )
            assert rows[0].body == mails[0].body == english
            # the intake officer's notice of the submission, in Indonesian
            indonesian = officer_notice.body
            assert indonesian.startswith(f"Yth. {user('officer').name},\n\nBerkas {number} (")
            assert "menunggu tindakan: Diajukan, pemeriksaan administrasi." in indonesian
            queued = db.session.scalar(select(func.count()).select_from(OutboxMessage))
            smtp.start()
            assert send_pending(now=utcnow() + timedelta(seconds=1), batch=200) == (queued, 0)
            db.session.expire_all()
            sent = db.session.get(OutboxMessage, mails[0].id)
            assert sent.stored_body == english  # the text as sent stays on record
    finally:
        with app.app_context():
            set_user(DRAFTER, language="id")
    got = {r["rcpt_tos"][0]: r["message"] for r in smtp.received}
    assert got[DRAFTER].get_content().replace("\r\n", "\n").rstrip("\n") == english
    assert got[OFFICER].get_content().replace("\r\n", "\n").rstrip("\n") == indonesian
