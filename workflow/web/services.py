"""The public side: a form per public service (no account), and the tracking page, where a code
and PIN show the phase, the step, the due date and what to do next, and nothing else."""

import math
import re
import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..actors import PublicActor
from ..catalogue import deadline_status, is_enabled, promise
from ..documents.pdf import logo_uri, renderer
from ..documents.store import document_store
from ..engine.calendar import working_days_left
from ..engine.errors import NotPermitted, StaleVersion
from ..engine.machine import allowed_triggers, closing_timer_passed, is_exit
from ..extensions import db, limiter
from ..i18n import format_day
from ..i18n import gettext as _
from ..models import Event, Office, Request
from ..models.time import local_date, utcnow
from ..operations import throttle
from ..operations.calendar import office_calendar
from ..operations.public import find_tracked, normalise_code, public_office, submit_public_request
from ..operations.requests import upload_document
from ..operations.transitions import fire
from ..processes import PROCESSES
from .receipts import current_receipt, receipt_request, remember_receipt
from .unit_of_work import unit_of_work

bp = Blueprint("services", __name__)
HONEYPOT = "website"  # a field people never see and bots fill in
FORM_TOKEN = "form_token"  # one per form shown: a double click files once (requests.intake_token)
TOKEN_FORMAT = re.compile(r"[0-9a-f]{32}")
CONSENT = "consent"
# The personal-data notice on the public forms (UU 27/2022), by version: recorded with the consent.
PRIVACY_NOTICE = "uu27-2022/v1"


def serving_office():
    """The office that receives requests from the public (None until one is configured)."""
    try:
        return public_office(current_app.config.get("PUBLIC_OFFICE"))
    except NotPermitted:
        return None


def public_processes():
    """The public services the office runs: those switched off in its catalogue are gone."""
    office = serving_office()
    return [p for p in PROCESSES.values() if p.intake == "public" and (office is None or is_enabled(office, p))]


@bp.get("/layanan/")
def index():
    return render_template("services/index.html", processes=public_processes())


@bp.route("/layanan/<name>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])  # per address: enough for a family, not for a bot
def intake(name):
    process = PROCESSES.get(name)
    if process is None or process not in public_processes():
        abort(404)
    errors, form = {}, request.form
    token = form.get(FORM_TOKEN, "") if request.method == "POST" else secrets.token_hex(16)
    if request.method == "POST":
        if form.get(HONEYPOT):
            abort(400)  # a bot: refuse quietly, store nothing
        if not TOKEN_FORMAT.fullmatch(token):  # a form from before, or forged: start again
            token = secrets.token_hex(16)
            errors = {"_": [_("Formulir ini kedaluwarsa. Isi dan kirim kembali.")]}
        if form.get(CONSENT) != "1":
            errors[CONSENT] = [_("Centang persetujuan pemrosesan data pribadi untuk mengirim permohonan.")]
    if request.method == "POST" and not errors:
        details = {
            f.name: (bool(form.get(f.name)) if f.kind == "bool" else form.get(f.name, "")) for f in process.fields
        }
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        uploads = [
            (k.name, f.filename, f.stream.read(limit + 1))
            for k in process.document_kinds
            if k.uploader == "applicant"
            for f in request.files.getlist(k.name)
            if f and f.filename
        ]
        language = form.get("language") if form.get("language") in ("id", "en") else "id"
        consent = {"notice": PRIVACY_NOTICE, "at": utcnow().isoformat(timespec="seconds")}
        for attempt in (1, 2):
            try:
                with unit_of_work(catch=True) as work:
                    req, code, pin = submit_public_request(
                        name,
                        details=details,
                        email=(form.get("email") or "").strip() or None,
                        language=language,
                        uploads=uploads,
                        store=document_store(),
                        max_bytes=limit,
                        office_code=current_app.config.get("PUBLIC_OFFICE"),
                        intake_token=token,
                        consent=consent,
                    )
                break
            except IntegrityError:
                # the same form filed at this moment by a double click: the second pass finds it
                if attempt == 2:
                    raise
        if work.failed:
            errors = work.field_errors
            if work.status in (413, 415) and not isinstance(work.error.details, dict):
                errors = {"_": [work.error.message]}
        else:
            # Post/Redirect/Get: reloading the confirmation shows it again, and never files again
            remember_receipt(req, code, pin)
            return redirect(url_for("services.submitted"))
    office = serving_office()
    return render_template(
        "services/intake.html",
        process=process,
        form=form,
        errors=errors,
        honeypot=HONEYPOT,
        form_token=token,
        retention=office.setting("privacy_retention") if office else Office.DEFAULT_SETTINGS["privacy_retention"],
    ), 422 if errors else 200


@bp.get("/layanan/terkirim")
def submitted():
    """The confirmation of the last request filed in this browser: its number and tracking code,
    the PIN on the first view only, what happens next and by when, and the printable receipt."""
    req, code, pin = current_receipt()
    if req is None:
        return redirect(url_for("services.index"))
    process = PROCESSES[req.process]
    return render_template(
        "services/submitted.html",
        req=req,
        process=process,
        number=req.number,
        code=code,
        pin=pin,
        promise=promise(req.office, process, _),
    )


@bp.get("/layanan/terkirim/tanda-terima.pdf")
def receipt_pdf():
    """The printable receipt of the last request filed in this browser: number, tracking code,
    what happens next; never the PIN (a receipt gets left on desks and photocopied)."""
    req = receipt_request()
    if req is None:
        abort(404)
    process = PROCESSES[req.process]
    office = req.office
    html = render_template(
        "pdf/receipt.html",
        logo=logo_uri({"office": {"logo": office.setting("logo_sha256")}}),
        r={
            # the kop of every document (pdf/_letterhead.html): its lines and the office's logo
            "office": {"letterhead": office.setting("letterhead") or [office.name.upper()]},
            "office_name": office.name,
            "process": _(process.label),
            "number": req.number,
            "code": req.tracking_code,
            "received": format_day(local_date(req.created_at, office.timezone), "d MMMM y"),
            "promise": promise(office, process, _),
            "track_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("services.track"),
        },
    )
    pdf = renderer().render_html(html, identifier=f"receipt:{req.number}")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="tanda-terima-{req.id}.pdf"'},
    )


