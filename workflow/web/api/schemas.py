"""Marshmallow schemas: they validate input and generate the OpenAPI document."""

from datetime import date
from zoneinfo import ZoneInfo

import marshmallow as ma
from flask_smorest.fields import Upload
from werkzeug.datastructures import FileStorage

from ...links import check_web_link
from ...processes import PROCESSES
from ...vocabulary import Aspect, Conclusion, Phase, Side
from .. import MAX_ID

# Field errors in the users' language. marshmallow keeps its messages in class attributes;
# setting them once here covers every schema of the API.
ma.fields.Field.default_error_messages.update(
    {
        "required": "Wajib diisi.",
        "null": "Tidak boleh kosong.",
        "validator_failed": "Nilai tidak valid.",
    }
)
for _field, _message in (
    (ma.fields.String, "Harus berupa teks."),
    (ma.fields.Integer, "Harus berupa bilangan bulat."),
    (ma.fields.Boolean, "Harus berupa true atau false."),
    (ma.fields.Date, "Harus berupa tanggal (YYYY-MM-DD)."),
    (ma.fields.Dict, "Harus berupa objek."),
):
    _field.default_error_messages = {**_field.default_error_messages, "invalid": _message}
ma.validate.Range.message_min = "Harus {min_op} {{min}}."
ma.validate.Range.message_max = "Harus {max_op} {{max}}."
ma.validate.Range.message_all = "Harus {min_op} {{min}} dan {max_op} {{max}}."
ma.validate.Range.message_gte, ma.validate.Range.message_gt = "paling kecil", "lebih dari"
ma.validate.Range.message_lte, ma.validate.Range.message_lt = "paling besar", "kurang dari"
ma.validate.Length.message_min = "Paling sedikit {min} karakter."
ma.validate.Length.message_max = "Paling banyak {max} karakter."
ma.validate.Length.message_all = "Harus antara {min} dan {max} karakter."
ma.validate.OneOf.default_message = "Pilih salah satu: {choices}."
ma.Schema.error_messages = {"unknown": "Kolom tidak dikenal.", "type": "Data tidak valid."}


class Text(ma.fields.String):
    """A string without NUL characters (PostgreSQL cannot store them; nobody types them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise ma.ValidationError("Mengandung karakter yang tidak diizinkan.")
        return value


# The vocabularies the processes define, as enums in the OpenAPI document.
PROCESS_NAMES = sorted(PROCESSES)
TRIGGERS = sorted({t.trigger for p in PROCESSES.values() for t in p.transitions})
DOCUMENT_KINDS = sorted({k.name for p in PROCESSES.values() for k in p.document_kinds})


def one_of(choices):
    # the refused value and the accepted ones, so a caller sees their typo and what to send instead
    return ma.validate.OneOf(
        choices, error="'{input}' tidak dikenal. Pilih salah satu: {choices} (lihat GET /processes)."
    )


class OfficeDateTime(ma.fields.DateTime):
    """An ISO 8601 date-time: without an offset it is the office's local time; with one (`Z`,
    `+08:00`) it is converted to the office's local time by the view (see office_local)."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not 1900 <= parsed.year <= 2999:
            raise ma.ValidationError("Tahun di luar jangkauan (1900-2999).")
        return parsed


def office_local(value, timezone: str):
    """A naive office-local datetime from OfficeDateTime's value."""
    if value.tzinfo is None:
        return value
    return value.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


class WebLink(ma.fields.String):
    """An http(s) address, by the same rule as the pages' forms (workflow/links.py)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"format": "uri", "pattern": "^https?://"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        # the length here, not as a validator: an empty link becomes None, which Length cannot measure
        if len(value) > 500:
            raise ma.ValidationError("Paling banyak 500 karakter.")
        try:
            return check_web_link(value)
        except ValueError as error:
            raise ma.ValidationError(str(error)) from None


class PageQuery(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=25, validate=ma.validate.Range(min=1, max=100))


class RequestQuery(PageQuery):
    process = Text(validate=one_of(PROCESS_NAMES))
    state = Text()
    phase = Text(validate=ma.validate.OneOf(Phase.values()))
    organisation_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID))
    assigned_to_me = ma.fields.Boolean(load_default=False)
    overdue = ma.fields.Boolean(load_default=False)
    q = Text(metadata={"description": "Part of the registration number or title"})
    before = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Only requests older than this id (the last one of a list whose total is capped)"},
    )


class RequestCreate(ma.Schema):
    process = Text(required=True, validate=one_of(PROCESS_NAMES))
    title = Text(validate=ma.validate.Length(min=1, max=1000))
    details = ma.fields.Dict(metadata={"description": "The process's intake fields (GET /processes)"})
    external_ref = Text(
        validate=ma.validate.Length(max=120), metadata={"description": "E-Harmonisasi registration number"}
    )
    applicant_type = Text(
        metadata={
            "enum": ["kepala_daerah", "dprd"],
            "description": "Who applies (harmonisation): the Kepala Daerah through the Sekda, or the DPRD through "
            "the Sekwan (a Ranperkada only the Kepala Daerah); by default the organisation's own",
        }
    )
    application_letter_number = Text(
        validate=ma.validate.Length(max=120), metadata={"description": "Number of the application letter"}
    )
    application_letter_date = Text(metadata={"description": "Date of the application letter (YYYY-MM-DD)"})


class RequestUpdate(ma.Schema):
    """The fields a request's applicant may still change (PATCH: only those given change)."""

    version = ma.fields.Integer(required=True, metadata={"description": "The version you last saw"})
    application_letter_number = Text(
        allow_none=True,
        validate=ma.validate.Length(max=120),
        metadata={"description": "Number of the application letter; null clears it"},
    )
    application_letter_date = Text(
        allow_none=True, metadata={"description": "Date of the application letter (YYYY-MM-DD); null clears it"}
    )


