"""Meetings, attendance, minutes (berita acara) and issued documents (PDFs)."""

from datetime import date

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import and_, select

from ...access import visible_issued, visible_issued_filter, visible_minutes, visible_minutes_filter
from ...documents.ics import meeting_invitation
from ...engine.errors import NotFound
from ...extensions import db
from ...models import IssuedDocument, Meeting, Minutes, Request, meeting_requests
from ...models.time import utcnow
from ...operations import meetings as ops
from ...operations.issued import can_preview_minutes, preview_minutes, render_issued
from ...operations.letter_approval import (
    approve_letter,
    can_preview,
    preview_letter,
    resubmit_letter,
    send_back_letter,
)
from ...operations.minutes import (
    approve_minutes,
    finalise_minutes,
    revise_minutes,
    save_minutes,
    send_back_minutes,
    start_minutes,
)
from ...operations.notifications import calendar_host
from ..downloads import attachment
from ..unit_of_work import unit_of_work
from .auth import protect
from .errors import answers
from .requests import load_request
from .schemas import (
    IssuedOut,
    LetterResubmitIn,
    MeetingAttendance,
    MeetingCancel,
    MeetingCreate,
    MeetingOut,
    MeetingReschedule,
    MinutesOut,
    MinutesSave,
    MinutesStart,
    MonthQuery,
    SendBackIn,
    VersionIn,
    office_local,
)
from .serialize import issued_json, meeting_json, minutes_json

blp = Blueprint("api-meetings", __name__, url_prefix="/api/v1", description="Meetings, minutes, documents")
protect(blp)


def respond(meeting) -> dict:
    return meeting_json(meeting, meeting.office.timezone)


def load_minutes(minutes_id: int, *, for_update=False) -> Minutes:
    return visible_minutes(minutes_id, g.user, for_update=for_update)


