"""Requests in the browser: the applicants' portal and the staff desk share these pages; what a
user sees and may do follows from the same access rule and engine as the API."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import joinedload, selectinload, with_expression

from ..access import (
    can_read_event_comment,
    visible_issued_filter,
    visible_minutes_filter,
    visible_request,
    visible_request_for_page,
)
from ..catalogue import deadline_status, enabled_processes, is_enabled
from ..documents.store import document_store
from ..engine.calendar import working_days_left
from ..engine.definition import N_
from ..engine.errors import NotFound
from ..engine.machine import allowed_triggers, closing_timer_passed
from ..extensions import db
from ..i18n import gettext as _
from ..models import (
    Document,
    Event,
    IssuedDocument,
    Meeting,
    Minutes,
    Request,
    User,
    meeting_requests,
)
from ..models.time import local_date, utcnow
from ..operations.calendar import office_calendar
from ..operations.event_redaction import redacted_events
from ..operations.minutes import is_approver
from ..operations.personal_data import REDACTED, check_document_read, details_for, hidden_document_ids
from ..operations.public import register_oral_application
from ..operations.requests import (
    application_letter_editable,
    create_request,
    update_application_letter,
    upload_document,
    upload_documents,
)
from ..operations.transitions import fire
from ..processes import PROCESSES
from ..processes.common import APPLICANT_TYPES
from ..queries import filtered_requests, queue_order, queue_page
from ..vocabulary import STAFF, MinutesStatus
from . import queue
from .downloads import attachment
from .forms import ActionForm, ApplicationLetterForm, NewRequestForm, UploadForm
from .processmap import process_svg
from .receipts import remember_receipt
from .unit_of_work import unit_of_work

bp = Blueprint("cases", __name__, url_prefix="/permohonan")
PER_PAGE = 25
MAX_FILES_AT_ONCE = 10


@bp.before_request
@login_required
def require_login():
    pass


def today():
    return local_date(utcnow(), current_user.office.timezone)


def load_request(request_id: int, *, for_update=False, options=()) -> Request:
    return visible_request(request_id, current_user, for_update=for_update, options=options)


# Whether the request has meetings, minutes, issued documents: read with the request itself, so
# that its page runs the queries of only the sections that have rows (most files have none).
REQUEST_SECTIONS = (
    with_expression(Request.has_meetings, exists().where(meeting_requests.c.request_id == Request.id)),
    with_expression(Request.has_minutes, exists().where(Minutes.request_id == Request.id)),
    with_expression(Request.has_issued, exists().where(IssuedDocument.request_id == Request.id)),
)


# The request page's lists, built once (a built statement keeps its SQL cache key): the documents
# with their uploaders and the events with their actors, each in one statement.
REQUEST_DOCUMENTS = (
    select(Document)
    .where(Document.request_id == bindparam("request_id"))
    .options(joinedload(Document.uploaded_by))
    .order_by(Document.kind, Document.version.desc())
)
REQUEST_EVENTS = (
    select(Event)
    .where(Event.request_id == bindparam("request_id"))
    .options(joinedload(Event.actor))
    .order_by(Event.seq)
)


def queue_filter():
    """The work queue's filter (what the query string asks, kept to what the user may choose) and
    the arguments of filtered_requests() it gives: the page and its exports show the same rows."""
    user = current_user._get_current_object()
    f = queue.read_filter(user)
    return f, queue.query_arguments(f, user, today(), lambda: office_calendar(user.office_id))


@bp.get("/")
def index():
    user = current_user._get_current_object()  # not the proxy: asked once per row
    f, args = queue_filter()
    page_no = request.args.get("page", 1, type=int) or 1
    filters = {k: v for k, v in request.args.items() if k != "page"}
    day = today()
    page = queue_page(user, day, max(page_no, 1), PER_PAGE, f.sort, f.direction, **args)
    rows = queue.rows_of(page.items, user, day, office_calendar(user.office_id)) if page.items else []
    return render_template(
        "cases/index.html",
        f=f,
        page=page,
        rows=rows,
        staff=user.is_office_account,
        filters=filters,
        filters_without_before={k: v for k, v in filters.items() if k != "before"},
        sorts=queue.sort_links(f, {k: v for k, v in filters.items() if k not in ("sort", "dir")}),
        keyset=f.sort == "number" and f.direction == "desc",  # "older than the last shown" follows this order only
    )


@bp.route("/baru", methods=["GET", "POST"])
def new():
    if current_user.is_staff:
        # staff register walk-in applicants for the services that take them at the counter
        return render_template("cases/new_staff.html", processes=counter_processes())
    if current_user.role != "drafter":
        abort(403)
    form = NewRequestForm()
    form.process_type.choices = [(p.name, _(p.label)) for p in enabled_processes(current_user.office, "account")]
    form.applicant_type.choices = [(k, _(label)) for k, label in APPLICANT_TYPES.items()]
    if request.method == "GET":
        organisation = current_user.organisation
        form.applicant_type.data = "dprd" if organisation and organisation.kind == "dprd" else "kepala_daerah"
    if form.validate_on_submit():
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        letter = form.application_letter.data
        with unit_of_work(catch=True) as work:
            req = create_request(
                current_user,
                process=form.process_type.data,
                title=form.title.data,
                external_ref=form.external_ref.data,
                applicant_type=form.applicant_type.data,
                application_letter_number=form.application_letter_number.data,
                application_letter_date=form.application_letter_date.data,
            )
            # the letter itself, in the same step: a draft never lacks it (all or nothing)
            upload_documents(
                req,
                current_user,
                [("surat_permohonan", letter.filename, letter.stream.read(limit + 1))],
                store=document_store(),
                max_bytes=limit,
            )
        if work.failed:
            for name, messages in work.field_errors.items():
                # the upload's errors (size, type, an empty file) belong beside the file field
                name = "application_letter" if name in ("_", "file") else name
                target = getattr(form, name, None)
                if target is not None and hasattr(target, "errors"):
                    target.errors = list(target.errors) + list(messages)
                else:
                    flash(" ".join(messages), "danger")
            return render_template(
                "cases/new.html", form=form, processes=enabled_processes(current_user.office, "account")
            ), 422
        flash(
            _(
                "Permohonan %(number)s dibuat sebagai draf. Unggah dokumen yang diwajibkan, lalu ajukan.",
                number=req.number,
            ),
            "success",
        )
        return redirect(url_for("cases.detail", request_id=req.id))
    return render_template(
        "cases/new.html", form=form, processes=enabled_processes(current_user.office, "account")
    ), 422 if form.errors else 200


@bp.route("/baru/<name>", methods=["GET", "POST"])
def new_staff(name):
    process = PROCESSES.get(name)
    if process is None or process not in counter_processes():
        abort(404)
    if not current_user.is_staff:
        abort(403)
    errors = {}
    if request.method == "POST":
        if not validate_csrf_form():
            abort(400)
        details = {
            f.name: (bool(request.form.get(f.name)) if f.kind == "bool" else request.form.get(f.name, ""))
            for f in process.fields
        }
        if process.counter_intake:  # an oral application, written down here with its papers
            return register_oral(process, details)
        with unit_of_work(catch=True) as work:
            req = create_request(
                current_user, process=name, details=details, applicant_email=(request.form.get("email") or None)
            )
        if work.failed:
            errors = work.field_errors
        else:
            flash(_("Permohonan %(number)s terdaftar. Unggah dokumennya.", number=req.number), "success")
            return redirect(url_for("cases.detail", request_id=req.id))
    return render_template(
        "cases/new_fields.html", process=process, form=request.form, errors=errors
    ), 422 if errors else 200


def register_oral(process, details):
    """An oral application registered at the counter; the applicant gets a code and PIN, shown
    on the confirmation page (Post/Redirect/Get) for the officer to hand over."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    uploads = [
        (k.name, f.filename, f.stream.read(limit + 1))
        for k in process.document_kinds
        if k.uploader == "applicant" or k.name in process.counter_documents
        for f in request.files.getlist(k.name)
        if f and f.filename
    ]
    with unit_of_work(catch=True) as work:
        req, code, pin = register_oral_application(
            current_user,
            process.name,
            details=details,
            email=(request.form.get("email") or "").strip() or None,
            uploads=uploads,
            store=document_store(),
            max_bytes=limit,
        )
    if work.failed:
        errors = work.field_errors
        return render_template("cases/new_fields.html", process=process, form=request.form, errors=errors), work.status
    remember_receipt(req, code, pin)
    return redirect(url_for("services.submitted"))


