"""The public side of the legal services, through the pages: the form at /layanan/<name>, the
tracking page at /track, and what staff see of an applicant's personal data.

CSRF protection stays on: every POST carries the token of the page it was sent from. The form
allows 10 posts an hour and /track 10 a minute per address, counted for the whole session (the
`app` is shared): each test uses addresses of its own.
"""

import io
import itertools
import re
import secrets
from datetime import date

import pytest
from babel.dates import format_date
from flask import current_app
from sqlalchemy import func, select, text
from werkzeug.security import check_password_hash

from workflow.actors import PublicActor
from workflow.documents.store import DocumentStore
from workflow.extensions import db
from workflow.models import AccessLog, Document, Event, OutboxMessage, Request
from workflow.models.time import local_date, utcnow
from workflow.operations.calendar import office_calendar
from workflow.operations.public import CODE_ALPHABET, submit_public_request
from workflow.operations.transitions import fire

from ..conftest import PASSWORD
from ..helpers import ALIASES, EXE, PDF, user

_ADDRESSES = itertools.count(1)
TOKEN = re.compile(r'(<input\b[^>]*\bname="csrf_token"[^>]*\bvalue=")([^"]*)(")')
REDACTED = "[disembunyikan]"

DETAILS = {
    "name": "Yosefina Bria Rahasia",
    "nik": "5371014207850003",
    "address": "Jl. Timor Raya No. 77, Oesapa",
    "phone": "081339990001",
    "problem": "Tanah warisan diserobot tetangga sejak 2019.",
    "case_type": "perdata",
}
SENSITIVE = {"nik": DETAILS["nik"], "address": DETAILS["address"], "problem": DETAILS["problem"]}


def browser(app):
    """A test client with an address of its own (the rate limits count per address)."""
    client = app.test_client()
    n = next(_ADDRESSES)
    client.environ_base["REMOTE_ADDR"] = f"10.77.{n // 250}.{n % 250 + 1}"
    return client


def csrf(page: str) -> str:
    return TOKEN.search(page).group(2)


def without_token(body: bytes) -> bytes:
    return TOKEN.sub(lambda m: m.group(1) + m.group(3), body.decode()).encode()


def counts() -> dict:
    return {
        m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
        for m in (Request, Document, Event, OutboxMessage)
    }


def stored_files(app) -> set:
    import os

    root = app.config["DOCUMENT_STORE"]
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


def form_token(page: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)


def post_form(client, process, fields, files=None, *, consent=True, follow=True):
    """Fill in the form as a person does (the page's CSRF and one-time tokens, the consent box)
    and send it; the answer after the redirect to the confirmation (Post/Redirect/Get)."""
    page = client.get(f"/layanan/{process}")
    assert page.status_code == 200
    text_ = page.get_data(as_text=True)
    data = {
        "csrf_token": csrf(text_),
        "form_token": form_token(text_),
        **({"consent": "1"} if consent else {}),
        **fields,
    }
    for kind, (content, name) in (files or {}).items():
        data[kind] = (io.BytesIO(content), name)
    return client.post(f"/layanan/{process}", data=data, content_type="multipart/form-data", follow_redirects=follow)


def valid_fields(**extra):
    return {**DETAILS, "email": "yosefina@example.org", "language": "id", "consent": "1", **extra}


DOCUMENTS = {"ktp": (PDF, "ktp.pdf"), "sktm": (PDF, "sktm.pdf")}


# --- The form ------------------------------------------------------------------------------------


def test_the_services_page_lists_the_public_services_only(app):
    client = browser(app)
    page = client.get("/layanan/").get_data(as_text=True)
    for name in ("legal_aid", "ip_facilitation", "human_rights_complaint", "public_complaint"):
        assert f'href="/layanan/{name}"' in page
    assert "/layanan/naturalisation" not in page  # registered at the counter
    assert client.get("/layanan/naturalisation").status_code == 404
    assert client.get("/layanan/ranperda").status_code == 404


def test_the_honeypot_refuses_a_submission_and_stores_nothing(app):
    client = browser(app)
    with app.app_context():
        before = counts()
    files_before = stored_files(app)
    page = client.get("/layanan/legal_aid").get_data(as_text=True)
    assert re.search(r'class="visually-hidden" aria-hidden="true">.*name="website" tabindex="-1"', page, re.S)
    r = post_form(client, "legal_aid", valid_fields(website="http://obat-murah.example"), DOCUMENTS)
    assert r.status_code == 400
    assert b'data-testid="pin"' not in r.data
    with app.app_context():
        assert counts() == before
    assert stored_files(app) == files_before


