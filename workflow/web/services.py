"""The public side: a form per public service (no account), and the tracking page, where a code
and PIN show the phase, the step, the due date and what to do next, and nothing else."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select

from ..actors import PublicActor
from ..catalogue import deadline_status
from ..documents.store import document_store
from ..engine.calendar import working_days_left
from ..engine.errors import StaleVersion
from ..engine.machine import is_exit
from ..extensions import db, limiter
from ..i18n import gettext as _
from ..models import Event, Request
from ..models.time import local_date, utcnow
from ..operations.calendar import office_calendar
from ..operations.public import find_tracked, submit_public_request
from ..operations.requests import upload_document
from ..operations.transitions import closing_timer_passed, fire
from ..processes import PROCESSES
from .unit_of_work import unit_of_work

bp = Blueprint("services", __name__)
HONEYPOT = "website"  # a field people never see and bots fill in


def public_processes():
    return [p for p in PROCESSES.values() if p.intake == "public"]


@bp.get("/layanan/")
def index():
    return render_template("services/index.html", processes=public_processes())


@bp.route("/layanan/<name>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])  # per address: enough for a family, not for a bot
def intake(name):
    process = PROCESSES.get(name)
    if process is None or process.intake != "public":
        abort(404)
    errors, form = {}, request.form
    if request.method == "POST":
        if form.get(HONEYPOT):
            abort(400)  # a bot: refuse quietly, store nothing
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
            )
        if work.failed:
            errors = work.field_errors
            if work.status in (413, 415) and not isinstance(work.error.details, dict):
                errors = {"_": [work.error.message]}
        else:
            return render_template("services/submitted.html", process=process, number=req.number, code=code, pin=pin)
    return render_template(
        "services/intake.html", process=process, form=form, errors=errors, honeypot=HONEYPOT
    ), 422 if errors else 200


def tracked_request():
    request_id = session.get("track")
    return db.session.get(Request, request_id) if request_id else None


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])  # codes cannot be guessed by trying
def track():
    if request.method == "POST":
        found = find_tracked(request.form.get("code", ""), request.form.get("pin", ""))
        if found is None:
            # the same answer for a wrong PIN and an unknown code: nothing to learn from it
            session.pop("track", None)
            return render_template("services/track.html", failed=True), 200
        session["track"] = found.id
        return redirect(url_for("services.track"))
    req = tracked_request()
    if req is None:
        return render_template("services/track.html", failed=False)
    process = PROCESSES[req.process]
    state = process.state(req.state)
    closed_by = closing_timer_passed(process, req, local_date(utcnow(), req.office.timezone))
    actions = [t for t in process.transitions_from(req.state) if "public" in t.roles] if not closed_by else []
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