def counter_processes():
    """What staff register at the counter in this office: the staff-intake services, and the
    public ones that take an oral application, unless switched off in the catalogue."""
    return [
        p
        for p in PROCESSES.values()
        if (p.intake == "staff" or p.counter_intake) and is_enabled(current_user.office, p)
    ]


def validate_csrf_form() -> bool:
    from flask_wtf.csrf import ValidationError, validate_csrf

    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def office_drafters():
    return db.session.scalars(
        select(User)
        .where(User.office_id == current_user.office_id, User.role.in_(STAFF), User.active.is_(True))
        .order_by(User.name)
    ).all()


def render_detail(req, *, action_form=None, upload_form=None, letter_form=None, status=200):
    user = current_user._get_current_object()  # not the proxy: asked once per timeline entry
    process = PROCESSES[req.process]
    order = {k.name: i for i, k in enumerate(process.document_kinds)}  # the checklist's order
    documents = sorted(
        db.session.scalars(REQUEST_DOCUMENTS, {"request_id": req.id}).all(),
        key=lambda d: (order.get(d.kind, len(order)), -d.version),
    )
    # as this user may see them: a confidential reporter's name kept out (even of old events)
    events = redacted_events(current_user, req, db.session.scalars(REQUEST_EVENTS, {"request_id": req.id}).all())
    present = {d.kind for d in documents}
    checklist = [
        ([process.document_kind(k) for k in group], bool(present.intersection(group)))
        for group in process.required_documents
    ]
    side = "applicant" if current_user.role == "drafter" else "staff"
    states = process.applicant_upload_states if side == "applicant" else process.staff_upload_states
    upload_kinds = (
        [k for k in process.document_kinds if k.uploader == side]
        if req.state in states and current_user.role != "admin"
        else []
    )
    if letter_form is None and application_letter_editable(current_user, req):
        letter_form = ApplicationLetterForm(
            formdata=None,
            version=req.version,
            application_letter_number=req.application_letter_number,
            application_letter_date=req.application_letter_date,
        )
    # The upload form is drawn by the template without a WTForms object (UploadForm validates the
    # POST); a failed POST's form gives back the kind chosen and the errors.
    chosen = upload_form.kind.data if upload_form is not None else None
    if upload_kinds and not chosen:  # the next document the checklist still misses
        missing = [k for group, done in checklist if not done for k in group]
        offered = {k.name for k in upload_kinds}
        chosen = next((k.name for k in missing if k.name in offered), None)
    upload = {
        "choices": [(k.name, _(k.label)) for k in upload_kinds],
        "kind": chosen,
        "kind_errors": upload_form.kind.errors if upload_form is not None else (),
        "file_errors": upload_form.file.errors if upload_form is not None else (),
    }
    day = today()
    closed_by = closing_timer_passed(process, req, day)
    triggers = allowed_triggers(process, req, current_user, day)  # none once a closing timer decided it
    actions = [process.transition(t) for t in triggers]
    drafters = office_drafters() if "assign" in triggers else []
    calendar = office_calendar(req.office_id)
    # a section known to be empty (REQUEST_SECTIONS, read with the request) is not queried; None: not known
    meetings = (
        db.session.scalars(
            select(Meeting)
            .join(meeting_requests)
            .where(meeting_requests.c.request_id == req.id)
            .order_by(Meeting.starts_at)
        ).all()
        if req.has_meetings is not False
        else []
    )
    minutes = (
        db.session.scalars(
            select(Minutes)
            .where(Minutes.request_id == req.id, visible_minutes_filter(current_user))
            .order_by(Minutes.revision)
        ).all()
        if req.has_minutes is not False
        else []
    )
    issued = (
        db.session.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.request_id == req.id, visible_issued_filter(current_user))
            .order_by(IssuedDocument.id)
        ).all()
        if req.has_issued is not False
        else []
    )
    final = next((m for m in reversed(minutes) if m.status == MinutesStatus.FINAL), None)
    # the conclusion must state the final minutes' correction deadline: offer it
    prefill = {
        "correction_deadline": final.correction_deadline.isoformat() if final and final.correction_deadline else ""
    }
    return render_template(
        "cases/detail.html",
        details=details_for(current_user, req, "page"),
        meetings=meetings,
        prefill=prefill,
        minutes=minutes,
        approver=is_approver(current_user),
        issued=issued,
        req=req,
        process=process,
        state=process.state(req.state),
        documents=documents,
        hidden_documents=hidden_document_ids(current_user, req),
        redacted=REDACTED,
        events=events,
        event_titles=event_titles(process, events),
        state_labels=state_labels(process, events),
        readable_comments={e.id for e in events if e.comment and can_read_event_comment(user, e)},
        checklist=checklist,
        upload=upload,
        upload_kinds=upload_kinds,
        actions=actions,
        # a failed action's messages (the form's, then the engine's) and the comment typed with it
        action_errors=[m for msgs in action_form.errors.values() for m in msgs]
        + list(getattr(action_form, "errors_from_engine", None) or [])
        if action_form is not None
        else [],
        action_form=action_form,  # None for a GET
        letter_form=letter_form,
        failed_trigger=action_form.trigger.data if action_form is not None else None,
        typed_comment=action_form.comment.data if action_form is not None else "",
        drafters=drafters,
        days_left=working_days_left(req, calendar, day),
        process_map=process_svg(process, current=req.state),
        kinds=kind_labels(process, documents, events),
        closed_by=closed_by,
        deadlines=deadline_status(process, req, events, calendar, req.office.timezone),
        day=day,
        applicant_types=APPLICANT_TYPES,
        returned_by=returned_by(process, req, events),
    ), status