def test_missing_and_invalid_fields_are_named_in_indonesian_and_the_values_kept(app):
    client = browser(app)
    with app.app_context():
        before = counts()
    fields = valid_fields(name="", problem="  ", nik="12345", language="en")
    r = post_form(client, "legal_aid", fields, DOCUMENTS)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Periksa kembali isian yang ditandai" in page
    feedback = re.findall(r'<div class="invalid-feedback d-block">([^<]*)</div>', page)
    assert sorted(feedback) == sorted(["Wajib diisi.", "Wajib diisi.", "NIK terdiri atas 16 angka."])
    assert re.search(r'id="f-name" name="name"[^>]*value=""', page)
    assert re.search(r'id="f-nik" name="nik"[^>]*value="12345"', page)  # kept to be corrected
    assert f'value="{DETAILS["phone"]}"' in page
    assert f">{DETAILS['address']}</textarea>" in page
    assert '<option value="perdata" selected>' in page
    assert 'value="yosefina@example.org"' in page
    assert '<option value="en" selected>' in page
    with app.app_context():
        assert counts() == before


def test_a_wrong_file_type_or_missing_documents_are_refused(app):
    client = browser(app)
    with app.app_context():
        before = counts()
    r = post_form(client, "legal_aid", valid_fields(), {"ktp": (EXE, "ktp.pdf"), "sktm": (PDF, "sktm.pdf")})
    assert r.status_code == 422
    assert "Jenis berkas tidak didukung. Unggah PDF, DOCX, ODT, JPEG, atau PNG." in r.get_data(as_text=True)
    assert f'value="{DETAILS["phone"]}"' in r.get_data(as_text=True)
    r = post_form(client, "legal_aid", valid_fields(), {"ktp": (PDF, "ktp.pdf")})
    assert r.status_code == 422
    # one document missing: named, with what is wrong about it
    assert "Surat keterangan tidak mampu (atau kartu pengganti) belum diunggah." in r.get_data(as_text=True)
    with app.app_context():
        assert counts() == before


@pytest.mark.parametrize(
    "address",
    ["bukan-email", "yosefina@example.org\r\nBcc: semua@example.org", "x" * 250 + "@example.org"],
    ids=["no-at", "line-break", "too-long"],
)
def test_an_invalid_email_address_is_refused_on_the_form(app, address):
    """The notification address is the only way the applicant hears of the request; the form
    takes any text (nothing validates it, unlike an intake field of kind "email"): a typo means
    silence, a line break poisons the outbox (see test_outbox.py), and more than 254 characters
    fail on PostgreSQL's column (a 500)."""
    client = browser(app)
    with app.app_context():
        before = counts()
    r = post_form(client, "legal_aid", valid_fields(email=address), DOCUMENTS)
    assert r.status_code == 422, f"{address[:40]!r} answered {r.status_code}"
    assert "Alamat email tidak valid." in r.get_data(as_text=True)
    with app.app_context():
        assert counts() == before


def test_a_refused_submission_leaves_no_file_behind(app):
    """A submission refused for a missing document has nothing in the database, but the files it
    did carry (here a KTP scan: personal data, UU 27/2022) stay in the document store, referenced
    by no row, never shown, never deleted: the store is written before the transaction fails."""
    client = browser(app)
    ktp = PDF + f"% ktp {secrets.token_hex(8)}\n".encode()  # content of its own: a file of its own
    files_before = stored_files(app)
    r = post_form(client, "legal_aid", valid_fields(), {"ktp": (ktp, "ktp.pdf")})
    assert r.status_code == 422
    assert stored_files(app) == files_before, "the refused submission's KTP scan was kept in the store"


def test_a_public_complaint_without_evidence_is_accepted(app):
    """Evidence is optional for a public complaint (Perpres 76/2013; issue 15: it was required): a
    complaint naming place, time and chronology is received without any file."""
    client = browser(app)
    with app.app_context():
        before = counts()
    fields = {
        "name": "Pelapor Uji",
        "reported_person": "Petugas loket",
        "place": "Loket",
        "time": "Senin pagi",
        "chronology": "Saya dipingpong.",
        "language": "id",
    }
    r = post_form(client, "public_complaint", fields, {})
    assert r.status_code in (200, 303), r.get_data(as_text=True)[:500]
    with app.app_context():
        after = counts()
        assert after["requests"] == before["requests"] + 1
        req = db.session.scalars(db.select(Request).order_by(Request.id.desc())).first()
        assert (req.process, req.state) == ("public_complaint", "received")


