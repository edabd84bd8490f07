"""The office's other letters around a harmonisation (DOMAIN.md section 3): the meeting invitation
(undangan rapat) and the return for completion (surat pengembalian berkas); the final result after an
accepted correction (surat hasil akhir) is issued by operations/issued.py with the same letter fields.
Each is numbered in its own gapless series once issued, frozen in a payload, rendered once from its
template under templates/pdf/ (editable like the berita acara's), stored and verifiable like the
berita acara.

Prepared by an officer, a letter awaits the approval of the head or the delegate (see
operations/letter_approval.py for what waits and what does not); each kind's content is built here,
so a letter sent back and asked for again is built afresh from what the officer changed."""

from ..documents.words import day_name, in_words, long_date
from ..models import IssuedDocument, Meeting, Request
from ..models.time import local_date
from ..processes import PROCESSES, harmonisation
from .issued import (
    _office,
    _request,
    addressee,
    applicant_type,
    copies_of,
    draft_name,
    letter_reference,
    local_time,
)


def letter_fields(req: Request, *, subject: str, attachments=()) -> dict:
    """What every letter to the applicant carries besides what its issue decides (number, date,
    signer, verification: letter_approval.letter_stamp): addressee and seat, subject, copies."""
    return {
        "office": _office(req.office),
        "subject": subject,
        "request": _request(req),
        "addressee": addressee(req.organisation, applicant_type(req)),
        "seat": req.organisation.seat or req.organisation.region,
        "attachments": list(attachments),
        "attachments_words": f"{len(attachments)} ({in_words(len(attachments))}) berkas" if attachments else None,
        "copies": copies_of(req),
    }


def issue_invitation_letter(meeting: Meeting, actor, now) -> IssuedDocument:
    """The undangan rapat of a meeting just scheduled, filed with the first request it covers.
    The invitations (e-mail with this letter and the .ics) go out when it is issued: at once when
    the head or the delegate scheduled the meeting, else when they approve the letter."""
    from .letter_approval import prepare_letter

    req = _first_request(meeting)
    title, payload = invitation_payload(meeting)
    return prepare_letter(req, "undangan_rapat", title, payload, actor, now, meeting_id=meeting.id)


def _first_request(meeting: Meeting) -> Request:
    return sorted(meeting.requests, key=lambda r: r.id)[0]


def invitation_payload(meeting: Meeting) -> tuple[str, dict]:
    """The invitation's content, from the meeting as it stands (rebuilt when the meeting moves
    while the letter awaits approval)."""
    requests = sorted(meeting.requests, key=lambda r: r.id)
    req, office = requests[0], requests[0].office
    day = local_date(meeting.starts_at, office.timezone)
    payload = letter_fields(req, subject="Undangan Rapat Pengharmonisasian")
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
    return payload["doc_title"], payload


def issue_return_letter(req: Request, actor, now, *, reason: str | None) -> IssuedDocument:
    """The surat pengembalian berkas: what is missing (the required documents not uploaded, then the
    officer's reason), prepared when a file is returned during the administrative check."""
    from .letter_approval import prepare_letter

    title, payload = return_payload(req, missing_items(req, reason))
    return prepare_letter(req, "pengembalian_berkas", title, payload, actor, now)


def missing_items(req: Request, reason: str | None) -> list[str]:
    """The required documents not uploaded (by label), then the officer's reason."""
    from ..processes.common import document_kinds

    process = PROCESSES[req.process]
    uploaded = document_kinds(req.id)
    labels = {k.name: k.label for k in process.document_kinds}
    missing = [
        " atau ".join(str(labels.get(kind, kind)) for kind in group)
        for group in process.required_documents
        if not uploaded.intersection(group)
    ]
    if reason:
        missing.append(reason)
    return missing


def return_payload(req: Request, missing: list[str]) -> tuple[str, dict]:
    payload = letter_fields(req, subject=f"Pengembalian Berkas Permohonan Pengharmonisasian {draft_name(req)}")
    payload |= {
        "doc_title": "SURAT PENGEMBALIAN BERKAS " + draft_name(req).upper(),
        "basis": _basis_of_request(req),
        "missing": missing or ["Kelengkapan sebagaimana catatan pemeriksaan administrasi."],
    }
    return payload["doc_title"], payload


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
    # the file goes back now (the state moves, the clock pauses); the letter may await approval
    letter = issue_return_letter(req, ctx.actor, ctx.now, reason=ctx.comment)
    event_data["return_letter"] = letter_reference(letter)
