"""Public complaints and feedback (UU 25/2009, Perpres 76/2013): receipt,
verification, investigation, resolution within 60 (calendar) days of a complete file; overdue files
are escalated by `workflow tick`; a written reply to the complainant within 14 days of receipt, a
deadline beside the resolution's (unconfirmed: configurable); an incomplete complaint not completed
within 30 days is deemed withdrawn (unconfirmed: configurable); the complainant may ask that their
identity stay confidential (known to the assigned officer only); evidence is optional; a
dissatisfied complainant can ask to reopen.

intake:     received <-> incomplete -> deemed_withdrawn (timer); not_valid
review:     investigation
conclusion: resolved (the complainant may ask to reopen) | not_valid | deemed_withdrawn | withdrawn
(no meeting phase: the service has none)
"""

from ..engine.definition import (
    N_,
    Clock,
    DayUnit,
    Deadline,
    DocumentKind,
    Field,
    Phase,
    Process,
    State,
    TimeLimit,
    Timer,
    Transition,
)
from .common import (
    ASSIGNEES,
    HEAD,
    INTAKE_OFFICERS,
    PUBLIC,
    STAFF,
    SYSTEM,
    assignees_are_office_drafters,
    resubmit,
    return_for_completion,
    set_assignees,
)

OPEN = ("received", "incomplete", "investigation")

PROCESS = Process(
    name="public_complaint",
    label=N_("Pengaduan pelayanan publik"),
    number_code="ADUAN",
    intake="public",
    promise=N_(
        "Anda menerima jawaban tertulis paling lama %(deadline_written_reply)s sejak pengaduan diterima. "
        "Pengaduan diselesaikan paling lama %(time_limit)s sejak berkas dinyatakan lengkap. Bila diminta "
        "melengkapi, lengkapi dalam %(timer_deem_withdrawn)s; bila tidak, pengaduan dianggap dicabut."
    ),
    summary=N_("Pengaduan dan masukan tentang pelayanan kantor wilayah."),
    states=(
        State("draft", Phase.INTAKE, N_("Draf")),
        State("received", Phase.INTAKE, N_("Diterima, verifikasi")),
        State("incomplete", Phase.INTAKE, N_("Belum lengkap, menunggu pelapor")),
        State("investigation", Phase.REVIEW, N_("Penanganan dan pemeriksaan")),
        State("resolved", Phase.CONCLUSION, N_("Selesai ditangani")),
        State("not_valid", Phase.CONCLUSION, N_("Tidak memenuhi syarat pengaduan"), final=True),
        State("deemed_withdrawn", Phase.CONCLUSION, N_("Dianggap dicabut (tidak dilengkapi)"), final=True),
        State("withdrawn", Phase.CONCLUSION, N_("Dicabut oleh pelapor"), final=True),
    ),
    initial="draft",
    private_states=("draft",),
    fields=(
        Field("name", N_("Nama pelapor"), identity=True),
        Field("phone", N_("Nomor telepon"), max_length=30, required=False, identity=True),
        Field("confidential", N_("Rahasiakan identitas saya"), kind="bool", required=False),
        Field("reported_person", N_("Pihak atau petugas yang diadukan")),
        Field("place", N_("Tempat kejadian")),
        Field("time", N_("Waktu kejadian")),
        Field("chronology", N_("Kronologi"), kind="longtext", sensitive=True, max_length=20000),
    ),
    document_kinds=(
        DocumentKind("evidence", N_("Bukti pendukung"), "applicant", images=True, sensitive=True),
        DocumentKind("response_letter", N_("Surat jawaban"), "staff", sensitive=True),
    ),
    required_documents=(),  # evidence is optional (Perpres 76/2013)
    confidential_field="confidential",
    time_limit=TimeLimit(60, DayUnit.CALENDAR, maximum=60),
    deadlines=(
        Deadline(
            "written_reply",
            N_("Jawaban tertulis kepada pelapor"),
            starts=("submit",),
            met_by=("send_reply",),
            limit=TimeLimit(14, DayUnit.CALENDAR, maximum=60),
        ),
    ),
    applicant_upload_states=("draft", "incomplete", "resolved"),
    staff_upload_states=("investigation", "resolved"),
    transitions=(
        Transition(
            "submit",
            ("draft",),
            "received",
            PUBLIC,
            N_("Kirim pengaduan"),
            notify=True,
            notices=(INTAKE_OFFICERS,),  # a new file on the intake officers' desk
        ),
        return_for_completion(("received",)),
        resubmit(("incomplete",), "received", PUBLIC),
        Transition(
            "deem_withdrawn",
            ("incomplete",),
            "deemed_withdrawn",
            SYSTEM,
            N_("Dianggap dicabut: tidak dilengkapi dalam batas waktu"),
            timer=Timer(30, DayUnit.CALENDAR, configurable=True, maximum=90),
            notify=True,
        ),
        Transition(
            "send_reply",
            ("received", "incomplete", "investigation"),
            None,
            STAFF,
            N_("Catat jawaban tertulis kepada pelapor"),
            requires_comment=True,
            notify=True,
        ),
        Transition(
            "declare_not_valid",
            ("received",),
            "not_valid",
            HEAD,
            N_("Nyatakan tidak memenuhi syarat"),
            requires_comment=True,
            notify=True,
        ),
        Transition(
            "declare_complete",
            ("received",),
            "investigation",
            STAFF,
            N_("Nyatakan lengkap"),
            clock=Clock.START,
            notify=True,
        ),
        Transition(
            "assign",
            OPEN + ("resolved",),
            None,
            HEAD,
            N_("Tugaskan petugas"),
            inputs=(ASSIGNEES,),
            guards=(assignees_are_office_drafters,),
            effects=(set_assignees,),
        ),
        Transition(
            "escalate_overdue",
            ("investigation",),
            None,
            SYSTEM,
            N_("Penanganan melewati batas waktu penyelesaian"),
            timer=Timer(0, basis="due_date"),
        ),
        Transition(
            "resolve",
            ("investigation",),
            "resolved",
            STAFF,
            N_("Nyatakan selesai ditangani"),
            requires_comment=True,
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "request_reopen",
            ("resolved",),
            "investigation",
            PUBLIC,
            N_("Ajukan keberatan"),
            requires_comment=True,
            clock=Clock.RESTART,
            notify=True,
        ),
        Transition(
            "withdraw",
            ("draft",) + OPEN,
            "withdrawn",
            PUBLIC,
            N_("Cabut pengaduan"),
            requires_comment=True,
            clock=Clock.STOP,
        ),
    ),
)
