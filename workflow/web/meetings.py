"""Meetings and minutes in the browser: the month calendar, the meeting page, the minutes editor
and the official documents. Every change goes through operations/meetings.py and minutes.py."""

import itertools
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, or_, select

from ..access import visible_issued, visible_minutes, visible_minutes_filter
from ..documents.ics import meeting_invitation
from ..engine.definition import StateTag
from ..extensions import db
from ..i18n import gettext as _
from ..models import Meeting, Minutes, Request, User, meeting_requests
from ..models.time import utcnow
from ..operations import meetings as ops
from ..operations.issued import draft_name, preview_minutes, render_issued
from ..operations.minutes import (
    approve_minutes,
    finalise_minutes,
    is_approver,
    revise_minutes,
    save_minutes,
    send_back_minutes,
    start_minutes,
)
from ..operations.notifications import calendar_host
from ..processes import in_tagged_state, in_tagged_states
from ..vocabulary import MinutesStatus, Side
from .cases import load_request
from .downloads import attachment
from .unit_of_work import unit_of_work

bp = Blueprint("meetings", __name__)


@bp.before_request
@login_required
def require_login():
    pass


def staff_only():
    if not current_user.is_staff:
        abort(403)


def local(moment: datetime, timezone: str) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))


@bp.get("/rapat/")
def calendar():
    month = request.args.get("bulan", "")
    tz = current_user.office.timezone
    this_month = datetime.now(ZoneInfo(tz)).date().replace(day=1)
    try:
        first = datetime.strptime(month, "%Y-%m").date() if month else this_month
    except ValueError:
        first = this_month
    if not 2000 <= first.year <= 2100:  # and the months either side of it stay real dates
        first = this_month
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    prev = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    # the office's month, as the stored naive UTC: 07:30 WITA on the 1st is 23:30 UTC the day before
    start, end = (ops.to_utc(datetime.combine(d, datetime.min.time()), tz) for d in (first, nxt))
    stmt = select(Meeting).where(Meeting.starts_at >= start, Meeting.starts_at < end).order_by(Meeting.starts_at)
    if current_user.role == "drafter":
        stmt = stmt.where(
            Meeting.id.in_(
                select(meeting_requests.c.meeting_id).join(
                    Request,
                    and_(
                        Request.id == meeting_requests.c.request_id,
                        Request.organisation_id == current_user.organisation_id,
                    ),
                )
            )
        )
    else:
        stmt = stmt.where(Meeting.office_id == current_user.office_id)
    meetings = db.session.scalars(stmt).all()
    return render_template(
        "meetings/calendar.html",
        meetings=[(m, local(m.starts_at, tz)) for m in meetings],
        first=first,
        prev=prev,
        nxt=nxt,
    )


def ready_requests():
    return db.session.scalars(
        select(Request)
        # ready for a meeting, or after a meeting that needs a follow-up (rapat lanjutan)
        .where(
            Request.office_id == current_user.office_id,
            or_(in_tagged_states(StateTag.MEETING_READY), in_tagged_states(StateTag.MEETING_HELD)),
        )
        .order_by(Request.id)
    ).all()


def heads():
    return db.session.scalars(
        select(User).where(User.office_id == current_user.office_id, User.role == "head", User.active.is_(True))
    ).all()


INVITEE_COLUMNS = ("name", "position", "institution", "side", "email")
BLANK_INVITEE_ROWS = 3  # rows left empty on the form, for invitees not prefilled


def posted_invitees(form) -> list[dict]:
    """The invitee rows of the form (inv_name, inv_position ... repeated, one per row); a row left
    empty is no invitee: that is how a row is removed."""
    columns = [form.getlist(f"inv_{c}") for c in INVITEE_COLUMNS]
    rows = []
    for values in itertools.zip_longest(*columns, fillvalue=""):
        row = dict(zip(INVITEE_COLUMNS, (v.strip() for v in values), strict=True))
        if not any(row[c] for c in ("name", "position", "institution", "email")):
            continue
        row["side"], row["email"] = Side.parse(row["side"]), row["email"] or None
        rows.append(row)
    return rows


