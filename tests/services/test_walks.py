"""Each legal-service process walked from intake to each of its conclusions.

Legal aid's first walk starts at the public form (/layanan/legal_aid, a test client, real time);
every other walk goes through the operations (submit_public_request, create_request,
upload_document, fire, tick) at fixed moments in March-July 2026, so that the working-day
arithmetic crosses Nyepi and Idul Fitri (18-24 March, with cuti bersama and a weekend) and Good
Friday (3 April). Along the way each walk checks the SLA clock (working or calendar days, paused,
resumed, restarted with a stage's own limit, stopped), the e-mails queued in the outbox, and the
timers fired by `workflow tick` as the system. The expected dates are written out literally.
"""

import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from workflow.actors import PublicActor
from workflow.documents.store import DocumentStore
from workflow.engine.errors import GuardFailed, TransitionUnavailable
from workflow.extensions import db
from workflow.models import Event, Office, OutboxMessage, Request
from workflow.models.time import local_date, utcnow
from workflow.operations.calendar import office_calendar
from workflow.operations.public import submit_public_request
from workflow.operations.requests import create_request, upload_document
from workflow.operations.timers import tick
from workflow.operations.transitions import fire
from workflow.processes import PROCESSES

from ..helpers import PDF, user

EMAIL = "pemohon.uji@example.org"
WITA = timedelta(hours=8)  # the demo office is in Asia/Makassar


def at(day: date, hour=10, minute=0) -> datetime:
    """The stored (naive UTC) moment of `hour:minute` office time on `day`."""
    return datetime.combine(day, time(hour, minute)) - WITA


def D(text: str) -> date:  # noqa: N802  (reads like a literal)
    return date.fromisoformat(text)


# --- helpers ------------------------------------------------------------------------------------

DETAILS = {
    "legal_aid": {
        "name": "Yosefina Walk",
        "nik": "5371010101900011",
        "address": "Jl. Jalan No. 1, Kupang",
        "phone": "081234500001",
        "problem": "Sengketa tanah warisan.",
        "case_type": "perdata",
    },
    "ip_facilitation": {
        "name": "Kelompok Tenun Ikat Sikka",
        "nik": "5371010101900012",
        "phone": "081234500002",
        "ip_type": "indikasi_geografis",
        "description": "Tenun ikat Sikka dengan pewarna alam.",
    },
    "human_rights_complaint": {
        "name": "Markus Walk",
        "nik": "5371010101900013",
        "address": "Jl. Jalan No. 3",
        "phone": "081234500003",
        "reported_party": "Instansi Uji",
        "chronology": "Kronologi kejadian uji.",
    },
    "naturalisation": {
        "name": "John Walker",
        "nationality": "Australia",
        "passport": "PA7654321",
        "address": "Jl. Jalan No. 4, Kupang",
        "email": EMAIL,
    },
    "public_complaint": {
        "name": "Paulus Walk",
        "reported_person": "Petugas loket",
        "place": "Loket",
        "time": "2 Maret 2026 pukul 10.00",
        "chronology": "Pelayanan ditunda tanpa alasan.",
    },
}
UPLOADS = {
    "legal_aid": ("ktp", "sktm"),
    "ip_facilitation": ("ktp", "specimen", "community_statement", "gi_description"),
    "human_rights_complaint": ("ktp", "complaint_letter", "evidence"),
    "public_complaint": ("evidence",),
}


def store():
    return DocumentStore(current_app.config["DOCUMENT_STORE"])


def submit(process, when, *, details=None, uploads=None, email=EMAIL, language="id") -> int:
    """A request from the public, opened, documented and submitted at `when`; its id."""
    kinds = UPLOADS[process] if uploads is None else uploads
    req, code, pin = submit_public_request(
        process,
        details=details or DETAILS[process],
        email=email,
        language=language,
        uploads=[(k, f"{k}.pdf", PDF) for k in kinds],
        store=store(),
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        now=when,
    )
    db.session.commit()
    return req.id


def actor(who, request_id):
    return PublicActor(request_id=request_id) if who == "public" else user(who)


def act(request_id, trigger, who, when, comment=None, **data):
    """Fire `trigger` as `who` at `when` and commit; the event."""
    req = db.session.get(Request, request_id)
    event = fire(req, trigger, actor(who, request_id), version=req.version, comment=comment, data=data, now=when)
    db.session.commit()
    return event


def upload(request_id, kind, who, when):
    req = db.session.get(Request, request_id)
    upload_document(
        req,
        actor(who, request_id),
        kind=kind,
        filename=f"{kind}.pdf",
        content=PDF,
        store=store(),
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        now=when,
    )
    db.session.commit()


def state(request_id):
    db.session.expire_all()
    return db.session.get(Request, request_id).state


def clock(request_id) -> dict:
    """The clock columns, named as in the assertions below."""
    db.session.expire_all()
    r = db.session.get(Request, request_id)
    return {
        "started": r.clock_started_on,
        "due": r.due_date,
        "paused": r.clock_paused_on,
        "remaining": r.clock_remaining_days,
        "stopped": r.clock_stopped_on,
        "unit": r.clock_unit,
        "days": r.time_limit_days,
    }


def timer(request_id):
    db.session.expire_all()
    r = db.session.get(Request, request_id)
    return r.timer_trigger, r.timer_due_on


def mails(request_id) -> list[str]:
    """The subjects queued for the request's applicant, oldest first (the intake officers hear of a
    resubmission too: test_resubmit_notices.py)."""
    req = db.session.get(Request, request_id)
    rows = db.session.execute(
        select(OutboxMessage.recipient, OutboxMessage.subject)
        .where(OutboxMessage.request_id == request_id, OutboxMessage.recipient == req.applicant_email)
        .order_by(OutboxMessage.id)
    ).all()
    prefix = f"Permohonan {req.number}: "
    assert all(r.subject.startswith(prefix) for r in rows), [r.subject for r in rows]
    return [r.subject.removeprefix(prefix) for r in rows]