class Ref(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class RequestOut(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    process = ma.fields.String(validate=ma.validate.OneOf(PROCESS_NAMES))
    state = ma.fields.String()
    state_label = ma.fields.String()
    phase = ma.fields.String()
    version = ma.fields.Integer()
    title = ma.fields.String()
    organisation = ma.fields.Nested(Ref, allow_none=True)  # None: a request from the public
    external_ref = ma.fields.String(allow_none=True)
    completion_rounds = ma.fields.Integer()
    assignees = ma.fields.List(ma.fields.Nested(Ref))
    applicant_type = ma.fields.String(allow_none=True)
    application_letter_number = ma.fields.String(allow_none=True)
    application_letter_date = ma.fields.Date(allow_none=True)
    due_date = ma.fields.Date(allow_none=True)
    due_date_kind = ma.fields.String(
        allow_none=True,
        metadata={
            "enum": ["office", "applicant", *sorted({s.name for p in PROCESSES.values() for s in p.stages})],
            "description": "Which deadline due_date is: the office's own clock (office), the applicant's "
            "own (applicant: e.g. the correction deadline after 'harmonis dengan catatan'), or a stage "
            "of the office's clock before its own (administrative_check: the administrative check "
            "after submission, until declared complete).",
        },
    )
    clock_paused = ma.fields.Boolean()
    working_days_left = ma.fields.Integer(allow_none=True)
    allowed_triggers = ma.fields.List(ma.fields.String())
    tracking_code = ma.fields.String(allow_none=True)
    details = ma.fields.Dict(metadata={"description": "Intake fields; sensitive ones redacted unless permitted"})
    created_at = ma.fields.String()
    updated_at = ma.fields.String()


class RequestPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RequestOut))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()
    total_capped = ma.fields.Boolean(
        metadata={
            "description": "true: more requests match than `total` (counted up to 1,000): narrow the filters, or go on with "
            "`before` = the id of the last request of the last page"
        }
    )
    pages = ma.fields.Integer()


class TransitionIn(ma.Schema):
    # An enum in the OpenAPI document, but checked by fire() rather than here: fire() answers a stale
    # version (409) before an unknown trigger (422), and a schema check would come first.
    trigger = Text(required=True, metadata={"enum": TRIGGERS})
    version = ma.fields.Integer(required=True, metadata={"description": "The version you last saw"})
    comment = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=10000))
    data = ma.fields.Dict(load_default=dict)


