"""Requests from the public: opened without an account through a form, followed with a tracking
code and a PIN (only the PIN's hash is kept)."""

import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..actors import PublicActor
from ..engine.errors import InvalidInput, NotPermitted
from ..extensions import db
from ..models import Office, Request
from ..models.time import utcnow
from ..models.user import dummy_hash
from ..processes import get_process
from .requests import create_request, files_removed_on_failure, upload_documents
from .transitions import fire

RESEND_WINDOW = timedelta(minutes=30)  # a repeated form post within it shows the same request
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def public_office(code: str | None) -> Office:
    offices = db.session.scalars(select(Office).where(Office.code == code) if code else select(Office)).all()
    if len(offices) != 1:
        raise NotPermitted("Layanan publik belum dikonfigurasi untuk kantor ini.")
    return offices[0]


def new_tracking_code() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        if db.session.scalar(select(Request.id).where(Request.tracking_code == code)) is None:
            return code


def submit_public_request(
    process: str,
    *,
    details: dict,
    email: str | None,
    language: str,
    uploads: list[tuple[str, str, bytes]],
    store,
    max_bytes: int,
    office_code: str | None = None,
    intake_token: str | None = None,
    consent: dict | None = None,
    now=None,
) -> tuple[Request, str, str]:
    """Open, document and submit a request from the public form, all in one transaction.
    Returns the request, its tracking code and its PIN (shown once, never stored in clear).

    `intake_token` is the form's one-time token: when a request was already filed with it (a
    double click, or the form posted again), that request is returned with a new PIN instead
    (the browser showed the last answer only, so the first PIN was never seen), and nothing is
    filed again. `consent` (the personal-data notice agreed to) is recorded in the first event."""
    definition = get_process(process)
    if definition.intake != "public":
        raise NotPermitted("Layanan ini tidak menerima permohonan daring.")
    now = now or utcnow()
    if intake_token is not None:
        filed = db.session.scalar(select(Request).where(Request.intake_token == intake_token))
        if filed is not None:
            if filed.process != process or now - filed.created_at > RESEND_WINDOW:
                raise InvalidInput(details={"_": ["Formulir ini sudah dikirim. Muat ulang halaman formulir."]})
            return filed, filed.tracking_code, _new_pin(filed)
    office = public_office(office_code)
    email = _normalised_email(email)
    request = create_request(
        PublicActor(request_id=0),
        process=process,
        details=details,
        office=office,
        applicant_email=email,
        applicant_language=language,
        consent=consent,
        now=now,
    )
    code, pin = _issue_tracking(request)
    request.intake_token = intake_token
    db.session.flush()  # a concurrent double click waits here, then fails on the token: one request
    applicant = PublicActor(request_id=request.id)
    _upload_and_fire(request, applicant, "submit", uploads, store=store, max_bytes=max_bytes, now=now)
    return request, code, pin


def register_oral_application(
    officer,
    process: str,
    *,
    details: dict,
    email: str | None,
    uploads: list[tuple[str, str, bytes]],
    store,
    max_bytes: int,
    now=None,
) -> tuple[Request, str, str]:
    """An oral application written down by an officer at the counter (legal aid, PP 42/2013):
    opened by the officer, the applicant's papers and the thumbprinted statement uploaded, and
    registered, all in one transaction. The applicant follows it with a tracking code and PIN,
    as if they had used the form. Returns the request, its code and its PIN."""
    definition = get_process(process)
    if not definition.counter_intake:
        raise NotPermitted("Layanan ini tidak menerima permohonan lisan.")
    email = _normalised_email(email)
    request = create_request(officer, process=process, details=details, applicant_email=email, now=now)
    code, pin = _issue_tracking(request)
    _upload_and_fire(request, officer, "register_oral", uploads, store=store, max_bytes=max_bytes, now=now)
    return request, code, pin


def _normalised_email(email: str | None) -> str | None:
    if email is None:
        return None
    try:
        return validate_email(email, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError:
        raise InvalidInput(details={"email": ["Alamat email tidak valid."]}) from None


def _new_pin(request: Request) -> str:
    """A new six-digit PIN for `request`; only its hash is kept."""
    pin = f"{secrets.randbelow(10**6):06d}"
    request.pin_hash = generate_password_hash(pin, method=current_app.config["PASSWORD_HASH_METHOD"])
    return pin


def _issue_tracking(request: Request) -> tuple[str, str]:
    """A new tracking code and PIN for `request`: returns both."""
    request.tracking_code = new_tracking_code()
    return request.tracking_code, _new_pin(request)


def _upload_and_fire(request: Request, actor, trigger: str, uploads, *, store, max_bytes: int, now) -> None:
    """Upload the applicant's files, then fire `trigger`. The files this call added to the store
    are removed again if anything fails (the transaction rolls back the rows, not the files)."""
    with files_removed_on_failure(store) as written:
        upload_documents(request, actor, uploads, store=store, max_bytes=max_bytes, now=now, written=written)
        fire(request, trigger, actor, version=request.version, now=now)


def normalise_code(code: str | None) -> str:
    """A tracking code as typed: with or without its hyphen (or with spaces), in any case."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else (code or "").strip().upper()


def find_tracked(code: str, pin: str) -> Request | None:
    """The request with this code if the PIN matches; None otherwise, alike for a wrong PIN and
    an unknown code (same work, same answer: the page never reveals whether a code exists)."""
    code = normalise_code(code)
    request = db.session.scalar(select(Request).where(Request.tracking_code == code)) if code else None
    ok = check_password_hash(request.pin_hash if request else dummy_hash(), (pin or "").strip())
    return request if request is not None and ok else None
