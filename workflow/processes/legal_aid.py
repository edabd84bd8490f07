"""Legal aid (bantuan hukum; UU 16/2011, PP 42/2013, Permenkumham 4/2021), DOMAIN.md section 2.

A poor applicant asks the Kanwil for help; the Kanwil checks completeness (1 working day) and
eligibility, refers the case to an accredited legal-aid organisation (OBH), records the OBH's
written acceptance or refusal (3 working days; a refusal goes to another OBH), and the case is
represented until it is final (inkracht).

intake:     submitted <-> incomplete
review:     eligibility -> referred
meeting:    represented (the OBH's sessions with the applicant and in court)
conclusion: closed | not_eligible | withdrawn
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
    Transition,
)
from .common import (
    ASSIGNEES,
    HEAD,
    PUBLIC,
    STAFF,
    assignees_are_office_drafters,
    count_completion_round,
    required_documents_uploaded,
    set_assignees,
)

STATES = (
    State("draft", Phase.INTAKE, N_("Draf")),
    State("submitted", Phase.INTAKE, N_("Diterima, pemeriksaan kelengkapan")),
    State("incomplete", Phase.INTAKE, N_("Belum lengkap, menunggu pemohon")),
    State("eligibility", Phase.REVIEW, N_("Pemeriksaan kelayakan")),
    State("referred", Phase.REVIEW, N_("Dirujuk ke OBH, menunggu jawaban tertulis")),
    State("represented", Phase.MEETING, N_("Didampingi OBH")),
    State("closed", Phase.CONCLUSION, N_("Perkara selesai"), final=True),
    State("not_eligible", Phase.CONCLUSION, N_("Tidak memenuhi syarat"), final=True),
    State("withdrawn", Phase.CONCLUSION, N_("Ditarik oleh pemohon"), final=True),
)
OPEN = ("submitted", "incomplete", "eligibility", "referred", "represented")

PROCESS = Process(
    name="legal_aid",
    label=N_("Bantuan hukum"),
    number_code="BANKUM",
    intake="public",
    summary=N_("Bantuan hukum cuma-cuma bagi warga miskin melalui organisasi bantuan hukum terakreditasi."),
    states=STATES,
    initial="draft",
    private_states=("draft",),
    fields=(
        Field("name", N_("Nama lengkap")),
        Field("nik", N_("NIK"), sensitive=True, max_length=16),
        Field("address", N_("Alamat"), kind="longtext", sensitive=True),
        Field("phone", N_("Nomor telepon"), max_length=30),
        Field("problem", N_("Uraian masalah hukum"), kind="longtext", sensitive=True, max_length=10000),
        Field(
            "case_type",
            N_("Jenis perkara"),
            kind="choice",
            choices=(("pidana", N_("Pidana")), ("perdata", N_("Perdata")), ("tun", N_("Tata usaha negara"))),
        ),
    ),
    document_kinds=(
        DocumentKind("ktp", N_("KTP"), "applicant", images=True, sensitive=True),
        DocumentKind(
            "sktm", N_("Surat keterangan tidak mampu (atau kartu pengganti)"), "applicant", images=True, sensitive=True
        ),
        DocumentKind("case_documents", N_("Dokumen perkara"), "applicant", images=True, sensitive=True),
        DocumentKind("obh_letter", N_("Surat jawaban OBH"), "staff", sensitive=True),
    ),
    required_documents=(("ktp",), ("sktm",)),
    time_limit=TimeLimit(1),  # completeness: 1 working day
    applicant_upload_states=("draft", "incomplete"),
    staff_upload_states=("eligibility", "referred", "represented"),
    transitions=(
        Transition(
            "submit",
            ("draft",),
            "submitted",
            PUBLIC,
            N_("Kirim permohonan"),
            guards=(required_documents_uploaded,),
            clock=Clock.START,
            notify=True,
        ),
        Transition(
            "return_for_completion",
            ("submitted",),
            "incomplete",
            STAFF,
            N_("Minta kelengkapan"),
            requires_comment=True,
            effects=(count_completion_round,),
            clock=Clock.PAUSE,
            notify=True,
        ),
        Transition(
            "resubmit",
            ("incomplete",),
            "submitted",
            PUBLIC,
            N_("Kirim kelengkapan"),
            guards=(required_documents_uploaded,),
            clock=Clock.RESUME,
        ),
        Transition(
            "declare_complete",
            ("submitted",),
            "eligibility",
            STAFF,
            N_("Nyatakan lengkap"),
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "assign",
            OPEN,
            None,
            HEAD,
            N_("Tugaskan petugas"),
            inputs=(ASSIGNEES,),
            guards=(assignees_are_office_drafters,),
            effects=(set_assignees,),
        ),
        Transition(
            "refer",
            ("eligibility",),
            "referred",
            STAFF,
            N_("Rujuk ke OBH"),
            inputs=(Input("obh", "text", N_("Nama OBH")),),
            clock=Clock.RESTART,
            limit=TimeLimit(3),
            notify=True,
        ),
        Transition(
            "record_obh_acceptance",
            ("referred",),
            "represented",
            STAFF,
            N_("Catat penerimaan tertulis OBH"),
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "record_obh_refusal",
            ("referred",),
            "eligibility",
            STAFF,
            N_("Catat penolakan tertulis OBH"),
            requires_comment=True,
            clock=Clock.STOP,
        ),
        Transition(
            "declare_not_eligible",
            ("eligibility",),
            "not_eligible",
            HEAD,
            N_("Nyatakan tidak memenuhi syarat"),
            requires_comment=True,
            notify=True,
        ),
        Transition(
            "close_case",
            ("represented",),
            "closed",
            STAFF,
            N_("Catat perkara selesai"),
            requires_comment=True,
            notify=True,
        ),
        Transition(
            "withdraw",
            ("draft",) + OPEN,
            "withdrawn",
            PUBLIC,
            N_("Tarik permohonan"),
            requires_comment=True,
            clock=Clock.STOP,
        ),
    ),
)