def test_success_shows_the_code_and_pin_once_and_keeps_only_the_pins_hash(app):
    client = browser(app)
    r = post_form(client, "legal_aid", valid_fields(), DOCUMENTS)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    code = re.search(r'data-testid="code">([^<]+)<', page).group(1)
    pin = re.search(r'data-testid="pin">([^<]+)<', page).group(1)
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}", code)
    assert re.fullmatch(r"\d{6}", pin)
    alone = re.compile(rf"(?<!\d){pin}(?!\d)")
    assert len(alone.findall(page)) == 1
    with app.app_context():
        req = db.session.scalar(select(Request).where(Request.tracking_code == code))
        assert req.state == "submitted" and req.applicant_email == "yosefina@example.org"
        assert req.pin_hash != pin and pin not in req.pin_hash
        assert check_password_hash(req.pin_hash, pin)
        # nowhere in clear: not in the row, the events, the e-mail (as a number of its own: a phone
        # number or a NIK may hold the same six digits)
        row = db.session.execute(text("SELECT * FROM requests WHERE id = :id"), {"id": req.id}).mappings().one()
        assert not [k for k, v in row.items() if k != "pin_hash" and isinstance(v, str | dict) and alone.search(str(v))]
        assert not [
            e.id
            for e in db.session.scalars(select(Event).where(Event.request_id == req.id))
            if alone.search(f"{e.data} {e.comment}")
        ]
        assert not [m.id for m in db.session.scalars(select(OutboxMessage)) if alone.search(m.body + m.subject)]
    # and never shown again: not on the tracking page, not on the status page
    track = client.get("/track").get_data(as_text=True)
    assert not alone.search(track)
    r = client.post("/track", data={"csrf_token": csrf(track), "code": code, "pin": pin})
    assert r.status_code == 302
    status = client.get("/track").get_data(as_text=True)
    assert 'data-testid="step">Diterima, pemeriksaan kelengkapan<' in status
    assert not alone.search(status)
    # withdrawing is a way out, not what the applicant has to do: kept apart, below the answer
    todo = status.split("Yang perlu Anda lakukan", 1)[1]
    assert "Tidak ada. Permohonan Anda sedang ditangani petugas." in todo
    assert todo.index("Tidak ada.") < todo.index('data-testid="exit"') < todo.index("Tarik permohonan")


# --- Tracking ------------------------------------------------------------------------------------


def public_request(process="legal_aid", details=DETAILS, kinds=("ktp", "sktm"), email="yosefina@example.org"):
    """(request id, code, PIN) of a request from the public, submitted now."""
    req, code, pin = submit_public_request(
        process,
        details=details,
        email=email,
        language="id",
        uploads=[(k, f"{k}.pdf", PDF) for k in kinds],
        store=DocumentStore(current_app.config["DOCUMENT_STORE"]),
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
    )
    db.session.commit()
    return req.id, code, pin


def act(request_id, trigger, alias, comment=None, **data):
    req = db.session.get(Request, request_id)
    who = PublicActor(request_id=request_id) if alias == "public" else user(alias)
    fire(req, trigger, who, version=req.version, comment=comment, data=data)
    db.session.commit()


