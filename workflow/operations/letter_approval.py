"""Letters held for the approval of the head (or the delegate the office named, who signs "a.n."
the head), like the berita acara (operations/minutes.py).

Which letters wait: every letter the office sends (undangan rapat, surat pengembalian berkas, the
result letter and the surat hasil akhir) prepared by someone who is not an approver. Prepared by
the head or the delegate, a letter is numbered and issued at once, as before.

What waiting means, by letter:
- While a letter waits it has its content but no number and no verification code: nothing is taken
  from the gapless series until the approval, so a letter sent back (or withdrawn) leaves no gap.
  The approver reads it as a DRAF preview (rendered on request, never stored or signed).
- Surat pengembalian berkas: the RETURN itself happens at once (the file goes back to the applicant,
  the administrative check's clock pauses, the applicant is told with the officer's reason); the
  letter follows once approved (the applicant then sees it with the request and is told).
  Sent back, the officer revises the letter's list of what is missing and asks again; the file's
  state does not change.
- Undangan rapat: the meeting is scheduled at once, but the invitations (e-mail with the letter's
  PDF and the .ics) go out only when the letter is issued, exactly once. Sent back, the officer
  changes the meeting (rescheduling rebuilds a waiting letter) and asks again; a meeting cancelled
  before its letter is approved withdraws the letter and e-mails no one (no one was invited).
- Result letters: the conclusion stands at once; the letter to the applicant follows the approval.

Approving and sending back are events in the request's audit trail (the state does not move), and
so is asking again after a send-back. The approvers are told when a letter awaits them, the officer
when it is decided."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..access import can_view, can_view_issued
from ..documents.words import long_date
from ..engine.definition import Notify
from ..engine.errors import InvalidInput, NotFound, NotPermitted, StaleVersion, TransitionUnavailable
from ..extensions import db
from ..models import IssuedDocument, Meeting, Minutes, Request
from ..models.time import local_date, utcnow
from ..vocabulary import ISSUED_KIND_LABELS, STAFF, LetterStatus, Role
from .approvers import approvers, is_approver, lock_request, on_behalf_of, send_back_reason
from .audit import append_event
from .issued import _number, _person, _verify, new_code, office_head

KIND_LABELS = ISSUED_KIND_LABELS
PENDING = (LetterStatus.AWAITING_APPROVAL, LetterStatus.SENT_BACK)
MAX_MISSING = 50


class NotAwaitingLetterApproval(TransitionUnavailable):
    message = "Surat ini tidak sedang menunggu persetujuan."


class LetterNotSentBack(TransitionUnavailable):
    message = "Surat ini tidak sedang dikembalikan untuk diperbaiki."


class MeetingNotScheduled(TransitionUnavailable):
    message = "Rapat yang diundang sudah dilaksanakan atau dibatalkan: undangannya tidak dapat diterbitkan."


_READ = object()  # letter_stamp's head when the caller has not read it: read here


def letter_stamp(office, now: datetime, *, number=None, code=None, approver=None, head=_READ) -> dict:
    """What a letter's issue decides: number, date, signer and verification. Without a number it
    is the DRAF (the office's head named as the signer to be: `head` when the caller has read it,
    e.g. among the approvers, else read here)."""
    head_title = office.setting("head_title")
    signer = approver or (office_head(office) if head is _READ else head)
    return {
        "number": number,
        "draft": number is None,
        "issued_date_long": long_date(local_date(now, office.timezone)),
        "issued_at": now.strftime("%Y-%m-%dT%H:%M:%S"),
        "signer": {
            **_person(signer, head_title),
            # a delegate signs on behalf of the head: "a.n. Kepala Kantor Wilayah ..."
            "on_behalf_of": on_behalf_of(signer, office) if signer is not None else None,
        },
        "verify": _verify(code) if code else None,
    }


def prepare_letter(req: Request, kind: str, title: str, payload: dict, actor, now, *, meeting_id=None):
    """A letter for `req`: issued at once when `actor` approves for the office, else awaiting
    approval (the approvers are told). Returns the IssuedDocument either way.

    The approvers are read once (as an audience of the notices: inside fire() with the
    transition's own audiences): they are told, and the first head among them is the signer the
    DRAF names (letter_stamp). Only the letter is flushed here (its id goes into the caller's
    event and the approvers' link): the caller's other changes (fire()'s request) are written
    once, with the rest of its transaction."""
    from .notifications import audiences

    approving = is_approver(actor)
    told = None if approving else audiences(req, ("approvers",), None)["approvers"]
    if approving:  # numbered and stamped again at once by _number_and_issue: no head to read
        stamp = letter_stamp(req.office, now, approver=actor)
    else:
        stamp = letter_stamp(req.office, now, head=next((u for u in told if u.role == Role.HEAD), None))
    issued = IssuedDocument(
        office_id=req.office_id,
        request_id=req.id,
        meeting_id=meeting_id,
        kind=kind,
        status=LetterStatus.AWAITING_APPROVAL,
        title=title[:1000],
        payload=payload | stamp,
        issued_at=now,
        issued_by_id=actor.id,
    )
    db.session.add(issued)
    db.session.flush([issued])
    if approving:
        _number_and_issue(issued, actor, now)
    else:
        _tell(told, issued, "submit_letter", actor)
    return issued


def _number_and_issue(issued: IssuedDocument, approver, now) -> None:
    """Take the next number of the kind's series, freeze the letter as issued, and do what its
    issue sets off (the invitations, the applicant's notice); the PDF after the commit."""
    from .after_commit import defer
    from .issued import render_pending

    office = issued.office
    code, number = new_code(), _number(office, issued.kind, now)
    issued.payload = issued.payload | letter_stamp(office, now, number=number, code=code, approver=approver)
    issued.number, issued.code, issued.status = number, code, LetterStatus.ISSUED
    issued.issued_at = now
    issued.approved_at, issued.approved_by_id = now, approver.id
    issued.on_behalf_of = on_behalf_of(approver, office)
    db.session.flush()
    defer(render_pending, issued.request_id)
    if issued.kind == "undangan_rapat" and issued.meeting_id is not None:
        from .notifications import queue_meeting_invitations

        queue_meeting_invitations(db.session.get(Meeting, issued.meeting_id), issued)


def approve_letter(issued: IssuedDocument, actor, *, version: int, now=None) -> IssuedDocument:
    """The head or the delegate approves a letter awaiting approval: numbered and issued now.

    :raise NotFound: (404) not visible; :raise StaleVersion: (409) changed since `version`;
    :raise NotAwaitingLetterApproval: (409); :raise NotPermitted: (403) neither head nor delegate;
    :raise MeetingNotScheduled: (409) an invitation to a meeting no longer ahead
    """
    _check_decision(issued, actor, version)
    if issued.kind == "undangan_rapat" and issued.meeting_id is not None:
        meeting = db.session.get(Meeting, issued.meeting_id)
        if meeting.status != "scheduled":
            raise MeetingNotScheduled()
    now = now or utcnow()
    req = lock_request(issued.request_id)
    prepared_by = issued.issued_by
    _number_and_issue(issued, actor, now)
    data = {"issued_id": issued.id, "kind": issued.kind, "number": issued.number}
    if issued.on_behalf_of:
        data["on_behalf_of"] = issued.on_behalf_of  # the delegate, "a.n." the head
    append_event(req, actor, "approve_letter", req.state, req.state, now=now, data=data)
    db.session.flush()
    _tell([prepared_by], issued, "approve_letter", actor)
    if issued.kind != "undangan_rapat":  # the invitees have their e-mail; the applicant is told here
        _tell_the_applicant(issued, actor)
    return issued


def send_back_letter(issued: IssuedDocument, actor, *, version: int, comment: str | None, now=None):
    """The head or the delegate sends the letter back to the officer, saying why. Nothing was
    numbered, so nothing is lost from the series; the request's state does not change.

    :raise InvalidInput: (422) no comment; otherwise as approve_letter
    """
    _check_decision(issued, actor, version)
    comment = send_back_reason(comment)
    now = now or utcnow()
    req = lock_request(issued.request_id)
    issued.status = LetterStatus.SENT_BACK
    issued.sent_back_at, issued.sent_back_by_id, issued.sent_back_comment = now, actor.id, comment
    db.session.flush()
    append_event(
        req,
        actor,
        "send_back_letter",
        req.state,
        req.state,
        comment=comment,
        now=now,
        data={"issued_id": issued.id, "kind": issued.kind},
    )
    db.session.flush()
    _tell([issued.issued_by], issued, "send_back_letter", actor, comment=comment)
    return issued


def resubmit_letter(issued: IssuedDocument, actor, *, version: int, missing=None, now=None) -> IssuedDocument:
    """The officer asks again for a letter sent back: its content rebuilt from what stands now
    (the meeting as rescheduled, the minutes) and, for the surat pengembalian, from `missing` (the
    revised list of what the file lacks, one item a line). By an approver: issued at once.

    :raise NotFound: (404); :raise NotPermitted: (403) not staff; :raise StaleVersion: (409);
    :raise LetterNotSentBack: (409); :raise InvalidInput: (422) a list of what is missing that is empty
    """
    if not can_view(actor, issued.request):
        raise NotFound("Dokumen tidak ditemukan.")
    if actor.role not in STAFF:
        raise NotPermitted("Hanya perancang kanwil dan pimpinan yang menyusun surat.")
    if version != issued.version:
        raise StaleVersion(details={"current_version": issued.version, "status": issued.status})
    if issued.status != LetterStatus.SENT_BACK:
        raise LetterNotSentBack(details={"status": issued.status})
    title, payload = _rebuilt(issued, missing)
    now = now or utcnow()
    req = lock_request(issued.request_id)
    issued.title, issued.payload = title[:1000], payload | letter_stamp(issued.office, now)
    issued.status, issued.issued_by_id, issued.issued_at = LetterStatus.AWAITING_APPROVAL, actor.id, now
    db.session.flush()
    append_event(
        req,
        actor,
        "resubmit_letter",
        req.state,
        req.state,
        now=now,
        data={"issued_id": issued.id, "kind": issued.kind},
    )
    db.session.flush()
    if is_approver(actor):
        _number_and_issue(issued, actor, now)
        if issued.kind != "undangan_rapat":
            _tell_the_applicant(issued, actor)
    else:
        _tell_the_approvers(issued, actor)
    return issued


def missing_lines(text) -> list[str]:
    """The officer's list of what is missing, one item a line (blank lines dropped)."""
    if isinstance(text, list):
        lines = text
    elif isinstance(text, str):
        lines = text.splitlines()
    else:
        lines = []
    return [line.strip() for line in lines if isinstance(line, str) and line.strip()]


def _rebuilt(issued: IssuedDocument, missing) -> tuple[str, dict]:
    from . import issued as documents
    from . import letters

    req = issued.request
    if issued.kind == "pengembalian_berkas":
        items = missing_lines(missing) if missing is not None else list(issued.payload.get("missing") or [])
        errors = []
        if not items:
            errors.append("Tuliskan paling sedikit satu kekurangan berkas, satu per baris.")
        if len(items) > MAX_MISSING or any(len(i) > 2000 or "\x00" in i for i in items):
            errors.append(f"Paling banyak {MAX_MISSING} butir, masing-masing paling banyak 2000 karakter.")
        if errors:
            raise InvalidInput(details={"missing": errors})
        return letters.return_payload(req, items)
    if issued.kind == "undangan_rapat":
        return letters.invitation_payload(db.session.get(Meeting, issued.meeting_id))
    if issued.kind == "result_letter":
        minutes = db.session.get(Minutes, issued.payload.get("minutes_id")) or _final_minutes(req)
        return documents.result_letter_payload(req, minutes)
    return documents.final_result_payload(req)


def _final_minutes(req) -> Minutes | None:
    return db.session.scalar(
        select(Minutes)
        .where(Minutes.request_id == req.id, Minutes.status == "final")
        .order_by(Minutes.revision.desc())
        .limit(1)
    )


def refresh_invitation(meeting: Meeting, now=None) -> None:
    """A meeting moved while its undangan waits: the letter says the new time and place."""
    from .letters import invitation_payload

    for issued in _pending_invitations(meeting):
        title, payload = invitation_payload(meeting)
        issued.title, issued.payload = title, payload | letter_stamp(issued.office, now or utcnow())
    db.session.flush()


def withdraw_invitation(meeting: Meeting) -> bool:
    """A meeting cancelled before its undangan was approved: the letter is withdrawn (never
    numbered). True when there was one: no invitation went out, so no cancellation goes either."""
    pending = _pending_invitations(meeting)
    for issued in pending:
        issued.status = LetterStatus.WITHDRAWN
    db.session.flush()
    return bool(pending)


def invitations_held(meeting: Meeting) -> bool:
    """True while the meeting's undangan awaits approval: its invitees have not been invited yet."""
    return bool(_pending_invitations(meeting))


def _pending_invitations(meeting: Meeting) -> list[IssuedDocument]:
    return list(
        db.session.scalars(
            select(IssuedDocument).where(
                IssuedDocument.meeting_id == meeting.id,
                IssuedDocument.kind == "undangan_rapat",
                IssuedDocument.status.in_(PENDING),
            )
        )
    )


def letters_awaiting_approval(office_id: int, limit: int = 10) -> tuple[int, list[IssuedDocument]]:
    """How many of the office's letters await approval, and the oldest `limit` with their requests
    (what an approver's dashboard lists): one query, a second only beyond `limit`."""
    where = (IssuedDocument.status == LetterStatus.AWAITING_APPROVAL, IssuedDocument.office_id == office_id)
    rows = db.session.scalars(
        select(IssuedDocument)
        .join(Request, Request.id == IssuedDocument.request_id)
        .where(*where)
        .options(contains_eager(IssuedDocument.request))
        .order_by(IssuedDocument.issued_at, IssuedDocument.id)
        .limit(limit)
    ).all()
    if len(rows) < limit:
        return len(rows), list(rows)
    return db.session.scalar(select(func.count()).select_from(IssuedDocument).where(*where)), list(rows)


def preview_letter(issued: IssuedDocument, now=None) -> bytes:
    """The letter as it will be issued, marked DRAF, without a number or QR code: rendered each
    time it is asked for, never stored, never signed (nothing is taken from the series)."""
    from ..documents.pdf import renderer
    from .issued import TEMPLATES

    payload = issued.payload | letter_stamp(issued.office, now or utcnow())
    return renderer().render(TEMPLATES[issued.kind], payload, identifier=f"draf-surat-{issued.id}-{issued.version}")


def can_preview(user, issued: IssuedDocument) -> bool:
    """Staff of the office read a pending letter's DRAF; an applicant never sees a letter unissued."""
    return user.role in STAFF and issued.status in PENDING and can_view(user, issued.request)


def _check_decision(issued: IssuedDocument, actor, version: int) -> None:
    # the order of fire(): visible, current version, available in this status, permitted
    if not can_view_issued(actor, issued):  # 404 only for one who may not see the letter at all
        raise NotFound("Dokumen tidak ditemukan.")
    if version != issued.version:
        raise StaleVersion(details={"current_version": issued.version, "status": issued.status})
    if issued.status != LetterStatus.AWAITING_APPROVAL:
        raise NotAwaitingLetterApproval(details={"status": issued.status})
    if not is_approver(actor):
        raise NotPermitted("Hanya pimpinan atau pejabat yang ditunjuk yang dapat menyetujui surat.")


def _tell_the_approvers(issued: IssuedDocument, actor) -> None:
    _tell(approvers(issued.office), issued, "submit_letter", actor)


def _tell_the_applicant(issued: IssuedDocument, actor) -> None:
    """The applicant's accounts hear that the letter is issued, with its link."""
    from .notifications import audience, notify_users

    req = issued.request
    notify_users(
        audience(req, Notify("applicant", "status"), actor),
        req,
        "status",
        trigger="issue_letter",
        details={"documents": [issued], "letter": KIND_LABELS[issued.kind]},
    )


def _tell(users, issued: IssuedDocument, trigger: str, actor, *, comment: str | None = None) -> None:
    """Tell the active `users` but the actor themselves (one INSERT per table for them all)."""
    from .notifications import notify_letter

    told = [u for u in users if u is not None and u.id != actor.id and u.active]
    if told:
        notify_letter(told, issued, trigger, comment=comment)