# What the timeline calls the events that are no transition of the process.
EVENT_TITLES = {
    "create": N_("Permohonan dibuat"),
    "upload_document": N_("Dokumen diunggah"),
    "approve_minutes": N_("Berita acara disetujui dan diterbitkan"),
    "send_back_minutes": N_("Berita acara dikembalikan"),
    "finalise_minutes": N_("Berita acara difinalkan"),
    "approve_letter": N_("Surat disetujui dan diterbitkan"),
    "send_back_letter": N_("Surat dikembalikan"),
    "resubmit_letter": N_("Surat diajukan kembali"),
    "update_application_letter": N_("Data surat permohonan diubah"),
    "backfill_clock_stage": N_("Tenggat ditetapkan untuk berkas lama"),
}


def event_titles(process, events) -> dict:
    """The timeline's title of each trigger among `events`, in the user's language: looked up once
    per trigger, not once per entry (a file's timeline repeats a few triggers many times)."""
    titles = {}
    for e in events:
        if e.trigger not in titles:
            transition = process.transition(e.trigger)
            label = transition.label if transition else EVENT_TITLES.get(e.trigger)
            titles[e.trigger] = _(label) if label else e.trigger
    return titles


def state_labels(process, events) -> dict:
    """The timeline's label of each state an entry moved to, in the user's language, looked up
    once per state (as event_titles), not once per entry."""
    labels = {}
    for e in events:
        if e.from_state != e.to_state and e.to_state not in labels:
            label = process.state(e.to_state).label
            labels[e.to_state] = _(label) if label else label
    return labels