@blp.route("/meetings")
class Meetings(MethodView):
    @blp.arguments(MonthQuery, location="query")
    @blp.response(200, MeetingOut(many=True))
    def get(self, args):
        """Meetings the caller can see, by start time; `month=YYYY-MM` limits to one month (UTC)."""
        stmt = select(Meeting).order_by(Meeting.starts_at)
        if g.user.role == "drafter":
            stmt = stmt.where(
                Meeting.id.in_(
                    select(meeting_requests.c.meeting_id).join(
                        Request,
                        and_(
                            Request.id == meeting_requests.c.request_id,
                            Request.organisation_id == g.user.organisation_id,
                        ),
                    )
                )
            )
        else:
            stmt = stmt.where(Meeting.office_id == g.user.office_id)
        if args.get("month"):
            year, month = map(int, args["month"].split("-"))
            first = date(year, month, 1)
            nxt = date(year + month // 12, month % 12 + 1, 1)
            stmt = stmt.where(Meeting.starts_at >= first, Meeting.starts_at < nxt)
        return [respond(m) for m in db.session.scalars(stmt.limit(500))]

    @blp.arguments(MeetingCreate)
    @blp.response(201, MeetingOut)
    def post(self, args):
        """Schedule a meeting for one or more requests (each fires `schedule_meeting`)."""
        with unit_of_work():
            meeting = ops.schedule_meeting(
                g.user,
                request_ids=args["request_ids"],
                title=args["title"],
                starts_at_local=office_local(args["starts_at"], g.user.office.timezone),
                duration_minutes=args["duration_minutes"],
                place=args["place"],
                online_link=args["online_link"],
                chair_id=args["chair_id"],
                participants=args["participants"],
                reason=args["reason"],
                confirm_non_working_day=args["confirm_non_working_day"],
            )
        return respond(meeting)


@blp.route("/meetings/<id:meeting_id>")
class MeetingDetail(MethodView):
    @blp.response(200, MeetingOut)
    def get(self, meeting_id):
        return respond(ops.visible_meeting(meeting_id, g.user))


@blp.route("/meetings/<id:meeting_id>/reschedule")
class RescheduleView(MethodView):
    @blp.arguments(MeetingReschedule)
    @blp.response(200, MeetingOut)
    def post(self, args, meeting_id):
        """Move the meeting (with a reason); each covered request records `reschedule_meeting`."""
        meeting = ops.visible_meeting(meeting_id, g.user, for_update=True)
        with unit_of_work():
            ops.reschedule_meeting(
                meeting,
                g.user,
                version=args["version"],
                starts_at_local=office_local(args["starts_at"], g.user.office.timezone),
                place=args["place"],
                online_link=args["online_link"],
                reason=args["reason"],
                confirm_non_working_day=args["confirm_non_working_day"],
            )
        return respond(meeting)


@blp.route("/meetings/<id:meeting_id>/cancel")
class CancelView(MethodView):
    @blp.arguments(MeetingCancel)
    @blp.response(200, MeetingOut)
    def post(self, args, meeting_id):
        """Cancel the meeting (with a reason); its requests go back to `analysed`."""
        meeting = ops.visible_meeting(meeting_id, g.user, for_update=True)
        with unit_of_work():
            ops.cancel_meeting(meeting, g.user, version=args["version"], reason=args["reason"])
        return respond(meeting)


@blp.route("/meetings/<id:meeting_id>/attendance")
class AttendanceView(MethodView):
    @blp.arguments(MeetingAttendance)
    @blp.response(200, MeetingOut)
    def post(self, args, meeting_id):
        """Record who attended (during or after the meeting)."""
        meeting = ops.visible_meeting(meeting_id, g.user, for_update=True)
        with unit_of_work():
            ops.record_attendance(
                meeting,
                g.user,
                version=args["version"],
                attended={a["participant_id"]: a["attended"] for a in args["attendance"]},
            )
        return respond(meeting)


@blp.route("/meetings/<id:meeting_id>/held")
class MeetingHeld(MethodView):
    @blp.arguments(MeetingAttendance)
    @blp.response(200, MeetingOut)
    def post(self, args, meeting_id):
        """Record the meeting as held (and attendance); each covered request fires `hold_meeting`."""
        meeting = ops.visible_meeting(meeting_id, g.user, for_update=True)
        with unit_of_work():
            ops.hold_meeting(
                meeting,
                g.user,
                version=args["version"],
                attended={a["participant_id"]: a["attended"] for a in args["attendance"]},
            )
        return respond(meeting)


@blp.route("/meetings/<id:meeting_id>/invitation.ics")
class MeetingInvitation(MethodView):
    @blp.response(200, content_type="text/calendar")
    def get(self, meeting_id):
        """The iCalendar invitation (updates when rescheduled, cancels when cancelled)."""
        meeting = ops.visible_meeting(meeting_id, g.user)
        return attachment(
            meeting_invitation(meeting, calendar_host()),
            mimetype="text/calendar",
            name=f"rapat-{meeting.id}.ics",
        )


@blp.route("/requests/<id:request_id>/minutes")
class RequestMinutes(MethodView):
    @blp.response(200, MinutesOut(many=True))
    def get(self, request_id):
        """Every revision of the request's minutes, newest first."""
        req = load_request(request_id)
        rows = db.session.scalars(
            select(Minutes)
            .where(Minutes.request_id == req.id, visible_minutes_filter(g.user))
            .order_by(Minutes.revision.desc())
        )
        return [minutes_json(m, g.user) for m in rows]

    @blp.arguments(MinutesStart)
    @blp.response(201, MinutesOut)
    def post(self, args, request_id):
        """Start the minutes of the request at a meeting that covers it (a draft)."""
        req = load_request(request_id, for_update=True)
        meeting = ops.visible_meeting(args["meeting_id"], g.user)
        with unit_of_work():
            minutes = start_minutes(req, g.user, meeting)
        return minutes_json(minutes, g.user)


@blp.route("/minutes/<id:minutes_id>")
class MinutesDetail(MethodView):
    @blp.response(200, MinutesOut)
    @answers(blp, 404)
    def get(self, minutes_id):
        return minutes_json(load_minutes(minutes_id), g.user)

    @blp.arguments(MinutesSave)
    @blp.response(200, MinutesOut)
    def put(self, args, minutes_id):
        """Save a draft (fields given replace the old ones; `findings` replaces all findings).
        409 if the minutes are final or `version` is stale."""
        minutes = load_minutes(minutes_id, for_update=True)
        version = args.pop("version")
        findings = args.pop("findings", None)
        with unit_of_work():
            save_minutes(minutes, g.user, version=version, fields=args, findings=findings)
        return minutes_json(minutes, g.user)


@blp.route("/minutes/<id:minutes_id>/finalise")
class MinutesFinalise(MethodView):
    @blp.arguments(VersionIn)
    @blp.response(200, MinutesOut)
    @answers(blp, 403, 404, 409)
    def post(self, args, minutes_id):
        """Lock the minutes. An officer's then await the approval of the head or the delegate
        (`status` "awaiting_approval", not numbered yet); the head's (or the delegate's) are
        approved at once: numbered and issued (`issued_document`; the PDF rendered once)."""
        minutes = load_minutes(minutes_id, for_update=True)
        with unit_of_work():
            finalise_minutes(minutes, g.user, version=args["version"])
        return minutes_json(minutes, g.user)


@blp.route("/minutes/<id:minutes_id>/approve")
class MinutesApprove(MethodView):
    @blp.arguments(VersionIn)
    @blp.response(200, MinutesOut)
    @answers(blp, 403, 404, 409)
    def post(self, args, minutes_id):
        """The head or the delegate approves minutes awaiting approval: numbered and issued now.
        403 not the head or the delegate; 409 stale `version` or not awaiting approval."""
        minutes = load_minutes(minutes_id, for_update=True)
        with unit_of_work():
            approve_minutes(minutes, g.user, version=args["version"])
        return minutes_json(minutes, g.user)


@blp.route("/minutes/<id:minutes_id>/send-back")
class MinutesSendBack(MethodView):
    @blp.arguments(SendBackIn)
    @blp.response(200, MinutesOut)
    @answers(blp, 403, 404, 409)
    def post(self, args, minutes_id):
        """The head or the delegate sends minutes awaiting approval back to draft with a `comment`
        (required, 422 when blank); nothing is numbered. 403, 409 as approve."""
        minutes = load_minutes(minutes_id, for_update=True)
        with unit_of_work():
            send_back_minutes(minutes, g.user, version=args["version"], comment=args["comment"])
        return minutes_json(minutes, g.user)


@blp.route("/minutes/<id:minutes_id>/preview.pdf")
class MinutesPreview(MethodView):
    @blp.response(200, content_type="application/pdf")
    @answers(blp, 404)
    def get(self, minutes_id):
        """The berita acara as it would be issued, marked DRAF, without a number (staff; draft or
        awaiting approval; 404 once issued: download the issued PDF instead)."""
        minutes = load_minutes(minutes_id)
        if not can_preview_minutes(g.user, minutes):
            raise NotFound("Pratinjau tidak tersedia.")
        content = preview_minutes(minutes, utcnow())
        return attachment(content, mimetype="application/pdf", name=f"draf-berita-acara-{minutes.id}.pdf")


@blp.route("/minutes/<id:minutes_id>/revise")
class MinutesRevise(MethodView):
    @blp.response(201, MinutesOut)
    @answers(blp, 403, 404, 409)
    def post(self, minutes_id):
        """Start a correction of final minutes: a new draft revision that supersedes them once final."""
        minutes = load_minutes(minutes_id, for_update=True)
        with unit_of_work():
            revision = revise_minutes(minutes, g.user)
        return minutes_json(revision, g.user)


@blp.route("/requests/<id:request_id>/issued")
class RequestIssued(MethodView):
    @blp.response(200, IssuedOut(many=True))
    @answers(blp, 404)
    def get(self, request_id):
        """Documents issued for the request (berita acara revisions, result letter)."""
        req = load_request(request_id)
        rows = db.session.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.request_id == req.id, visible_issued_filter(g.user))
            .order_by(IssuedDocument.id)
        )
        return [issued_json(d, g.user) for d in rows]


