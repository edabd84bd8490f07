"""After "harmonis dengan catatan": the correction deadline is the applicant's own deadline (shown
as the request's due date, `due_date_kind` "applicant"), a timer that tells the head and the
applicant when it passes and marks the file overdue (nothing concludes by itself), a correction
after it is refused until the head extends it, and the head's acceptance issues the final result
letter with the corrected draft named as attached, rendered and verifiable like the first."""

import hashlib
import io
import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from workflow.engine.errors import GuardFailed
from workflow.extensions import db
from workflow.models import Event, IssuedDocument, Minutes, Notification, Request, User
from workflow.operations.timers import tick
from workflow.operations.transitions import fire
from workflow.queries import filtered_requests

from ..engine.test_state_table import snapshot
from ..helpers import final_minutes, force_state, submitted_request, user

WITA = timedelta(hours=8)


def at(day: date, hour=10) -> datetime:
    return datetime.combine(day, time(hour)) - WITA


def pdf_text(data: bytes) -> str:
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def with_notes(api):
    """A Kota Kupang request concluded "harmonis dengan catatan"; (request id, deadline)."""
    req = submitted_request(api)
    with api.app.app_context():
        force_state(req["id"], "meeting_held")
        final_minutes(req["id"], "harmonis_with_notes")
        deadline = db.session.scalar(select(Minutes.correction_deadline).where(Minutes.request_id == req["id"]))
    head = api.as_("head")
    head.ok(
        head.fire(
            req["id"], "conclude_with_notes", comment="Perbaiki Pasal 5.", correction_deadline=deadline.isoformat()
        )
    )
    return req["id"], deadline


def notices_of(email_, request_id):
    return [
        (n.kind, n.subject)
        for n in db.session.scalars(
            select(Notification)
            .join(User, User.id == Notification.user_id)
            .where(User.email == email_, Notification.request_id == request_id)
            .order_by(Notification.id)
        )
    ]


def test_the_letter_with_notes_attaches_no_final_draft(api):
    rid, deadline = with_notes(api)
    drafter = api.as_("drafter")
    shown = drafter.ok(drafter.get(f"/requests/{rid}"))
    assert (shown["due_date"], shown["due_date_kind"]) == (deadline.isoformat(), "applicant")
    letters = drafter.ok(drafter.get(f"/requests/{rid}/issued"))
    letter = next(d for d in letters if d["kind"] == "result_letter")
    text = pdf_text(drafter.get(f"/issued/{letter['id']}/pdf").data)
    assert "harmonis dengan catatan" in text.lower()
    assert "terlampir" not in text and "Lampiran" not in text


def test_the_deadline_passes_the_head_extends_the_head_accepts(app, api):
    rid, deadline = with_notes(api)
    drafter, officer, head = api.as_("drafter"), api.as_("officer"), api.as_("head")
    drafter.ok(drafter.upload(rid, "rancangan_perbaikan", filename="ranperda-perbaikan-paraf.pdf"), 201)
    with app.app_context():
        req = db.session.get(Request, rid)
        assert (req.timer_trigger, req.timer_due_on) == ("correction_overdue", deadline)
        # the last day passes quietly; the next day the system records it, once
        assert tick(now=at(deadline, 23)) == []
        assert tick(now=at(deadline + timedelta(days=1), 1)) == [(rid, "correction_overdue")]
        assert tick(now=at(deadline + timedelta(days=2))) == []
        req = db.session.get(Request, rid)
        assert req.state == "harmonis_with_notes"  # nothing concluded by itself
        event = db.session.scalars(select(Event).where(Event.request_id == rid).order_by(Event.seq.desc())).first()
        assert (event.trigger, event.actor_id, event.data.get("by")) == ("correction_overdue", None, "system")
        number = req.number
        assert notices_of("kakanwil@harmoni.test", rid)[-1] == ("overdue", f"Batas waktu perbaikan {number} terlewati")
        assert notices_of("hukum.kotakupang@harmoni.test", rid)[-1] == (
            "status",
            f"Batas waktu perbaikan {number} terlewati",
        )
        # counted in the overdue filter of the work queue
        late_day = deadline + timedelta(days=2)
        overdue = db.session.scalars(filtered_requests(user("head"), late_day, overdue=True)).all()
        assert rid in [r.id for r in overdue]
        assert rid not in [r.id for r in db.session.scalars(filtered_requests(user("head"), deadline, overdue=True))]

        # a correction after its deadline: a clear reason, nothing written
        before = snapshot(rid)
        req = db.session.get(Request, rid)
        try:
            fire(req, "submit_correction", user("drafter"), version=req.version, now=at(late_day))
        except GuardFailed as error:
            reasons = error.details
        else:
            raise AssertionError("a late correction was accepted")
        db.session.rollback()
        assert any("Batas waktu perbaikan berakhir" in r for r in reasons), reasons
        assert snapshot(rid) == before

        # the head moves the deadline (with a reason); the timer follows it
        req = db.session.get(Request, rid)
        new_deadline = late_day + timedelta(days=14)
        fire(
            req,
            "extend_correction_deadline",
            user("head"),
            version=req.version,
            comment="Pemrakarsa meminta waktu tambahan.",
            data={"correction_deadline": new_deadline.isoformat()},
            now=at(late_day),
        )
        db.session.commit()
        req = db.session.get(Request, rid)
        assert (req.applicant_due_on, req.timer_trigger, req.timer_due_on) == (
            new_deadline,
            "correction_overdue",
            new_deadline,
        )
        fire(req, "submit_correction", user("drafter"), version=req.version, now=at(late_day))
        db.session.commit()
    assert officer.fire(rid, "accept_correction").status_code == 403  # the head's decision
    done = head.ok(head.fire(rid, "accept_correction"))
    assert done["state"] == "harmonis" and done["due_date_kind"] != "applicant"
    with app.app_context():
        req = db.session.get(Request, rid)
        assert (req.applicant_due_on, req.timer_trigger) == (None, None)
        final = db.session.scalar(
            select(IssuedDocument).where(IssuedDocument.request_id == rid, IssuedDocument.kind == "hasil_akhir")
        )
        first = db.session.scalar(
            select(IssuedDocument).where(IssuedDocument.request_id == rid, IssuedDocument.kind == "result_letter")
        )
        assert final is not None and final.number.startswith("001/HA/PP.04.02/NTT/")  # with the classification code
        event = db.session.scalars(select(Event).where(Event.request_id == rid).order_by(Event.seq.desc())).first()
        assert event.data["final_letter"] == {"id": final.id, "number": final.number}
        final_id, code, first_number = final.id, final.code, first.number
        assert notices_of("hukum.kotakupang@harmoni.test", rid)[-1][1].startswith(f"Perbaikan {req.number} diterima")
    pdf = drafter.get(f"/issued/{final_id}/pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    if os.environ.get("HARMONI_KEEP_PDF"):
        Path(os.environ["HARMONI_KEEP_PDF"]).write_bytes(pdf.data)
    assert "Penyampaian Hasil Akhir Pengharmonisasian" in text
    assert "harmonis" in text and first_number in text
    assert "ranperda-perbaikan-paraf.pdf" in text and "terlampir" in text and "Lampiran : 1 (satu) berkas" in text
    with app.app_context():
        stored = db.session.get(IssuedDocument, final_id)
        assert stored.sha256 == hashlib.sha256(pdf.data).hexdigest()  # what verifies is what was downloaded
    page = app.test_client().get(f"/verifikasi/{code}")
    assert page.status_code == 200 and "Hasil Akhir" in page.get_data(as_text=True)
