"""Human-rights complaints (pelayanan komunikasi masyarakat; Permenkumham 23/2022).

Administrative check within 5 days; an incomplete file gives the complainant 10 days to complete
it, after which it is deemed withdrawn (a timer: `workflow tick`); substantive examination within
5 days; not competent -> referral to the competent agency; a coordination meeting or mediation; a
finding (indication of a violation or not) with a recommendation. Both limits are counted here in
working days (the regulation leaves the unit unconfirmed; change the TimeLimit/Timer unit if needed).

intake:     submitted <-> incomplete -> deemed_withdrawn (timer)
review:     examination
meeting:    mediation_scheduled -> mediation_held
conclusion: violation_indicated | no_violation | referred_out | deemed_withdrawn | withdrawn
"""

from sqlalchemy import select

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
from ..extensions import db
from ..models import Document
from .common import (
    ASSIGNEES,
    HEAD,
    INTAKE_OFFICERS,
    MEETING_DATE,
    PUBLIC,
    STAFF,
    SYSTEM,
    assignees_are_office_drafters,
    required_documents_uploaded,
    resubmit,
    return_for_completion,
    set_assignees,
)

OPEN = ("submitted", "incomplete", "examination", "mediation_scheduled", "mediation_held")


def power_of_attorney_if_represented(req, ctx):
    if (req.details or {}).get("represented"):
        if not db.session.scalar(
            select(Document.id).where(Document.request_id == req.id, Document.kind == "power_of_attorney").limit(1)
        ):
            return "Pengaduan melalui kuasa wajib melampirkan surat kuasa."
    return None


PROCESS = Process(
    name="human_rights_complaint",
    label=N_("Pengaduan dugaan pelanggaran HAM"),
    number_code="HAM",
    intake="public",
    promise=N_(
        "Petugas memeriksa kelengkapan administrasi paling lama %(time_limit)s. Bila belum lengkap, Anda diberi "
        "waktu %(timer_deem_withdrawn)s untuk melengkapinya; bila tidak, pengaduan dianggap dicabut. Pemeriksaan "
        "substansi paling lama 5 hari kerja setelah berkas lengkap."
    ),
    summary=N_("Pengaduan masyarakat tentang dugaan pelanggaran hak asasi manusia."),
    states=(
        State("draft", Phase.INTAKE, N_("Draf")),
        State("submitted", Phase.INTAKE, N_("Diterima, pemeriksaan administrasi")),
        State("incomplete", Phase.INTAKE, N_("Belum lengkap, menunggu pengadu")),
        State("examination", Phase.REVIEW, N_("Pemeriksaan substansi")),
        State("mediation_scheduled", Phase.MEETING, N_("Rapat koordinasi/mediasi dijadwalkan")),
        State("mediation_held", Phase.MEETING, N_("Rapat koordinasi/mediasi telah dilaksanakan")),
        State("violation_indicated", Phase.CONCLUSION, N_("Terdapat indikasi pelanggaran; rekomendasi"), final=True),
        State("no_violation", Phase.CONCLUSION, N_("Tidak terdapat indikasi pelanggaran"), final=True),
        State("referred_out", Phase.CONCLUSION, N_("Tidak berwenang; dirujuk ke instansi lain"), final=True),
        State("deemed_withdrawn", Phase.CONCLUSION, N_("Dianggap dicabut (tidak dilengkapi)"), final=True),
        State("withdrawn", Phase.CONCLUSION, N_("Dicabut oleh pengadu"), final=True),
    ),
    initial="draft",
    private_states=("draft",),
    fields=(
        Field("name", N_("Nama pengadu")),
        Field("nik", N_("NIK"), sensitive=True, max_length=16),
        Field("address", N_("Alamat"), kind="longtext", sensitive=True),
        Field("phone", N_("Nomor telepon"), max_length=30),
        Field("reported_party", N_("Pihak yang diadukan")),
        # the intake officer reads it to judge whether the complaint is complete
        Field(
            "chronology",
            N_("Kronologi kejadian"),
            kind="longtext",
            sensitive=True,
            intake_readable=True,
            max_length=20000,
        ),
        Field("represented", N_("Diajukan melalui kuasa"), kind="bool", required=False),
    ),
    document_kinds=(
        # the intake officer opens what they check for completeness (as the chronology field),
        # not the identity card (as the NIK and address fields): that stays with heads and assignees
        DocumentKind("ktp", N_("KTP"), "applicant", images=True, sensitive=True),
        DocumentKind("complaint_letter", N_("Surat pengaduan"), "applicant", sensitive=True, intake_readable=True),
        DocumentKind("evidence", N_("Bukti pendukung"), "applicant", images=True, sensitive=True, intake_readable=True),
        DocumentKind(
            "power_of_attorney",
            N_("Surat kuasa (bila melalui kuasa)"),
            "applicant",
            sensitive=True,
            intake_readable=True,
        ),
        DocumentKind("referral_letter", N_("Surat rujukan ke instansi berwenang"), "staff", sensitive=True),
    ),
    required_documents=(("ktp",), ("complaint_letter",), ("evidence",)),
    confidential=True,  # a complaint of a human-rights violation (UU 27/2022): mail marked confidential
    time_limit=TimeLimit(5),  # administrative check
    applicant_upload_states=("draft", "incomplete"),
    staff_upload_states=("examination", "mediation_scheduled", "mediation_held"),
    transitions=(
        Transition(
            "submit",
            ("draft",),
            "submitted",
            PUBLIC,
            N_("Kirim pengaduan"),
            guards=(required_documents_uploaded, power_of_attorney_if_represented),
            clock=Clock.START,
            notify=True,
            notices=(INTAKE_OFFICERS,),  # a new file on the intake officers' desk
        ),
        return_for_completion(("submitted",), clock=Clock.PAUSE),
        resubmit(
            ("incomplete",),
            "submitted",
            PUBLIC,
            guards=(required_documents_uploaded, power_of_attorney_if_represented),
            clock=Clock.RESUME,
        ),
        Transition(
            "deem_withdrawn",
            ("incomplete",),
            "deemed_withdrawn",
            SYSTEM,
            N_("Dianggap dicabut: tidak dilengkapi dalam batas waktu"),
            timer=Timer(10, DayUnit.WORKING, configurable=True, maximum=30),
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "declare_complete",
            ("submitted",),
            "examination",
            STAFF,
            N_("Nyatakan lengkap"),
            clock=Clock.RESTART,
            limit=TimeLimit(5),
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
            "declare_not_competent",
            ("examination",),
            "referred_out",
            HEAD,
            N_("Nyatakan tidak berwenang dan rujuk"),
            requires_comment=True,
            inputs=(Input("referred_to", "text", N_("Instansi yang berwenang")),),
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "schedule_mediation",
            ("examination",),
            "mediation_scheduled",
            STAFF,
            N_("Jadwalkan rapat koordinasi/mediasi"),
            inputs=MEETING_DATE,
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "hold_mediation", ("mediation_scheduled",), "mediation_held", STAFF, N_("Catat rapat telah dilaksanakan")
        ),
        Transition(
            "conclude_violation",
            ("examination", "mediation_held"),
            "violation_indicated",
            HEAD,
            N_("Simpulkan: ada indikasi pelanggaran"),
            requires_comment=True,
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "conclude_no_violation",
            ("examination", "mediation_held"),
            "no_violation",
            HEAD,
            N_("Simpulkan: tidak ada indikasi pelanggaran"),
            requires_comment=True,
            clock=Clock.STOP,
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
