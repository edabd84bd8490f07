"""Creating requests and adding documents to them."""
from sqlalchemy import func, select

from ..access import can_view
from ..documents.filetypes import clean_filename, sniff
from ..documents.numbering import format_number, next_value
from ..documents.store import DocumentStore
from ..engine.errors import (
    FileTooLarge, InvalidInput, NotFound, NotPermitted, TransitionUnavailable, reject_nul,
)
from ..extensions import db
from ..models import Document, Organisation, Request
from ..models.time import local_date, utcnow
from ..processes import get_process
from .audit import append_event


def create_request(actor, *, process: str, title: str, external_ref: str | None = None,
                   now=None) -> Request:
    """A new request of `actor`'s organisation, in its process's initial state, numbered.

    :raise NotPermitted: unless the actor is a drafter (applicants open requests)
    """
    definition = get_process(process)
    if actor.role != "drafter":
        raise NotPermitted("Hanya perancang pemrakarsa yang dapat membuat permohonan.")
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Judul wajib diisi.", details={"title": ["Judul wajib diisi."]})
    reject_nul(title=title, external_ref=external_ref)
    now = now or utcnow()
    organisation = db.session.get(Organisation, actor.organisation_id)
    office = organisation.office
    year = local_date(now, office.timezone).year
    seq = next_value(office.id, f"registration:{definition.name}", year)
    number = format_number(office.setting("number_formats", "registration"), seq=seq, year=year,
                           process=definition.number_code, office=office.code)
    request = Request(process=definition.name, number=number, title=title,
                      state=definition.initial, office_id=office.id,
                      organisation_id=organisation.id, created_by_id=actor.id,
                      external_ref=(external_ref or "").strip() or None,
                      created_at=now, updated_at=now)
    db.session.add(request)
    db.session.flush()
    append_event(request, actor, "create", None, request.state, now=now,
                 data={"number": number, "title": title, "external_ref": request.external_ref})
    db.session.flush()
    return request


def upload_document(request, actor, *, kind: str, filename: str, content: bytes,
                    store: DocumentStore, max_bytes: int, now=None) -> Document:
    """Store `content` as the next version of `kind` on `request`, and record it as an event.

    Checks, in order: visible (404), the kind exists (422), the actor's side may upload it in
    this state (403 / 409), the size (413), the name (422), the content type (415).
    """
    if not can_view(actor, request):
        raise NotFound()
    process = get_process(request.process)
    definition = process.document_kind(kind)
    if definition is None:
        raise InvalidInput("Jenis dokumen tidak dikenal.", details={
            "kind": [f"Pilih salah satu: {', '.join(k.name for k in process.document_kinds)}."]})
    side = "applicant" if actor.role == "drafter" else "staff"
    if definition.uploader != side or actor.role == "admin":
        raise NotPermitted("Anda tidak berwenang mengunggah jenis dokumen ini.")
    states = process.applicant_upload_states if side == "applicant" else process.staff_upload_states
    if request.state not in states:
        raise TransitionUnavailable("Dokumen tidak dapat diunggah pada status permohonan saat ini.")
    if len(content) > max_bytes:
        raise FileTooLarge(f"Berkas terlalu besar (maksimum {max_bytes // 1024} KB).")
    filename = clean_filename(filename)
    if not content:
        raise InvalidInput("Berkas kosong.", details={"file": ["Berkas kosong."]})
    media_type = sniff(content)

    now = now or utcnow()
    sha256 = store.put(content)
    version = 1 + (db.session.scalar(select(func.max(Document.version)).where(
        Document.request_id == request.id, Document.kind == kind)) or 0)
    document = Document(request_id=request.id, kind=kind, version=version, filename=filename,
                        media_type=media_type, size=len(content), sha256=sha256,
                        uploaded_by_id=actor.id, created_at=now)
    db.session.add(document)
    request.updated_at = now
    db.session.flush()
    append_event(request, actor, "upload_document", request.state, request.state, now=now,
                 data={"document_id": document.id, "kind": kind, "version": version,
                       "filename": filename, "sha256": sha256, "size": len(content)})
    db.session.flush()
    return document
