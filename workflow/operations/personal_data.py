"""Personal data protection (UU 27/2022): who reads which intake field is one rule per field
(access.can_read_field); every read of personal data is logged; everyone else gets it redacted."""

from sqlalchemy import insert, select

from ..access import can_read_document_kind, can_read_field
from ..engine.errors import NotPermitted
from ..extensions import db, read_only_request
from ..models import AccessLog, Document
from ..processes import PROCESSES

REDACTED = "[disembunyikan]"


def details_for(user, request, purpose: str) -> list[tuple]:
    """(field, value, redacted) for each intake field the request has; logs a read of the
    sensitive ones when this user may see them."""
    process = PROCESSES[request.process]
    confidential = process.identity_withheld(request.details)
    rows, read = [], []
    for field in process.fields:
        if field.name not in (request.details or {}):
            continue
        value = request.details[field.name]
        if not can_read_field(user, request, field):
            rows.append((field, REDACTED, True))
            continue
        if field.sensitive or (field.identity and confidential):
            read.append(field.name)
        rows.append((field, value, False))
    if read:
        log_read(request, user, read, purpose)
    return rows


def document_is_sensitive(request, document) -> bool:
    kind = PROCESSES[request.process].document_kind(document.kind)
    return kind is not None and kind.sensitive


def document_hidden(user, request, document) -> bool:
    """True if `user` sees this document only as a redacted row (no name, no download): a sensitive
    kind (identity cards, passport copies, civil records, case files) follows the rule of sensitive
    fields (access.can_read_document_kind), whether the applicant or the office uploaded it."""
    if user.role in ("drafter", "public"):
        return False  # the applicant's own file (visibility of the request already checked)
    kind = PROCESSES[request.process].document_kind(document.kind)
    return kind is not None and not can_read_document_kind(user, request, kind)


def hidden_document_ids(user, request) -> set[int]:
    """The ids of the request's documents `user` sees only redacted (for lists and the timeline)."""
    if user.role in ("drafter", "public"):
        return set()
    kinds = {k.name for k in PROCESSES[request.process].document_kinds if not can_read_document_kind(user, request, k)}
    if not kinds:
        return set()
    return set(
        db.session.scalars(select(Document.id).where(Document.request_id == request.id, Document.kind.in_(kinds)))
    )


def redact_event_data(data: dict, hidden: set[int]) -> dict:
    """An upload event names its file: hidden with the document."""
    if data and data.get("document_id") in hidden and "filename" in data:
        return {**data, "filename": REDACTED}
    return data


def check_document_read(user, request, document) -> None:
    """Downloading a sensitive document: heads and assigned staff (and the applicant), and the
    intake officer for what they check (access.can_read_document_kind); every staff read logged
    in access_log.

    :raise NotPermitted: for anyone else on the office's side
    """
    if not document_is_sensitive(request, document) or user.role in ("drafter", "public"):
        return
    if document_hidden(user, request, document):
        raise NotPermitted("Dokumen ini memuat data pribadi: hanya untuk pimpinan dan petugas yang ditugaskan.")
    log_read(request, user, [f"document:{document.kind}"], "download")


def log_read(request, user, fields: list[str], purpose: str) -> None:
    """Log a read of personal data at once: the log stands even when the page then fails to render."""
    entry = {"request_id": request.id, "user_id": user.id, "fields": fields, "purpose": purpose}
    if read_only_request():
        # its transaction stays read-only (no write lock on SQLite, see create_app): a connection
        # of its own writes the log
        with db.engine.begin() as connection:
            connection.execute(insert(AccessLog).values(**entry))
    else:
        # a change is under way and holds the write lock, and on PostgreSQL the request's row
        # lock, which another connection's foreign-key check on access_log would wait on forever
        db.session.add(AccessLog(**entry))
        db.session.commit()  # commits itself: the log of a read stands even when the page then fails
