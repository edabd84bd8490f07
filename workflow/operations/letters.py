"""The office's other letters around a harmonisation (DOMAIN.md section 3): the meeting invitation
(undangan rapat) and the return for completion (surat pengembalian berkas); the final result after an
accepted correction (surat hasil akhir) is issued by operations/issued.py with the same letter fields.
Each is numbered in its own gapless series, frozen in a payload, rendered once from its template under
templates/pdf/ (editable like the berita acara's), stored and verifiable like the berita acara."""

from datetime import datetime

from sqlalchemy import select

from ..documents.words import day_name, in_words, long_date
from ..extensions import db
from ..models import IssuedDocument, Meeting, Request, User
from ..models.time import local_date
from ..processes import PROCESSES, harmonisation
from .issued import (
    _issue,
    _number,
    _office,
    _person,
    _request,
    _verify,
    addressee,
    applicant_type,
    draft_name,
    local_time,
    new_code,
    office_head,
)


def letter_fields(req: Request, kind: str, now: datetime, *, subject: str, signer: User | None, attachments=()) -> dict:
    """What every letter to the applicant carries: number, date, addressee and seat, signer, copies."""
    office = req.office
    signer = signer or office_head(office)
    head_title = office.setting("head_title")
    copies = list(office.setting("copies") or [])
    if req.organisation.kind in ("regency", "city"):
        copies += office.setting("copies_regency_city") or []
    code = new_code()
    return {
        "code": code,
        "office": _office(office),
        "number": _number(office, kind, now),
        "subject": subject,
        "request": _request(req),
        "addressee": addressee(req.organisation, applicant_type(req)),
        "seat": req.organisation.seat or req.organisation.region,
        "attachments": list(attachments),
        "attachments_words": f"{len(attachments)} ({in_words(len(attachments))}) berkas" if attachments else None,
        "issued_date_long": long_date(local_date(now, office.timezone)),
        "signer": {
            **_person(signer, head_title),
            "on_behalf_of": head_title if signer is not None and signer.role != "head" else None,
        },
        "copies": copies,
        "issued_at": now.strftime("%Y-%m-%dT%H:%M:%S"),
        "verify": _verify(code),
    }


def issue_invitation_letter(meeting: Meeting, actor, now: datetime) -> IssuedDocument:
    """The undangan rapat of a meeting just scheduled, filed with the first request it covers."""
    requests = sorted(meeting.requests, key=lambda r: r.id)
    req, office = requests[0], requests[0].office
    day = local_date(meeting.starts_at, office.timezone)
    payload = letter_fields(req, "undangan_rapat", now, subject="Undangan Rapat Pengharmonisasian", signer=None)
    payload |= {
        "doc_title": "UNDANGAN RAPAT PENGHARMONISASIAN",
        "drafts": [draft_name(r) for r in requests],
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "day": day_name(day),
            "date_long": long_date(day),
            "time": local_time(meeting.starts_at, office.timezone),
            "place": meeting.place or "rapat daring",
            "online_link": meeting.online_link,
        },
        "invitees": [f"{p.name}, {p.position}, {p.institution}" for p in meeting.participants],
    }
    code = payload.pop("code")
    return _issue(req, "undangan_rapat", payload["number"], code, payload["doc_title"], payload, actor, now)


def issue_return_letter(req: Request, actor, now: datetime, *, reason: str | None) -> IssuedDocument:
    """The surat pengembalian berkas: what is missing (the required documents not uploaded, then the
    officer's reason), issued when a file is returned during the administrative check."""
    from ..models import Document

    process = PROCESSES[req.process]
    uploaded = set(db.session.scalars(select(Document.kind).where(Document.request_id == req.id)))
    labels = {k.name: k.label for k in process.document_kinds}
    missing = [
        " atau ".join(str(labels.get(kind, kind)) for kind in group)
        for group in process.required_documents
        if not uploaded.intersection(group)
    ]
    if reason:
        missing.append(reason)
    payload = letter_fields(
        req,
        "pengembalian_berkas",
        now,
        subject=f"Pengembalian Berkas Permohonan Pengharmonisasian {draft_name(req)}",
        signer=None,
    )
    payload |= {
        "doc_title": "SURAT PENGEMBALIAN BERKAS " + draft_name(req).upper(),
        "basis": _basis_of_request(req),
        "missing": missing or ["Kelengkapan sebagaimana catatan pemeriksaan administrasi."],
    }
    code = payload.pop("code")
    return _issue(req, "pengembalian_berkas", payload["number"], code, payload["doc_title"], payload, actor, now)


def _basis_of_request(req: Request) -> dict:
    """The application letter as the request gives it (no minutes yet)."""
    from .issued import application_letter_signer

    letter_date = getattr(req, "application_letter_date", None)
    return {
        "signer": application_letter_signer(req),
        "letter_number": getattr(req, "application_letter_number", None),
        "letter_date": long_date(letter_date) if letter_date else None,
    }


@harmonisation.issue_return_letter.implement
def _issue_return_letter_on_return(req, ctx, event_data) -> None:
    letter = issue_return_letter(req, ctx.actor, ctx.now, reason=ctx.comment)
    event_data["return_letter"] = {"id": letter.id, "number": letter.number}
