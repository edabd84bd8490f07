"""Web forms (Flask-WTF: every form carries a CSRF token). Labels and messages are Indonesian
source strings, translated to English by the catalogue."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp, ValidationError

REQUIRED = _l("Wajib diisi.")


class _WTFormsIndonesian:
    """WTForms ships no Indonesian catalogue: its built-in messages that can reach a page, in
    Indonesian (and back in English for English users, through our own catalogue)."""

    MESSAGES = {
        "Not a valid integer value.": _l("Harus berupa bilangan bulat."),
        "Not a valid date value.": _l("Harus berupa tanggal yang valid."),
        "Not a valid choice.": _l("Pilihan tidak valid."),
        "This field is required.": _l("Wajib diisi."),
        "Invalid input.": _l("Masukan tidak valid."),
        "Invalid Choice: could not coerce.": _l("Pilihan tidak valid."),
        "One or more data inputs not valid.": _l("Salah satu pilihan tidak valid."),
    }

    def gettext(self, string):
        return str(self.MESSAGES.get(string, string))

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """Every form here: Flask-WTF's (CSRF), with WTForms' messages in Indonesian."""

    class Meta:
        def get_translations(self, form):
            return _WTFormsIndonesian()


# WTForms has no Indonesian catalogue: its built-in messages that can reach a page are given here.
BETWEEN = _l("Harus antara %(min)s dan %(max)s.")


def valid_email(form, field):
    # test_environment: the demo accounts live under the reserved .test domain
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError(_l("Alamat email tidak valid.")) from None


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(REQUIRED)])


class PasswordForm(Form):
    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Paling sedikit 10 karakter."))],
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(REQUIRED), EqualTo("new", message=_l("Kedua kata sandi tidak sama."))],
    )


class NewRequestForm(Form):
    # not "process": that would hide Form.process()
    process_type = SelectField(_l("Jenis permohonan"), validators=[DataRequired(REQUIRED)])
    title = TextAreaField(
        _l("Judul rancangan"),
        validators=[DataRequired(REQUIRED), Length(max=1000, message=_l("Paling banyak 1000 karakter."))],
    )
    external_ref = StringField(
        _l("Nomor registrasi E-Harmonisasi"),
        validators=[Optional(), Length(max=120, message=_l("Paling banyak 120 karakter."))],
    )
    applicant_type = SelectField(_l("Pemrakarsa"), validators=[Optional()])  # else the organisation's own
    application_letter_number = StringField(
        _l("Nomor surat permohonan"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=_l("Paling banyak 120 karakter."))],
    )
    application_letter_date = DateField(_l("Tanggal surat permohonan"), validators=[DataRequired(REQUIRED)])
    # a required document of a harmonisation: uploaded with the form, so the draft starts with it
    application_letter = FileField(
        _l("Berkas surat permohonan (PDF, DOCX, atau ODT)"),
        validators=[FileRequired(_l("Unggah berkas surat permohonan."))],
    )


class ApplicationLetterForm(Form):
    """The application letter's number and date, filled in or corrected while the request is a
    draft or returned for completion (submitting needs both)."""

    version = IntegerField(validators=[DataRequired()])
    application_letter_number = StringField(
        _l("Nomor surat permohonan"),
        validators=[Optional(), Length(max=120, message=_l("Paling banyak 120 karakter."))],
    )
    application_letter_date = DateField(_l("Tanggal surat permohonan"), validators=[Optional()])


class UploadForm(Form):
    kind = SelectField(_l("Jenis dokumen"), validators=[DataRequired(REQUIRED)])
    # several files at once (e.g. a draft and its annexes): each a new version of the chosen kind
    file = MultipleFileField(
        _l("Berkas (PDF, DOCX, atau ODT)"),
        validators=[FileRequired(_l("Pilih berkas."))],
        render_kw={"multiple": True},
    )


class ActionForm(Form):
    """One engine trigger; the inputs a transition needs are optional here and checked by fire()."""

    trigger = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[DataRequired()])
    comment = TextAreaField(_l("Komentar atau alasan"), validators=[Optional(), Length(max=10000)])
    assignees = SelectMultipleField(_l("Perancang yang ditugaskan"), coerce=int, validate_choice=False)
    meeting_date = DateField(_l("Tanggal rapat"), validators=[Optional()])
    correction_deadline = DateField(_l("Batas waktu perbaikan"), validators=[Optional()])
    days = IntegerField(_l("Tambahan hari kerja"), validators=[Optional(), NumberRange(min=1, max=30, message=BETWEEN)])


class UserForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), valid_email])
    name = StringField(_l("Nama"), validators=[DataRequired(REQUIRED), Length(max=200)])
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)])
    nip = StringField(
        _l("NIP"),
        validators=[Optional(), Regexp(r"^\d{18}$", message=_l("NIP terdiri atas 18 angka."))],
    )
    role = SelectField(_l("Peran"), validators=[DataRequired(REQUIRED)])
    organisation_id = SelectField(_l("Organisasi pemrakarsa (khusus perancang pemrakarsa)"), coerce=int)
    password = PasswordField(
        _l("Kata sandi (kosongkan bila tidak diubah)"),
        validators=[Optional(), Length(min=10, message=_l("Paling sedikit 10 karakter."))],
    )
    active = BooleanField(_l("Aktif"), default=True)


class OrganisationForm(Form):
    name = StringField(_l("Nama"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Jenis"), validators=[DataRequired(REQUIRED)])
    region = StringField(_l("Wilayah"), validators=[DataRequired(REQUIRED), Length(max=120)])
    seat = StringField(_l("Kedudukan (kota tempat kepala daerah/DPRD)"), validators=[Optional(), Length(max=120)])


class OverrideForm(Form):
    day = DateField(_l("Tanggal"), validators=[DataRequired(REQUIRED)])
    working = SelectField(
        _l("Jenis"),
        choices=[
            SelectChoice("0", _l("Kantor tutup (hari libur tambahan)")),
            SelectChoice("1", _l("Kantor bekerja (hari libur dibatalkan)")),
        ],
    )
    reason = StringField(_l("Alasan"), validators=[DataRequired(REQUIRED), Length(max=255)])


class DeleteForm(Form):
    """An empty form: just the CSRF token, for buttons that delete."""


class TokenForm(Form):
    label = StringField(
        _l("Keterangan token (misalnya nama aplikasi)"),
        validators=[Optional(), Length(max=100, message=_l("Paling banyak 100 karakter."))],
    )


class SettingsForm(Form):
    name = StringField(_l("Nama kantor"), validators=[DataRequired(REQUIRED), Length(max=200)])
    letterhead = TextAreaField(_l("Kop surat (satu baris per baris)"), validators=[Optional()])
    registration_format = StringField(_l("Format nomor registrasi"), validators=[DataRequired(REQUIRED)])
    # left empty: the default format
    berita_acara_format = StringField(_l("Format nomor berita acara"), validators=[Optional(), Length(max=80)])
    result_letter_format = StringField(_l("Format nomor surat hasil"), validators=[Optional(), Length(max=80)])
    classification = StringField(_l("Kode klasifikasi arsip"), validators=[Optional(), Length(max=40)])
    head_title = StringField(_l("Jabatan kepala kantor"), validators=[Optional(), Length(max=200)])
    copies = TextAreaField(_l("Tembusan (satu per baris)"), validators=[Optional(), Length(max=4000)])
    copies_regency_city = TextAreaField(
        _l("Tembusan tambahan untuk kabupaten/kota (satu per baris)"), validators=[Optional(), Length(max=4000)]
    )
    # prefilled as the place of a new meeting (else the office's name)
    meeting_place = StringField(_l("Tempat rapat bawaan"), validators=[Optional(), Length(max=300)])
    logo = FileField(_l("Logo kop surat (PNG atau JPEG)"))
    remove_logo = BooleanField(_l("Hapus logo"))
    # choices: the office's active officers (admin.settings); "" = none, the heads alone approve
    approval_delegate = SelectField(
        _l("Pejabat yang dapat menyetujui atas nama (a.n.) kepala kantor"), choices=[], default=""
    )


class CatalogueForm(Form):
    enabled = BooleanField(_l("Layanan aktif di kantor ini"))
    documents = SelectMultipleField(_l("Dokumen tambahan yang diwajibkan kantor"), validate_choice=True)


def catalogue_form(limits, document_choices, **kwargs) -> CatalogueForm:
    """The catalogue form of one process: its switch, one field per editable limit (empty: the
    definition's default), and the optional documents the office may require."""

    class Form(CatalogueForm):
        pass

    for limit in limits:
        setattr(
            Form,
            catalogue_field(limit.key),
            IntegerField(
                _l(limit.label),  # N_-marked in the definition
                validators=[Optional(), NumberRange(min=1, max=limit.maximum, message=BETWEEN)],
            ),
        )
    form = Form(**kwargs)
    form.documents.choices = document_choices
    return form


def catalogue_field(key: str) -> str:
    return "limit_" + key.replace(":", "__")