def fired_count(request_id, trigger) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Event).where(Event.request_id == request_id, Event.trigger == trigger)
    )


def last_event(request_id) -> Event:
    return db.session.scalar(select(Event).where(Event.request_id == request_id).order_by(Event.seq.desc()).limit(1))


def assert_fired_by_system(request_id, trigger):
    event = last_event(request_id)
    assert (event.trigger, event.actor_id, event.data.get("by")) == (trigger, None, "system")
    assert fired_count(request_id, trigger) == 1


# --- Legal aid -----------------------------------------------------------------------------------


def post_public_form(app, process, fields, files, *, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address  # the form allows 10 posts an hour per address
    page = client.get(f"/layanan/{process}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    once = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {
        "csrf_token": token,
        "form_token": once,
        "consent": "1",
        **fields,
        **{k: (io.BytesIO(PDF), f"{k}.pdf") for k in files},
    }
    return client.post(f"/layanan/{process}", data=data, content_type="multipart/form-data", follow_redirects=True)


def test_legal_aid_from_the_public_form_to_a_closed_case(app):
    """Intake at /layanan/legal_aid (the office runs no clock of its own: PP 42/2013 sets the OBH's
    deadlines, not the Kanwil's); returned and completed; eligibility; referral to an OBH, whose
    completeness check has 1 working day and whose written answer 3 more; the OBH's acceptance;
    representation; the case closed. Real time: the dates follow today."""
    r = post_public_form(
        app,
        "legal_aid",
        {**DETAILS["legal_aid"], "email": EMAIL, "language": "id"},
        ("ktp", "sktm"),
        address="10.20.0.1",
    )
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    code = re.search(r'data-testid="code">([A-Z2-9]{4}-[A-Z2-9]{4})<', r.get_data(as_text=True)).group(1)
    with app.app_context():
        request_id = db.session.scalar(select(Request.id).where(Request.tracking_code == code))
        req = db.session.get(Request, request_id)
        assert (req.process, req.state, req.applicant_email, req.applicant_language) == (
            "legal_aid",
            "submitted",
            EMAIL,
            "id",
        )
        cal = office_calendar(req.office_id)
        today = local_date(utcnow(), req.office.timezone)
        assert clock(request_id)["started"] is None and clock(request_id)["due"] is None
        assert mails(request_id) == ["Diterima, pemeriksaan kelengkapan"]
        assert timer(request_id) == (None, None)  # legal aid has no timer

        act(request_id, "return_for_completion", "officer", None, comment="Lampirkan SKTM yang berlaku.")
        assert state(request_id) == "incomplete"
        upload(request_id, "sktm", "public", None)
        act(request_id, "resubmit", "public", None)
        act(request_id, "declare_complete", "perancang2@harmoni.test", None)
        assert clock(request_id)["started"] is None
        act(request_id, "assign", "head", None, assignees=[user("officer").id])
        event = act(request_id, "refer", "officer", None, obh="LBH Surya NTT")
        c = clock(request_id)
        assert (state(request_id), c["started"], c["due"], c["stopped"], c["days"], c["unit"]) == (
            "referred",
            today,
            cal.add_working_days(today, 1),
            None,
            1,
            "working",
        )  # the OBH's completeness check
        assert event.data["obh"] == "LBH Surya NTT"
        act(request_id, "record_obh_complete", "officer", None)
        c = clock(request_id)
        assert (state(request_id), c["due"], c["days"]) == ("obh_review", cal.add_working_days(today, 3), 3)
        act(request_id, "record_obh_acceptance", "officer", None)
        assert (state(request_id), clock(request_id)["stopped"]) == ("represented", today)
        act(request_id, "close_case", "officer", None, comment="Putusan berkekuatan hukum tetap.")
        assert state(request_id) == "closed"
        assert mails(request_id) == [
            "Diterima, pemeriksaan kelengkapan",
            "Belum lengkap, menunggu pemohon",
            "Diterima, pemeriksaan kelengkapan",  # the resubmission confirmed
            "Pemeriksaan kelayakan",
            "Dirujuk ke OBH, pemeriksaan kelengkapan oleh OBH",
            "Didampingi OBH",
            "Perkara selesai",
        ]


def test_legal_aid_refused_by_the_obh_then_not_eligible(app):
    """The OBH's 1 working day runs from the referral across Nyepi and Idul Fitri (18-24 March),
    its 3 working days from its completeness finding; its written refusal sends the file back to
    eligibility (no e-mail), and the head declares it not eligible."""
    with app.app_context():
        request_id = submit("legal_aid", at(D("2026-03-02")))
        assert clock(request_id)["due"] is None
        act(request_id, "declare_complete", "officer", at(D("2026-03-03")))
        act(request_id, "refer", "officer", at(D("2026-03-17")), obh="LBH Uji")
        assert clock(request_id) == {
            "started": D("2026-03-17"),
            "due": D("2026-03-25"),
            "paused": None,
            "remaining": None,
            "stopped": None,
            "unit": "working",
            "days": 1,
        }
        act(request_id, "record_obh_complete", "officer", at(D("2026-03-25")))
        assert (clock(request_id)["due"], clock(request_id)["days"]) == (D("2026-03-30"), 3)
        act(
            request_id,
            "record_obh_refusal",
            "officer",
            at(D("2026-03-26")),
            comment="OBH menolak: konflik kepentingan.",
        )
        assert (state(request_id), clock(request_id)["stopped"]) == ("eligibility", D("2026-03-26"))
        act(request_id, "declare_not_eligible", "head", at(D("2026-03-27")), comment="Pemohon tidak termasuk miskin.")
        assert state(request_id) == "not_eligible"
        assert mails(request_id) == [
            "Diterima, pemeriksaan kelengkapan",
            "Pemeriksaan kelayakan",
            "Dirujuk ke OBH, pemeriksaan kelengkapan oleh OBH",
            "Tidak memenuhi syarat",
        ]


def test_legal_aid_non_litigation_closed_without_representation(app):
    """A consultation or mediation (non-litigation) closes after the OBH's finding, without the
    represented state."""
    with app.app_context():
        details = {**DETAILS["legal_aid"], "aid_type": "nonlitigasi"}
        request_id = submit("legal_aid", at(D("2026-04-06")), details=details)
        act(request_id, "declare_complete", "officer", at(D("2026-04-06")))
        act(request_id, "refer", "officer", at(D("2026-04-07")), obh="LBH Uji")
        act(request_id, "record_obh_complete", "officer", at(D("2026-04-08")))
        act(request_id, "close_non_litigation", "officer", at(D("2026-04-10")), comment="Mediasi berhasil.")
        assert (state(request_id), clock(request_id)["stopped"]) == ("closed_non_litigation", D("2026-04-10"))
        assert fired_count(request_id, "record_obh_acceptance") == 0
        assert mails(request_id)[-1] == "Selesai dengan bantuan hukum nonlitigasi (tanpa pendampingan perkara)"


def test_legal_aid_oral_application_recorded_at_the_counter(app):
    """An oral application: the officer writes it down, hands in the applicant's KTP and SKTM and
    the thumbprinted statement, and registers it; the applicant follows it with a code and PIN.
    Without the statement it is refused and nothing is kept."""
    from workflow.operations.public import find_tracked, register_oral_application

    officer = None
    with app.app_context():
        officer = user("officer")
        common = dict(
            details=DETAILS["legal_aid"],
            email=EMAIL,
            store=store(),
            max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
            now=at(D("2026-04-06")),
        )
        with pytest.raises(GuardFailed) as refused:
            register_oral_application(
                officer, "legal_aid", uploads=[(k, f"{k}.pdf", PDF) for k in ("ktp", "sktm")], **common
            )
        db.session.rollback()
        assert "cap jempol" in " ".join(refused.value.details)
        assert db.session.scalar(select(func.count()).select_from(Request)) == 0
        req, code, pin = register_oral_application(
            officer,
            "legal_aid",
            uploads=[(k, f"{k}.pdf", PDF) for k in ("ktp", "sktm", "oral_statement")],
            **common,
        )
        db.session.commit()
        request_id = req.id
        assert state(request_id) == "submitted"
        events = db.session.scalars(select(Event).where(Event.request_id == request_id).order_by(Event.seq)).all()
        assert [(e.trigger, e.actor_id) for e in events] == [
            ("create", officer.id),
            ("upload_document", officer.id),
            ("upload_document", officer.id),
            ("upload_document", officer.id),
            ("register_oral", officer.id),
        ]
        assert find_tracked(code.lower().replace("-", ""), pin).id == request_id
        assert mails(request_id) == ["Diterima, pemeriksaan kelengkapan"]
        # from here on it is any legal-aid request: the applicant acts with the code and PIN
        act(request_id, "withdraw", "public", at(D("2026-04-07")), comment="Sudah berdamai.")
        assert state(request_id) == "withdrawn"


def test_legal_aid_withdrawn_without_an_email_address(app):
    """Withdrawn by the applicant; an applicant who gave no e-mail address gets nothing queued."""
    with app.app_context():
        request_id = submit("legal_aid", at(D("2026-03-02")), email=None)
        act(request_id, "withdraw", "public", at(D("2026-03-03")), comment="Sudah berdamai.")
        assert state(request_id) == "withdrawn"
        assert last_event(request_id).data["by"] == "public"
        assert mails(request_id) == []


# --- IP facilitation -----------------------------------------------------------------------------


def test_ip_geographical_indication_to_registration(app):
    """A geographical indication needs the community statement and the GI specification; the
    5-working-day clock pauses while the file is back with the applicant and resumes with the days
    left; the consultation stops it; DJKI's application number and registration are recorded."""
    with app.app_context():
        with pytest.raises(GuardFailed) as refused:  # the variant's documents are required
            submit("ip_facilitation", at(D("2026-03-09")), uploads=("ktp", "specimen", "community_statement"))
        db.session.rollback()
        assert "Dokumen deskripsi indikasi geografis" in " ".join(refused.value.details)
        assert db.session.scalar(select(func.count()).select_from(Request)) == 0

        request_id = submit("ip_facilitation", at(D("2026-03-09")))
        assert clock(request_id) == {
            "started": D("2026-03-09"),
            "due": D("2026-03-16"),
            "paused": None,
            "remaining": None,
            "stopped": None,
            "unit": "working",
            "days": 5,
        }
        act(request_id, "declare_complete", "officer", at(D("2026-03-10")))
        act(request_id, "return_for_completion", "officer", at(D("2026-03-11")), comment="Contoh motif kurang jelas.")
        c = clock(request_id)
        assert (state(request_id), c["paused"], c["remaining"]) == ("incomplete", D("2026-03-11"), 3)
        upload(request_id, "specimen", "public", at(D("2026-03-25")))
        act(request_id, "resubmit", "public", at(D("2026-03-25")))
        c = clock(request_id)
        assert (state(request_id), c["paused"], c["due"]) == ("submitted", None, D("2026-03-30"))
        act(request_id, "declare_complete", "officer", at(D("2026-03-26")))
        act(request_id, "schedule_consultation", "officer", at(D("2026-03-27")), consultation_date="2026-04-06")
        assert (state(request_id), clock(request_id)["stopped"]) == ("consultation", D("2026-03-27"))
        event = act(request_id, "record_filing", "officer", at(D("2026-04-06")), djki_number="IDG000000123")
        assert (state(request_id), event.data["djki_number"]) == ("filed", "IDG000000123")
        with pytest.raises(GuardFailed):  # a geographical indication is registered, not recorded
            act(request_id, "record_recording", "officer", at(D("2026-06-01")))
        db.session.rollback()
        act(request_id, "record_registration", "officer", at(D("2026-06-01")))
        assert state(request_id) == "registered"
        assert mails(request_id) == [
            "Diterima, pemeriksaan kelengkapan",
            "Belum lengkap, menunggu pemohon",
            "Diterima, pemeriksaan kelengkapan",  # the resubmission confirmed
            "Konsultasi dan pendampingan pengajuan",
            "Diajukan ke DJKI, menunggu keputusan",
            "Terdaftar (pendaftaran)",
        ]


@pytest.mark.parametrize("ip_type", ["hak_cipta", "ki_komunal"])
def test_ip_copyright_and_communal_ip_are_recorded_not_registered(app, ip_type):
    """Pencatatan: the outcome is "tercatat", and registration is refused for these types."""
    with app.app_context():
        details = {**DETAILS["ip_facilitation"], "ip_type": ip_type}
        request_id = submit("ip_facilitation", at(D("2026-04-06")), details=details)
        act(request_id, "declare_complete", "officer", at(D("2026-04-06")))
        act(request_id, "schedule_consultation", "officer", at(D("2026-04-07")), consultation_date="2026-04-08")
        act(request_id, "record_filing", "officer", at(D("2026-04-08")), djki_number="EC002026000111")
        with pytest.raises(GuardFailed) as refused:
            act(request_id, "record_registration", "officer", at(D("2026-04-20")))
        db.session.rollback()
        assert "pencatatan" in " ".join(refused.value.details)
        act(request_id, "record_recording", "officer", at(D("2026-04-20")))
        assert state(request_id) == "recorded"
        assert mails(request_id)[-1] == "Tercatat (pencatatan)"


def test_ip_patent_needs_its_description_and_a_trademark_its_classes(app):
    with app.app_context():
        patent = {**DETAILS["ip_facilitation"], "ip_type": "paten"}
        with pytest.raises(GuardFailed) as refused:
            submit("ip_facilitation", at(D("2026-04-06")), details=patent, uploads=("ktp", "specimen"))
        db.session.rollback()
        assert "Deskripsi, klaim" in " ".join(refused.value.details)
        request_id = submit(
            "ip_facilitation", at(D("2026-04-06")), details=patent, uploads=("ktp", "specimen", "patent_description")
        )
        assert state(request_id) == "submitted"
        trademark = {**DETAILS["ip_facilitation"], "ip_type": "merek", "business": "Tenun Walk"}
        with pytest.raises(GuardFailed) as refused:
            submit("ip_facilitation", at(D("2026-04-06")), details=trademark, uploads=("ktp", "specimen"))
        db.session.rollback()
        assert "jumlah kelas" in " ".join(refused.value.details)
        request_id = submit(
            "ip_facilitation", at(D("2026-04-06")), details={**trademark, "classes": "3"}, uploads=("ktp", "specimen")
        )
        assert db.session.get(Request, request_id).details["classes"] == 3


def test_ip_trademark_refused_by_djki(app):
    with app.app_context():
        details = {
            **DETAILS["ip_facilitation"],
            "ip_type": "merek",
            "business": "Tenun Walk",
            "umk": True,
            "classes": 1,
        }
        request_id = submit("ip_facilitation", at(D("2026-03-09")), details=details, uploads=("ktp", "specimen"))
        act(request_id, "declare_complete", "officer", at(D("2026-03-10")))
        act(request_id, "schedule_consultation", "officer2", at(D("2026-03-11")), consultation_date="2026-03-13")
        act(request_id, "record_filing", "officer", at(D("2026-03-13")), djki_number="DID2026000999")
        act(request_id, "record_refusal", "officer", at(D("2026-05-04")), comment="Merek serupa telah terdaftar.")
        assert state(request_id) == "refused"
        assert mails(request_id) == [
            "Diterima, pemeriksaan kelengkapan",
            "Konsultasi dan pendampingan pengajuan",
            "Diajukan ke DJKI, menunggu keputusan",
            "Ditolak DJKI",
        ]


def test_ip_withdrawn_during_the_document_check(app):
    with app.app_context():
        request_id = submit("ip_facilitation", at(D("2026-03-09")))
        act(request_id, "declare_complete", "officer", at(D("2026-03-10")))
        act(request_id, "withdraw", "public", at(D("2026-03-11")), comment="Tidak jadi mendaftar.")
        assert (state(request_id), clock(request_id)["stopped"]) == ("withdrawn", D("2026-03-11"))
        assert mails(request_id) == ["Diterima, pemeriksaan kelengkapan"]


# --- Human-rights complaints ---------------------------------------------------------------------


def returned_complaint(submitted_on="2026-03-13", returned_on="2026-03-17") -> int:
    """A complaint submitted on Friday 13 March 2026 (administrative check: 5 working days, due
    Friday 27 March across 18-24 March) and returned for completion on Tuesday 17 March, the day
    before Nyepi's cuti bersama: the deemed withdrawal is armed for 10 working days later,
    Wednesday 8 April (Good Friday, 3 April, does not count)."""
    request_id = submit("human_rights_complaint", at(D(submitted_on)))
    assert clock(request_id) == {
        "started": D(submitted_on),
        "due": D("2026-03-27"),
        "paused": None,
        "remaining": None,
        "stopped": None,
        "unit": "working",
        "days": 5,
    }
    assert timer(request_id) == (None, None)
    act(request_id, "return_for_completion", "officer", at(D(returned_on)), comment="Lampirkan bukti pendukung.")
    c = clock(request_id)
    assert (state(request_id), c["paused"], c["remaining"], c["due"]) == (
        "incomplete",
        D(returned_on),
        3,
        D("2026-03-27"),
    )
    assert timer(request_id) == ("deem_withdrawn", D("2026-04-08"))
    return request_id


def test_human_rights_complaint_deemed_withdrawn_by_the_tick(app):
    """Not completed in 10 working days: `tick` on the last day of the period (at any hour) fires
    nothing; on the next working day it fires `deem_withdrawn` as the system, once."""
    with app.app_context():
        request_id = returned_complaint()
        assert tick(now=at(D("2026-04-01"))) == []
        assert tick(now=at(D("2026-04-08"), 0, 1)) == []
        assert tick(now=at(D("2026-04-08"), 23, 59)) == []  # still the 8th in Kupang (15:59 UTC)
        assert state(request_id) == "incomplete"
        assert tick(now=at(D("2026-04-09"), 0, 1)) == [(request_id, "deem_withdrawn")]
        assert state(request_id) == "deemed_withdrawn"
        assert_fired_by_system(request_id, "deem_withdrawn")
        assert clock(request_id)["stopped"] == D("2026-04-09")
        assert timer(request_id) == (None, None)
        assert tick(now=at(D("2026-04-09"), 0, 2)) == []
        assert tick(now=at(D("2026-05-01"))) == []
        assert fired_count(request_id, "deem_withdrawn") == 1
        assert mails(request_id) == [
            "Diterima, pemeriksaan administrasi",
            "Belum lengkap, menunggu pengadu",
            "Dianggap dicabut (tidak dilengkapi)",
        ]


def test_a_late_completion_is_refused_before_the_tick_has_run(app):
    """The 10 working days ended on 8 April: on the 9th the complaint is deemed withdrawn, whether
    or not `tick` has run yet. A completion sent then is refused (naming the last day), nothing
    changes, and the tick still records the deemed withdrawal."""
    with app.app_context():
        request_id = returned_complaint()
        version = db.session.get(Request, request_id).version
        with pytest.raises(TransitionUnavailable) as refused:
            act(request_id, "resubmit", "public", at(D("2026-04-09"), 9))
        db.session.rollback()
        assert "8 April 2026" in refused.value.message
        assert refused.value.details["timer"] == "deem_withdrawn"
        with pytest.raises(TransitionUnavailable):
            act(request_id, "assign", "head", at(D("2026-04-09"), 9), assignees=[user("officer").id])
        db.session.rollback()
        assert (state(request_id), db.session.get(Request, request_id).version) == ("incomplete", version)
        assert tick(now=at(D("2026-04-09"), 10)) == [(request_id, "deem_withdrawn")]
        assert state(request_id) == "deemed_withdrawn"


def test_human_rights_complaint_completed_in_time_to_a_violation_finding(app):
    """Completed on the last day: the timer is disarmed and the clock resumes with its 3 days;
    the substantive examination is a new 5-working-day stage; mediation; the head's finding."""
    with app.app_context():
        request_id = returned_complaint()
        upload(request_id, "evidence", "public", at(D("2026-04-08"), 16))
        act(request_id, "resubmit", "public", at(D("2026-04-08"), 16))
        c = clock(request_id)
        assert (state(request_id), c["paused"], c["due"]) == ("submitted", None, D("2026-04-13"))
        assert timer(request_id) == (None, None)
        assert tick(now=at(D("2026-04-09"))) == []
        assert tick(now=at(D("2026-04-20"))) == []
        act(request_id, "declare_complete", "officer", at(D("2026-04-09")))
        assert clock(request_id) == {
            "started": D("2026-04-09"),
            "due": D("2026-04-16"),
            "paused": None,
            "remaining": None,
            "stopped": None,
            "unit": "working",
            "days": 5,
        }
        assert state(request_id) == "examination"
        act(request_id, "schedule_mediation", "officer", at(D("2026-04-10")), meeting_date="2026-04-15")
        assert (state(request_id), clock(request_id)["stopped"]) == ("mediation_scheduled", D("2026-04-10"))
        act(request_id, "hold_mediation", "officer", at(D("2026-04-15")))
        act(request_id, "conclude_violation", "head", at(D("2026-04-16")), comment="Rekomendasi: pemulihan hak.")
        assert state(request_id) == "violation_indicated"
        assert fired_count(request_id, "deem_withdrawn") == 0
        assert mails(request_id) == [
            "Diterima, pemeriksaan administrasi",
            "Belum lengkap, menunggu pengadu",
            "Diterima, pemeriksaan administrasi",
            "Pemeriksaan substansi",
            "Rapat koordinasi/mediasi dijadwalkan",
            "Terdapat indikasi pelanggaran; rekomendasi",
        ]


def test_human_rights_complaint_by_an_attorney_to_no_violation(app):
    """A complaint through an attorney needs the power of attorney; examined, no violation."""
    with app.app_context():
        details = {**DETAILS["human_rights_complaint"], "represented": True}
        with pytest.raises(GuardFailed) as refused:
            submit("human_rights_complaint", at(D("2026-03-02")), details=details)
        db.session.rollback()
        assert refused.value.details == ["Pengaduan melalui kuasa wajib melampirkan surat kuasa."]
        request_id = submit(
            "human_rights_complaint",
            at(D("2026-03-02")),
            details=details,
            uploads=UPLOADS["human_rights_complaint"] + ("power_of_attorney",),
        )
        act(request_id, "declare_complete", "officer", at(D("2026-03-03")))
        act(request_id, "conclude_no_violation", "head", at(D("2026-03-06")), comment="Tidak ditemukan indikasi.")
        assert (state(request_id), clock(request_id)["stopped"]) == ("no_violation", D("2026-03-06"))
        assert mails(request_id)[-1] == "Tidak terdapat indikasi pelanggaran"


def test_human_rights_complaint_referred_to_the_competent_agency(app):
    with app.app_context():
        request_id = submit("human_rights_complaint", at(D("2026-03-02")))
        act(request_id, "declare_complete", "officer", at(D("2026-03-03")))
        event = act(
            request_id,
            "declare_not_competent",
            "head",
            at(D("2026-03-04")),
            comment="Kewenangan Komnas HAM.",
            referred_to="Komnas HAM",
        )
        assert (state(request_id), event.data["referred_to"]) == ("referred_out", "Komnas HAM")
        assert mails(request_id) == [
            "Diterima, pemeriksaan administrasi",
            "Pemeriksaan substansi",
            "Tidak berwenang; dirujuk ke instansi lain",
        ]


def test_human_rights_complaint_withdrawn_while_incomplete_disarms_the_timer(app):
    with app.app_context():
        request_id = returned_complaint()
        act(request_id, "withdraw", "public", at(D("2026-03-25")), comment="Masalah sudah selesai.")
        assert (state(request_id), timer(request_id)) == ("withdrawn", (None, None))
        assert tick(now=at(D("2026-04-09"))) == []
        assert fired_count(request_id, "deem_withdrawn") == 0


# --- Naturalisation ------------------------------------------------------------------------------


def registered_at_the_counter(when) -> int:
    req = create_request(
        user("officer"), process="naturalisation", details=DETAILS["naturalisation"], applicant_email=EMAIL, now=when
    )
    db.session.commit()
    for kind in ("application", "passport_copy"):
        upload(req.id, kind, "officer", when)
    return req.id


def forwarded(when_registered=D("2026-03-02")) -> int:
    request_id = registered_at_the_counter(at(when_registered))
    upload(request_id, "civil_records", "officer", at(when_registered))
    act(request_id, "declare_complete", "officer", at(D("2026-03-03")))
    pay(request_id, at(D("2026-03-03")))
    act(request_id, "forward", "head", at(D("2026-03-04")), cover_letter="W.21-AH.10.01-77")
    return request_id


def pay(request_id, when):
    return act(
        request_id,
        "record_payment",
        "officer",
        when,
        amount=350000,
        receipt_number="PNBP-0042",
        payment_date="2026-03-03",
    )


def test_naturalisation_to_completion_with_escalated_documents(app):
    """Registered at the counter; incomplete and completed; examined; forwarded; decree and oath;
    the oath starts the 14 working days for the foreign documents (due Tuesday 14 April across
    18-24 March and Good Friday); `tick` escalates once, the day after; the surrender completes it."""
    with app.app_context():
        request_id = registered_at_the_counter(at(D("2026-03-02")))
        with pytest.raises(GuardFailed) as refused:
            act(request_id, "declare_complete", "officer", at(D("2026-03-02")))
        db.session.rollback()
        assert "Dokumen catatan sipil" in refused.value.details[0]
        act(request_id, "return_for_completion", "officer", at(D("2026-03-02")), comment="Akta kelahiran belum ada.")
        assert (state(request_id), clock(request_id)["started"]) == ("incomplete", None)  # no clock yet
        upload(request_id, "civil_records", "officer", at(D("2026-03-05")))
        act(request_id, "record_completion", "officer", at(D("2026-03-05")))
        act(request_id, "declare_complete", "officer", at(D("2026-03-05")))
        act(request_id, "assign", "head", at(D("2026-03-05")), assignees=[user("officer").id, user("officer2").id])
        with pytest.raises(TransitionUnavailable):  # the PNBP payment is recorded before forwarding
            act(request_id, "forward", "head", at(D("2026-03-06")), cover_letter="W.21-AH.10.01-78")
        db.session.rollback()
        event = pay(request_id, at(D("2026-03-06")))
        assert (state(request_id), event.data) == (
            "paid",
            {"amount": 350000, "receipt_number": "PNBP-0042", "payment_date": "2026-03-03"},
        )
        act(request_id, "forward", "head", at(D("2026-03-06")), cover_letter="W.21-AH.10.01-78")
        act(
            request_id,
            "record_decree",
            "officer",
            at(D("2026-03-12")),
            decree_number="M.HH-01.AH.10.01 TAHUN 2026",
            oath_date="2026-03-17",
        )
        # summoned to the oath: the decree is void if the applicant does not appear within 3 months
        assert (state(request_id), timer(request_id)) == ("oath_scheduled", ("lapse_decree", D("2026-06-12")))
        act(request_id, "take_oath", "head", at(D("2026-03-17")))
        assert clock(request_id) == {
            "started": D("2026-03-17"),
            "due": D("2026-04-14"),
            "paused": None,
            "remaining": None,
            "stopped": None,
            "unit": "working",
            "days": 14,
        }
        assert timer(request_id) == ("escalate_documents", D("2026-04-14"))
        assert tick(now=at(D("2026-04-14"), 23, 59)) == []
        assert tick(now=at(D("2026-04-15"), 8)) == [(request_id, "escalate_documents")]
        assert_fired_by_system(request_id, "escalate_documents")
        assert (state(request_id), timer(request_id)) == ("oath_taken", (None, None))
        assert tick(now=at(D("2026-04-16"))) == []
        assert fired_count(request_id, "escalate_documents") == 1
        act(request_id, "record_surrender", "officer", at(D("2026-04-17")))
        assert (state(request_id), clock(request_id)["stopped"]) == ("completed", D("2026-04-17"))
        assert mails(request_id) == [
            "Belum lengkap, menunggu pemohon",
            "Diteruskan ke Ditjen AHU, menunggu Keputusan Presiden",
            "Keputusan Presiden diterima; pemohon dipanggil mengucapkan sumpah",
            "Sumpah diucapkan; menunggu penyerahan dokumen keimigrasian",
            "Selesai",
        ]


def test_naturalisation_decree_void_when_the_applicant_does_not_appear(app):
    """The decree recorded on 12 March: 3 months to the oath, to 12 June (calendar months); a
    reschedule for a valid reason keeps that last day; `tick` makes the decree void once, the day
    after; an oath recorded after the last day is refused even before the tick."""
    with app.app_context():
        request_id = forwarded()
        act(
            request_id,
            "record_decree",
            "officer",
            at(D("2026-03-12")),
            decree_number="Keppres 7/2026",
            oath_date="2026-04-06",
        )
        assert timer(request_id) == ("lapse_decree", D("2026-06-12"))
        act(
            request_id,
            "reschedule_oath",
            "officer",
            at(D("2026-04-06")),
            comment="Pemohon sakit.",
            oath_date="2026-05-04",
        )
        assert (state(request_id), timer(request_id)) == ("oath_scheduled", ("lapse_decree", D("2026-06-12")))
        with pytest.raises(TransitionUnavailable):
            act(request_id, "take_oath", "head", at(D("2026-06-13"), 9))
        db.session.rollback()
        assert tick(now=at(D("2026-06-12"), 23, 59)) == []
        assert tick(now=at(D("2026-06-13"), 0, 5)) == [(request_id, "lapse_decree")]
        assert_fired_by_system(request_id, "lapse_decree")
        assert (state(request_id), timer(request_id)) == ("void", (None, None))
        assert tick(now=at(D("2026-06-14"))) == []
        assert mails(request_id)[-1] == "Keputusan Presiden batal: pemohon tidak hadir mengucapkan sumpah"


def test_naturalisation_surrender_in_time_is_not_escalated(app):
    with app.app_context():
        request_id = forwarded()
        act(
            request_id, "record_decree", "officer", at(D("2026-03-12")), decree_number="M.HH-02", oath_date="2026-03-17"
        )
        act(request_id, "take_oath", "head", at(D("2026-03-17")))
        act(request_id, "record_surrender", "officer", at(D("2026-04-14")))
        assert (state(request_id), timer(request_id)) == ("completed", (None, None))
        assert tick(now=at(D("2026-04-15"))) == []
        assert fired_count(request_id, "escalate_documents") == 0


def test_naturalisation_rejected(app):
    with app.app_context():
        request_id = forwarded()
        act(request_id, "record_refusal", "officer", at(D("2026-04-01")), comment="Syarat tinggal belum terpenuhi.")
        assert state(request_id) == "rejected"
        assert mails(request_id) == ["Diteruskan ke Ditjen AHU, menunggu Keputusan Presiden", "Ditolak"]


def test_naturalisation_withdrawn(app):
    with app.app_context():
        request_id = registered_at_the_counter(at(D("2026-03-02")))
        act(request_id, "withdraw", "officer2", at(D("2026-03-03")), comment="Pemohon menarik permohonan.")
        assert state(request_id) == "withdrawn"
        assert mails(request_id) == []


# --- Public complaints ---------------------------------------------------------------------------


def test_public_complaint_resolved_reopened_and_resolved_again(app):
    """60 calendar days from the complete file (holidays count); overdue -> escalated once by
    `tick` the day after the due date; resolved; reopened by the complainant: a new 60-day stage."""
    with app.app_context():
        request_id = submit("public_complaint", at(D("2026-03-02")))
        assert clock(request_id)["started"] is None  # the clock starts with a complete file
        act(request_id, "return_for_completion", "officer", at(D("2026-03-03")), comment="Sebutkan nama petugas.")
        act(request_id, "resubmit", "public", at(D("2026-03-04")))
        act(request_id, "declare_complete", "officer", at(D("2026-03-05")))
        assert clock(request_id) == {
            "started": D("2026-03-05"),
            "due": D("2026-05-04"),
            "paused": None,
            "remaining": None,
            "stopped": None,
            "unit": "calendar",
            "days": 60,
        }
        assert timer(request_id) == ("escalate_overdue", D("2026-05-04"))
        assert tick(now=at(D("2026-05-04"), 23, 59)) == []
        assert tick(now=at(D("2026-05-05"), 0, 1)) == [(request_id, "escalate_overdue")]
        assert_fired_by_system(request_id, "escalate_overdue")
        assert (state(request_id), timer(request_id)) == ("investigation", (None, None))
        assert tick(now=at(D("2026-05-06"))) == []
        act(request_id, "resolve", "officer", at(D("2026-05-06")), comment="Petugas telah dibina.")
        assert (state(request_id), clock(request_id)["stopped"]) == ("resolved", D("2026-05-06"))
        act(request_id, "request_reopen", "public", at(D("2026-05-08")), comment="Pelayanan masih sama.")
        assert clock(request_id) == {
            "started": D("2026-05-08"),
            "due": D("2026-07-07"),
            "paused": None,
            "remaining": None,
            "stopped": None,
            "unit": "calendar",
            "days": 60,
        }
        assert (state(request_id), timer(request_id)) == ("investigation", ("escalate_overdue", D("2026-07-07")))
        act(request_id, "resolve", "officer", at(D("2026-05-11")), comment="Telah ditindaklanjuti.")
        assert (state(request_id), timer(request_id)) == ("resolved", (None, None))
        assert tick(now=at(D("2026-07-08"))) == []
        assert fired_count(request_id, "escalate_overdue") == 1
        assert mails(request_id) == [
            "Diterima, verifikasi",
            "Belum lengkap, menunggu pelapor",
            "Diterima, verifikasi",  # the resubmission confirmed
            "Penanganan dan pemeriksaan",
            "Selesai ditangani",
            "Penanganan dan pemeriksaan",
            "Selesai ditangani",
        ]


def test_public_complaint_not_valid(app):
    with app.app_context():
        request_id = submit("public_complaint", at(D("2026-03-02")))
        act(request_id, "declare_not_valid", "head", at(D("2026-03-03")), comment="Bukan pelayanan kantor wilayah.")
        assert state(request_id) == "not_valid"
        assert mails(request_id) == ["Diterima, verifikasi", "Tidak memenuhi syarat pengaduan"]


def test_public_complaint_withdrawn_during_investigation_disarms_the_timer(app):
    with app.app_context():
        request_id = submit("public_complaint", at(D("2026-03-02")))
        act(request_id, "declare_complete", "officer", at(D("2026-03-03")))
        act(request_id, "withdraw", "public", at(D("2026-03-10")), comment="Sudah diselesaikan langsung.")
        assert (state(request_id), timer(request_id)) == ("withdrawn", (None, None))
        assert tick(now=at(D("2026-06-01"))) == []


# --- The command ---------------------------------------------------------------------------------


def test_workflow_tick_command(app):
    """`flask --app wsgi workflow tick` (through the test CLI runner, at the real time): fires what
    ran out, names it, and fires nothing the second time; a timer still running is left alone."""
    with app.app_context():
        expired = returned_complaint()  # due 8 April 2026, long past
        office = db.session.scalar(select(Office))
        today = local_date(utcnow(), office.timezone)
        running = submit("human_rights_complaint", utcnow())
        act(running, "return_for_completion", "officer", utcnow(), comment="Lengkapi kronologi.")
        assert timer(running)[1] > today
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["workflow", "tick"])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[:2] == [f"fired deem_withdrawn on request {expired}", "1 timer(s) fired"]
    second = runner.invoke(args=["workflow", "tick"])
    assert (second.exit_code, second.output.splitlines()[0]) == (0, "0 timer(s) fired")
    with app.app_context():
        assert (state(expired), state(running)) == ("deemed_withdrawn", "incomplete")
        assert_fired_by_system(expired, "deem_withdrawn")


