"""Web forms (Flask-WTF: every form carries a CSRF token). Labels and messages are Indonesian
source strings, translated to English by the catalogue."""
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DateField, EmailField, HiddenField, IntegerField, PasswordField, SelectField,
    SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, ValidationError

REQUIRED = _l("Wajib diisi.")


def valid_email(form, field):
    # test_environment: the demo accounts live under the reserved .test domain
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError(_l("Alamat email tidak valid.")) from None


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(REQUIRED)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(_l("Kata sandi baru"), validators=[
        DataRequired(REQUIRED), Length(min=10, message=_l("Paling sedikit 10 karakter."))])
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[
        DataRequired(REQUIRED), EqualTo("new", message=_l("Kedua kata sandi tidak sama."))])


class NewRequestForm(FlaskForm):
    # not "process": that would hide Form.process()
    process_type = SelectField(_l("Jenis permohonan"), validators=[DataRequired(REQUIRED)])
    title = TextAreaField(_l("Judul rancangan"), validators=[
        DataRequired(REQUIRED), Length(max=1000, message=_l("Paling banyak 1000 karakter."))])
    external_ref = StringField(_l("Nomor registrasi E-Harmonisasi"), validators=[
        Optional(), Length(max=120, message=_l("Paling banyak 120 karakter."))])


class UploadForm(FlaskForm):
    kind = SelectField(_l("Jenis dokumen"), validators=[DataRequired(REQUIRED)])
    file = FileField(_l("Berkas (PDF, DOCX, atau ODT)"), validators=[FileRequired(_l("Pilih berkas."))])


class ActionForm(FlaskForm):
    """One engine trigger; the inputs a transition needs are optional here and checked by fire()."""

    trigger = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[DataRequired()])
    comment = TextAreaField(_l("Komentar atau alasan"), validators=[Optional(), Length(max=10000)])
    assignees = SelectMultipleField(_l("Perancang yang ditugaskan"), coerce=int, validate_choice=False)
    meeting_date = DateField(_l("Tanggal rapat"), validators=[Optional()])
    correction_deadline = DateField(_l("Batas waktu perbaikan"), validators=[Optional()])
    days = IntegerField(_l("Tambahan hari kerja"), validators=[Optional(), NumberRange(min=1, max=30)])


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Cari nomor atau judul"), validators=[Optional()])
    process_type = SelectField(_l("Jenis"), validators=[Optional()])
    phase = SelectField(_l("Tahap"), validators=[Optional()])
    state = SelectField(_l("Status"), validators=[Optional()])
    organisation_id = SelectField(_l("Pemrakarsa"), validators=[Optional()])
    assignee_id = SelectField(_l("Perancang"), validators=[Optional()])
    overdue = BooleanField(_l("Lewat tenggat"))
    mine = BooleanField(_l("Ditugaskan kepada saya"))


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), valid_email])
    name = StringField(_l("Nama"), validators=[DataRequired(REQUIRED), Length(max=200)])
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Peran"), validators=[DataRequired(REQUIRED)])
    organisation_id = SelectField(_l("Organisasi pemrakarsa (khusus perancang pemrakarsa)"), coerce=int)
    password = PasswordField(_l("Kata sandi (kosongkan bila tidak diubah)"), validators=[
        Optional(), Length(min=10, message=_l("Paling sedikit 10 karakter."))])
    active = BooleanField(_l("Aktif"), default=True)


class OrganisationForm(FlaskForm):
    name = StringField(_l("Nama"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Jenis"), validators=[DataRequired(REQUIRED)])
    region = StringField(_l("Wilayah"), validators=[DataRequired(REQUIRED), Length(max=120)])


class OverrideForm(FlaskForm):
    day = DateField(_l("Tanggal"), validators=[DataRequired(REQUIRED)])
    working = SelectField(_l("Jenis"), choices=[
        ("0", _l("Kantor tutup (hari libur tambahan)")), ("1", _l("Kantor bekerja (hari libur dibatalkan)"))])
    reason = StringField(_l("Alasan"), validators=[DataRequired(REQUIRED), Length(max=255)])


class DeleteForm(FlaskForm):
    """An empty form: just the CSRF token, for buttons that delete."""


class SettingsForm(FlaskForm):
    name = StringField(_l("Nama kantor"), validators=[DataRequired(REQUIRED), Length(max=200)])
    letterhead = TextAreaField(_l("Kop surat (satu baris per baris)"), validators=[Optional()])
    registration_format = StringField(_l("Format nomor registrasi"), validators=[DataRequired(REQUIRED)])


def settings_form(processes, **kwargs) -> SettingsForm:
    """The settings form with one time-limit field per process."""

    class Form(SettingsForm):
        pass

    for process in processes:
        setattr(Form, f"limit_{process.name}", IntegerField(
            process.label, validators=[DataRequired(REQUIRED), NumberRange(min=1, max=60)]))
    return Form(**kwargs)
