"""No malformed input makes a page answer 5xx.

Every web form (and every page that reads query arguments) is sent, one field at a time, values a
browser never would: not a number, a number too large for any column, a negative one, an empty
string, a NUL byte, 100,000 characters, an impossible date, several values for one field, the
field left out. Each goes, as the role that may use the form, to a real object (a request, a
meeting, minutes) made through the helpers. The page may refuse (4xx, a redirect with a flash):
it must never answer with a server error.

When this file was written it found 52 such cases, 17 on both backends, 2 on SQLite only and 33
on PostgreSQL only (NUL bytes on PostgreSQL, numbers past INTEGER or past 64 bits, superscript
digits, year 1, '//[' in ?next=, 100,000-character texts); all are fixed, and any new one fails
the run.
"""

import io
import itertools
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from workflow.actors import PublicActor
from workflow.extensions import db
from workflow.models import Minutes, Office, Organisation, User
from workflow.operations import meetings as meeting_ops
from workflow.operations.requests import create_request

from ..conftest import PASSWORD
from ..helpers import ALIASES, APPLICATION_LETTER, PDF, draft_minutes, final_minutes, force_state, user
from .conftest import WebClient, office_state, restore_office

MISSING = object()  # the field is left out of the form
HUGE = "99999999999999999999"
NEXT_YEAR = date.today().year + 1

# The malformed values every field gets. A callable is called per case (a file is read once).
VALUES = {
    "text": "abc",
    "huge": HUGE,
    "negative": "-1",
    "empty": "",
    "nul": "a\x00b",
    "long": "x" * 100_000,
    "bad_date": "2026-13-45",
    "list": ["1", "2"],
    "missing": MISSING,
}
# More values, for the fields where they mean something.
NUMBER_VALUES = {"zero": "0", "superscript": "\u00b2", "float": "1.5", "spaces": " 7 ", "int32_overflow": "2147483648"}
DATE_VALUES = {
    "year_1": "0001-01-01",
    "year_9999": "9999-12-31",
    "no_dashes": "20300110",
    "datetime": "2030-01-10T09:00",
}
TIME_VALUES = {"hour_24": "24:00", "seconds": "09:00:00"}
MONTH_VALUES = {"month_9999_12": "9999-12", "month_0001_01": "0001-01", "month_13": "2026-13", "month_0": "2026-00"}
NEXT_VALUES = {
    "bad_ipv6": "//[",
    "bad_ipv6_path": "/[::1",
    "absolute": "https://evil.example/",
    "backslash": "/\\evil.example",
}
FORMAT_VALUES = {
    "wide": "{seq:99999999999999999999d}",
    "conversion": "{seq!z}",
    "brace": "{",
    "index": "{seq[0]}",
    "attribute": "{seq.real}",
    "char": "{seq:c}",
}


def file_value(filename, content=PDF):
    return lambda: (io.BytesIO(content), filename)


FILE_VALUES = {
    "file_nul_name": file_value("a\x00b.pdf"),
    "file_long_name": file_value("x" * 100_000 + ".pdf"),
    "file_no_name": file_value(""),
    "file_empty": file_value("berkas.pdf", b""),
    "file_exe": file_value("berkas.pdf", b"MZ\x90\x00" + b"\x00" * 200),
    "file_dots": file_value("../../etc/passwd"),
}


PASSWORD_HASH = generate_password_hash(PASSWORD)  # hashed once: users made here skip the cost


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    """Passwords and PINs stored by these cases are hashed with one round of PBKDF2, not scrypt:
    what is tried here is the input, not the hash (check_password_hash reads either)."""

    def cheap(password, method="pbkdf2:sha256:1", salt_length=16):
        return generate_password_hash(password, method="pbkdf2:sha256:1", salt_length=salt_length)

    for module in ("workflow.models.user", "workflow.operations.public"):
        monkeypatch.setattr(f"{module}.generate_password_hash", cheap)
    yield
    # the dummy hash (made once per process) must not stay a cheap one for later tests
    from workflow.models.user import dummy_hash

    dummy_hash.cache_clear()


