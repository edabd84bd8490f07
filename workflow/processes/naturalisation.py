"""Naturalisation (general legal administration, AHU; UU 12/2006 Pasal 13-16):
registered at the office for a walk-in applicant, examined by the office's team, the PNBP payment
recorded (amount, receipt number, date), forwarded to the Directorate General; the decision is a
Keputusan Presiden; the applicant is summoned to take the oath or pledge of allegiance (sumpah atau
janji setia) before the head of office within 3 months of the decree being sent, else the decree is
void (batal demi hukum: a timer); after the oath the applicant surrenders their immigration
documents to the immigration office within 14 working days (overdue: escalated by `workflow tick`).

intake:     registered <-> incomplete
review:     examination -> paid -> forwarded
meeting:    oath_scheduled -> oath_taken (14 working days to surrender documents)
conclusion: completed | void (no oath within 3 months) | rejected | withdrawn
"""

from ..engine.definition import (
    N_,
    Clock,
    DayUnit,
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
    required_documents_uploaded,
    return_for_completion,
    set_assignees,
)

OPEN = ("registered", "incomplete", "examination", "paid", "forwarded", "oath_scheduled", "oath_taken")
BEFORE_DECREE = ("registered", "incomplete", "examination", "paid", "forwarded")

PROCESS = Process(
    name="naturalisation",
    label=N_("Pewarganegaraan"),
    number_code="AHU",
    intake="staff",
    summary=N_(
        "Permohonan pewarganegaraan: pemeriksaan, pembayaran PNBP, penerusan ke Ditjen AHU, Keputusan Presiden, "
        "sumpah atau janji setia, dan penyerahan dokumen keimigrasian."
    ),
    states=(
        State("registered", Phase.INTAKE, N_("Terdaftar, pemeriksaan kelengkapan")),
        State("incomplete", Phase.INTAKE, N_("Belum lengkap, menunggu pemohon")),
        State("examination", Phase.REVIEW, N_("Pemeriksaan oleh tim kanwil")),
        State("paid", Phase.REVIEW, N_("PNBP telah dibayar, siap diteruskan")),
        State("forwarded", Phase.REVIEW, N_("Diteruskan ke Ditjen AHU, menunggu Keputusan Presiden")),
        State("oath_scheduled", Phase.MEETING, N_("Keputusan Presiden diterima; pemohon dipanggil mengucapkan sumpah")),
        State("oath_taken", Phase.MEETING, N_("Sumpah diucapkan; menunggu penyerahan dokumen keimigrasian")),
        State("completed", Phase.CONCLUSION, N_("Selesai"), final=True),
        State(
            "void", Phase.CONCLUSION, N_("Keputusan Presiden batal: pemohon tidak hadir mengucapkan sumpah"), final=True
        ),
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
        DocumentKind("pnbp_receipt", N_("Bukti pembayaran PNBP"), "staff", images=True, sensitive=True),
        DocumentKind("decree", N_("Keputusan Presiden"), "staff", sensitive=True),
        DocumentKind("summons", N_("Surat panggilan pengucapan sumpah atau janji setia"), "staff", sensitive=True),
        DocumentKind("oath_minutes", N_("Berita acara pengucapan sumpah atau janji setia"), "staff", sensitive=True),
        DocumentKind(
            "surrender_receipt",
            N_("Tanda terima penyerahan dokumen keimigrasian dari kantor imigrasi"),
            "staff",
            sensitive=True,
        ),
    ),
    required_documents=(("application",), ("passport_copy",), ("civil_records",)),
    time_limit=TimeLimit(14, maximum=14),  # immigration documents surrendered within 14 working days of the oath
    staff_upload_states=OPEN,
    transitions=(
        return_for_completion(("registered", "examination")),
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
            "record_payment",
            ("examination",),
            "paid",
            STAFF,
            N_("Catat pembayaran PNBP"),
            inputs=(
                Input("amount", "int", N_("Jumlah PNBP (Rp)"), minimum=1, maximum=1_000_000_000),
                Input("receipt_number", "text", N_("Nomor bukti pembayaran")),
                Input("payment_date", "date", N_("Tanggal pembayaran")),
            ),
        ),
        Transition(
            "forward",
            ("paid",),
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
            N_("Catat Keputusan Presiden dan panggil pemohon untuk bersumpah"),
            inputs=(
                Input("decree_number", "text", N_("Nomor Keputusan Presiden")),
                Input("oath_date", "date", N_("Tanggal pengucapan sumpah")),
            ),
            notify=True,
        ),
        Transition(
            "reschedule_oath",
            ("oath_scheduled",),
            None,
            STAFF,
            N_("Jadwalkan ulang sumpah (alasan yang sah)"),
            requires_comment=True,
            inputs=(Input("oath_date", "date", N_("Tanggal pengucapan sumpah")),),
            notify=True,
        ),
        Transition(
            "lapse_decree",
            ("oath_scheduled",),
            "void",
            SYSTEM,
            N_("Batal demi hukum: tidak mengucapkan sumpah dalam 3 bulan"),
            timer=Timer(3, DayUnit.MONTH),
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
            N_("Catat sumpah atau janji setia telah diucapkan"),
            clock=Clock.START,
            notify=True,
        ),
        Transition(
            "escalate_documents",
            ("oath_taken",),
            None,
            SYSTEM,
            N_("Penyerahan dokumen keimigrasian melewati 14 hari kerja"),
            timer=Timer(0, basis="due_date"),
        ),
        Transition(
            "record_surrender",
            ("oath_taken",),
            "completed",
            STAFF,
            N_("Catat dokumen keimigrasian telah diserahkan ke kantor imigrasi"),
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "withdraw",
            BEFORE_DECREE + ("oath_scheduled",),
            "withdrawn",
            STAFF,
            N_("Catat penarikan permohonan"),
            requires_comment=True,
            clock=Clock.STOP,
        ),
    ),
)