def selected_requests(ids) -> list[Request]:
    """The ready requests among `ids` (the form's, or the request page's link)."""
    wanted = {int(i) for i in ids if str(i).isdecimal()}
    return [r for r in ready_requests() if r.id in wanted]


def default_invitees(selected: list[Request]) -> list[dict]:
    """Who is usually invited: the office's heads (the chair among them), the drafters assigned to
    the selected drafts, and the drafter accounts of the applicant organisations, each once."""
    office = current_user.office
    people, seen = [], set()

    def add(user, side, institution, fallback_position):
        if user.id in seen or not user.active:
            return
        seen.add(user.id)
        people.append(
            {
                "name": user.name,
                "position": user.position or fallback_position,
                "institution": institution,
                "side": side,
                "email": user.email,
            }
        )

    for head in heads():
        add(head, Side.OFFICE.value, office.name, office.setting("head_title") or _("Pimpinan"))
    for req in selected:
        for drafter in sorted(req.assignees, key=lambda u: u.name):
            add(drafter, Side.OFFICE.value, office.name, _("Perancang"))
    for organisation in {r.organisation_id: r.organisation for r in selected if r.organisation}.values():
        side = Side.DPRD.value if organisation.kind == "dprd" else Side.APPLICANT.value
        for drafter in db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id, User.role == "drafter", User.active.is_(True))
            .order_by(User.name)
        ):
            add(drafter, side, organisation.name, _("Perancang pemrakarsa"))
    return people


def default_title(selected: list[Request]) -> str:
    """ "Rapat Pengharmonisasian Rancangan Peraturan Daerah Kota Kupang tentang ...", or for several
    drafts of one applicant "Rapat Pengharmonisasian 3 Rancangan Pemerintah Kabupaten Sikka"."""
    # after a meeting that did not settle everything: "Rapat Lanjutan Pengharmonisasian ..."
    kind = "Rapat Lanjutan" if any(in_tagged_state(r, StateTag.MEETING_HELD) for r in selected) else "Rapat"
    if len(selected) == 1:
        return f"{kind} Pengharmonisasian {draft_name(selected[0])}"
    if selected and selected[0].organisation:
        return f"{kind} Pengharmonisasian {len(selected)} Rancangan {selected[0].organisation.name}"
    return "Rapat Pengharmonisasian"


@bp.route("/rapat/baru", methods=["GET", "POST"])
def new_meeting():
    staff_only()
    errors, form = {}, request.form
    invitees = posted_invitees(form) if request.method == "POST" else None
    if request.method == "POST":
        try:
            starts = datetime.strptime(f"{form.get('date')} {form.get('time')}", "%Y-%m-%d %H:%M")
        except ValueError:
            errors["date"] = [_("Isi tanggal dan jam rapat.")]
        duration = form.get("duration", type=int) if form.get("duration") else 180
        if duration is None:
            errors["duration_minutes"] = [_("Durasi diisi dengan jumlah menit.")]
        if not errors:
            with unit_of_work(catch=True) as work:
                meeting = ops.schedule_meeting(
                    current_user,
                    request_ids=[int(i) for i in form.getlist("request_ids") if i.isdecimal()],
                    title=form.get("title", ""),
                    starts_at_local=starts,
                    duration_minutes=duration,
                    place=form.get("place"),
                    online_link=form.get("online_link"),
                    chair_id=form.get("chair_id", 0, type=int),
                    participants=invitees,
                    reason=form.get("reason") or None,
                    confirm_non_working_day=bool(form.get("confirm_non_working_day")),
                )
            if not work.failed:
                flash(_("Rapat dijadwalkan."), "success")
                return redirect(url_for("meetings.show", meeting_id=meeting.id))
            errors = work.field_errors
    requests_ = ready_requests()
    preselected = request.args.getlist("request_ids")
    if request.method == "GET":
        selected = selected_requests(preselected)
        invitees = default_invitees(selected)
        defaults = {"title": default_title(selected), "place": current_user.office.setting("meeting_place")}
        defaults["place"] = defaults["place"] or current_user.office.name
    else:
        defaults = {}
    return render_template(
        "meetings/new.html",
        requests=requests_,
        heads=heads(),
        form=form,
        defaults=defaults,
        preselected=preselected,
        errors=errors,
        invitees=invitees + [{} for _ in range(BLANK_INVITEE_ROWS)],
        sides=list(Side),
    ), 422 if errors else 200


