"""The minutes of a request's meeting: draft, save (every save kept), finalise, revise."""

from datetime import date

from sqlalchemy import func, select

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
from ..models import Finding, Meeting, Minutes, MinutesSnapshot
from ..models.minutes import ASPECTS, CONCLUSIONS
from ..models.time import utcnow
from ..processes import in_tagged_state
from ..vocabulary import NEEDS_CORRECTION_DEADLINE, NEEDS_NOTES, STAFF, MinutesStatus, Side
from .issued import issue_minutes
from .transitions import ISO_DATE

MAX_FINDINGS = 500
# The application letter is the request's (captured with it at submission): the berita acara reads
# it from there (operations/issued._basis). Minutes saved before keep what they held.
FROM_THE_REQUEST = ("application_letter_number", "application_letter_date")


class MinutesLocked(TransitionUnavailable):
    message = "Berita acara yang telah final tidak dapat diubah. Buat revisi untuk koreksi."


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
        raise MinutesLocked()
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
    """Lock the minutes and issue the berita acara (numbered now, rendered after the commit)."""
    _check_staff(minutes, actor)
    if minutes.status != MinutesStatus.DRAFT:
        raise MinutesLocked()
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
    issued = issue_minutes(minutes, actor, now)
    minutes.status, minutes.finalised_at, minutes.finalised_by_id = MinutesStatus.FINAL, now, actor.id
    minutes.issued_document_id = issued.id
    if minutes.supersedes_id:
        previous = db.session.get(Minutes, minutes.supersedes_id)
        previous.status = MinutesStatus.SUPERSEDED
        previous.issued_document.superseded_by_id = issued.id
    db.session.flush()
    return issued


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