def test_public_complaint_not_completed_in_time_is_deemed_withdrawn(app):
    """Returned on Tuesday 17 March: 30 calendar days (the holidays of 18-24 March count), to
    Thursday 16 April; `tick` records it once the day after; a completion after the last day is
    refused even before the tick."""
    with app.app_context():
        request_id = submit("public_complaint", at(D("2026-03-13")), uploads=())
        act(request_id, "return_for_completion", "officer", at(D("2026-03-17")), comment="Sebutkan waktu kejadian.")
        assert timer(request_id) == ("deem_withdrawn", D("2026-04-16"))
        with pytest.raises(TransitionUnavailable):
            act(request_id, "resubmit", "public", at(D("2026-04-17"), 8))
        db.session.rollback()
        assert tick(now=at(D("2026-04-16"), 23, 59)) == []
        assert tick(now=at(D("2026-04-17"), 0, 1)) == [(request_id, "deem_withdrawn")]
        assert_fired_by_system(request_id, "deem_withdrawn")
        assert state(request_id) == "deemed_withdrawn"
        assert mails(request_id)[-1] == "Dianggap dicabut (tidak dilengkapi)"


def test_public_complaint_deemed_withdrawn_after_the_offices_own_days(app):
    """The 30 days are unconfirmed: an office sets 10 (the catalogue's timers setting)."""
    with app.app_context():
        office = db.session.scalar(select(Office))
        before = office.settings
        office.settings = {**(office.settings or {}), "timers": {"public_complaint": {"deem_withdrawn": 10}}}
        db.session.commit()
        try:
            request_id = submit("public_complaint", at(D("2026-03-13")), uploads=())
            act(request_id, "return_for_completion", "officer", at(D("2026-03-17")), comment="Sebutkan waktu.")
            assert timer(request_id) == ("deem_withdrawn", D("2026-03-27"))
        finally:  # offices outlive the per-test cleanup
            db.session.rollback()
            office = db.session.scalar(select(Office))
            office.settings = before
            db.session.commit()