@dataclass
class Env:
    app: object
    api: object
    signed_in: Callable
    password_user: tuple  # (browser signed in as a user of this module's own, its email)

    def anonymous(self) -> WebClient:
        """A browser of its own, from an address of its own (the public forms are rate-limited
        per address)."""
        browser = WebClient(self.app)
        n = next(ADDRESSES)
        browser.client.environ_base["REMOTE_ADDR"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        return browser

    def ctx(self):
        return self.app.app_context()


ADDRESSES = itertools.count(1)


@dataclass
class Target:
    """What a form posts to: the browser, the path, a valid body, the page the form is on."""

    browser: WebClient
    path: str
    data: dict
    from_page: str | None = None
    multipart: bool = False
    cleanup: Callable | None = None


@dataclass
class Form:
    method: str
    route: str
    role: str  # who may use it ("anonymous" for the public forms)
    fields: dict  # field -> extra value names beyond VALUES
    setup: Callable[[Env], Target]
    query: bool = False  # GET: the values are query arguments


# --- objects to work on ------------------------------------------------------------------------


def quick_request(env, state="submitted", **fields):
    """A Ranperda of Kota Kupang put straight into `state` (no documents: cheaper than
    new_request, and enough for forms that do not look at them)."""
    with env.ctx():
        req = create_request(
            user("drafter"), process="ranperda", title="Rancangan Peraturan Daerah tentang Uji", **APPLICATION_LETTER
        )
        db.session.commit()
        request_id, version = req.id, req.version
        if state != "draft":
            force_state(request_id, state, **fields)
    return {"id": request_id, "version": version}


def verified_request(env):
    """Declared complete: the clock runs (a deadline can be extended, drafters assigned)."""
    today = date.today()
    return quick_request(env, "verified", clock_started_on=today, due_date=today + timedelta(days=7))


def scheduled_meeting(env, day=None):
    """A meeting on an analysed request, scheduled by an officer (today, unless `day`)."""
    req = quick_request(env, "analysed")
    with env.ctx():
        meeting = meeting_ops.schedule_meeting(
            user("officer"),
            request_ids=[req["id"]],
            title="Rapat pengharmonisasian uji",
            starts_at_local=datetime.combine(day or date.today(), datetime.min.time()).replace(hour=0, minute=5),
            duration_minutes=120,
            confirm_non_working_day=True,  # today may be a day off
            place="Aula Kanwil",
            online_link=None,
            chair_id=user("head").id,
            participants=[
                {
                    "name": "Agustinus Lake",
                    "position": "Kepala Bagian Hukum",
                    "institution": "Pemerintah Kota Kupang",
                    "side": "applicant",
                }
            ],
        )
        db.session.commit()
        return meeting.id, meeting.version, meeting.participants[0].id, req["id"]


def minutes_draft(env, conclusion="harmonis_with_notes"):
    req = quick_request(env, "meeting_held")
    with env.ctx():
        minutes = draft_minutes(req["id"], conclusion)
        db.session.commit()
        return minutes.id, minutes.version


def minutes_fields(version):
    return {
        "version": str(version),
        "conclusion": "harmonis_with_notes",
        "notes": "Perbaiki Pasal 5.",
        "correction_deadline": f"{NEXT_YEAR}-06-30",
        "application_letter_number": "180/12/2026",
        "application_letter_date": "2026-02-01",
        "legal_basis": "UU 12/2011",
        "signatories": "Kepala Kanwil; Kepala Kantor Wilayah; kanwil",
        "aspect": "substansi",
        "article": "Pasal 5",
        "finding": "Rumusan kabur.",
        "agreed_change": "Dirumuskan ulang.",
    }


def snapshot_rows(app, model):
    with app.app_context():
        return set(db.session.scalars(select(model.id)))


def remove_new_rows(app, model, before):
    """Users and organisations outlive the per-test cleanup: remove what a case added."""
    with app.app_context():
        db.session.execute(delete(model).where(model.id.not_in(before)))
        db.session.commit()


# --- the forms ---------------------------------------------------------------------------------


def login(env):
    return Target(env.anonymous(), "/masuk", {"email": ALIASES["drafter"], "password": "salah-sekali-123"})


def login_next(env):
    # the right password: `next` is followed only after a successful sign-in
    return Target(env.anonymous(), "/masuk", {"email": ALIASES["drafter"], "password": PASSWORD})


def language(env):
    return Target(env.anonymous(), "/bahasa/en", {"next": "/bantuan/"}, from_page="/bantuan/")


def password(env):
    # its own user (a change that goes through must not change a demo account), its password
    # put back after each case
    browser, email = env.password_user

    def cleanup():
        with env.ctx():
            db.session.scalar(select(User).where(User.email == email)).password_hash = PASSWORD_HASH
            db.session.commit()

    return Target(
        browser,
        "/akun/kata-sandi",
        {"current": PASSWORD, "new": "kata-sandi-baru-123", "confirm": "kata-sandi-baru-123"},
        cleanup=cleanup,
    )


def list_page(alias):
    def setup(env):
        quick_request(env)  # a row to match: SQLite applies LIKE only to rows
        return Target(env.signed_in(alias), "/permohonan/", {})

    return setup


def new_case(env):
    return Target(
        env.signed_in("drafter"),
        "/permohonan/baru",
        {
            "process_type": "ranperda",
            "title": "Rancangan Peraturan Daerah tentang Uji",
            "external_ref": "",
            "applicant_type": "kepala_daerah",
            "application_letter_number": "180/412/HK/2026",
            "application_letter_date": "2026-10-01",
            "application_letter": (io.BytesIO(PDF), "surat-permohonan.pdf"),
        },
        multipart=True,
    )


def new_walk_in(env):
    return Target(
        env.signed_in("officer"),
        "/permohonan/baru/naturalisation",
        {
            "name": "Warga Contoh",
            "nationality": "Timor-Leste",
            "passport": "P-1234",
            "address": "Jalan Kenari 12, Kupang",
            "email": "warga@contoh.test",
        },
    )


def act_assign(env):
    req = verified_request(env)
    with env.ctx():
        officer_id = user("officer").id
    return Target(
        env.signed_in("head"),
        f"/permohonan/{req['id']}/aksi",
        {"trigger": "assign", "version": str(req["version"]), "assignees": str(officer_id), "comment": ""},
        from_page=f"/permohonan/{req['id']}",
    )


def act_extend(env):
    req = verified_request(env)
    return Target(
        env.signed_in("head"),
        f"/permohonan/{req['id']}/aksi",
        {"trigger": "extend_deadline", "version": str(req["version"]), "comment": "Perlu waktu.", "days": "5"},
        from_page=f"/permohonan/{req['id']}",
    )


def act_schedule(env):
    req = quick_request(env, "analysed")
    return Target(
        env.signed_in("officer"),
        f"/permohonan/{req['id']}/aksi",
        {
            "trigger": "schedule_meeting",
            "version": str(req["version"]),
            "meeting_date": f"{NEXT_YEAR}-01-10",
            "confirm_non_working_day": "y",  # the date may be a day off
        },
        from_page=f"/permohonan/{req['id']}",
    )


def act_conclude(env):
    req = quick_request(env, "meeting_held")
    with env.ctx():
        issued = final_minutes(req["id"], "harmonis_with_notes")
        deadline = db.session.scalar(select(Minutes.correction_deadline).where(Minutes.issued_document_id == issued.id))
    return Target(
        env.signed_in("head"),
        f"/permohonan/{req['id']}/aksi",
        {
            "trigger": "conclude_with_notes",
            "version": str(req["version"]),
            "comment": "Perbaiki Pasal 5.",
            "correction_deadline": deadline.isoformat(),
        },
        from_page=f"/permohonan/{req['id']}",
    )


def upload(env):
    req = quick_request(env, "draft")
    return Target(
        env.signed_in("drafter"),
        f"/permohonan/{req['id']}/dokumen",
        {"kind": "rancangan", "file": (io.BytesIO(PDF), "berkas.pdf")},
        from_page=f"/permohonan/{req['id']}",
        multipart=True,
    )


def calendar(alias):
    def setup(env):
        return Target(env.signed_in(alias), "/rapat/", {"bulan": "2026-03"})

    return setup


def new_meeting(env):
    req = quick_request(env, "analysed")
    with env.ctx():
        head_id = user("head").id
    return Target(
        env.signed_in("officer"),
        "/rapat/baru",
        {
            "request_ids": str(req["id"]),
            "title": "Rapat pengharmonisasian",
            "date": f"{NEXT_YEAR}-01-10",
            "time": "00:05",
            "duration": "120",
            "place": "Aula Kanwil",
            "online_link": "",
            "chair_id": str(head_id),
            "inv_name": "Agustinus Lake",
            "inv_position": "Kepala Bagian Hukum",
            "inv_institution": "Pemerintah Kota Kupang",
            "inv_side": "applicant",
            "inv_email": "",
            "confirm_non_working_day": "y",  # the date may be a day off
        },
    )


def attendance(env):
    meeting_id, version, participant_id, _ = scheduled_meeting(env)
    return Target(
        env.signed_in("officer"),
        f"/rapat/{meeting_id}/kehadiran",
        {"version": str(version), "present": str(participant_id), "held": "1"},
        from_page=f"/rapat/{meeting_id}",
    )


def reschedule(env):
    meeting_id, version, _, _ = scheduled_meeting(env, day=date.today() + timedelta(days=7))
    return Target(
        env.signed_in("officer"),
        f"/rapat/{meeting_id}/jadwal-ulang",
        {
            "version": str(version),
            "date": f"{NEXT_YEAR}-02-03",
            "time": "00:05",
            "place": "Aula Kanwil",
            "online_link": "",
            "reason": "Pimpinan berhalangan.",
            "confirm_non_working_day": "y",  # the date may be a day off
        },
        from_page=f"/rapat/{meeting_id}",
    )


def cancel(env):
    meeting_id, version, _, _ = scheduled_meeting(env, day=date.today() + timedelta(days=7))
    return Target(
        env.signed_in("officer"),
        f"/rapat/{meeting_id}/batal",
        {"version": str(version), "reason": "Pimpinan berhalangan."},
        from_page=f"/rapat/{meeting_id}",
    )


def minutes_save(env):
    minutes_id, version = minutes_draft(env)
    path = f"/berita-acara/{minutes_id}"
    return Target(env.signed_in("officer"), path, minutes_fields(version), from_page=path)


def minutes_finalise(env):
    minutes_id, version = minutes_draft(env)
    path = f"/berita-acara/{minutes_id}"
    return Target(env.signed_in("officer"), path + "/final", minutes_fields(version), from_page=path)


def admin_list(env):
    return Target(env.signed_in("admin"), "/admin/pengguna", {"page": "1"})


def admin_user(existing):
    def setup(env):
        before = snapshot_rows(env.app, User)
        path = "/admin/pengguna/baru"
        if existing:
            with env.ctx():
                u = User(
                    email=f"uji-{uuid.uuid4().hex[:10]}@harmoni.test",
                    name="Pengguna Uji",
                    role="officer",
                    office_id=db.session.scalar(select(Office.id)),
                    password_hash=PASSWORD_HASH,
                )
                db.session.add(u)
                db.session.commit()
                path = f"/admin/pengguna/{u.id}"
        return Target(
            env.signed_in("admin"),
            path,
            {
                "email": f"uji-{uuid.uuid4().hex[:10]}@harmoni.test",
                "name": "Pengguna Uji",
                "position": "Analis",
                "role": "officer",
                "organisation_id": "0",
                # an existing user keeps the password when it is left empty (no hashing)
                "password": "" if existing else "rahasia-panjang-123",
                "active": "y",
            },
            cleanup=lambda: remove_new_rows(env.app, User, before),
        )

    return setup


def admin_organisation(env):
    before = snapshot_rows(env.app, Organisation)
    return Target(
        env.signed_in("admin"),
        "/admin/organisasi/baru",
        {"name": f"Pemerintah Uji {uuid.uuid4().hex[:6]}", "kind": "city", "region": "Kota Uji"},
        cleanup=lambda: remove_new_rows(env.app, Organisation, before),
    )


def admin_override(env):
    return Target(
        env.signed_in("admin"),
        "/admin/hari-libur",
        {"day": "2031-03-04", "working": "0", "reason": "Pemilihan kepala daerah"},
    )


def admin_catalogue(env):
    before = office_state(env.app)
    return Target(
        env.signed_in("admin"),
        "/admin/layanan/public_complaint",
        {
            "enabled": "y",
            "limit_time_limit": "60",
            "limit_timer__deem_withdrawn": "30",
            "limit_deadline__written_reply": "14",
            "documents": "evidence",
        },
        cleanup=lambda: restore_office(env.app, before),
    )


def admin_settings(env):
    before = office_state(env.app)
    return Target(
        env.signed_in("admin"),
        "/admin/pengaturan",
        {
            "name": "Kanwil Uji",
            "letterhead": "KEMENTERIAN HUKUM",
            "registration_format": "{seq:04d}/{process}/{office}/{year}",
        },
        cleanup=lambda: restore_office(env.app, before),
    )


def public_intake(env):
    return Target(
        env.anonymous(),
        "/layanan/legal_aid",
        {
            "name": "Maria Uji",
            "nik": "5371010101010001",
            "address": "Jalan Kenari 12, Kupang",
            "phone": "081234567890",
            "problem": "Sengketa tanah warisan.",
            "case_type": "perdata",
            "email": "",
            "language": "id",
            "consent": "1",
            "form_token": secrets.token_hex(16),
            "ktp": (io.BytesIO(PDF), "ktp.pdf"),
            "sktm": (io.BytesIO(PDF), "sktm.pdf"),
        },
        multipart=True,
    )


def public_intake_ip(env):
    return Target(
        env.anonymous(),
        "/layanan/ip_facilitation",
        {
            "name": "Kelompok Tenun Uji",
            "nik": "5371010101010002",
            "phone": "081234567891",
            "ip_type": "merek",
            "business": "Tenun Uji",
            "classes": "2",
            "description": "Merek kain tenun.",
            "email": "",
            "language": "id",
            "consent": "1",
            "form_token": secrets.token_hex(16),
            "ktp": (io.BytesIO(PDF), "ktp.pdf"),
            "specimen": (io.BytesIO(PDF), "specimen.pdf"),
        },
        multipart=True,
    )


def public_intake_complaint(env):
    return Target(
        env.anonymous(),
        "/layanan/public_complaint",
        {
            "name": "Pelapor Uji",
            "phone": "0812",
            "confidential": "1",
            "reported_person": "Petugas",
            "place": "Loket",
            "time": "Senin",
            "chronology": "Kronologi.",
            "email": "",
            "language": "id",
            "consent": "1",
            "form_token": secrets.token_hex(16),
        },
        multipart=True,
    )


def act_record_payment(env):
    with env.ctx():
        req = create_request(
            user("officer"),
            process="naturalisation",
            details={"name": "Warga Uji", "nationality": "Timor-Leste", "passport": "P-1", "address": "Kupang"},
        )
        db.session.commit()
        request_id, version = req.id, req.version
        force_state(request_id, "examination")
    return Target(
        env.signed_in("officer"),
        f"/permohonan/{request_id}/aksi",
        {
            "trigger": "record_payment",
            "version": str(version),
            "amount": "350000",
            "receipt_number": "PNBP-1",
            "payment_date": f"{NEXT_YEAR}-01-10",
        },
        from_page=f"/permohonan/{request_id}",
    )


def track(env):
    return Target(env.anonymous(), "/track", {"code": "ABCD-EFGH", "pin": "123456"})


def track_act(env):
    # a legal-aid request from the public form, returned to the applicant for completion
    with env.ctx():
        req = create_request(
            PublicActor(request_id=0),
            process="legal_aid",
            office=db.session.scalar(select(Office)),
            details={
                "name": "Maria Uji",
                "nik": "5371010101010001",
                "address": "Jalan Kenari 12",
                "phone": "0812",
                "problem": "Sengketa.",
                "case_type": "perdata",
            },
        )
        db.session.commit()
        request_id, version = req.id, req.version
        force_state(request_id, "incomplete")
    browser = env.anonymous()
    with browser.client.session_transaction() as session:
        session["track"] = request_id  # as after a code and PIN
    return Target(
        browser,
        "/track/aksi",
        {
            "version": str(version),
            "trigger": "withdraw",
            "comment": "Tidak jadi.",
            "case_documents": (io.BytesIO(PDF), "perkara.pdf"),
        },
        from_page="/track",
        multipart=True,
    )


def issued_code(env):
    req = quick_request(env, "meeting_held")
    with env.ctx():
        return final_minutes(req["id"]).code


def verify_upload(env):
    code = issued_code(env)
    return Target(env.anonymous(), f"/verifikasi/{code}", {"file": (io.BytesIO(PDF), "berkas.pdf")}, multipart=True)


NUMBER, DATE, TIME = tuple(NUMBER_VALUES), tuple(DATE_VALUES), tuple(TIME_VALUES)
FILE = tuple(FILE_VALUES)
FORMS = {
    "login": Form("POST", "/masuk", "anonymous", {"email": (), "password": ()}, login),
    "login_next": Form("POST", "/masuk?next=", "anonymous", {"next": tuple(NEXT_VALUES)}, login_next),
    "language": Form("POST", "/bahasa/en", "anonymous", {"next": tuple(NEXT_VALUES)}, language),
    "password": Form("POST", "/akun/kata-sandi", "officer", {"current": (), "new": (), "confirm": ()}, password),
    "list_drafter": Form(
        "GET",
        "/permohonan/",
        "drafter",
        {f: NUMBER for f in ("page", "before")}
        | {f: () for f in ("q", "process_type", "phase", "state", "organisation_id", "assignee_id", "overdue", "mine")},
        list_page("drafter"),
        query=True,
    ),
    "list_staff": Form(
        "GET",
        "/permohonan/",
        "officer",
        {f: NUMBER for f in ("page", "before", "organisation_id", "assignee_id")}
        | {f: () for f in ("q", "process_type", "phase", "state", "overdue", "mine")},
        list_page("officer"),
        query=True,
    ),
    "new_case": Form(
        "POST",
        "/permohonan/baru",
        "drafter",
        {
            "process_type": (),
            "title": (),
            "external_ref": (),
            "applicant_type": (),
            "application_letter_number": (),
            "application_letter_date": DATE,
        },
        new_case,
    ),
    "new_walk_in": Form(
        "POST",
        "/permohonan/baru/naturalisation",
        "officer",
        {f: () for f in ("name", "nationality", "passport", "address", "email")},
        new_walk_in,
    ),
    "act_assign": Form(
        "POST",
        "/permohonan/<id>/aksi",
        "head",
        {"trigger": (), "version": NUMBER, "comment": (), "assignees": NUMBER},
        act_assign,
    ),
    "act_extend": Form("POST", "/permohonan/<id>/aksi", "head", {"days": NUMBER, "comment": ()}, act_extend),
    "act_schedule": Form("POST", "/permohonan/<id>/aksi", "officer", {"meeting_date": DATE}, act_schedule),
    "act_conclude": Form("POST", "/permohonan/<id>/aksi", "head", {"correction_deadline": DATE}, act_conclude),
    "upload": Form("POST", "/permohonan/<id>/dokumen", "drafter", {"kind": (), "file": FILE}, upload),
    "calendar_staff": Form(
        "GET", "/rapat/", "officer", {"bulan": tuple(MONTH_VALUES)}, calendar("officer"), query=True
    ),
    "calendar_drafter": Form(
        "GET", "/rapat/", "drafter", {"bulan": tuple(MONTH_VALUES)}, calendar("drafter"), query=True
    ),
    "new_meeting": Form(
        "POST",
        "/rapat/baru",
        "officer",
        {
            "request_ids": NUMBER,
            "title": (),
            "date": DATE,
            "time": TIME,
            "duration": NUMBER,
            "place": (),
            "online_link": (),
            "chair_id": NUMBER,
            "inv_name": (),
            "inv_side": (),
            "inv_email": (),
            "confirm_non_working_day": (),
        },
        new_meeting,
    ),
    "new_meeting_page": Form(
        "GET",
        "/rapat/baru",
        "officer",
        {"request_ids": NUMBER},
        lambda env: Target(env.signed_in("officer"), "/rapat/baru", {}),
        query=True,
    ),
    "attendance": Form(
        "POST", "/rapat/<id>/kehadiran", "officer", {"version": NUMBER, "present": NUMBER, "held": ()}, attendance
    ),
    "reschedule": Form(
        "POST",
        "/rapat/<id>/jadwal-ulang",
        "officer",
        {"version": NUMBER, "date": DATE, "time": TIME, "place": (), "online_link": (), "reason": ()},
        reschedule,
    ),
    "cancel": Form("POST", "/rapat/<id>/batal", "officer", {"version": NUMBER, "reason": ()}, cancel),
    "minutes_save": Form(
        "POST",
        "/berita-acara/<id>",
        "officer",
        {
            "version": NUMBER,
            "conclusion": (),
            "notes": (),
            "correction_deadline": DATE,
            "application_letter_number": (),
            "application_letter_date": DATE,
            "legal_basis": (),
            "signatories": (),
            "aspect": (),
            "article": (),
            "finding": (),
            "agreed_change": (),
        },
        minutes_save,
    ),
    "minutes_finalise": Form(
        "POST",
        "/berita-acara/<id>/final",
        "officer",
        {
            "version": NUMBER,
            "conclusion": (),
            "correction_deadline": DATE,
            "application_letter_date": DATE,
            "signatories": (),
            "notes": (),
        },
        minutes_finalise,
    ),
    "admin_users": Form("GET", "/admin/pengguna", "admin", {"page": NUMBER}, admin_list, query=True),
    "admin_new_user": Form(
        "POST",
        "/admin/pengguna/baru",
        "admin",
        {f: () for f in ("email", "name", "position", "role", "password", "active")} | {"organisation_id": NUMBER},
        admin_user(existing=False),
    ),
    "admin_edit_user": Form(
        "POST",
        "/admin/pengguna/<id>",
        "admin",
        {f: () for f in ("email", "name", "position", "role", "password", "active")} | {"organisation_id": NUMBER},
        admin_user(existing=True),
    ),
    "admin_organisation": Form(
        "POST", "/admin/organisasi/baru", "admin", {"name": (), "kind": (), "region": ()}, admin_organisation
    ),
    "admin_override": Form(
        "POST", "/admin/hari-libur", "admin", {"day": DATE, "working": (), "reason": ()}, admin_override
    ),
    "admin_settings": Form(
        "POST",
        "/admin/pengaturan",
        "admin",
        {"name": (), "letterhead": (), "registration_format": tuple(FORMAT_VALUES)},
        admin_settings,
    ),
    "admin_catalogue": Form(
        "POST",
        "/admin/layanan/public_complaint",
        "admin",
        {
            "enabled": (),
            "limit_time_limit": NUMBER,
            "limit_timer__deem_withdrawn": NUMBER,
            "limit_deadline__written_reply": NUMBER,
            "documents": (),
        },
        admin_catalogue,
    ),
    "public_intake": Form(
        "POST",
        "/layanan/legal_aid",
        "anonymous",
        {f: () for f in ("name", "nik", "address", "phone", "problem", "case_type", "email", "language")}
        | {"ktp": FILE, "consent": (), "form_token": ()},
        public_intake,
    ),
    "public_intake_ip": Form(
        "POST",
        "/layanan/ip_facilitation",
        "anonymous",
        {"ip_type": (), "classes": NUMBER, "umk": ()},
        public_intake_ip,
    ),
    "public_intake_complaint": Form(
        "POST", "/layanan/public_complaint", "anonymous", {"confidential": (), "phone": ()}, public_intake_complaint
    ),
    "act_record_payment": Form(
        "POST",
        "/permohonan/<id>/aksi",
        "officer",
        {"amount": NUMBER, "receipt_number": (), "payment_date": DATE},
        act_record_payment,
    ),
    "track": Form("POST", "/track", "anonymous", {"code": (), "pin": ()}, track),
    "track_act": Form(
        "POST",
        "/track/aksi",
        "anonymous",
        {
            "version": NUMBER,
            "trigger": (),
            "comment": (),
            "case_documents": FILE,
            "obh_letter": FILE,
            "no_such_kind": FILE,
        },
        track_act,
    ),
    "verify_upload": Form("POST", "/verifikasi/<code>", "anonymous", {"file": FILE}, verify_upload),
}
EXTRA = NUMBER_VALUES | DATE_VALUES | TIME_VALUES | MONTH_VALUES | NEXT_VALUES | FORMAT_VALUES | FILE_VALUES


def cases():
    for key, form in FORMS.items():
        for name, extra in form.fields.items():
            for value in (*VALUES, *extra):
                yield pytest.param(key, name, value, id=f"{form.method} {form.route} {name}={value} [{form.role}]")


def send(target: Target, form: Form, name: str, raw):
    value = raw() if callable(raw) else raw
    if form.query:
        args = dict(target.data)
        if value is MISSING:
            args.pop(name, None)
        else:
            args[name] = value
        return target.browser.get(target.path, query_string=args)
    data = dict(target.data)
    if value is MISSING:
        data.pop(name, None)
    else:
        data[name] = value
    path = target.path
    if form.route == "/masuk?next=":  # a query argument of a POST
        path += (
            "?" + "&".join("next=" + quote(v, safe="") for v in (value if isinstance(value, list) else [value]))
            if value is not MISSING
            else ""
        )
        data.pop("next", None)
    kw = {"content_type": "multipart/form-data"} if target.multipart else {}
    # the CSRF token comes from the form's page as it is, never from a page asked with bad values
    return target.browser.post(path, data, from_page=target.from_page or target.path, **kw)


@pytest.fixture(scope="module")
def password_user(app):
    """A user of this module's own for the password form, signed in once."""
    email = f"uji-{uuid.uuid4().hex[:10]}@harmoni.test"
    with app.app_context():
        db.session.add(
            User(
                email=email,
                name="Pengguna Uji",
                role="officer",
                password_hash=PASSWORD_HASH,
                office_id=db.session.scalar(select(Office.id)),
            )
        )
        db.session.commit()
    browser = WebClient(app)
    browser.login(email)
    yield browser, email
    with app.app_context():
        db.session.execute(delete(User).where(User.email == email))
        db.session.commit()


@pytest.mark.parametrize("form_key, field_name, value_name", list(cases()))
def test_malformed_input_is_never_a_server_error(app, api, signed_in, password_user, form_key, field_name, value_name):
    form = FORMS[form_key]
    target = form.setup(Env(app, api, signed_in, password_user))
    try:
        r = send(target, form, field_name, {**VALUES, **EXTRA}[value_name])
    finally:
        if target.cleanup:
            target.cleanup()
    assert r.status_code < 500, (form.method, target.path, field_name, value_name, r.status_code)
    if r.status_code == 302:
        assert r.headers["Location"], "a redirect goes somewhere"


# The valid body of each form, as set up above: what it answers. The malformed cases change one
# field of it, so they reach as deep into the view as a valid form would.
ACCEPTED = {
    "login": 422,  # a wrong password: the malformed values are not tried as a sign-in
    "public_intake": 302,  # Post/Redirect/Get: to the confirmation
    "public_intake_ip": 302,
    "public_intake_complaint": 302,
    "track": 200,
    "verify_upload": 200,
}


@pytest.mark.parametrize("form_key", FORMS)
def test_the_valid_form_is_accepted(app, api, signed_in, password_user, form_key):
    form = FORMS[form_key]
    target = form.setup(Env(app, api, signed_in, password_user))
    try:
        r = send(target, form, None, MISSING)
    finally:
        if target.cleanup:
            target.cleanup()
    expected = ACCEPTED.get(form_key, 200 if form.method == "GET" else 302)
    assert r.status_code == expected, (form_key, r.status_code, r.get_data(as_text=True)[:3000])


PATH_VALUES = {
    "text": "abc",
    "huge": HUGE,
    "negative": "-1",
    "nul": "%00",
    "long": "x" * 100_000,
    "bad_date": "2026-13-45",
    "spaces": "%20%20",
}
PATHS = {
    "verify": ("GET", "/verifikasi/{}", "anonymous"),
    "language": ("POST", "/bahasa/{}", "anonymous"),
    "process_map": ("GET", "/bantuan/proses/{}.svg", "anonymous"),
    "service": ("GET", "/layanan/{}", "anonymous"),
    "walk_in": ("GET", "/permohonan/baru/{}", "officer"),
    "request": ("GET", "/permohonan/{}", "drafter"),
    "document": ("GET", "/permohonan/1/dokumen/{}", "drafter"),
    "meeting": ("GET", "/rapat/{}", "officer"),
    "invitation": ("GET", "/rapat/{}/undangan.ics", "officer"),
    "minutes": ("GET", "/berita-acara/{}", "officer"),
    "issued": ("GET", "/dokumen-resmi/{}.pdf", "officer"),
    "override": ("POST", "/admin/hari-libur/{}/hapus", "admin"),
}


def path_cases():
    for key, (method, pattern, role) in PATHS.items():
        for value in PATH_VALUES:
            yield pytest.param(key, value, id=f"{method} {pattern.format('<' + value + '>')} [{role}]")


@pytest.mark.parametrize("path_key, value_name", list(path_cases()))
def test_malformed_path_parts_are_never_a_server_error(app, api, signed_in, path_key, value_name):
    """Path parameters (ids, names, codes): refused (404 mostly), never a 500."""
    method, pattern, role = PATHS[path_key]
    browser = Env(app, api, signed_in, ()).anonymous() if role == "anonymous" else signed_in(role)
    path = pattern.format(PATH_VALUES[value_name])
    r = browser.post(path, {}, from_page="/bantuan/") if method == "POST" else browser.get(path)
    assert r.status_code < 500, (method, pattern, value_name, r.status_code)
