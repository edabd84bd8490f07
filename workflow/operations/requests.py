"""Creating requests and adding documents to them."""

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from sqlalchemy import func, select

from ..access import can_view
from ..catalogue import is_enabled
from ..documents.filetypes import check_archive, clean_filename, sniff
from ..documents.numbering import format_number, next_value
from ..documents.store import DocumentStore
from ..engine.calendar import WorkingCalendar
from ..engine.errors import (
    FileTooLarge,
    HarmoniError,
    InvalidInput,
    NotFound,
    NotPermitted,
    QuotaExceeded,
    StaleVersion,
    TransitionUnavailable,
    reject_nul,
)
from ..extensions import db
from ..models import Document, Organisation, Request
from ..models.time import local_date, utcnow
from ..processes import get_process
from ..processes.common import APPLICANT_TYPES
from ..vocabulary import APPLICANT, PUBLIC, STAFF
from .audit import append_event
from .milestones import record_milestones
from .transitions import ISO_DATE

log = logging.getLogger(__name__)

INTAKE_ROLES = {"account": APPLICANT, "staff": STAFF, "public": PUBLIC}  # who opens a request, by intake


def create_request(
    actor,
    *,
    process: str,
    title: str | None = None,
    external_ref: str | None = None,
    details: dict | None = None,
    office=None,
    applicant_email: str | None = None,
    applicant_language: str = "id",
    consent: dict | None = None,
    applicant_type: str | None = None,
    application_letter_number: str | None = None,
    application_letter_date: str | date | None = None,
    now=None,
) -> Request:
    """A new request in its process's initial state, numbered (gapless per office, process, year).

    Who opens it depends on the process: an applicant organisation's drafter (for that
    organisation), an officer registering a walk-in applicant, or the public form.
    :raise NotPermitted: the actor may not open this kind of request
    :raise InvalidInput: a missing title or an invalid intake field, naming each
    """
    definition = get_process(process)
    counter = definition.counter_intake and actor.role in INTAKE_ROLES["staff"]  # an oral application
    if actor.role not in INTAKE_ROLES[definition.intake] and not counter:
        raise NotPermitted("Anda tidak dapat membuat permohonan jenis ini.")
    office = _intake_office(actor, office)
    if not is_enabled(office, definition):
        # switched off in the office's catalogue: no new requests (running ones finish)
        raise NotPermitted("Layanan ini tidak tersedia di kantor ini.")
    details = validate_details(definition, details or {})
    # a default title names the applicant, unless they asked that their identity stay confidential:
    # every list, page and e-mail of the office shows the title
    default = f"{definition.label}: {details['name']}" if details.get("name") else ""
    if default and definition.identity_withheld(details):
        default = definition.label
    title = (title or "").strip() or default
    if not title:
        raise InvalidInput("Judul wajib diisi.", details={"title": ["Judul wajib diisi."]})
    reject_nul(title=title, external_ref=external_ref)
    now = now or utcnow()
    organisation = db.session.get(Organisation, actor.organisation_id) if actor.role == "drafter" else None
    year = local_date(now, office.timezone).year
    seq = next_value(office.id, f"registration:{definition.name}", year)
    number = format_number(
        office.setting("number_formats", "registration"),
        seq=seq,
        year=year,
        process=definition.number_code,
        office=office.code,
    )
    applicant = _applicant(
        definition,
        organisation,
        applicant_type,
        application_letter_number,
        application_letter_date,
        local_date(now, office.timezone),
    )
    request = Request(
        **applicant,
        process=definition.name,
        number=number,
        title=title,
        state=definition.initial,
        office_id=office.id,
        organisation_id=organisation.id if organisation else None,
        created_by_id=actor.id,
        details=details,
        applicant_email=applicant_email,
        applicant_language=applicant_language,
        external_ref=(external_ref or "").strip() or None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(request)
    # a request opened by the public or at the counter reaches the office as it is created
    record_milestones(request, definition, None, local_date(now, office.timezone), WorkingCalendar())
    db.session.flush()
    # the event names what was opened, never the personal details (the timeline is widely seen)
    data: dict[str, object] = {"number": number, "title": title, "external_ref": request.external_ref}
    if actor.id is None:
        data["by"] = actor.role
    if consent:  # UU 27/2022: the notice the applicant agreed to, kept in the audit trail
        data["consent"] = consent
    append_event(request, actor, "create", None, request.state, now=now, data=data)
    db.session.flush()
    return request


def _intake_office(actor, office):
    """The office a new request goes to: a drafter's organisation's, else the given one, else
    the staff member's own."""
    if actor.role == "drafter":
        return db.session.get(Organisation, actor.organisation_id).office
    return office if office is not None else actor.office


def _applicant(definition, organisation, applicant_type, letter_number, letter_date, today) -> dict:
    """Who applies and their application letter, checked; InvalidInput naming every wrong field.
    Without a type, an organisation's own: a DPRD applies as the DPRD, a government as its head."""
    if not definition.applicant_types:
        return {}
    errors = {}
    default = "dprd" if organisation is not None and organisation.kind == "dprd" else "kepala_daerah"
    applicant_type = applicant_type or default
    if applicant_type not in APPLICANT_TYPES:
        errors["applicant_type"] = ["Jenis pemrakarsa tidak dikenal: pilih kepala_daerah atau dprd."]
    elif applicant_type not in definition.applicant_types:
        errors["applicant_type"] = ["Rancangan ini hanya dapat diajukan oleh Kepala Daerah melalui Sekretaris Daerah."]
    elif organisation is not None and (organisation.kind == "dprd") != (applicant_type == "dprd"):
        errors["applicant_type"] = ["Jenis pemrakarsa tidak sesuai dengan organisasi Anda."]
    number, letter_date = _application_letter(errors, letter_number, letter_date, today)
    if errors:
        raise InvalidInput(details=errors)
    return {
        "applicant_type": applicant_type,
        "application_letter_number": number,
        "application_letter_date": letter_date,
    }


def _application_letter(errors: dict, letter_number, letter_date, today: date) -> tuple[str | None, date | None]:
    """The application letter's number (text, at most 120 characters) and date (YYYY-MM-DD, not
    after today) as clean values, None where not given; a wrong one named in `errors`."""
    number = letter_number.strip() or None if isinstance(letter_number, str) else None
    if (letter_number is not None and not isinstance(letter_number, str)) or (
        number is not None and (len(number) > 120 or "\x00" in number)
    ):
        errors["application_letter_number"] = ["Nomor surat permohonan berupa teks, paling banyak 120 karakter."]
    if letter_date is not None and not isinstance(letter_date, str | date):
        errors["application_letter_date"] = ["Tanggal surat permohonan harus berupa tanggal (YYYY-MM-DD)."]
        letter_date = None
    elif isinstance(letter_date, str) and letter_date.strip():
        try:
            if not ISO_DATE.fullmatch(letter_date.strip()):
                raise ValueError
            letter_date = date.fromisoformat(letter_date.strip())
        except ValueError:
            errors["application_letter_date"] = ["Tanggal surat permohonan harus berupa tanggal (YYYY-MM-DD)."]
    elif not isinstance(letter_date, date):
        letter_date = None
    if isinstance(letter_date, date) and letter_date > today:
        errors["application_letter_date"] = ["Tanggal surat permohonan tidak boleh setelah hari ini."]
    return number, letter_date if isinstance(letter_date, date) else None


APPLICATION_LETTER = ("application_letter_number", "application_letter_date")


def application_letter_editable(actor, request) -> bool:
    """The applicant's drafter fills in or corrects the application letter's number and date
    while the file is theirs in its intake: a draft, or returned for completion (not once the
    office has it: the berita acara and the letters cite them)."""
    process = get_process(request.process)
    return (
        bool(process.applicant_types)
        and actor.role == "drafter"
        and actor.organisation_id == request.organisation_id
        and request.state in process.applicant_upload_states
        and process.state(request.state).phase == "intake"
    )


def update_application_letter(request, actor, *, version: int | None, fields: dict, now=None):
    """Set the application letter's number and/or date (the keys of `fields` among
    APPLICATION_LETTER; a key given as null or "" clears it), with an audit event naming what
    changed. Nothing changed, nothing written.

    :raise NotFound: not visible; :raise StaleVersion: `version` is not the current one;
    :raise NotPermitted: not the applicant's drafter, or a process without an application letter;
    :raise TransitionUnavailable: the file is not a draft or returned for completion;
    :raise InvalidInput: an unknown field, or a wrong number or date, naming each
    """
    if not can_view(actor, request):
        raise NotFound()
    if version is not None and version != request.version:
        raise StaleVersion(details={"current_version": request.version, "state": request.state})
    process = get_process(request.process)
    if not process.applicant_types or actor.role != "drafter" or actor.organisation_id != request.organisation_id:
        raise NotPermitted("Hanya perancang pemrakarsa yang dapat mengubah data surat permohonan.")
    if not application_letter_editable(actor, request):
        raise TransitionUnavailable(
            "Data surat permohonan hanya dapat diubah selama permohonan masih draf atau dikembalikan untuk dilengkapi."
        )
    errors = {name: ["Kolom tidak dikenal."] for name in fields if name not in APPLICATION_LETTER}
    now = now or utcnow()
    number, letter_date = _application_letter(
        errors,
        fields.get("application_letter_number"),
        fields.get("application_letter_date"),
        local_date(now, request.office.timezone),
    )
    if errors:
        raise InvalidInput(details=errors)
    new = {"application_letter_number": number, "application_letter_date": letter_date}
    changed = {name: value for name, value in new.items() if name in fields and getattr(request, name) != value}
    if not changed:
        return request
    for name, value in changed.items():
        setattr(request, name, value)
    request.updated_at = now
    db.session.flush()
    append_event(
        request,
        actor,
        "update_application_letter",
        request.state,
        request.state,
        now=now,
        data={name: value.isoformat() if isinstance(value, date) else value for name, value in changed.items()},
    )
    db.session.flush()
    return request


def validate_details(process, raw: dict) -> dict:
    """The process's intake fields as clean values; InvalidInput naming every wrong one."""
    if not isinstance(raw, dict):
        raise InvalidInput(details={"details": ["Harus berupa objek."]})
    errors, values = {}, {}
    for name in raw:
        if process.intake_field(name) is None:
            errors[name] = ["Kolom tidak dikenal."]
    for field in process.fields:
        value = raw.get(field.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if field.required and field.kind != "bool":
                errors[field.name] = ["Wajib diisi."]
            elif field.kind == "bool":
                values[field.name] = False
            continue
        try:
            values[field.name] = _field_value(field, value)
        except ValueError as exc:
            errors[field.name] = [str(exc)]
    if errors:
        raise InvalidInput(details=errors)
    return values


def _field_value(field, value):
    if field.kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "y", "ya", "on", "yes"):
            return True
        if str(value).lower() in ("0", "false", "n", "tidak", "off", "no"):
            return False
        raise ValueError("Pilih ya atau tidak.")
    if field.kind == "int":
        text = str(value).strip() if not isinstance(value, bool) else ""
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            raise ValueError("Harus berupa bilangan bulat.")
        number = int(text)
        if field.minimum is not None and number < field.minimum or field.maximum is not None and number > field.maximum:
            raise ValueError(f"Harus antara {field.minimum} dan {field.maximum}.")
        return number
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError("Harus berupa teks.")
    if len(value) > field.max_length:
        raise ValueError(f"Paling banyak {field.max_length} karakter.")
    if field.kind == "choice" and value not in dict(field.choices):
        raise ValueError("Pilih salah satu: " + ", ".join(dict(field.choices)) + ".")
    if field.kind == "date":
        value = value.strip()
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise ValueError("Harus berupa tanggal (YYYY-MM-DD).") from None
    if field.kind == "email":
        try:
            value = validate_email(value, check_deliverability=False, test_environment=True).normalized
        except EmailNotValidError:
            raise ValueError("Alamat email tidak valid.") from None
    if field.name == "nik" and not (value.isascii() and value.isdigit() and len(value) == 16):
        raise ValueError("NIK terdiri atas 16 angka.")
    return value


@dataclass(frozen=True)
class UploadLimits:
    per_request: int  # document versions on one request
    per_hour: int  # uploads by one account in the last hour
    max_unpacked: int  # bytes a DOCX/ODT may unpack to
    max_ratio: int  # ... and times its own size


def upload_limits() -> UploadLimits:
    """The limits from the configuration (see config.py; defaults when no app is around)."""
    config = current_app.config if has_app_context() else {}
    return UploadLimits(
        per_request=config.get("UPLOAD_QUOTA_PER_REQUEST", 200),
        per_hour=config.get("UPLOAD_QUOTA_PER_HOUR", 100),
        max_unpacked=config.get("MAX_UNPACKED_BYTES", 100 * 1024 * 1024),
        max_ratio=config.get("MAX_COMPRESSION_RATIO", 100),
    )


def _check_quotas(request, actor, now, limits: UploadLimits) -> None:
    """Counted in the database, so they hold across workers and servers. The public applicant has
    no account: the per-request quota (and the address rate limit) bounds them."""
    on_request = db.session.scalar(select(func.count()).select_from(Document).where(Document.request_id == request.id))
    if on_request >= limits.per_request:
        raise QuotaExceeded(
            f"Batas unggahan tercapai: permohonan ini sudah memuat {limits.per_request} berkas. "
            "Hubungi kantor wilayah bila perlu mengunggah lebih banyak."
        )
    if actor.id is None:
        return
    last_hour = db.session.scalar(
        select(func.count())
        .select_from(Document)
        .where(Document.uploaded_by_id == actor.id, Document.created_at > now - timedelta(hours=1))
    )
    if last_hour >= limits.per_hour:
        raise QuotaExceeded(
            f"Batas unggahan tercapai: paling banyak {limits.per_hour} berkas per jam. Coba lagi nanti."
        )


def upload_document(
    request, actor, *, kind: str, filename: str, content: bytes, store: DocumentStore, max_bytes: int, now=None
) -> Document:
    """Store `content` as the next version of `kind` on `request`, and record it as an event.

    Checks, in order: visible (404), the kind exists (422), the actor's side may upload it in
    this state (403 / 409), the upload quotas (429), the size (413), the name (422; invisible
    format characters are dropped), the content type (415), and for DOCX/ODT the unpacked size (415).
    """
    if not can_view(actor, request):
        raise NotFound()
    process = get_process(request.process)
    definition = process.document_kind(kind)
    if definition is None:
        raise InvalidInput(
            "Jenis dokumen tidak dikenal.",
            details={"kind": [f"Pilih salah satu: {', '.join(k.name for k in process.document_kinds)}."]},
        )
    side = "applicant" if actor.role in ("drafter", "public") else "staff"
    # at the counter, the officer writing down an oral application hands in the applicant's papers
    counter = side == "staff" and request.state == process.initial and request.created_by_id == actor.id
    if (definition.uploader != side and not counter) or actor.role == "admin":
        raise NotPermitted("Anda tidak berwenang mengunggah jenis dokumen ini.")
    states = process.applicant_upload_states if side == "applicant" else process.staff_upload_states
    if request.state not in states:
        raise TransitionUnavailable("Dokumen tidak dapat diunggah pada status permohonan saat ini.")
    now = now or utcnow()
    limits = upload_limits()
    _check_quotas(request, actor, now, limits)
    if len(content) > max_bytes:
        log.info("upload rejected: request %s kind %s: %d bytes over the limit", request.id, kind, len(content))
        raise FileTooLarge(f"Berkas terlalu besar (maksimum {max_bytes // 1024} KB).")
    filename = clean_filename(filename)
    if not content:
        raise InvalidInput("Berkas kosong.", details={"file": ["Berkas kosong."]})
    try:
        media_type = sniff(content, images=definition.images)
        check_archive(content, media_type, max_unpacked=limits.max_unpacked, max_ratio=limits.max_ratio)
    except HarmoniError as error:
        log.info("upload rejected: request %s kind %s: %s", request.id, kind, error.code)
        raise

    sha256 = store.put(content)
    version = 1 + (
        db.session.scalar(
            select(func.max(Document.version)).where(Document.request_id == request.id, Document.kind == kind)
        )
        or 0
    )
    document = Document(
        request_id=request.id,
        kind=kind,
        version=version,
        filename=filename,
        media_type=media_type,
        size=len(content),
        sha256=sha256,
        uploaded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(document)
    request.updated_at = now
    db.session.flush()
    append_event(
        request,
        actor,
        "upload_document",
        request.state,
        request.state,
        now=now,
        data={
            "document_id": document.id,
            "kind": kind,
            "version": version,
            "filename": filename,
            "sha256": sha256,
            "size": len(content),
        },
    )
    db.session.flush()
    return document


@contextmanager
def files_removed_on_failure(store: DocumentStore) -> Iterator[list[str]]:
    """Collect the SHA-256 of each file the block adds to the store (`written.append`), and remove
    them again if the block fails: the rollback undoes the rows, not the files."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for sha256 in written:
            store.discard(sha256)
        raise


def upload_documents(
    request, actor, uploads, *, store: DocumentStore, max_bytes: int, now=None, written: list[str] | None = None
) -> list[Document]:
    """Upload `uploads` ((kind, filename, content), ...) as upload_document does, all or none: the
    files this call added to the store are removed again if one of them is refused. `written` (of
    an enclosing files_removed_on_failure) also gets them, for a failure after this call."""
    documents = []
    with files_removed_on_failure(store) as added:
        for kind, filename, content in uploads:
            existed = store.path(hashlib.sha256(content).hexdigest()).exists()
            document = upload_document(
                request, actor, kind=kind, filename=filename, content=content, store=store, max_bytes=max_bytes, now=now
            )
            documents.append(document)
            if not existed:
                added.append(document.sha256)
    if written is not None:
        written.extend(added)
    return documents