@bp.get("/rapat/<id:meeting_id>")
def show(meeting_id):
    meeting = ops.visible_meeting(meeting_id, current_user)
    minutes = {
        m.request_id: m
        for m in db.session.scalars(
            select(Minutes)
            .where(Minutes.meeting_id == meeting.id, visible_minutes_filter(current_user))
            .order_by(Minutes.revision)
        )
    }
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        minutes=minutes,
        starts=local(meeting.starts_at, meeting.office.timezone),
        staff=current_user.is_staff,
    )


def meeting_action(meeting_id, action):
    staff_only()
    meeting = ops.visible_meeting(meeting_id, current_user, for_update=True)
    form = request.form
    try:
        with unit_of_work(catch=True) as work:
            version = int(form.get("version") or 0)
            action(meeting, form, version)
    except ValueError:  # rolled back: a date or time that is none
        flash(_("Isi tanggal dan jam dengan benar."), "danger")
    else:
        if work.stale:
            flash(_("Rapat ini baru saja diubah oleh orang lain. Berikut keadaannya sekarang."), "warning")
        else:
            work.flash()
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


@bp.post("/rapat/<id:meeting_id>/kehadiran")
def attendance(meeting_id):
    def act(meeting, form, version):
        present = {int(i) for i in form.getlist("present") if i.isdecimal()}
        attended = {p.id: p.id in present for p in meeting.participants}
        if form.get("held"):
            ops.hold_meeting(meeting, current_user, version=version, attended=attended)
            flash(_("Rapat dicatat telah dilaksanakan."), "success")
        else:
            ops.record_attendance(meeting, current_user, version=version, attended=attended)
            flash(_("Kehadiran disimpan."), "success")

    return meeting_action(meeting_id, act)


@bp.post("/rapat/<id:meeting_id>/jadwal-ulang")
def reschedule(meeting_id):
    def act(meeting, form, version):
        starts = datetime.strptime(f"{form.get('date')} {form.get('time')}", "%Y-%m-%d %H:%M")
        ops.reschedule_meeting(
            meeting,
            current_user,
            version=version,
            starts_at_local=starts,
            place=form.get("place"),
            online_link=form.get("online_link"),
            reason=form.get("reason", ""),
            confirm_non_working_day=bool(form.get("confirm_non_working_day")),
        )
        flash(_("Rapat dijadwalkan ulang."), "success")

    return meeting_action(meeting_id, act)


@bp.post("/rapat/<id:meeting_id>/batal")
def cancel(meeting_id):
    def act(meeting, form, version):
        ops.cancel_meeting(meeting, current_user, version=version, reason=form.get("reason", ""))
        flash(_("Rapat dibatalkan."), "success")

    return meeting_action(meeting_id, act)


@bp.get("/rapat/<id:meeting_id>/undangan.ics")
def invitation(meeting_id):
    meeting = ops.visible_meeting(meeting_id, current_user)
    return attachment(
        meeting_invitation(meeting, calendar_host()),
        mimetype="text/calendar",
        name=f"rapat-{meeting.id}.ics",
    )


