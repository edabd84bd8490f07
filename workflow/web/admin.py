"""Administration (admins): users and roles, organisations, holiday overrides, office settings."""

import string

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..engine.definition import N_
from ..extensions import db
from ..i18n import gettext as _
from ..models import ROLES, HolidayOverride, Office, Organisation, User
from ..models.organisation import ORGANISATION_KINDS
from ..passwords import password_problem
from ..processes import PROCESSES
from ..queries import MAX_PAGE, Page
from .forms import DeleteForm, OrganisationForm, OverrideForm, UserForm, settings_form

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
NUMBER_FIELDS = {"seq", "year", "process", "office"}  # what format_number() passes
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
    return render_template("admin/users.html", page=page, role_labels=ROLE_LABELS)


@bp.route("/pengguna/baru", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/pengguna/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id):
    user = None
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None or user.office_id != current_user.office_id:
            abort(404)
    form = UserForm(obj=user)
    form.role.choices = [(r, _(ROLE_LABELS[r])) for r in ROLES]  # N_-marked: translated here
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
            user.organisation_id = form.organisation_id.data if form.role.data == "drafter" else None
            user.active = form.active.data
            if form.password.data:
                user.set_password(form.password.data)
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


@bp.route("/pengaturan", methods=["GET", "POST"])
def settings():
    office = db.session.get(Office, current_user.office_id)
    processes = list(PROCESSES.values())
    form = settings_form(processes)
    if request.method == "GET":
        form.name.data = office.name
        form.letterhead.data = "\n".join(office.setting("letterhead") or [])
        form.registration_format.data = office.setting("number_formats", "registration")
        for p in processes:
            getattr(form, f"limit_{p.name}").data = office.setting("time_limits", p.name) or p.time_limit.days
    if form.validate_on_submit():
        template = form.registration_format.data.strip()
        try:
            # the four names as such: "{seq.x}" or "{seq[0]}" would reach into Python objects
            names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
            if not names <= NUMBER_FIELDS:
                raise KeyError(names - NUMBER_FIELDS)
            sample = template.format(seq=1, year=2026, process="RANPERDA", office="NTT")
            if len(sample) > 60:  # requests.number holds 80 characters: room for the counter to grow
                raise ValueError(sample)
        except (KeyError, IndexError, ValueError, TypeError):
            form.registration_format.errors.append(
                _("Format tidak valid. Gunakan {seq:04d}, {process}, {office}, dan {year}.")
            )
        if "{seq" not in template:
            form.registration_format.errors.append(_("Format harus memuat {seq}."))
        if not form.errors:
            settings = dict(office.settings or {})
            settings["letterhead"] = [
                line.strip() for line in (form.letterhead.data or "").splitlines() if line.strip()
            ]
            settings["number_formats"] = {**settings.get("number_formats", {}), "registration": template}
            settings["time_limits"] = {p.name: getattr(form, f"limit_{p.name}").data for p in processes}
            office.name, office.settings = form.name.data.strip(), settings
            db.session.commit()
            flash(_("Pengaturan kantor disimpan."), "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, processes=processes), 422 if form.errors else 200
