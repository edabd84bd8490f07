"""Administration (admins): users and roles, organisations, holiday overrides, office settings."""

import string

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..catalogue import extra_required_documents, is_enabled, limits, optional_document_kinds
from ..documents.store import document_store
from ..engine.definition import N_
from ..extensions import db
from ..i18n import gettext as _
from ..models import AuthThrottle, HolidayOverride, Office, Organisation, Request, User
from ..models.organisation import ORGANISATION_KINDS
from ..models.time import utcnow
from ..operations import accounts, throttle
from ..operations.catalogue import configure_service
from ..passwords import password_problem
from ..processes import PROCESSES
from ..queries import MAX_PAGE, Page
from ..vocabulary import ACCOUNT_ROLES
from .forms import (
    DeleteForm,
    OrganisationForm,
    OverrideForm,
    SettingsForm,
    UserForm,
    catalogue_field,
    catalogue_form,
)
from .unit_of_work import unit_of_work

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
NUMBER_FIELDS = {"seq", "year", "process", "office", "classification"}  # what format_number() passes
LOGO_BYTES = 1024 * 1024
ROLE_LABELS = {
    "drafter": N_("Perancang pemrakarsa"),
    "officer": N_("Perancang kanwil"),
    "head": N_("Pimpinan"),
    "admin": N_("Admin"),
}
KIND_LABELS = {"province": N_("Provinsi"), "regency": N_("Kabupaten"), "city": N_("Kota"), "dprd": N_("DPRD")}


@bp.before_request
@login_required
def require_admin():
    # administration changes who may do what: admins only
    if current_user.role != "admin":
        abort(403)