def kind_labels(process, documents, events) -> dict:
    """The labels of the document kinds the page names (its documents, the timeline's uploads), in
    the user's language: a process has a dozen kinds, a file uses a few."""
    used = {d.kind for d in documents} | {e.data.get("kind") for e in events if e.data.get("filename")}
    return {k.name: _(k.label) for k in process.document_kinds if k.name in used}


def returned_by(process, req, events):
    """The event that gave the file back to the applicant (returned for completion, or "harmonis
    dengan catatan"), while it is still with them: its reasons, who, and when. None otherwise."""
    if req.state not in process.applicant_upload_states or req.state in process.private_states:
        return None
    entered = next((e for e in reversed(events) if e.to_state == req.state and e.from_state != req.state), None)
    return entered if entered is not None and entered.actor_id is not None else None


@bp.get("/<id:request_id>")
def detail(request_id):
    return render_detail(visible_request_for_page(request_id, current_user, options=REQUEST_SECTIONS))


@bp.post("/<id:request_id>/aksi")
def act(request_id):
    req = load_request(request_id, for_update=True)
    form = ActionForm()
    form.assignees.choices = [(u.id, u.name) for u in office_drafters()]
    if not form.validate_on_submit():
        return render_detail(req, action_form=form, status=422)
    transition = PROCESSES[req.process].transition(form.trigger.data)
    data = {}
    for spec in transition.inputs if transition else ():
        field = getattr(form, spec.name, None)  # meeting_id comes only from the meeting pages
        if field is not None:
            value = field.data
        else:  # the other inputs as typed: fire() checks them and names what is wrong
            value = request.form.get(spec.name)
            if spec.kind == "bool":  # a checkbox: sent only when ticked
                value = value is not None
            if spec.kind == "int" and value is not None and value.strip().isdecimal() and len(value.strip()) < 12:
                value = int(value.strip())
        data[spec.name] = value.isoformat() if hasattr(value, "isoformat") else value
    with unit_of_work(catch=True) as work:
        fire(req, form.trigger.data, current_user, version=form.version.data, comment=form.comment.data, data=data)
    if work.stale:
        flash(
            _(
                "Permohonan ini baru saja diubah oleh orang lain. Berikut keadaannya sekarang; "
                "periksa lalu ulangi tindakan Anda bila masih perlu."
            ),
            "warning",
        )
        return redirect(url_for("cases.detail", request_id=request_id))
    if work.failed:
        form.errors_from_engine = work.messages
        return render_detail(load_request(request_id), action_form=form, status=work.status)
    flash(_('Tindakan "%(label)s" berhasil.', label=_(transition.label)), "success")
    return redirect(url_for("cases.detail", request_id=request_id))


