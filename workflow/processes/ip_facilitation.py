"""Facilitation of intellectual property (fasilitasi kekayaan intelektual) (UU 28/2014, UU 20/2016).

Consultation and assisted filing; the filing itself is with DJKI, whose application number is
recorded. What DJKI does with it follows the IP type: copyright and communal IP (KI komunal) are
recorded (pencatatan: "tercatat"); trademarks, patents, industrial designs and geographical
indications are registered (pendaftaran: "terdaftar"). A geographical indication needs its
dokumen deskripsi (UU 20/2016); the trademark fee is per class, so its number of classes is
recorded; communal IP needs the community's statement; a patent its description and claims.

intake:     submitted <-> incomplete
review:     document_check
meeting:    consultation (the assisted-filing session)
conclusion: filed (awaiting DJKI) -> registered | recorded | refused; withdrawn
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
    row_guard,
)
from .common import (
    ASSIGNEES,
    HEAD,
    INTAKE_OFFICERS,
    PUBLIC,
    STAFF,
    assignees_are_office_drafters,
    required_documents_uploaded,
    resubmit,
    return_for_completion,
    set_assignees,
)

OPEN = ("submitted", "incomplete", "document_check", "consultation")
# pencatatan (recorded) versus pendaftaran (registered), by IP type
RECORDED_TYPES = ("hak_cipta", "ki_komunal")
REGISTERED_TYPES = ("merek", "paten", "desain_industri", "indikasi_geografis")


@row_guard
def is_registered_type(req, ctx):
    if (req.details or {}).get("ip_type") not in REGISTERED_TYPES:
        return "Hak cipta dan KI komunal dicatat (pencatatan), bukan didaftarkan."
    return None


@row_guard
def is_recorded_type(req, ctx):
    if (req.details or {}).get("ip_type") not in RECORDED_TYPES:
        return "Merek, paten, desain industri, dan indikasi geografis didaftarkan (pendaftaran), bukan dicatat."
    return None


def trademark_classes_given(req, ctx):
    details = req.details or {}
    if details.get("ip_type") == "merek" and not details.get("classes"):
        return "Permohonan merek wajib menyebutkan jumlah kelas barang/jasa (tarif per kelas)."
    return None


PROCESS = Process(
    name="ip_facilitation",
    label=N_("Fasilitasi kekayaan intelektual"),
    number_code="KI",
    intake="public",
    promise=N_(
        "Petugas memeriksa kelengkapan dokumen paling lama %(time_limit)s sejak permohonan diterima, lalu "
        "menjadwalkan konsultasi dan pendampingan pengajuan ke DJKI."
    ),
    summary=N_(
        "Konsultasi dan pendampingan pengajuan ke DJKI: pendaftaran merek, paten, desain industri, dan "
        "indikasi geografis; pencatatan hak cipta dan KI komunal."
    ),
    states=(
        State("draft", Phase.INTAKE, N_("Draf")),
        State("submitted", Phase.INTAKE, N_("Diterima, pemeriksaan kelengkapan")),
        State("incomplete", Phase.INTAKE, N_("Belum lengkap, menunggu pemohon")),
        State("document_check", Phase.REVIEW, N_("Pemeriksaan dokumen")),
        State("consultation", Phase.MEETING, N_("Konsultasi dan pendampingan pengajuan")),
        State("filed", Phase.CONCLUSION, N_("Diajukan ke DJKI, menunggu keputusan")),
        State("registered", Phase.CONCLUSION, N_("Terdaftar (pendaftaran)"), final=True),
        State("recorded", Phase.CONCLUSION, N_("Tercatat (pencatatan)"), final=True),
        State("refused", Phase.CONCLUSION, N_("Ditolak DJKI"), final=True),
        State("withdrawn", Phase.CONCLUSION, N_("Ditarik oleh pemohon"), final=True),
    ),
    initial="draft",
    private_states=("draft",),
    fields=(
        Field("name", N_("Nama pemohon atau kelompok/komunitas")),
        Field("nik", N_("NIK"), sensitive=True, max_length=16),
        Field("phone", N_("Nomor telepon"), max_length=30),
        Field(
            "ip_type",
            N_("Jenis kekayaan intelektual"),
            kind="choice",
            choices=(
                ("merek", N_("Merek (pendaftaran)")),
                ("paten", N_("Paten (pendaftaran)")),
                ("desain_industri", N_("Desain industri (pendaftaran)")),
                ("indikasi_geografis", N_("Indikasi geografis (pendaftaran)")),
                ("hak_cipta", N_("Hak cipta (pencatatan)")),
                ("ki_komunal", N_("KI komunal (pencatatan)")),
            ),
        ),
        Field("business", N_("Nama usaha (untuk merek)"), required=False),
        Field(
            "classes",
            N_("Jumlah kelas barang/jasa (untuk merek; tarif per kelas)"),
            kind="int",
            required=False,
            minimum=1,
            maximum=45,
        ),
        Field("umk", N_("Usaha mikro atau kecil (tarif merek Rp500.000)"), kind="bool", required=False),
        Field(
            "description", N_("Uraian karya, produk, atau pengetahuan tradisional"), kind="longtext", max_length=10000
        ),
    ),
    document_kinds=(
        DocumentKind("ktp", N_("KTP"), "applicant", images=True, sensitive=True),
        DocumentKind("specimen", N_("Contoh merek, karya, atau desain"), "applicant", images=True, sensitive=True),
        DocumentKind("umk_certificate", N_("Surat keterangan UMK"), "applicant", images=True, sensitive=True),
        DocumentKind("community_statement", N_("Pernyataan komunitas/masyarakat adat"), "applicant", sensitive=True),
        DocumentKind("gi_description", N_("Dokumen deskripsi indikasi geografis"), "applicant", sensitive=True),
        DocumentKind(
            "patent_description", N_("Deskripsi, klaim, abstrak, dan gambar invensi"), "applicant", sensitive=True
        ),
        DocumentKind("djki_receipt", N_("Tanda terima permohonan DJKI"), "staff"),
    ),
    required_documents=(("ktp",), ("specimen",)),
    variant_field="ip_type",
    variant_documents={
        "ki_komunal": (("community_statement",),),
        "indikasi_geografis": (("community_statement",), ("gi_description",)),
        "paten": (("patent_description",),),
    },
    time_limit=TimeLimit(5),
    applicant_upload_states=("draft", "incomplete"),
    staff_upload_states=("document_check", "consultation", "filed"),
    transitions=(
        Transition(
            "submit",
            ("draft",),
            "submitted",
            PUBLIC,
            N_("Kirim permohonan"),
            guards=(required_documents_uploaded, trademark_classes_given),
            clock=Clock.START,
            notify=True,
            notices=(INTAKE_OFFICERS,),  # a new file on the intake officers' desk
        ),
        return_for_completion(("submitted", "document_check"), clock=Clock.PAUSE),
        resubmit(
            ("incomplete",),
            "submitted",
            PUBLIC,
            guards=(required_documents_uploaded, trademark_classes_given),
            clock=Clock.RESUME,
        ),
        Transition("declare_complete", ("submitted",), "document_check", STAFF, N_("Nyatakan lengkap")),
        Transition(
            "assign",
            OPEN + ("filed",),
            None,
            HEAD,
            N_("Tugaskan petugas"),
            inputs=(ASSIGNEES,),
            guards=(assignees_are_office_drafters,),
            effects=(set_assignees,),
        ),
        Transition(
            "schedule_consultation",
            ("document_check",),
            "consultation",
            STAFF,
            N_("Jadwalkan konsultasi"),
            inputs=(Input("consultation_date", "date", N_("Tanggal konsultasi")),),
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "record_filing",
            ("consultation",),
            "filed",
            STAFF,
            N_("Catat pengajuan ke DJKI"),
            inputs=(Input("djki_number", "text", N_("Nomor permohonan DJKI")),),
            notify=True,
        ),
        Transition(
            "record_registration",
            ("filed",),
            "registered",
            STAFF,
            N_("Catat terdaftar di DJKI (pendaftaran)"),
            guards=(is_registered_type,),
            notify=True,
        ),
        Transition(
            "record_recording",
            ("filed",),
            "recorded",
            STAFF,
            N_("Catat tercatat di DJKI (pencatatan)"),
            guards=(is_recorded_type,),
            notify=True,
        ),
        Transition(
            "record_refusal", ("filed",), "refused", STAFF, N_("Catat ditolak DJKI"), requires_comment=True, notify=True
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