def other_code(*taken):
    while (code := "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))) in taken:
        pass
    return f"{code[:4]}-{code[4:]}"


def test_wrong_pin_unknown_code_and_guessed_code_are_refused_alike_then_rate_limited(app):
    """The same answer, byte for byte (but the CSRF token), whether the code exists or not; the
    11th attempt in a minute is refused with 429, even with the right code and PIN, while another
    address is still served."""
    with app.app_context():
        _id, code, pin = public_request()
    wrong_pin = f"{(int(pin) + 1) % 10**6:06d}"
    near = code[:-1] + next(c for c in CODE_ALPHABET if c != code[-1])  # one character off
    attempts = [
        (code, wrong_pin),  # a wrong PIN
        (other_code(code.replace("-", "")), pin),  # an unknown code
        (near, pin),  # a guessed code, next to a real one
        (code.lower(), wrong_pin),  # the real code typed in lower case, wrong PIN
        ("", ""),  # nothing
    ]
    client = browser(app)
    token = csrf(client.get("/track").get_data(as_text=True))
    answers = [client.post("/track", data={"csrf_token": token, "code": c, "pin": p}) for c, p in attempts]
    assert [a.status_code for a in answers] == [200] * len(attempts)
    bodies = {without_token(a.data) for a in answers}
    assert len(bodies) == 1, "the refusals differ"
    assert "Kode atau PIN tidak cocok." in answers[0].get_data(as_text=True)
    headers = {tuple(sorted((k, v) for k, v in a.headers.items() if k not in ("Set-Cookie", "Date"))) for a in answers}
    assert len(headers) == 1, headers
    assert len({"Set-Cookie" in a.headers for a in answers}) == 1

    more = [
        client.post("/track", data={"csrf_token": token, "code": other_code(), "pin": "123456"})
        for _ in range(10 - len(attempts))
    ]
    assert [a.status_code for a in more] == [200] * (10 - len(attempts))
    limited = client.post("/track", data={"csrf_token": token, "code": other_code(), "pin": "123456"})
    right = client.post("/track", data={"csrf_token": token, "code": code, "pin": pin})
    assert (limited.status_code, right.status_code) == (429, 429)
    assert limited.data == right.data  # the limit tells nothing either
    assert client.get("/track").status_code == 200  # reading the page is not limited

    elsewhere = browser(app)
    token = csrf(elsewhere.get("/track").get_data(as_text=True))
    assert elsewhere.post("/track", data={"csrf_token": token, "code": code, "pin": pin}).status_code == 302


def track_in(app, code, pin):
    client = browser(app)
    token = csrf(client.get("/track").get_data(as_text=True))
    r = client.post("/track", data={"csrf_token": token, "code": code, "pin": pin})
    assert (r.status_code, r.headers["Location"]) == (302, "/track")
    return client


def status_of(client) -> tuple[str, str, str, str]:
    """(page, phase, step, due date) of the status page."""
    page = client.get("/track").get_data(as_text=True)
    phase = re.search(r'data-testid="phase">([^<]*)<', page).group(1)
    step = re.search(r'data-testid="step">([^<]*)<', page).group(1)
    due = re.search(r'data-testid="deadline">([^<(]*)', page).group(1).strip()
    return page, phase, step, due


def test_the_status_page_shows_phase_step_due_date_and_next_steps_only(app):
    """Phase, current step, due date and what to do next; never the applicant's name, personal
    data, the staff's comment or the staff's names."""
    staff_comment = "Catatan internal petugas: SKTM tampak dipalsukan, cek ke kelurahan."
    with app.app_context():
        request_id, code, pin = public_request()
        req = db.session.get(Request, request_id)
        cal, today = office_calendar(req.office_id), local_date(utcnow(), req.office.timezone)
    client = track_in(app, code, pin)
    page, phase, step, shown_due = status_of(client)
    # the office runs no clock of its own at intake: the deadlines are the OBH's, after referral
    assert (phase, step, shown_due) == ("Penerimaan", "Diterima, pemeriksaan kelengkapan", "—")
    assert "Yang perlu Anda lakukan" in page
    assert re.search(r'name="trigger" value="withdraw"', page)  # the one thing the applicant may do
    assert 'name="trigger" value="resubmit"' not in page and 'type="file"' not in page

    with app.app_context():
        act(request_id, "return_for_completion", "officer", comment=staff_comment)
    page, phase, step, _due = status_of(client)
    assert (phase, step) == ("Penerimaan", "Belum lengkap, menunggu pemohon")
    assert "Lengkapi dokumen bila diminta" in page
    for kind in ("ktp", "sktm", "case_documents"):
        assert f'name="{kind}"' in page
    assert 'name="trigger" value="resubmit"' in page
    secrets_ = [
        DETAILS["name"],
        "Yosefina",
        *SENSITIVE.values(),
        DETAILS["phone"],
        staff_comment,
        "dipalsukan",
        "Maria Fernandez",
        "Bantuan hukum: ",
    ]
    assert [s for s in secrets_ if s in page] == []

    with app.app_context():
        act(request_id, "resubmit", "public")
        act(request_id, "declare_complete", "officer")
        act(request_id, "refer", "officer", obh="LBH Surya NTT")
    page, phase, step, shown_due = status_of(client)
    assert (phase, step) == ("Penelaahan", "Dirujuk ke OBH, pemeriksaan kelengkapan oleh OBH")
    assert shown_due == format_date(cal.add_working_days(today, 1), "d MMMM y", locale="id")
    assert "1 hari kerja lagi" in page and "Tenggat ini kewajiban OBH." in page
    with app.app_context():
        act(request_id, "record_obh_complete", "officer")
    page, phase, step, shown_due = status_of(client)
    assert (phase, step) == ("Penelaahan", "Lengkap menurut OBH, menunggu jawaban tertulis OBH")
    assert shown_due == format_date(cal.add_working_days(today, 3), "d MMMM y", locale="id")
    assert "3 hari kerja lagi" in page and "Tenggat ini kewajiban OBH." in page
    with app.app_context():
        act(request_id, "record_obh_acceptance", "officer")
        act(request_id, "close_case", "officer", comment="Perkara selesai; catatan internal petugas.")
    page, phase, step, shown_due = status_of(client)
    assert (phase, step, shown_due) == ("Kesimpulan", "Perkara selesai", "—")
    assert "Tidak ada. Permohonan ini telah selesai." in page
    assert "catatan internal" not in page and 'name="trigger"' not in page


HR_DETAILS = {
    "name": "Markus Rahasia",
    "nik": "5371010101900099",
    "address": "Jl. Rahasia",
    "phone": "0812",
    "reported_party": "Instansi",
    "chronology": "Kronologi rahasia.",
}


def returned_complaint(app):
    """(request id, a client tracking it, its status page) for a human-rights complaint returned
    for completion."""
    with app.app_context():
        request_id, code, pin = public_request(
            "human_rights_complaint", HR_DETAILS, ("ktp", "complaint_letter", "evidence")
        )
        act(request_id, "return_for_completion", "officer", comment="Bukti kurang.")
    client = track_in(app, code, pin)
    return request_id, client, client.get("/track").get_data(as_text=True)


def version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_the_status_page_of_a_returned_complaint_shows_the_completion_deadline(app):
    """Back with the complainant, the date that matters to them is the last day to complete the
    file (after it the complaint is deemed withdrawn): 10 working days from the return, not the
    office's paused due date, which then means nothing to them."""
    request_id, client, page = returned_complaint(app)
    with app.app_context():
        req = db.session.get(Request, request_id)
        cal, today = office_calendar(req.office_id), local_date(utcnow(), req.office.timezone)
        last_day = cal.add_working_days(today, 10)
        assert (req.timer_trigger, req.timer_due_on) == ("deem_withdrawn", last_day)
        paused_due = req.due_date
    _page, phase, step, shown_due = status_of(client)
    assert (phase, step) == ("Penerimaan", "Belum lengkap, menunggu pengadu")
    assert shown_due == format_date(last_day, "d MMMM y", locale="id"), (
        f"shows {shown_due}, the paused due date {paused_due}; the complaint is deemed withdrawn after {last_day}"
    )


def test_after_the_completion_deadline_no_page_offers_a_completion(app):
    """Once the last day to complete is past, the complaint is decided (deemed withdrawn) even
    before `tick` records it: the status page says so instead of offering the upload and
    "Kirim kelengkapan" that fire() would refuse, and the staff page offers no action either."""
    request_id, client, page = returned_complaint(app)
    assert "Kirim kelengkapan" in page and 'data-testid="closed-by-timer"' not in page
    with app.app_context():
        req = db.session.get(Request, request_id)
        last_day = local_date(utcnow(), req.office.timezone).toordinal() - 1
        db.session.execute(
            text("UPDATE requests SET timer_due_on = :day WHERE id = :id"),
            {"day": date.fromordinal(last_day), "id": request_id},
        )
        db.session.commit()
    page = client.get("/track").get_data(as_text=True)
    notice = re.search(r'data-testid="closed-by-timer">([^<]*)<', page).group(1)
    assert notice.startswith("Batas waktu berakhir pada ") and "Dianggap dicabut" in notice
    assert "Kirim kelengkapan" not in page and 'type="file"' not in page
    staff = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', staff.get("/masuk").get_data(as_text=True)).group(1)
    staff.post("/masuk", data={"email": ALIASES["officer"], "password": PASSWORD, "csrf_token": token})
    detail = staff.get(f"/permohonan/{request_id}").get_data(as_text=True)
    assert 'data-testid="closed-by-timer"' in detail and 'name="trigger"' not in detail


def test_the_email_of_the_return_gives_the_completion_deadline_too(app):
    """The e-mail that tells the complainant their file came back names the same last day as the
    status page, not the office's paused due date."""
    request_id, _client, _page = returned_complaint(app)
    with app.app_context():
        req = db.session.get(Request, request_id)
        body = db.session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.request_id == request_id).order_by(OutboxMessage.id.desc())
        ).first()
        last_day, paused_due = req.timer_due_on, req.due_date
    assert last_day != paused_due
    assert f"Tenggat tahap ini: {format_date(last_day, 'd MMMM y', locale='id')}." in body
    assert format_date(paused_due, "d MMMM y", locale="id") not in body