@bp.post("/rapat/<id:meeting_id>/berita-acara/<id:request_id>")
def start(meeting_id, request_id):
    staff_only()
    meeting = ops.visible_meeting(meeting_id, current_user)
    req = load_request(request_id, for_update=True)
    with unit_of_work(catch=True) as work:
        minutes = start_minutes(req, current_user, meeting)
    if work.failed:
        flash(work.error.message, "danger")
        return redirect(url_for("meetings.show", meeting_id=meeting_id))
    return redirect(url_for("meetings.minutes", minutes_id=minutes.id))


def load_minutes(minutes_id, *, for_update=False) -> Minutes:
    return visible_minutes(minutes_id, current_user, for_update=for_update)


def render_minutes(minutes, *, errors=None, values=None, status=200, comment=""):
    revisions = db.session.scalars(
        select(Minutes)
        .where(Minutes.request_id == minutes.request_id, visible_minutes_filter(current_user))
        .order_by(Minutes.revision)
    ).all()
    return render_template(
        "meetings/minutes.html",
        minutes=minutes,
        errors=errors or {},
        values=values,
        revisions=revisions,
        editable=minutes.status == MinutesStatus.DRAFT and current_user.is_staff,
        staff=current_user.is_staff,
        approver=is_approver(current_user),
        comment=comment,
    ), status


@bp.get("/berita-acara/<id:minutes_id>")
def minutes(minutes_id):
    return render_minutes(load_minutes(minutes_id))


def minutes_form_values(form) -> tuple[dict, list]:
    fields = {
        name: form.get(name) or None
        for name in (
            "conclusion",
            "notes",
            "correction_deadline",
            "legal_basis",
        )
    }
    signatories = []
    for line in (form.get("signatories") or "").splitlines():
        if line.strip():
            parts = [p.strip() for p in line.split(";")] + ["", "", ""]
            signatories.append({"name": parts[0], "position": parts[1], "side": Side.parse(parts[2])})
    fields["signatories"] = signatories
    findings = []
    for aspect, article, finding, change in zip(
        form.getlist("aspect"), form.getlist("article"), form.getlist("finding"), form.getlist("agreed_change")
    ):
        if finding.strip():  # an empty row is no finding: that is how a row is removed
            findings.append(
                {"aspect": aspect, "article": article or None, "finding": finding, "agreed_change": change or None}
            )
    return fields, findings


@bp.post("/berita-acara/<id:minutes_id>")
def save(minutes_id):
    staff_only()
    minutes = load_minutes(minutes_id, for_update=True)
    fields, findings = minutes_form_values(request.form)
    with unit_of_work(catch=True) as work:
        save_minutes(
            minutes, current_user, version=request.form.get("version", 0, type=int), fields=fields, findings=findings
        )
    if work.stale:
        return stale_minutes(minutes_id)
    if work.failed:
        return render_minutes(
            load_minutes(minutes_id), errors=work.field_errors, values=request.form, status=work.status
        )
    flash(_("Draf berita acara disimpan."), "success")
    return redirect(url_for("meetings.minutes", minutes_id=minutes_id))


def stale_minutes(minutes_id):
    flash(
        _(
            "Berita acara ini baru saja disimpan oleh orang lain. Berikut isinya sekarang; "
            "masukkan kembali perubahan Anda."
        ),
        "warning",
    )
    return redirect(url_for("meetings.minutes", minutes_id=minutes_id))


