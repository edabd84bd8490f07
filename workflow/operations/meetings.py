"""Meetings: scheduling one covers several requests; scheduling, rescheduling, cancelling and
holding fire the matching engine transition on every request the meeting covers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from ..access import can_view
from ..documents.words import long_date
from ..engine.definition import CONFIRM_DAY_OFF, StateTag
from ..engine.errors import InvalidInput, NotFound, NotPermitted, StaleVersion, TransitionUnavailable
from ..extensions import db
from ..links import check_web_link
from ..models import MAX_ID, IssuedDocument, Meeting, Participant, Request, User
from ..models.meeting import PARTICIPANT_SIDES
from ..models.time import local_clock, utcnow
from ..processes import harmonisation, in_tagged_state
from ..vocabulary import STAFF
from .calendar import day_off_question, office_calendar
from .issued import letter_reference
from .letter_approval import invitations_held, refresh_invitation, withdraw_invitation
from .letters import issue_invitation_letter
from .notifications import queue_meeting_invitations
from .transitions import fire


def _check_staff(actor):
    if actor.role not in STAFF:
        raise NotPermitted("Hanya perancang kanwil dan pimpinan yang mengelola rapat.")


def visible_meeting(meeting_id: int, actor, *, for_update=False) -> Meeting:
    stmt = select(Meeting).where(Meeting.id == meeting_id).execution_options(populate_existing=True)
    meeting = db.session.scalar(stmt.with_for_update() if for_update else stmt)
    if meeting is None or not can_see_meeting(actor, meeting):
        raise NotFound("Rapat tidak ditemukan.")
    return meeting


def can_see_meeting(actor, meeting) -> bool:
    if actor.role == "drafter":
        # an applicant sees a meeting that discusses one of their own requests
        return any(r.organisation_id == actor.organisation_id for r in meeting.requests)
    return meeting.office_id == actor.office_id


def to_utc(local: datetime, timezone: str) -> datetime:
    """A wall-clock time at the office to the naive UTC stored in the database."""
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _check_details(errors: dict, *, starts_at_local: datetime, **texts) -> None:
    """The columns' lengths, a date a meeting can have (the UTC conversion of year 1 overflows), and
    an online link that is a web address (links.py: the one rule for every link field)."""
    if texts.get("online_link"):
        try:
            check_web_link(texts["online_link"])
        except ValueError as error:
            errors["online_link"] = [str(error)]
    for name, value in texts.items():
        limit = Meeting.__table__.c[name].type.length
        if value and len(value) > limit:
            errors[name] = [f"Paling banyak {limit} karakter."]
    if not 2000 <= starts_at_local.year <= 2100:
        errors["date"] = ["Tanggal rapat harus antara tahun 2000 dan 2100."]


def _check_working_day(errors: dict, office_id: int, starts_at_local: datetime, confirmed: bool) -> None:
    """A meeting on a day off needs the scheduler's explicit confirmation (`confirm_non_working_day`).
    fire() asks the same question of each transition it fires (the meeting's date is their input);
    asked here first, it comes with the form's other errors, and before anything is written."""
    if confirmed or "date" in errors:
        return
    question = day_off_question(office_calendar(office_id), starts_at_local.date())
    if question:
        errors[CONFIRM_DAY_OFF] = [question]


def schedule_meeting(
    actor,
    *,
    request_ids: list[int],
    title: str,
    starts_at_local: datetime,
    duration_minutes: int = 180,
    place: str | None,
    online_link: str | None,
    chair_id: int,
    participants: list[dict],
    reason: str | None = None,
    confirm_non_working_day: bool = False,
    now=None,
) -> Meeting:
    """A meeting for `request_ids` (each must be ready: its analysis done, or a meeting held that
    needs a follow-up, with `reason`), with its invitees. On a day off at the office only with
    `confirm_non_working_day` (else InvalidInput naming the day and the holiday)."""
    _check_staff(actor)
    errors = {}
    if not request_ids:
        errors["request_ids"] = ["Pilih paling sedikit satu permohonan."]
    if not (title or "").strip():
        errors["title"] = ["Wajib diisi."]
    if not (place or "").strip() and not (online_link or "").strip():
        errors["place"] = ["Isi tempat rapat atau tautan rapat daring."]
    chair = db.session.get(User, chair_id) if isinstance(chair_id, int) and 0 < chair_id <= MAX_ID else None
    if chair is None or chair.office_id != actor.office_id or chair.role != "head" or not chair.active:
        errors["chair_id"] = ["Pimpinan rapat harus pimpinan aktif kantor wilayah ini."]
    participant_rows = _participants(participants, errors)
    if not 15 <= duration_minutes <= 12 * 60:
        errors["duration_minutes"] = ["Durasi antara 15 menit dan 12 jam."]
    _check_details(errors, starts_at_local=starts_at_local, title=title, place=place, online_link=online_link)
    _check_working_day(errors, actor.office_id, starts_at_local, confirm_non_working_day)
    if errors:
        raise InvalidInput(details=errors)
    requests = []
    for rid in sorted(set(request_ids)):
        req = (
            db.session.scalar(select(Request).where(Request.id == rid).with_for_update()) if 0 < rid <= MAX_ID else None
        )
        if req is None or not can_view(actor, req):
            raise NotFound(f"Permohonan {rid} tidak ditemukan.")
        requests.append(req)
    if len({r.organisation_id for r in requests}) > 1:
        # an applicant sees the meetings of their requests, and so everything a meeting covers
        raise InvalidInput(details={"request_ids": ["Satu rapat membahas rancangan dari satu pemrakarsa."]})
    now = now or utcnow()
    office = actor.office
    meeting = Meeting(
        office_id=office.id,
        title=title.strip(),
        starts_at=to_utc(starts_at_local, office.timezone),
        duration_minutes=duration_minutes,
        place=(place or "").strip() or None,
        online_link=(online_link or "").strip() or None,
        chair_id=chair.id,
        created_by_id=actor.id,
        requests=requests,
        participants=participant_rows,
    )
    db.session.add(meeting)
    db.session.flush()
    # by id: the first transition is the one of the request the undangan rapat is filed with, which
    # prepares it (issue_invitation_letter, below), so its approvers' notice sees that file moved
    for req in sorted(requests, key=lambda r: r.id):
        follow_up = in_tagged_state(req, StateTag.MEETING_HELD)  # rapat lanjutan
        fire(
            req,
            "schedule_follow_up_meeting" if follow_up else "schedule_meeting",
            actor,
            version=None,
            comment=reason if follow_up else None,
            now=now,
            data={
                "meeting_date": starts_at_local.date().isoformat(),
                CONFIRM_DAY_OFF: confirm_non_working_day,
                "meeting_id": meeting.id,
            },
        )
    return meeting


@harmonisation.issue_invitation_letter.implement
def _prepare_the_invitation_with_the_scheduling(req, ctx, event_data) -> None:
    """The undangan rapat: issued now by the head or the delegate, else awaiting their approval; the
    invitations (its PDF attached) go out when it is issued (operations/letter_approval.py). Made by
    the first covered request's transition; each scheduling event names it (id, kind, and while it
    waits its status), as a return's or a conclusion's event names its letter."""
    meeting_id = ctx.data.get("meeting_id")
    if meeting_id is None:
        return  # fired without a meeting (not through schedule_meeting): no letter
    meeting = db.session.get(Meeting, meeting_id)
    letter = db.session.scalar(
        select(IssuedDocument).where(IssuedDocument.meeting_id == meeting.id, IssuedDocument.kind == "undangan_rapat")
    )
    if letter is None:
        letter = issue_invitation_letter(meeting, ctx.actor, ctx.now)
    event_data["invitation_letter"] = letter_reference(letter) | {"kind": letter.kind}


def _plain_email(value: str) -> bool:
    """An address that is safe in mail headers and the .ics (no CR/LF or other control characters)."""
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return False
    try:
        validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True


def _participants(raw: list[dict], errors: dict) -> list[dict]:
    rows: list[dict] = []
    if not isinstance(raw, list) or len(raw) > 200:
        errors["participants"] = ["Harus berupa daftar (paling banyak 200)."]
        return rows
    for i, p in enumerate(raw):
        if not isinstance(p, dict):
            errors[f"participants.{i}"] = ["Harus berupa objek."]
            continue
        values = {
            k: (p.get(k) or "").strip() if isinstance(p.get(k) or "", str) else None
            for k in ("name", "position", "institution", "side", "email")
        }
        if values["email"] and not _plain_email(values["email"]):
            errors[f"participants.{i}"] = ["Alamat email peserta tidak valid."]
            continue
        missing = [k for k in ("name", "position", "institution") if not values[k]]
        if (
            missing
            or values["side"] not in PARTICIPANT_SIDES
            or any(v and ("\x00" in v or len(v) > 200) for v in values.values())
        ):
            errors[f"participants.{i}"] = [
                "Nama, jabatan, dan instansi wajib diisi; pihak: office, applicant, atau dprd."
            ]
            continue
        rows.append(
            Participant(
                position_order=i,
                email=values["email"] or None,
                **{k: values[k] for k in ("name", "position", "institution", "side")},
            )
        )
    return rows


def _check_version(meeting, version):
    if version != meeting.version:
        raise StaleVersion(
            "Rapat ini telah diubah oleh orang lain. Muat ulang dan coba lagi.",
            details={"current_version": meeting.version},
        )
    if meeting.status != "scheduled":
        raise TransitionUnavailable("Rapat ini sudah dilaksanakan atau dibatalkan.")


def _lock_requests(meeting):
    return [
        db.session.scalar(
            select(Request).where(Request.id == r.id).with_for_update().execution_options(populate_existing=True)
        )
        for r in meeting.requests
    ]


def reschedule_meeting(
    meeting,
    actor,
    *,
    version: int,
    starts_at_local: datetime,
    place,
    online_link,
    reason: str,
    confirm_non_working_day: bool = False,
    now=None,
) -> Meeting:
    _check_staff(actor)
    _check_version(meeting, version)
    errors = {} if (reason or "").strip() else {"reason": ["Alasan wajib diisi."]}
    _check_details(errors, starts_at_local=starts_at_local, place=place, online_link=online_link)
    _check_working_day(errors, meeting.office_id, starts_at_local, confirm_non_working_day)
    if errors:
        raise InvalidInput(details=errors)
    meeting.starts_at = to_utc(starts_at_local, meeting.office.timezone)
    meeting.place = (place or "").strip() or meeting.place
    meeting.online_link = (online_link or "").strip() or meeting.online_link
    meeting.status_reason, meeting.updated_at = reason.strip(), utcnow()
    for req in _lock_requests(meeting):
        if in_tagged_state(req, StateTag.MEETING_SCHEDULED):
            fire(
                req,
                "reschedule_meeting",
                actor,
                version=None,
                comment=reason,
                now=now,
                data={
                    "meeting_date": starts_at_local.date().isoformat(),
                    CONFIRM_DAY_OFF: confirm_non_working_day,
                    "meeting_id": meeting.id,
                },
            )
    db.session.flush()  # the meeting's new version is the invitation's SEQUENCE
    if invitations_held(meeting):
        refresh_invitation(meeting, now)  # no one invited yet: the letter awaiting approval moves
    else:
        queue_meeting_invitations(meeting)
    return meeting


def cancel_meeting(meeting, actor, *, version: int, reason: str, now=None) -> Meeting:
    _check_staff(actor)
    _check_version(meeting, version)
    if not (reason or "").strip():
        raise InvalidInput(details={"reason": ["Alasan wajib diisi."]})
    meeting.status, meeting.status_reason, meeting.updated_at = "cancelled", reason.strip(), utcnow()
    for req in _lock_requests(meeting):
        if in_tagged_state(req, StateTag.MEETING_SCHEDULED):
            fire(req, "cancel_meeting", actor, version=None, comment=reason, now=now, data={"meeting_id": meeting.id})
    db.session.flush()
    if not withdraw_invitation(meeting):  # an undangan not yet approved: no one was invited
        queue_meeting_invitations(meeting)  # METHOD:CANCEL
    return meeting


def hold_meeting(meeting, actor, *, version: int, attended: dict[int, bool] | None = None, now=None) -> Meeting:
    """Record the meeting as held (and the attendance, if given) on every request it covers."""
    _check_staff(actor)
    _check_version(meeting, version)
    if meeting.starts_at > (now or utcnow()):  # not before it starts (the same day is not enough)
        day, clock = local_clock(meeting.starts_at, meeting.office.timezone)
        raise TransitionUnavailable(
            f"Rapat belum dapat dicatat terlaksana sebelum dimulai ({long_date(day)} pukul {clock})."
        )
    if attended:
        set_attendance(meeting, attended)
    meeting.status, meeting.updated_at = "held", utcnow()
    for req in _lock_requests(meeting):
        if in_tagged_state(req, StateTag.MEETING_SCHEDULED):
            fire(req, "hold_meeting", actor, version=None, now=now, data={"meeting_id": meeting.id})
    db.session.flush()
    return meeting


def record_attendance(meeting, actor, *, version: int, attended: dict[int, bool]) -> Meeting:
    """Attendance, during or after the meeting."""
    _check_staff(actor)
    if version != meeting.version:
        raise StaleVersion(details={"current_version": meeting.version})
    if meeting.status == "cancelled":
        raise TransitionUnavailable("Rapat ini dibatalkan.")
    set_attendance(meeting, attended)
    db.session.flush()
    return meeting


def set_attendance(meeting, attended: dict[int, bool]) -> None:
    by_id = {p.id: p for p in meeting.participants}
    unknown = [pid for pid in attended if pid not in by_id]
    if unknown:
        raise InvalidInput(details={"attended": [f"Peserta tidak dikenal: {unknown}"]})
    for pid, present in attended.items():
        by_id[pid].attended = bool(present)
    meeting.updated_at = utcnow()  # the meeting row is written too, so its version moves on
    db.session.flush()


def meeting_end(meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