class FileUpload(Upload):
    """A file part of a multipart body; a plain form field of the same name is not a file."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ma.ValidationError("Harus berupa berkas.")
        return value


class DocumentUpload(ma.Schema):
    kind = Text(required=True, validate=one_of(DOCUMENT_KINDS))
    file = FileUpload(required=True)


class DocumentOut(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(validate=ma.validate.OneOf(DOCUMENT_KINDS))
    version = ma.fields.Integer()
    latest = ma.fields.Boolean()
    filename = ma.fields.String(metadata={"description": '"[disembunyikan]" when `redacted`'})
    redacted = ma.fields.Boolean(
        metadata={"description": "personal data the caller may not read: name hidden, download refused (403)"}
    )
    media_type = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    uploaded_by = ma.fields.Nested(Ref, allow_none=True)
    created_at = ma.fields.String()


class EventOut(ma.Schema):
    seq = ma.fields.Integer()
    trigger = ma.fields.String()
    from_state = ma.fields.String(allow_none=True)
    to_state = ma.fields.String()
    actor = ma.fields.Nested(Ref, allow_none=True)
    comment = ma.fields.String(allow_none=True)
    data = ma.fields.Dict()
    created_at = ma.fields.String()
    hash = ma.fields.String()


class DueQuery(ma.Schema):
    # the holiday calendar is known for these years; far-off dates would overflow anyway
    start = ma.fields.Date(
        required=True,
        validate=ma.validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 1)),
        metadata={"description": "From 2000-01-01 to 2099-12-01 (the years the holiday calendar knows)"},
    )
    days = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0, max=366))


class DueOut(ma.Schema):
    due_date = ma.fields.Date()


class HolidaysQuery(ma.Schema):
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(min=2000, max=2100))


class HolidayOut(ma.Schema):
    date = ma.fields.Date()
    name = ma.fields.String()


class ProcessOut(ma.Schema):
    name = ma.fields.String()
    label = ma.fields.String()
    enabled = ma.fields.Boolean(metadata={"description": "The caller's office runs it (its service catalogue)"})
    counter_intake = ma.fields.Boolean()
    deadlines = ma.fields.List(ma.fields.Dict())
    initial = ma.fields.String()
    states = ma.fields.List(ma.fields.Dict())
    transitions = ma.fields.List(ma.fields.Dict())
    document_kinds = ma.fields.List(ma.fields.Dict())
    required_documents = ma.fields.List(ma.fields.List(ma.fields.String()))
    time_limit = ma.fields.Dict(allow_none=True)
    intake = ma.fields.String()
    fields = ma.fields.List(ma.fields.Dict())
    variant_field = ma.fields.String(allow_none=True)
    variant_documents = ma.fields.Dict()


# --- meetings, minutes, issued documents -------------------------------------------------------


class ParticipantIn(ma.Schema):
    name = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    position = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    institution = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    side = Text(required=True, validate=ma.validate.OneOf(Side.values()))
    email = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=254))


class MeetingCreate(ma.Schema):
    request_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID)),
        required=True,
        validate=ma.validate.Length(min=1, max=50),
    )
    title = Text(required=True, validate=ma.validate.Length(min=1, max=300))
    starts_at = OfficeDateTime(
        required=True, metadata={"description": "Office local time; with an offset (Z, +08:00) converted to it"}
    )
    duration_minutes = ma.fields.Integer(load_default=180, validate=ma.validate.Range(min=15, max=720))
    place = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=300))
    online_link = WebLink(load_default=None, allow_none=True)
    chair_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=MAX_ID))
    participants = ma.fields.List(
        ma.fields.Nested(ParticipantIn), load_default=list, validate=ma.validate.Length(max=200)
    )
    reason = Text(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=2000),
        metadata={
            "description": "Why a follow-up meeting (rapat lanjutan) is needed: required for requests "
            "whose meeting was held"
        },
    )
    confirm_non_working_day = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Schedule on a day off at the office (weekend, holiday, cuti bersama or an office "
            "closure) anyway; without it such a date is refused (422) with the day and the holiday named"
        },
    )


class MeetingReschedule(ma.Schema):
    version = ma.fields.Integer(required=True)
    starts_at = OfficeDateTime(
        required=True, metadata={"description": "Office local time; with an offset (Z, +08:00) converted to it"}
    )
    place = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=300))
    online_link = WebLink(load_default=None, allow_none=True)
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=2000))
    confirm_non_working_day = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Schedule on a day off at the office (weekend, holiday, cuti bersama or an office "
            "closure) anyway; without it such a date is refused (422) with the day and the holiday named"
        },
    )


class MeetingCancel(ma.Schema):
    version = ma.fields.Integer(required=True)
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=2000))


class AttendanceIn(ma.Schema):
    participant_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=MAX_ID))
    attended = ma.fields.Boolean(required=True)


class MeetingAttendance(ma.Schema):
    version = ma.fields.Integer(required=True)
    attendance = ma.fields.List(ma.fields.Nested(AttendanceIn), load_default=list)


class MonthQuery(ma.Schema):
    # years 1900-2999: beyond, there is no meeting (and year 0000 is no date at all)
    month = Text(validate=ma.validate.Regexp(r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$", error="Format: YYYY-MM (1900-2999)."))


class MeetingOut(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String()
    status_reason = ma.fields.String(allow_none=True)
    version = ma.fields.Integer()
    starts_at = ma.fields.String(metadata={"description": "UTC, ISO 8601"})
    starts_at_local = ma.fields.String(metadata={"description": "Office local time"})
    duration_minutes = ma.fields.Integer()
    place = ma.fields.String(allow_none=True)
    online_link = ma.fields.String(allow_none=True)
    chair = ma.fields.Nested(Ref)
    requests = ma.fields.List(ma.fields.Dict())
    participants = ma.fields.List(ma.fields.Dict())


class MinutesStart(ma.Schema):
    meeting_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=MAX_ID))


class FindingIn(ma.Schema):
    aspect = Text(required=True, validate=ma.validate.OneOf(Aspect.values()))
    article = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=120))
    finding = Text(required=True, validate=ma.validate.Length(min=1, max=20000))
    agreed_change = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=20000))


class SignatoryIn(ma.Schema):
    name = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    position = Text(required=True, validate=ma.validate.Length(min=1, max=200))
    side = Text(required=True, validate=ma.validate.OneOf(Side.values()))


class MinutesSave(ma.Schema):
    version = ma.fields.Integer(required=True)
    conclusion = Text(allow_none=True, validate=ma.validate.OneOf(Conclusion.values()))
    notes = Text(allow_none=True, validate=ma.validate.Length(max=20000))
    correction_deadline = ma.fields.Date(allow_none=True)
    # no application letter number or date: the berita acara reads them from the request
    legal_basis = Text(allow_none=True, validate=ma.validate.Length(max=5000))
    signatories = ma.fields.List(ma.fields.Nested(SignatoryIn), validate=ma.validate.Length(max=30))
    findings = ma.fields.List(ma.fields.Nested(FindingIn), validate=ma.validate.Length(max=500))


class VersionIn(ma.Schema):
    version = ma.fields.Integer(required=True)


class SendBackIn(ma.Schema):
    version = ma.fields.Integer(required=True)
    # required and not blank: the officer must be told what to change (422 otherwise)
    comment = Text(required=True, validate=ma.validate.Length(max=5000))


class LetterResubmitIn(ma.Schema):
    version = ma.fields.Integer(required=True)
    missing = ma.fields.List(
        Text(validate=ma.validate.Length(max=2000)),
        validate=ma.validate.Length(max=50),
        metadata={"description": "Surat pengembalian berkas only: the revised list of what the file lacks"},
    )


class IssuedOut(ma.Schema):
    id = ma.fields.Integer()
    request_id = ma.fields.Integer()
    meeting_id = ma.fields.Integer(allow_none=True, metadata={"description": "The meeting an undangan invites to"})
    kind = ma.fields.String()
    status = ma.fields.String(
        metadata={
            "description": "awaiting_approval (prepared by an officer: no number or code yet), sent_back, "
            "issued, withdrawn (its meeting was cancelled before the approval)"
        }
    )
    version = ma.fields.Integer(metadata={"description": "Send it back with approve and send-back"})
    number = ma.fields.String(allow_none=True, metadata={"description": "Given at approval"})
    code = ma.fields.String(allow_none=True, metadata={"description": "The public verification code, once issued"})
    title = ma.fields.String()
    issued_at = ma.fields.String(metadata={"description": "When issued (while awaiting approval: when prepared)"})
    approved_at = ma.fields.String(allow_none=True)
    approved_by = ma.fields.Dict(allow_none=True)
    on_behalf_of = ma.fields.String(allow_none=True, metadata={"description": "a.n.: the head a delegate approved for"})
    sent_back_at = ma.fields.String(allow_none=True)
    sent_back_comment = ma.fields.String(allow_none=True)
    sha256 = ma.fields.String(allow_none=True)
    superseded_by_id = ma.fields.Integer(allow_none=True)
    download_url = ma.fields.String(allow_none=True, metadata={"description": "The PDF, exactly as issued"})
    preview_url = ma.fields.String(
        allow_none=True, metadata={"description": "The DRAF preview while not issued (staff)"}
    )


class MinutesOut(ma.Schema):
    id = ma.fields.Integer()
    request_id = ma.fields.Integer()
    meeting_id = ma.fields.Integer(allow_none=True)
    revision = ma.fields.Integer()
    status = ma.fields.String()
    version = ma.fields.Integer()
    conclusion = ma.fields.String(allow_none=True)
    notes = ma.fields.String(allow_none=True)
    correction_deadline = ma.fields.Date(allow_none=True)
    application_letter_number = ma.fields.String(allow_none=True)
    application_letter_date = ma.fields.Date(allow_none=True)
    legal_basis = ma.fields.String(allow_none=True)
    signatories = ma.fields.List(ma.fields.Dict())
    findings = ma.fields.List(ma.fields.Dict())
    issued_document = ma.fields.Nested(
        IssuedOut, allow_none=True, metadata={"description": "Once approved: the numbered berita acara"}
    )
    history = ma.fields.Integer(metadata={"description": "Number of saved drafts kept"})
    finalised_at = ma.fields.String(allow_none=True)
    approved_at = ma.fields.String(allow_none=True)
    approved_by = ma.fields.Dict(allow_none=True)
    sent_back_at = ma.fields.String(allow_none=True)
    sent_back_comment = ma.fields.String(
        allow_none=True, metadata={"description": "Why the head sent the minutes back (staff only)"}
    )
    preview_url = ma.fields.String(
        allow_none=True, metadata={"description": "The DRAF preview PDF while draft or awaiting approval (staff)"}
    )