def paged(stmt):
    page_no = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    total = db.session.scalar(select(db.func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(PER_PAGE).offset((page_no - 1) * PER_PAGE)).all()
    return Page(items, page_no, PER_PAGE, total)


def organisations():
    return db.session.scalars(
        select(Organisation).where(Organisation.office_id == current_user.office_id).order_by(Organisation.name)
    ).all()


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.get("/pengguna")
def users():
    page = paged(select(User).where(User.office_id == current_user.office_id).order_by(User.email))
    return render_template("admin/users.html", page=page)


@bp.route("/pengguna/baru", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/pengguna/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id):
    user = None
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None or user.office_id != current_user.office_id:
            abort(404)
    form = UserForm(obj=user)
    form.role.choices = [(r.value, _(r.label)) for r in ACCOUNT_ROLES]  # N_-marked: translated here
    form.organisation_id.choices = [(0, "—")] + [(o.id, o.name) for o in organisations()]
    if request.method == "GET" and user is not None:
        form.organisation_id.data = user.organisation_id or 0
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        clash = db.session.scalar(select(User).where(User.email == email))
        if clash is not None and clash is not user:
            form.email.errors.append(_("Email ini sudah dipakai."))
        if form.role.data == "drafter" and not form.organisation_id.data:
            form.organisation_id.errors.append(_("Perancang pemrakarsa harus memiliki organisasi."))
        if user is None and not form.password.data:
            form.password.errors.append(_("Wajib diisi untuk pengguna baru."))
        elif form.password.data and (problem := password_problem(form.password.data, email=email, name=form.name.data)):
            form.password.errors.append(_(problem))
        if user is current_user and (form.role.data != "admin" or not form.active.data):
            form.role.errors.append(_("Anda tidak dapat mencabut hak admin atau menonaktifkan akun sendiri."))
        if not form.errors:
            if user is None:
                user = User(office_id=current_user.office_id)
                db.session.add(user)
            user.email, user.name, user.role = email, form.name.data.strip(), form.role.data
            user.position = (form.position.data or "").strip() or None
            user.nip = (form.nip.data or "").strip() or None
            user.organisation_id = form.organisation_id.data if form.role.data == "drafter" else None
            if user.id is None:
                user.active = form.active.data
                if form.password.data:
                    user.set_password(form.password.data)
            else:
                # deactivation and a new password end the user's sessions (and a password its tokens)
                accounts.set_active(user, form.active.data)
                if form.password.data:
                    accounts.change_password(user, form.password.data)
            db.session.commit()
            flash(_("Pengguna %(email)s disimpan.", email=email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), 422 if form.errors else 200


@bp.get("/organisasi")
def organisation_list():
    return render_template("admin/organisations.html", organisations=organisations(), kind_labels=KIND_LABELS)


@bp.route("/organisasi/baru", methods=["GET", "POST"], defaults={"org_id": None})
@bp.route("/organisasi/<id:org_id>", methods=["GET", "POST"])
def edit_organisation(org_id):
    org = None
    if org_id is not None:
        org = db.session.get(Organisation, org_id)
        if org is None or org.office_id != current_user.office_id:
            abort(404)
    form = OrganisationForm(obj=org)
    form.kind.choices = [(k, _(KIND_LABELS[k])) for k in ORGANISATION_KINDS]
    if form.validate_on_submit():
        name = form.name.data.strip()
        clash = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if clash is not None and clash is not org:
            form.name.errors.append(_("Nama ini sudah dipakai."))
        else:
            if org is None:
                org = Organisation(office_id=current_user.office_id)
                db.session.add(org)
            org.name, org.kind, org.region = name, form.kind.data, form.region.data.strip()
            org.seat = (form.seat.data or "").strip() or None
            db.session.commit()
            flash(_("Organisasi %(name)s disimpan.", name=name), "success")
            return redirect(url_for("admin.organisation_list"))
    return render_template("admin/organisation_form.html", form=form, org=org), 422 if form.errors else 200


@bp.route("/hari-libur", methods=["GET", "POST"])
def overrides():
    form = OverrideForm()
    if form.validate_on_submit():
        exists = db.session.scalar(
            select(HolidayOverride).where(
                HolidayOverride.office_id == current_user.office_id, HolidayOverride.day == form.day.data
            )
        )
        if exists:
            form.day.errors.append(_("Tanggal ini sudah memiliki pengecualian; hapus dulu yang lama."))
        else:
            db.session.add(
                HolidayOverride(
                    office_id=current_user.office_id,
                    day=form.day.data,
                    working=form.working.data == "1",
                    reason=form.reason.data.strip(),
                )
            )
            db.session.commit()
            flash(_("Pengecualian hari kerja disimpan."), "success")
            return redirect(url_for("admin.overrides"))
    rows = db.session.scalars(
        select(HolidayOverride)
        .where(HolidayOverride.office_id == current_user.office_id)
        .order_by(HolidayOverride.day.desc())
    ).all()
    return render_template(
        "admin/overrides.html", form=form, rows=rows, delete_form=DeleteForm()
    ), 422 if form.errors else 200


@bp.post("/hari-libur/<id:override_id>/hapus")
def delete_override(override_id):
    form = DeleteForm()
    row = db.session.get(HolidayOverride, override_id)
    if row is None or row.office_id != current_user.office_id:
        abort(404)
    if form.validate_on_submit():
        db.session.delete(row)
        db.session.commit()
        flash(_("Pengecualian dihapus."), "success")
    return redirect(url_for("admin.overrides"))


def _check_number_format(field, required_fields=("seq",)):
    """The format's placeholders are format_number()'s names, and a sample number fits its column."""
    template = (field.data or "").strip()
    try:
        # the names as such: "{seq.x}" or "{seq[0]}" would reach into Python objects
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        if not names <= NUMBER_FIELDS:
            raise KeyError(names - NUMBER_FIELDS)
        sample = template.format(seq=1, year=2026, process="RANPERDA", office="NTT", classification="PP.04.02")
        if len(sample) > 60:  # numbers are stored in 80 characters: room for the counter to grow
            raise ValueError(sample)
    except (KeyError, IndexError, ValueError, TypeError):
        field.errors.append(
            _("Format tidak valid. Gunakan {seq:04d}, {process}, {office}, {classification}, dan {year}.")
        )
    if "{seq" not in template:
        field.errors.append(_("Format harus memuat {seq}."))
    return template


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _logo(form):
    """The uploaded logo's bytes if it is a PNG or JPEG of at most 1 MiB, else None (errors on the field)."""
    upload = form.logo.data
    if upload is None or not getattr(upload, "filename", None):
        return None
    content = upload.stream.read(LOGO_BYTES + 1)
    if len(content) > LOGO_BYTES:
        form.logo.errors.append(_("Logo paling besar 1 MB."))
        return None
    if not (content.startswith(b"\x89PNG\r\n\x1a\n") or content.startswith(b"\xff\xd8\xff")):
        form.logo.errors.append(_("Logo harus berupa berkas PNG atau JPEG."))
        return None
    return content


@bp.route("/pengaturan", methods=["GET", "POST"])
def settings():
    office = db.session.get(Office, current_user.office_id)
    form = SettingsForm()
    if request.method == "GET":
        form.name.data = office.name
        form.letterhead.data = "\n".join(office.setting("letterhead") or [])
        form.registration_format.data = office.setting("number_formats", "registration")
        form.berita_acara_format.data = office.setting("number_formats", "berita_acara")
        form.result_letter_format.data = office.setting("number_formats", "result_letter")
        form.classification.data = office.setting("classification")
        form.head_title.data = office.setting("head_title")
        form.copies.data = "\n".join(office.setting("copies") or [])
        form.copies_regency_city.data = "\n".join(office.setting("copies_regency_city") or [])
        form.meeting_place.data = office.setting("meeting_place")
    if form.validate_on_submit():
        formats = {
            series: _check_number_format(getattr(form, f"{series}_format"))
            for series in ("registration", "berita_acara", "result_letter")
            if series == "registration" or (getattr(form, f"{series}_format").data or "").strip()
        }
        logo = _logo(form)
        if not form.errors:
            settings = dict(office.settings or {})
            settings["letterhead"] = _lines(form.letterhead.data)
            # an emptied format falls back to the default; the other series keep theirs
            settings["number_formats"] = {
                **{
                    k: v
                    for k, v in settings.get("number_formats", {}).items()
                    if k not in ("berita_acara", "result_letter")
                },
                **formats,
            }
            settings["classification"] = (form.classification.data or "").strip() or Office.DEFAULT_SETTINGS[
                "classification"
            ]
            settings["head_title"] = (form.head_title.data or "").strip() or Office.DEFAULT_SETTINGS["head_title"]
            settings["copies"] = _lines(form.copies.data)
            settings["copies_regency_city"] = _lines(form.copies_regency_city.data)
            settings["meeting_place"] = (form.meeting_place.data or "").strip() or None
            if logo is not None:  # stored like every other file: under its SHA-256
                settings["logo_sha256"] = document_store().put(logo)
            elif form.remove_logo.data:
                settings["logo_sha256"] = None
            office.name, office.settings = form.name.data.strip(), settings
            db.session.commit()
            flash(_("Pengaturan kantor disimpan."), "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, logo=office.setting("logo_sha256")), (
        422 if form.errors else 200
    )


@bp.get("/layanan")
def catalogue():
    office = db.session.get(Office, current_user.office_id)
    rows = [
        (p, is_enabled(office, p), limits(office, p), extra_required_documents(office, p)) for p in PROCESSES.values()
    ]
    return render_template("admin/catalogue.html", rows=rows)


@bp.route("/layanan/<name>", methods=["GET", "POST"])
def edit_service(name):
    process = PROCESSES.get(name)
    if process is None:
        abort(404)
    office = db.session.get(Office, current_user.office_id)
    rows = limits(office, process)
    kinds = optional_document_kinds(process)
    form = catalogue_form(rows, [(k.name, _(k.label)) for k in kinds])
    if request.method == "GET":
        form.enabled.data = is_enabled(office, process)
        for limit in rows:
            form[catalogue_field(limit.key)].data = limit.configured
        form.documents.data = [g[0] for g in extra_required_documents(office, process)]
    if form.validate_on_submit():
        with unit_of_work(catch=True) as work:
            configure_service(
                office,
                process,
                enabled=form.enabled.data,
                days={limit.key: form[catalogue_field(limit.key)].data for limit in rows},
                documents=form.documents.data or [],
            )
        if not work.failed:
            flash(_("Layanan %(label)s disimpan.", label=_(process.label)), "success")
            return redirect(url_for("admin.catalogue"))
        form.documents.errors = list(form.documents.errors) + work.messages
    return render_template(
        "admin/service_form.html", form=form, process=process, rows=rows, field_name=catalogue_field
    ), 422 if form.errors else 200


@bp.get("/keamanan")
def security():
    """Locked sign-in addresses and tracking codes, and the counts of recent failures, with a
    button to lift each (operations/throttle.py). Addresses of another office's accounts and codes
    of another office's requests are not shown."""
    now = utcnow()
    rows = db.session.execute(
        select(AuthThrottle, User, Request)
        .outerjoin(User, (AuthThrottle.scope == "sign_in") & (User.email == AuthThrottle.key))
        .outerjoin(Request, (AuthThrottle.scope == "track") & (Request.tracking_code == AuthThrottle.key))
        .where(AuthThrottle.last_failure_at >= now - throttle.FORGET_AFTER)
        .order_by(AuthThrottle.locked_until.desc().nulls_last(), AuthThrottle.last_failure_at.desc())
        .limit(500)
    ).all()
    mine = [
        (row, account, req)
        for row, account, req in rows
        if (account is None or account.office_id == current_user.office_id)
        and (req is None or req.office_id == current_user.office_id)
    ]
    return render_template(
        "admin/security.html",
        sign_in=[r for r in mine if r[0].scope == "sign_in"],
        track=[r for r in mine if r[0].scope == "track"],
        now=now,
        form=DeleteForm(),
        free=throttle.SIGN_IN_FREE,
        track_failures=throttle.TRACK_FAILURES,
    )


@bp.post("/keamanan/<id:throttle_id>/buka")
def unlock(throttle_id):
    if not DeleteForm().validate_on_submit():
        abort(400)
    if not throttle.unlock(throttle_id):
        abort(404)
    db.session.commit()
    flash(_("Kunci dibuka."), "success")
    return redirect(url_for("admin.security"))