@bp.post("/<id:request_id>/surat-permohonan")
def application_letter(request_id):
    """The drafter fills in or corrects the application letter's number and date."""
    req = load_request(request_id, for_update=True)
    form = ApplicationLetterForm()
    if not form.validate_on_submit():
        return render_detail(req, letter_form=form, status=422)
    fields = {
        "application_letter_number": form.application_letter_number.data,
        "application_letter_date": form.application_letter_date.data,
    }
    with unit_of_work(catch=True) as work:
        update_application_letter(req, current_user, version=form.version.data, fields=fields)
    if work.stale:
        flash(_("Permohonan ini baru saja diubah oleh orang lain. Periksa datanya lalu ulangi."), "warning")
        return redirect(url_for("cases.detail", request_id=request_id))
    if work.failed:
        for name, messages in work.field_errors.items():
            target = getattr(form, name, None)
            if target is not None and hasattr(target, "errors"):
                target.errors = list(target.errors) + list(messages)
            else:
                flash(" ".join(messages), "danger")
        return render_detail(load_request(request_id), letter_form=form, status=work.status)
    flash(_("Data surat permohonan disimpan."), "success")
    return redirect(url_for("cases.detail", request_id=request_id))


@bp.post("/<id:request_id>/dokumen")
def upload(request_id):
    req = load_request(request_id, for_update=True)
    form = UploadForm()
    process = PROCESSES[req.process]
    form.kind.choices = [(k.name, k.label) for k in process.document_kinds]
    if not form.validate_on_submit():
        return render_detail(req, upload_form=form, status=422)
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    files = [f for f in form.file.data if f and f.filename]
    if len(files) > MAX_FILES_AT_ONCE:
        form.file.errors = [_("Paling banyak %(n)s berkas sekaligus.", n=MAX_FILES_AT_ONCE)]
        return render_detail(req, upload_form=form, status=422)
    with unit_of_work(catch=True) as work:  # all of them or none
        docs = [
            upload_document(
                req,
                current_user,
                kind=form.kind.data,
                filename=f.filename,
                content=f.stream.read(limit + 1),
                store=document_store(),
                max_bytes=limit,
            )
            for f in files
        ]
    if work.failed:
        form.file.errors = list(form.file.errors) + work.messages
        return render_detail(load_request(request_id), upload_form=form, status=work.status)
    for doc in docs:
        flash(_('Dokumen "%(name)s" diunggah (versi %(version)s).', name=doc.filename, version=doc.version), "success")
    return redirect(url_for("cases.detail", request_id=request_id) + "#dokumen")