@bp.post("/berita-acara/<id:minutes_id>/final")
def finalise(minutes_id):
    staff_only()
    minutes = load_minutes(minutes_id, for_update=True)
    version = request.form.get("version", 0, type=int)  # not a number: stale, never a 500
    # From the editor the button posts the fields too: what is on the screen is saved first, in
    # the same transaction, so an edit not yet saved is never lost (nor finalised half-way).
    edited = "conclusion" in request.form
    with unit_of_work(catch=True) as work:  # the berita acara's PDF is rendered after the commit
        if edited:
            fields, findings = minutes_form_values(request.form)
            save_minutes(minutes, current_user, version=version, fields=fields, findings=findings)
            version = minutes.version
        finalise_minutes(minutes, current_user, version=version)
    if work.stale:
        return stale_minutes(minutes_id)
    if work.failed:
        if edited:  # the edits stay on the screen
            return render_minutes(
                load_minutes(minutes_id), errors=work.field_errors, values=request.form, status=work.status
            )
        work.flash()
        return redirect(url_for("meetings.minutes", minutes_id=minutes_id))
    if minutes.issued_document is not None:  # the head (or the delegate) approved at once
        flash(
            _(
                "Berita acara difinalkan dan diterbitkan dengan nomor %(number)s.",
                number=minutes.issued_document.number,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Berita acara difinalkan dan menunggu persetujuan pimpinan. Nomor diberikan setelah "
                "disetujui; Anda akan diberi tahu."
            ),
            "success",
        )
    return redirect(url_for("meetings.minutes", minutes_id=minutes_id))


@bp.get("/berita-acara/<id:minutes_id>/draf.pdf")
def preview(minutes_id):
    """The berita acara as it will be issued, marked DRAF and without a number (staff only)."""
    staff_only()
    minutes = load_minutes(minutes_id)
    if minutes.status not in (MinutesStatus.DRAFT, MinutesStatus.AWAITING_APPROVAL):
        abort(404)  # issued: the issued PDF is the document
    content = preview_minutes(minutes, utcnow())
    return attachment(content, mimetype="application/pdf", name=f"draf-berita-acara-{minutes.id}.pdf")


@bp.post("/berita-acara/<id:minutes_id>/setujui")
def approve(minutes_id):
    staff_only()
    minutes = load_minutes(minutes_id, for_update=True)
    with unit_of_work(catch=True) as work:  # numbered now, the PDF rendered after the commit
        issued = approve_minutes(minutes, current_user, version=request.form.get("version", 0, type=int))
    if work.stale:
        return stale_minutes(minutes_id)
    if work.failed:
        work.flash()
    else:
        flash(_("Berita acara disetujui dan diterbitkan dengan nomor %(number)s.", number=issued.number), "success")
    return redirect(url_for("meetings.minutes", minutes_id=minutes_id))


@bp.post("/berita-acara/<id:minutes_id>/kembalikan")
def send_back(minutes_id):
    staff_only()
    minutes = load_minutes(minutes_id, for_update=True)
    comment = request.form.get("comment", "")
    with unit_of_work(catch=True) as work:
        send_back_minutes(minutes, current_user, version=request.form.get("version", 0, type=int), comment=comment)
    if work.stale:
        return stale_minutes(minutes_id)
    if work.failed:
        return render_minutes(
            load_minutes(minutes_id), errors=work.field_errors, values=None, status=work.status, comment=comment
        )
    flash(_("Berita acara dikembalikan kepada perancang dengan catatan Anda."), "success")
    return redirect(url_for("meetings.minutes", minutes_id=minutes_id))


@bp.post("/berita-acara/<id:minutes_id>/revisi")
def revise(minutes_id):
    staff_only()
    minutes = load_minutes(minutes_id, for_update=True)
    with unit_of_work(catch=True) as work:
        revision = revise_minutes(minutes, current_user)
    if work.failed:
        flash(work.error.message, "danger")
        return redirect(url_for("meetings.minutes", minutes_id=minutes_id))
    flash(_("Revisi dibuat sebagai draf. Setelah difinalkan, revisi ini menggantikan berita acara sebelumnya."), "info")
    return redirect(url_for("meetings.minutes", minutes_id=revision.id))


@bp.get("/dokumen-resmi/<id:issued_id>.pdf")
def issued_pdf(issued_id):
    issued = visible_issued(issued_id, current_user, issued_only=True)
    with unit_of_work():  # rendered here only when it was not after its issuing commit
        content = render_issued(issued)
    return attachment(content, mimetype="application/pdf", name=f"{issued.kind}-{issued.code}.pdf")