def tracked_request():
    request_id = session.get("track")
    return db.session.get(Request, request_id) if request_id else None


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])  # codes cannot be guessed by trying
def track():
    if request.method == "POST":
        # one spelling per code (any case, with or without the hyphen): one lock per code
        code = normalise_code(request.form.get("code", ""))
        # a code with too many wrong PINs is locked, whoever tries and whatever PIN (known codes and
        # unknown ones alike: the lock tells nothing either)
        until = throttle.locked_until(throttle.TRACK, code) if code.strip() else None
        if until is not None:
            session.pop("track", None)
            minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
            return render_template("services/track.html", failed=False, locked_minutes=minutes), 429
        found = find_tracked(code, request.form.get("pin", ""))
        if found is None:
            # the same answer for a wrong PIN and an unknown code: nothing to learn from it
            session.pop("track", None)
            if code.strip():
                throttle.record_failure(throttle.TRACK, code)
                db.session.commit()
            return render_template("services/track.html", failed=True), 200
        throttle.clear(throttle.TRACK, code)
        db.session.commit()
        session["track"] = found.id
        return redirect(url_for("services.track"))
    req = tracked_request()
    if req is None:
        return render_template("services/track.html", failed=False)
    process = PROCESSES[req.process]
    state = process.state(req.state)
    today = local_date(utcnow(), req.office.timezone)
    closed_by = closing_timer_passed(process, req, today)
    # the same door as fire(): nothing once a closing timer has decided the request
    actions = [process.transition(t) for t in allowed_triggers(process, req, PublicActor(request_id=req.id), today)]
    kinds = (
        [k for k in process.document_kinds if k.uploader == "applicant"]
        if req.state in process.applicant_upload_states and not closed_by
        else []
    )
    calendar = office_calendar(req.office_id)
    events = db.session.scalars(select(Event).where(Event.request_id == req.id).order_by(Event.seq)).all()
    return render_template(
        "services/status.html",
        req=req,
        process=process,
        state=state,
        actions=[t for t in actions if not is_exit(process, t)],
        exits=[t for t in actions if is_exit(process, t)],
        kinds=kinds,
        closed_by=closed_by,
        days_left=working_days_left(req, calendar, local_date(utcnow(), req.office.timezone)),
        deadlines=deadline_status(process, req, events, calendar, req.office.timezone),
    )


@bp.post("/track/keluar")
def track_logout():
    session.pop("track", None)
    return redirect(url_for("services.track"))


@bp.post("/track/aksi")
def track_act():
    req = tracked_request()
    if req is None:
        return redirect(url_for("services.track"))
    applicant = PublicActor(request_id=req.id)
    # a refusal is told on the status page: the applicant has no other page to go to
    with unit_of_work(catch=True, shown_as_pages=(404,)) as work:
        # the page's version, checked before the uploads: each upload is an event of its own
        # and moves the version on, so fire() gets the version the uploads left
        version = request.form.get("version", "")
        if not version.isdecimal() or int(version) != req.version:
            raise StaleVersion(details={"current_version": req.version, "state": req.state})
        if request.files:
            limit = current_app.config["MAX_UPLOAD_BYTES"]
            for kind, upload in request.files.items(multi=True):
                if upload and upload.filename:
                    upload_document(
                        req,
                        applicant,
                        kind=kind,
                        filename=upload.filename,
                        content=upload.stream.read(limit + 1),
                        store=document_store(),
                        max_bytes=limit,
                    )
        trigger = request.form.get("trigger")
        if trigger:
            fire(req, trigger, applicant, version=req.version, comment=request.form.get("comment"))
    if work.stale:
        flash(_("Permohonan Anda baru saja diperbarui. Periksa keadaannya sekarang."), "warning")
    elif work.failed:
        work.flash()
    else:
        flash(_("Terima kasih. Permohonan Anda telah diperbarui."), "success")
    return redirect(url_for("services.track"))
