"""Naturalisation (general legal administration, AHU), DOMAIN.md section 2: registered at the
office for a walk-in applicant, examined by the office's team, forwarded to the Directorate
General, decree, the oath at the Kanwil (a meeting), foreign documents surrendered within 14
working days of the oath (overdue: escalated by `workflow tick`).

intake:     registered <-> incomplete
review:     examination -> forwarded
meeting:    oath_scheduled -> oath_taken (14 working days to surrender documents)
conclusion: completed | rejected | withdrawn
"""

from ..engine.definition import (
    N_,
    Clock,
    DocumentKind,
    Field,
    Input,
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
    STAFF,
    SYSTEM,
    assignees_are_office_drafters,
    count_completion_round,
    required_documents_uploaded,
    set_assignees,
)

OPEN = ("registered", "incomplete", "examination", "forwarded", "oath_scheduled", "oath_taken")

PROCESS = Process(
    name="naturalisation",
    label=N_("Pewarganegaraan"),
    number_code="AHU",
    intake="staff",
    summary=N_("Permohonan pewarganegaraan: pemeriksaan, penerusan ke Ditjen AHU, keputusan, dan sumpah."),
    states=(
        State("registered", Phase.INTAKE, N_("Terdaftar, pemeriksaan kelengkapan")),
        State("incomplete", Phase.INTAKE, N_("Belum lengkap, menunggu pemohon")),
        State("examination", Phase.REVIEW, N_("Pemeriksaan oleh tim kanwil")),
        State("forwarded", Phase.REVIEW, N_("Diteruskan ke Ditjen AHU, menunggu keputusan")),
        State("oath_scheduled", Phase.MEETING, N_("Pengambilan sumpah dijadwalkan")),
        State("oath_taken", Phase.MEETING, N_("Sumpah diambil; menunggu penyerahan dokumen asing")),
        State("completed", Phase.CONCLUSION, N_("Selesai"), final=True),
        State("rejected", Phase.CONCLUSION, N_("Ditolak"), final=True),
        State("withdrawn", Phase.CONCLUSION, N_("Ditarik"), final=True),
    ),
    initial="registered",
    fields=(
        Field("name", N_("Nama pemohon")),
        Field("nationality", N_("Kewarganegaraan asal")),
        Field("passport", N_("Nomor paspor"), sensitive=True, max_length=40),
        Field("address", N_("Alamat di Indonesia"), kind="longtext", sensitive=True),
        Field("email", N_("Email pemohon"), kind="email", required=False),
    ),
    document_kinds=(
        DocumentKind("application", N_("Surat permohonan"), "staff", sensitive=True),
        DocumentKind("passport_copy", N_("Salinan paspor"), "staff", images=True, sensitive=True),
        DocumentKind("civil_records", N_("Dokumen catatan sipil"), "staff", sensitive=True),
        DocumentKind("decree", N_("Keputusan Menteri"), "staff", sensitive=True),
        DocumentKind("oath_minutes", N_("Berita acara sumpah"), "staff", sensitive=True),
        DocumentKind("surrender_receipt", N_("Tanda terima penyerahan dokumen asing"), "staff", sensitive=True),
    ),
    required_documents=(("application",), ("passport_copy",), ("civil_records",)),
    time_limit=TimeLimit(14),  # documents surrendered within 14 working days of the oath
    staff_upload_states=OPEN,
    transitions=(
        Transition(
            "return_for_completion",
            ("registered", "examination"),
            "incomplete",
            STAFF,
            N_("Minta kelengkapan"),
            requires_comment=True,
            effects=(count_completion_round,),
            notify=True,
        ),
        Transition("record_completion", ("incomplete",), "registered", STAFF, N_("Catat kelengkapan diterima")),
        Transition(
            "declare_complete",
            ("registered",),
            "examination",
            STAFF,
            N_("Nyatakan lengkap"),
            guards=(required_documents_uploaded,),
        ),
        Transition(
            "assign",
            OPEN,
            None,
            HEAD,
            N_("Tugaskan tim"),
            inputs=(ASSIGNEES,),
            guards=(assignees_are_office_drafters,),
            effects=(set_assignees,),
        ),
        Transition(
            "forward",
            ("examination",),
            "forwarded",
            HEAD,
            N_("Teruskan ke Ditjen AHU"),
            inputs=(Input("cover_letter", "text", N_("Nomor surat pengantar")),),
            notify=True,
        ),
        Transition(
            "record_decree",
            ("forwarded",),
            "oath_scheduled",
            STAFF,
            N_("Catat keputusan dan jadwalkan sumpah"),
            inputs=(
                Input("decree_number", "text", N_("Nomor keputusan")),
                Input("oath_date", "date", N_("Tanggal sumpah")),
            ),
            notify=True,
        ),
        Transition(
            "record_refusal",
            ("forwarded",),
            "rejected",
            STAFF,
            N_("Catat permohonan ditolak"),
            requires_comment=True,
            notify=True,
        ),
        Transition(
            "take_oath",
            ("oath_scheduled",),
            "oath_taken",
            HEAD,
            N_("Catat sumpah telah diambil"),
            clock=Clock.START,
            notify=True,
        ),
        Transition(
            "escalate_documents",
            ("oath_taken",),
            None,
            SYSTEM,
            N_("Penyerahan dokumen asing melewati 14 hari kerja"),
            timer=Timer(0, basis="due_date"),
        ),
        Transition(
            "record_surrender",
            ("oath_taken",),
            "completed",
            STAFF,
            N_("Catat dokumen asing telah diserahkan"),
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "withdraw",
            OPEN[:5],
            "withdrawn",
            STAFF,
            N_("Catat penarikan permohonan"),
            requires_comment=True,
            clock=Clock.STOP,
        ),
    ),
)