@bp.get("/<id:request_id>/dokumen/<id:document_id>")
def download(request_id, document_id):
    req = load_request(request_id)
    doc = db.session.get(Document, document_id)
    if doc is None or doc.request_id != req.id:
        raise NotFound(_("Dokumen tidak ditemukan."))
    check_document_read(current_user, req, doc)
    content = document_store().get(doc.sha256)
    return attachment(content, mimetype=doc.media_type, name=doc.filename)


EXPORT_LIMIT = 10_000  # rows in one export (the first in the page's order); a wider selection is narrowed by the filter


@bp.get("/ekspor.<fmt>")
def export_queue(fmt):
    """What the current filter shows, as XLSX or CSV (every matching row in the page's order, up to
    EXPORT_LIMIT)."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    from ..stats import export
    from .reports import MIMETYPES, letterhead

    f, args = queue_filter()
    day = today()
    calendar = office_calendar(current_user.office_id)
    stmt = filtered_requests(current_user, day, **args).options(
        joinedload(Request.organisation), selectinload(Request.assignees)
    )
    rows = []
    for r in db.session.scalars(stmt.order_by(*queue_order(f.sort, f.direction)).limit(EXPORT_LIMIT)):
        process = PROCESSES[r.process]
        rows.append(
            [
                r.number,
                r.title,
                _(process.label),
                r.organisation.name if r.organisation else _("Pemohon perorangan"),
                _(process.state(r.state).label),
                r.received_on,
                r.due_date,
                working_days_left(r, calendar, day),
                ", ".join(u.name for u in r.assignees),
            ]
        )
    headers = [
        _("Nomor"),
        _("Judul"),
        _("Jenis"),
        _("Pemrakarsa"),
        _("Status"),
        _("Diterima"),
        _("Tenggat"),
        _("Sisa hari kerja"),
        _("Perancang"),
    ]
    sheet = export.Sheet(_("Daftar kerja"), headers, rows, {5: "dd/mm/yyyy", 6: "dd/mm/yyyy"})
    subtitle = _("Per %(day)s", day=day.isoformat())
    if fmt == "xlsx":
        body = export.xlsx([sheet], letterhead(current_user.office), subtitle)
    else:
        body = "\ufeff" + export.csv_text([sheet], subtitle)
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="daftar-kerja-{day.isoformat()}.{fmt}"'},
    )