@blp.route("/issued-documents/<id:issued_id>")
class IssuedDocumentOne(MethodView):
    @blp.response(200, IssuedOut)
    @answers(blp, 404)
    def get(self, issued_id):
        """One issued document or letter, with its `status` (letters awaiting approval: staff only)."""
        return issued_json(visible_issued(issued_id, g.user), g.user)


@blp.route("/issued-documents/<id:issued_id>/approve")
class IssuedApprove(MethodView):
    @blp.arguments(VersionIn)
    @blp.response(200, IssuedOut)
    @answers(blp, 403, 404, 409)
    def post(self, args, issued_id):
        """The head or the delegate approves a letter awaiting approval: numbered and issued now
        (an undangan rapat's invitations go out). 403 not the head or the delegate; 404 not visible;
        409 stale `version`, not awaiting approval, or an invitation to a meeting no longer ahead."""
        issued = visible_issued(issued_id, g.user, for_update=True)
        with unit_of_work():
            approve_letter(issued, g.user, version=args["version"])
        return issued_json(issued, g.user)


@blp.route("/issued-documents/<id:issued_id>/send-back")
class IssuedSendBack(MethodView):
    @blp.arguments(SendBackIn)
    @blp.response(200, IssuedOut)
    @answers(blp, 403, 404, 409)
    def post(self, args, issued_id):
        """The head or the delegate sends a letter awaiting approval back to the officer with a
        `comment` (required, 422 when blank); nothing is numbered. 403, 404, 409 as approve."""
        issued = visible_issued(issued_id, g.user, for_update=True)
        with unit_of_work():
            send_back_letter(issued, g.user, version=args["version"], comment=args["comment"])
        return issued_json(issued, g.user)


