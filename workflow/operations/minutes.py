"""The minutes of a request's meeting: draft, save (every save kept), finalise, approve or send
back, revise.

Finalising by an officer leaves the minutes awaiting approval: nothing is numbered yet, and the
head (or the delegate the office named, who signs "a.n." the head) reads the DRAF preview and
approves, which numbers and issues the berita acara, or sends them back with a comment. A head (or
the delegate) finalising approves at once. Both decisions are events in the request's audit trail,
like an upload: the state does not move, the trail records who decided what and when. Finalising
is an event too (`finalise_minutes`), whoever finalises."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..access import can_view
from ..engine.definition import StateTag
from ..engine.errors import (
    GuardFailed,
    InvalidInput,
    NotFound,
    NotPermitted,
    StaleVersion,
    TransitionUnavailable,
)
from ..extensions import db
from ..models import Finding, Meeting, Minutes, MinutesSnapshot, Request
from ..models.minutes import ASPECTS, CONCLUSIONS
from ..models.time import utcnow
from ..processes import in_tagged_state
from ..vocabulary import NEEDS_CORRECTION_DEADLINE, NEEDS_NOTES, STAFF, MinutesStatus, Role, Side
from .approvers import approvers, is_approver, lock_request, send_back_reason
from .audit import append_event
from .issued import issue_minutes
from .transitions import ISO_DATE

MAX_FINDINGS = 500
# The application letter is the request's (captured with it at submission): the berita acara reads
# it from there (operations/issued._basis). Minutes saved before keep what they held.
FROM_THE_REQUEST = ("application_letter_number", "application_letter_date")


class MinutesLocked(TransitionUnavailable):
    message = "Berita acara yang telah final tidak dapat diubah. Buat revisi untuk koreksi."


class MinutesAwaitingApproval(TransitionUnavailable):
    message = "Berita acara sedang menunggu persetujuan pimpinan dan tidak dapat diubah."


class NotAwaitingApproval(TransitionUnavailable):
    message = "Berita acara ini tidak sedang menunggu persetujuan."


def awaiting_approval(office_id: int, limit: int = 10) -> tuple[int, list[Minutes]]:
    """How many of the office's minutes await approval, and the oldest `limit` of them with their
    requests (what an approver's dashboard lists): one query, a second only beyond `limit`."""
    where = (Minutes.status == MinutesStatus.AWAITING_APPROVAL, Request.office_id == office_id)
    rows = db.session.scalars(
        select(Minutes)
        .join(Request)
        .where(*where)
        .options(contains_eager(Minutes.request))
        .order_by(Minutes.finalised_at, Minutes.id)
        .limit(limit)
    ).all()
    if len(rows) < limit:
        return len(rows), list(rows)
    return db.session.scalar(select(func.count()).select_from(Minutes).join(Request).where(*where)), list(rows)


def _locked(minutes) -> TransitionUnavailable:
    return MinutesAwaitingApproval() if minutes.status == MinutesStatus.AWAITING_APPROVAL else MinutesLocked()


def _check_staff(minutes_or_request, actor):
    req = getattr(minutes_or_request, "request", minutes_or_request)
    if not can_view(actor, req):
        raise NotFound()
    if actor.role not in STAFF:
        raise NotPermitted("Hanya perancang kanwil dan pimpinan yang menyusun berita acara.")


def latest_minutes(request_id: int) -> Minutes | None:
    return db.session.scalar(
        select(Minutes).where(Minutes.request_id == request_id).order_by(Minutes.revision.desc()).limit(1)
    )


def start_minutes(req, actor, meeting: Meeting) -> Minutes:
    """A first draft for `req` at `meeting`, prefilled with the meeting's chair and applicant side."""
    _check_staff(req, actor)
    if req not in meeting.requests:
        raise InvalidInput("Rapat ini tidak membahas permohonan tersebut.")
    if not in_tagged_state(req, StateTag.MINUTES_OPEN):
        raise TransitionUnavailable("Berita acara disusun setelah rapat dijadwalkan.")
    latest = latest_minutes(req.id)
    # one berita acara per meeting: a follow-up meeting gets its own, once the last one is final
    if latest is not None and (latest.meeting_id == meeting.id or latest.status != MinutesStatus.FINAL):
        raise TransitionUnavailable("Berita acara untuk permohonan ini sudah ada.")
    chair = meeting.chair
    signatories = [
        {"name": chair.name, "position": chair.position or req.office.setting("head_title"), "side": "office"}
        | ({"nip": chair.nip} if chair.nip else {})
    ]
    signatories += [
        {"name": p.name, "position": p.position, "side": p.side}
        for p in meeting.participants
        if p.side != "office" and p.attended is not False
    ][:1]
    minutes = Minutes(
        request_id=req.id,
        meeting_id=meeting.id,
        revision=latest.revision + 1 if latest else 1,
        status=MinutesStatus.DRAFT,
        signatories=signatories,
        created_by_id=actor.id,
        legal_basis=req.office.setting("legal_basis"),
    )
    db.session.add(minutes)
    db.session.flush()
    return minutes


def save_minutes(minutes: Minutes, actor, *, version: int, fields: dict, findings: list[dict]) -> Minutes:
    """Replace the draft's content; the previous content stays in its history.

    :raise MinutesLocked: (409) the minutes are final
    :raise StaleVersion: (409) someone saved since `version`
    :raise InvalidInput: (422) naming every field that is wrong
    """
    _check_staff(minutes, actor)
    if minutes.status != MinutesStatus.DRAFT:
        raise _locked(minutes)
    if version != minutes.version:
        raise StaleVersion(details={"current_version": minutes.version})
    values, errors = _validate(fields, findings)
    if errors:
        raise InvalidInput(details=errors)
    with db.session.no_autoflush:
        for name, value in values.items():
            setattr(minutes, name, value)
        minutes.findings = (
            [Finding(position=i, **f) for i, f in enumerate(values.pop("_findings"))]
            if "_findings" in values
            else minutes.findings
        )
        minutes.updated_at = utcnow()
    db.session.flush()
    db.session.add(MinutesSnapshot(minutes_id=minutes.id, saved_by_id=actor.id, content=snapshot(minutes)))
    db.session.flush()
    return minutes


def finalise_minutes(minutes: Minutes, actor, *, version: int, now=None):
    """Lock the minutes. An officer's wait for approval (nothing numbered: the head and the delegate
    are told); the head's or the delegate's are approved at once and the berita acara issued
    (numbered now, rendered after the commit). Returns the issued document, or None while the
    minutes await approval.

    :raise MinutesLocked: (409) not a draft; :raise StaleVersion: (409);
    :raise GuardFailed: (422) with every reason the minutes cannot be finalised yet
    """
    _check_staff(minutes, actor)
    if minutes.status != MinutesStatus.DRAFT:
        raise _locked(minutes)
    if version != minutes.version:
        raise StaleVersion(details={"current_version": minutes.version})
    reasons = []
    # a meeting's first minutes (not a revision of final ones) wait until the meeting is held
    if not in_tagged_state(minutes.request, StateTag.MEETING_HELD) and minutes.supersedes_id is None:
        reasons.append("Catat rapat telah dilaksanakan sebelum memfinalkan berita acara.")
    if minutes.conclusion is None:
        reasons.append("Kesimpulan belum diisi.")
    if minutes.conclusion in NEEDS_CORRECTION_DEADLINE and minutes.correction_deadline is None:
        reasons.append("Batas waktu perbaikan wajib diisi untuk kesimpulan harmonis dengan catatan.")
    if minutes.conclusion in NEEDS_NOTES and not minutes.notes:
        reasons.append("Catatan wajib diisi untuk kesimpulan ini.")
    if not minutes.signatories:
        reasons.append("Penanda tangan belum diisi.")
    if reasons:
        raise GuardFailed(details=reasons)
    now = now or utcnow()
    minutes.finalised_at, minutes.finalised_by_id = now, actor.id
    # finalising is a decision of its own in the trail (who locked the minutes, and when), before
    # the approval that follows at once (the head's own) or later (an officer's)
    req = lock_request(minutes.request_id)
    append_event(
        req,
        actor,
        "finalise_minutes",
        req.state,
        req.state,
        now=now,
        data={"minutes_id": minutes.id, "revision": minutes.revision, "awaiting_approval": not is_approver(actor)},
    )
    db.session.flush()
    if is_approver(actor):
        # a head approves what they prepared themselves: issued at once, the approval audited
        return _approve(minutes, actor, now, direct=True)
    minutes.status = MinutesStatus.AWAITING_APPROVAL
    db.session.flush()
    from .notifications import notify_minutes

    for approver in approvers(minutes.request.office):
        notify_minutes(approver, minutes, "submit_minutes", actor)
    return None


def approve_minutes(minutes: Minutes, actor, *, version: int, now=None):
    """The head or the delegate approves minutes awaiting approval: numbered and issued now.

    :raise NotFound: (404) not visible; :raise StaleVersion: (409) changed since `version`;
    :raise NotAwaitingApproval: (409); :raise NotPermitted: (403) neither the head nor the delegate
    """
    _check_decision(minutes, actor, version)
    return _approve(minutes, actor, now or utcnow(), direct=False)


def send_back_minutes(minutes: Minutes, actor, *, version: int, comment: str | None, now=None) -> Minutes:
    """The head or the delegate sends the minutes back to the officer as a draft, saying why.
    Nothing was numbered, so nothing is lost from the series.

    :raise InvalidInput: (422) no comment; otherwise as approve_minutes
    """
    _check_decision(minutes, actor, version)
    comment = send_back_reason(comment)
    now = now or utcnow()
    req = lock_request(minutes.request_id)
    minutes.status = MinutesStatus.DRAFT
    # finalised_by stays: the officer whose work was sent back, told below
    minutes.sent_back_at, minutes.sent_back_by_id, minutes.sent_back_comment = now, actor.id, comment
    db.session.flush()
    append_event(
        req,
        actor,
        "send_back_minutes",
        req.state,
        req.state,
        comment=comment,
        now=now,
        data={"minutes_id": minutes.id, "revision": minutes.revision},
    )
    db.session.flush()
    _tell_the_officer(minutes, "send_back_minutes", actor, comment)
    return minutes


def _check_decision(minutes: Minutes, actor, version: int) -> None:
    # the order of fire(): visible, current version, available in this status, permitted
    if not can_view(actor, minutes.request):
        raise NotFound()
    if version != minutes.version:
        raise StaleVersion(details={"current_version": minutes.version, "status": minutes.status})
    if minutes.status != MinutesStatus.AWAITING_APPROVAL:
        raise NotAwaitingApproval(details={"status": minutes.status})
    if not is_approver(actor):
        raise NotPermitted("Hanya pimpinan atau pejabat yang ditunjuk yang dapat menyetujui berita acara.")


def _approve(minutes: Minutes, actor, now, *, direct: bool):
    req = lock_request(minutes.request_id)
    issued = issue_minutes(minutes, actor, now)
    minutes.status = MinutesStatus.FINAL
    minutes.approved_at, minutes.approved_by_id = now, actor.id
    minutes.issued_document_id = issued.id
    if minutes.supersedes_id:
        previous = db.session.get(Minutes, minutes.supersedes_id)
        previous.status = MinutesStatus.SUPERSEDED
        previous.issued_document.superseded_by_id = issued.id
    db.session.flush()
    data = {"minutes_id": minutes.id, "revision": minutes.revision, "issued_id": issued.id, "number": issued.number}
    if direct:
        data["direct"] = True  # finalised by the approver: no one else's work was approved
    if actor.role != Role.HEAD:
        data["on_behalf_of"] = req.office.setting("head_title")  # the delegate, "a.n." the head
    append_event(req, actor, "approve_minutes", req.state, req.state, now=now, data=data)
    db.session.flush()
    if not direct:
        _tell_the_officer(minutes, "approve_minutes", actor, None)
    return issued


def _tell_the_officer(minutes: Minutes, trigger: str, actor, comment: str | None) -> None:
    from .notifications import notify_minutes

    officer = minutes.finalised_by or minutes.created_by
    if officer is not None and officer.id != actor.id and officer.active:
        notify_minutes(officer, minutes, trigger, actor, comment=comment)


def revise_minutes(minutes: Minutes, actor) -> Minutes:
    """A correction of final minutes: a new draft revision that will supersede them once final."""
    _check_staff(minutes, actor)
    if minutes.status != MinutesStatus.FINAL:
        raise TransitionUnavailable("Hanya berita acara final yang dapat direvisi.")
    newest = db.session.scalar(select(func.max(Minutes.revision)).where(Minutes.request_id == minutes.request_id))
    if newest != minutes.revision:
        raise TransitionUnavailable("Sudah ada revisi yang lebih baru.")
    revision = Minutes(
        request_id=minutes.request_id,
        meeting_id=minutes.meeting_id,
        revision=minutes.revision + 1,
        status=MinutesStatus.DRAFT,
        conclusion=minutes.conclusion,
        correction_deadline=minutes.correction_deadline,
        notes=minutes.notes,
        application_letter_number=minutes.application_letter_number,
        application_letter_date=minutes.application_letter_date,
        legal_basis=minutes.legal_basis,
        signatories=list(minutes.signatories),
        created_by_id=actor.id,
        supersedes_id=minutes.id,
        findings=[
            Finding(
                position=f.position,
                aspect=f.aspect,
                article=f.article,
                finding=f.finding,
                agreed_change=f.agreed_change,
            )
            for f in minutes.findings
        ],
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def snapshot(minutes: Minutes) -> dict:
    return {
        "conclusion": minutes.conclusion,
        "notes": minutes.notes,
        "correction_deadline": minutes.correction_deadline.isoformat() if minutes.correction_deadline else None,
        "application_letter_number": minutes.application_letter_number,
        "application_letter_date": (
            minutes.application_letter_date.isoformat() if minutes.application_letter_date else None
        ),
        "legal_basis": minutes.legal_basis,
        "signatories": minutes.signatories,
        "findings": [
            {"aspect": f.aspect, "article": f.article, "finding": f.finding, "agreed_change": f.agreed_change}
            for f in minutes.findings
        ],
    }


def _text(value, limit):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("Harus berupa teks.")
    value = value.strip()
    if "\x00" in value:
        raise ValueError("Mengandung karakter yang tidak diizinkan.")
    if len(value) > limit:
        raise ValueError(f"Paling banyak {limit} karakter.")
    return value or None


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        if not ISO_DATE.fullmatch(str(value)):
            raise ValueError
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError("Harus berupa tanggal (YYYY-MM-DD).") from None


def _validate(fields: dict, findings: list[dict] | None):
    """Minutes fields and findings as model values, or the errors per field."""
    values, errors = {}, {}
    parsers = {
        "conclusion": lambda v: _choice(v, CONCLUSIONS),
        "notes": lambda v: _text(v, 20000),
        "correction_deadline": _date,
        "legal_basis": lambda v: _text(v, 5000),
        "signatories": _signatories,
    }
    for name, raw in fields.items():
        if name in FROM_THE_REQUEST:
            errors[name] = [
                "Nomor dan tanggal surat permohonan diambil dari permohonan, bukan diisi pada berita acara."
            ]
            continue
        if name not in parsers:
            errors[name] = ["Kolom tidak dikenal."]
            continue
        try:
            values[name] = parsers[name](raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if findings is not None:
        if not isinstance(findings, list) or len(findings) > MAX_FINDINGS:
            errors["findings"] = [f"Harus berupa daftar (paling banyak {MAX_FINDINGS})."]
        else:
            parsed = []
            for i, f in enumerate(findings):
                try:
                    if not isinstance(f, dict):
                        raise ValueError("Harus berupa objek.")
                    finding = _text(f.get("finding"), 20000)
                    if not finding:
                        raise ValueError("Temuan wajib diisi.")
                    parsed.append(
                        {
                            "aspect": _choice(f.get("aspect"), ASPECTS, required=True),
                            "article": _text(f.get("article"), 120),
                            "finding": finding,
                            "agreed_change": _text(f.get("agreed_change"), 20000),
                        }
                    )
                except ValueError as exc:
                    errors[f"findings.{i}"] = [str(exc)]
            values["_findings"] = parsed
    return values, errors


def _choice(value, choices, required=False):
    if value in (None, "") and not required:
        return None
    if value not in choices:
        raise ValueError("Pilih salah satu: " + ", ".join(choices) + ".")
    return value


def _signatories(value):
    if not isinstance(value, list) or len(value) > 30:
        raise ValueError("Harus berupa daftar penanda tangan.")
    result = []
    for s in value:
        if not isinstance(s, dict):
            raise ValueError("Setiap penanda tangan berupa objek {name, position, side}.")
        name, position = _text(s.get("name"), 200), _text(s.get("position"), 200)
        if not name or not position:
            raise ValueError("Nama dan jabatan penanda tangan wajib diisi.")
        nip = _text(s.get("nip"), 32)
        result.append(
            {
                "name": name,
                "position": position,
                "side": _choice(s.get("side"), Side.values(), required=True),
            }
            | ({"nip": nip} if nip else {})
        )
    return result