def test_completing_documents_and_resubmitting_from_the_status_page(app):
    """The status page offers the document inputs and "Kirim kelengkapan" in one form: choosing
    the missing evidence and pressing the button must store it and resubmit. Today the upload's
    own event bumps the version before fire() compares it with the page's, so every resubmission
    that carries a file is refused as stale ("baru saja diperbarui") and the file is rolled back:
    an applicant can never add a missing document from the status page."""
    request_id, client, page = returned_complaint(app)
    with app.app_context():
        outbox_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    r = client.post(
        "/track/aksi",
        data={
            "csrf_token": csrf(page),
            "version": version_on(page),
            "trigger": "resubmit",
            "evidence": (io.BytesIO(PDF), "bukti-tambahan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert (r.status_code, r.headers["Location"]) == (302, "/track")
    page = client.get("/track").get_data(as_text=True)
    flashed = re.findall(r'<div class="alert alert-(\w+)" role="alert">([^<]*)</div>', page)
    assert flashed == [("success", "Terima kasih. Permohonan Anda telah diperbarui.")], flashed
    assert 'data-testid="step">Diterima, pemeriksaan administrasi<' in page
    with app.app_context():
        req = db.session.get(Request, request_id)
        assert (req.state, req.timer_trigger) == ("submitted", None)  # the deemed withdrawal disarmed
        doc = db.session.scalar(
            select(Document)
            .where(Document.request_id == request_id, Document.kind == "evidence")
            .order_by(Document.version.desc())
            .limit(1)
        )
        assert (doc.version, doc.filename, doc.uploaded_by_id) == (2, "bukti-tambahan.pdf", None)
        events = db.session.scalars(select(Event).where(Event.request_id == request_id).order_by(Event.seq)).all()
        assert [(e.trigger, e.actor_id, e.data.get("by")) for e in events[-2:]] == [
            ("upload_document", None, None),
            ("resubmit", None, "public"),
        ]
        # the complainant's confirmation, and the two intake officers told of a file to check again
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox_before + 1 + 2


def test_resubmitting_from_the_status_page_without_a_new_file(app):
    """A wrong file is refused with its reason and nothing changes; the documents already there
    suffice to resubmit; a page that went stale meanwhile is told so; signing out ends access."""
    request_id, client, page = returned_complaint(app)
    r = client.post(
        "/track/aksi",
        data={
            "csrf_token": csrf(page),
            "version": version_on(page),
            "trigger": "resubmit",
            "evidence": (io.BytesIO(EXE), "bukti.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert (r.status_code, r.headers["Location"]) == (302, "/track")
    page = client.get("/track").get_data(as_text=True)
    assert '<div class="alert alert-danger" role="alert">Jenis berkas tidak didukung' in page
    with app.app_context():
        assert db.session.get(Request, request_id).state == "incomplete"
        assert (
            db.session.scalar(select(func.count()).select_from(Document).where(Document.request_id == request_id)) == 3
        )

    stale = page
    with app.app_context():  # meanwhile the head assigns an officer: a new version
        act(request_id, "assign", "head", assignees=[user("officer").id])
    r = client.post(
        "/track/aksi", data={"csrf_token": csrf(stale), "version": version_on(stale), "trigger": "resubmit"}
    )
    assert r.status_code == 302
    page = client.get("/track").get_data(as_text=True)
    assert "Permohonan Anda baru saja diperbarui. Periksa keadaannya sekarang." in page
    with app.app_context():
        assert db.session.get(Request, request_id).state == "incomplete"

    r = client.post("/track/aksi", data={"csrf_token": csrf(page), "version": version_on(page), "trigger": "resubmit"})
    assert r.status_code == 302
    page = client.get("/track").get_data(as_text=True)
    assert "Terima kasih. Permohonan Anda telah diperbarui." in page
    assert 'data-testid="step">Diterima, pemeriksaan administrasi<' in page
    with app.app_context():
        req = db.session.get(Request, request_id)
        assert (req.state, req.timer_trigger) == ("submitted", None)
        last = db.session.scalar(
            select(Event).where(Event.request_id == request_id).order_by(Event.seq.desc()).limit(1)
        )
        assert (last.trigger, last.actor_id, last.data.get("by")) == ("resubmit", None, "public")

    logout_token = csrf(page[page.index('action="/track/keluar"') :])
    assert client.post("/track/keluar", data={"csrf_token": logout_token}).status_code == 302
    assert 'data-testid="step"' not in client.get("/track").get_data(as_text=True)
    r = client.post(
        "/track/aksi",
        data={"csrf_token": logout_token, "version": "99", "trigger": "withdraw", "comment": "Tidak jadi."},
    )
    assert (r.status_code, r.headers["Location"]) == (302, "/track")
    with app.app_context():
        assert db.session.get(Request, request_id).state == "submitted"


def test_a_malformed_version_on_the_status_page_is_not_a_server_error(app):
    """`version` comes from a hidden input; anything but digits (a tampered or truncated post)
    raises ValueError in int() inside track_act, outside its HarmoniError handling: a 500."""
    _request_id, client, page = returned_complaint(app)
    r = client.post("/track/aksi", data={"csrf_token": csrf(page), "version": "7a", "trigger": "resubmit"})
    assert r.status_code in (302, 400, 409), r.status_code


# --- Personal data on the staff side -------------------------------------------------------------


def staff(app, alias):
    client = app.test_client()
    token = csrf(client.get("/masuk").get_data(as_text=True))
    r = client.post("/masuk", data={"csrf_token": token, "email": ALIASES[alias], "password": PASSWORD})
    assert r.status_code == 302, (alias, r.status_code)
    return client


def logs(request_id):
    return [
        (r.user_id, r.purpose, r.fields)
        for r in db.session.scalars(select(AccessLog).where(AccessLog.request_id == request_id).order_by(AccessLog.id))
    ]


def data_card(page: str) -> str:
    start = page.index('id="data-judul"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def browsers(app):
    return {alias: staff(app, alias) for alias in ("head", "officer", "officer2", "admin")}


def test_sensitive_details_only_for_the_head_and_assigned_staff_every_read_logged(app, api, browsers):
    with app.app_context():
        request_id, _code, _pin = public_request()
        ids = {alias: user(alias).id for alias in ("head", "officer", "officer2", "admin")}
    path = f"/permohonan/{request_id}"

    def page_of(alias):
        r = browsers[alias].get(path)
        assert r.status_code == 200, (alias, r.status_code)
        return data_card(r.get_data(as_text=True))

    def api_of(alias):
        client = api.as_(alias)
        return client.ok(client.get(f"/requests/{request_id}"))["details"]

    def redacted(card_or_details):
        if isinstance(card_or_details, dict):
            return (
                {k: card_or_details[k] for k in SENSITIVE} == dict.fromkeys(SENSITIVE, REDACTED)
                and card_or_details["name"] == DETAILS["name"]
                and card_or_details["phone"] == DETAILS["phone"]
            )
        return (
            card_or_details.count(REDACTED) == 3
            and not [v for v in SENSITIVE.values() if v in card_or_details]
            and DETAILS["name"] in card_or_details
            and DETAILS["phone"] in card_or_details
        )

    def shown(card_or_details):
        if isinstance(card_or_details, dict):
            return {k: card_or_details[k] for k in DETAILS} == DETAILS
        return REDACTED not in card_or_details and all(v in card_or_details for v in SENSITIVE.values())

    # nobody assigned yet: officers and the admin see the details redacted, and nothing is logged
    for alias in ("officer", "officer2", "admin"):
        assert redacted(page_of(alias)), alias
        assert redacted(api_of(alias)), alias
    with app.app_context():
        assert logs(request_id) == []

    # the head reads them; each read is logged, with its purpose and the fields read
    assert shown(page_of("head"))
    assert shown(api_of("head"))
    assert shown(page_of("head"))
    fields = ["nik", "address", "problem"]
    with app.app_context():
        assert logs(request_id) == [
            (ids["head"], "page", fields),
            (ids["head"], "api", fields),
            (ids["head"], "page", fields),
        ]
        act(request_id, "assign", "head", assignees=[ids["officer"]])

    # assigned: the officer reads them (logged); the other officer and the admin still do not
    assert shown(page_of("officer"))
    assert shown(api_of("officer"))
    for alias in ("officer2", "admin"):
        assert redacted(page_of(alias)), alias
        assert redacted(api_of(alias)), alias
    with app.app_context():
        assert logs(request_id)[3:] == [(ids["officer"], "page", fields), (ids["officer"], "api", fields)]

    # and no other answer carries them: the list, the timeline
    for alias in ("officer2", "head"):
        client = api.as_(alias)
        for path_ in ("/requests?per_page=100", f"/requests/{request_id}/events"):
            body = client.get(path_).get_data(as_text=True)
            assert [v for v in SENSITIVE.values() if v in body] == [], (alias, path_)
    listing = browsers["officer2"].get("/permohonan/").get_data(as_text=True)
    assert [v for v in SENSITIVE.values() if v in listing] == []


def test_naturalisation_passport_redacted_for_the_officer_who_is_not_assigned(app, browsers):
    """Registered at the counter (new_staff) by an officer: the passport number and address are
    shown to the head (logged) and to the assigned team only."""
    client = browsers["officer2"]
    form = client.get("/permohonan/baru/naturalisation")
    assert form.status_code == 200
    details = {
        "name": "John Counter",
        "nationality": "Australia",
        "passport": "PA9988776",
        "address": "Jl. Konter No. 9, Kupang",
        "email": "john.counter@example.org",
    }
    r = client.post(
        "/permohonan/baru/naturalisation", data={"csrf_token": csrf(form.get_data(as_text=True)), **details}
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:1000]
    request_id = int(re.search(r"/permohonan/(\d+)$", r.headers["Location"]).group(1))
    card = data_card(client.get(f"/permohonan/{request_id}").get_data(as_text=True))
    assert card.count(REDACTED) == 2 and "PA9988776" not in card and "John Counter" in card
    card = data_card(browsers["head"].get(f"/permohonan/{request_id}").get_data(as_text=True))
    assert "PA9988776" in card and details["address"] in card and REDACTED not in card
    with app.app_context():
        assert logs(request_id) == [(user("head").id, "page", ["passport", "address"])]
        req = db.session.get(Request, request_id)
        assert (req.state, req.applicant_email, req.tracking_code) == ("registered", "john.counter@example.org", None)


def test_the_same_form_posted_twice_files_once_and_the_last_pin_counts(app):
    """A double click without JavaScript posts the form twice with its one-time token: one
    request; the browser shows the second answer, so that one carries the PIN that works."""
    client = browser(app)
    page = client.get("/layanan/legal_aid").get_data(as_text=True)
    data = {"csrf_token": csrf(page), "form_token": form_token(page), **valid_fields()}

    def post():
        body = {**data, **{k: (io.BytesIO(c), n) for k, (c, n) in DOCUMENTS.items()}}
        return client.post("/layanan/legal_aid", data=body, content_type="multipart/form-data", follow_redirects=True)

    with app.app_context():
        before = counts()
    first, second = post(), post()
    assert first.status_code == second.status_code == 200
    codes = [re.search(r'data-testid="code">([^<]+)<', r.get_data(as_text=True)).group(1) for r in (first, second)]
    pins = [re.search(r'data-testid="pin">(\d{6})<', r.get_data(as_text=True)).group(1) for r in (first, second)]
    assert codes[0] == codes[1]
    with app.app_context():
        after = counts()
        assert after["requests"] == before["requests"] + 1
        req = db.session.scalar(select(Request).where(Request.tracking_code == codes[0]))
        assert check_password_hash(req.pin_hash, pins[1])
        assert pins[0] == pins[1] or not check_password_hash(req.pin_hash, pins[0])
        consent = db.session.scalar(select(Event).where(Event.request_id == req.id, Event.trigger == "create")).data
        assert consent["consent"]["notice"] == "uu27-2022/v1"


def test_a_form_without_consent_or_token_files_nothing(app):
    client = browser(app)
    with app.app_context():
        before = counts()
    r = post_form(client, "legal_aid", valid_fields(consent=""), DOCUMENTS, consent=False)
    assert r.status_code == 422 and "Centang persetujuan" in r.get_data(as_text=True)
    page = client.get("/layanan/legal_aid").get_data(as_text=True)
    body = {"csrf_token": csrf(page), "form_token": "bukan-token", **valid_fields()}
    r = client.post("/layanan/legal_aid", data=body, content_type="multipart/form-data")
    assert r.status_code == 422 and "Formulir ini kedaluwarsa" in r.get_data(as_text=True)
    with app.app_context():
        assert counts() == before


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{bare}", "{bare_lower}", " {lower} "])
def test_the_tracking_code_with_or_without_its_hyphen_in_any_case(app, typed):
    with app.app_context():
        _request_id, code, pin = public_request()
    text_ = typed.format(
        code=code, lower=code.lower(), bare=code.replace("-", ""), bare_lower=code.replace("-", "").lower()
    )
    client = browser(app)
    token = csrf(client.get("/track").get_data(as_text=True))
    r = client.post("/track", data={"csrf_token": token, "code": text_, "pin": pin})
    assert (r.status_code, r.headers.get("Location")) == (302, "/track")