@blp.route("/issued-documents/<id:issued_id>/resubmit")
class IssuedResubmit(MethodView):
    @blp.arguments(LetterResubmitIn)
    @blp.response(200, IssuedOut)
    @answers(blp, 403, 404, 409)
    def post(self, args, issued_id):
        """Staff ask again for a letter sent back, rebuilt from what stands now (the meeting, the
        minutes) and, for a surat pengembalian berkas, the revised `missing` list. By the head or
        the delegate: issued at once. 409 stale `version` or not sent back; 422 an empty list."""
        issued = visible_issued(issued_id, g.user, for_update=True)
        with unit_of_work():
            resubmit_letter(issued, g.user, version=args["version"], missing=args.get("missing"))
        return issued_json(issued, g.user)


@blp.route("/issued-documents/<id:issued_id>/preview.pdf")
class IssuedPreview(MethodView):
    @blp.response(200, content_type="application/pdf")
    @answers(blp, 404)
    def get(self, issued_id):
        """A letter not issued yet as it would be issued, marked DRAF, without a number or QR code
        (staff; 404 once issued: download the issued PDF instead)."""
        issued = visible_issued(issued_id, g.user)
        if not can_preview(g.user, issued):
            raise NotFound("Pratinjau tidak tersedia.")
        return attachment(preview_letter(issued), mimetype="application/pdf", name=f"draf-surat-{issued.id}.pdf")


@blp.route("/issued/<id:issued_id>/pdf")
class IssuedPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    @answers(blp, 404)
    def get(self, issued_id):
        """The PDF, exactly as issued (rendered once, then always the stored bytes; 404 while a
        letter awaits approval)."""
        issued = visible_issued(issued_id, g.user, issued_only=True)
        with unit_of_work():
            content = render_issued(issued)
        return attachment(content, mimetype="application/pdf", name=f"{issued.kind}-{issued.code}.pdf")