def test_public_complaint_written_reply_deadline_beside_the_resolution(app):
    """A written reply within 14 days of receipt, shown beside the 60-day resolution clock; met
    by the reply, which leaves the state and the clock alone."""
    from workflow.catalogue import deadline_status

    with app.app_context():
        request_id = submit("public_complaint", at(D("2026-03-13")), uploads=())
        act(request_id, "declare_complete", "officer", at(D("2026-03-16")))
        req = db.session.get(Request, request_id)
        events = db.session.scalars(select(Event).where(Event.request_id == request_id).order_by(Event.seq)).all()
        (reply,) = deadline_status(
            PROCESSES["public_complaint"], req, events, office_calendar(req.office_id), "Asia/Makassar"
        )
        assert (reply.deadline.name, reply.due, reply.met_on, reply.days) == (
            "written_reply",
            D("2026-03-27"),
            None,
            14,
        )
        assert clock(request_id)["due"] == D("2026-05-15")  # 60 days from 16 March
        act(request_id, "send_reply", "officer", at(D("2026-03-25")), comment="Pengaduan sedang ditangani.")
        assert (state(request_id), clock(request_id)["due"]) == ("investigation", D("2026-05-15"))
        events = db.session.scalars(select(Event).where(Event.request_id == request_id).order_by(Event.seq)).all()
        (reply,) = deadline_status(
            PROCESSES["public_complaint"], req, events, office_calendar(req.office_id), "Asia/Makassar"
        )
        assert (reply.due, reply.met_on) == (D("2026-03-27"), D("2026-03-25"))
