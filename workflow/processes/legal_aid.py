"""Legal aid (bantuan hukum; UU 16/2011, PP 42/2013, Permenkumham 4/2021).

A poor applicant asks the Kanwil for help, through the public form or orally at the counter (an
officer writes the application down; the applicant's thumbprinted statement is a document). The
Kanwil checks the file and eligibility and refers the case to an accredited legal-aid organisation
(PBH/OBH). The deadlines after referral are the OBH's, not the office's (PP 42/2013 Pasal 7): it
checks completeness within 1 working day and answers in writing within 3 working days; a refusal
sends the file back for another OBH. Litigation is represented until the case is final (inkracht);
a non-litigation matter (consultation, mediation, legal drafting, counselling) closes without
representation.

intake:     submitted <-> incomplete
review:     eligibility -> referred (OBH: completeness, 1 wd) -> obh_review (OBH: answer, 3 wd)
meeting:    represented (the OBH's sessions with the applicant and in court)
conclusion: closed | closed_non_litigation | not_eligible | withdrawn
"""

from sqlalchemy import select

from ..engine.definition import (
    N_,
    Clock,
    DocumentKind,
    Field,
    Input,
    Phase,
    Process,
    Referral,
    State,
    TimeLimit,
    Transition,
)
from ..extensions import db
from ..models import Document
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

STATES = (
    State("draft", Phase.INTAKE, N_("Draf")),
    State("submitted", Phase.INTAKE, N_("Diterima, pemeriksaan kelengkapan")),
    State("incomplete", Phase.INTAKE, N_("Belum lengkap, menunggu pemohon")),
    State("eligibility", Phase.REVIEW, N_("Pemeriksaan kelayakan")),
    State("referred", Phase.REVIEW, N_("Dirujuk ke OBH, pemeriksaan kelengkapan oleh OBH"), deadline_of=N_("OBH")),
    State("obh_review", Phase.REVIEW, N_("Lengkap menurut OBH, menunggu jawaban tertulis OBH"), deadline_of=N_("OBH")),
    State("represented", Phase.MEETING, N_("Didampingi OBH")),
    State("closed", Phase.CONCLUSION, N_("Perkara selesai"), final=True),
    State(
        "closed_non_litigation",
        Phase.CONCLUSION,
        N_("Selesai dengan bantuan hukum nonlitigasi (tanpa pendampingan perkara)"),
        final=True,
    ),
    State("not_eligible", Phase.CONCLUSION, N_("Tidak memenuhi syarat"), final=True),
    State("withdrawn", Phase.CONCLUSION, N_("Ditarik oleh pemohon"), final=True),
)
OPEN = ("submitted", "incomplete", "eligibility", "referred", "obh_review", "represented")


def oral_statement_uploaded(req, ctx):
    if not db.session.scalar(
        select(Document.id).where(Document.request_id == req.id, Document.kind == "oral_statement").limit(1)
    ):
        return "Permohonan lisan wajib dilampiri pernyataan yang dicap jempol pemohon."
    return None


PROCESS = Process(
    name="legal_aid",
    label=N_("Bantuan hukum"),
    number_code="BANKUM",
    intake="public",
    counter_intake=True,  # an oral application is written down by staff (PP 42/2013 Pasal 6)
    counter_documents=("oral_statement",),
    promise=N_(
        "Petugas kantor wilayah memeriksa kelengkapan dan kelayakan permohonan Anda, lalu merujuknya ke "
        "organisasi bantuan hukum (OBH). Setelah rujukan, OBH memeriksa kelengkapan paling lama %(time_limit)s "
        "dan menjawab secara tertulis paling lama 3 hari kerja setelah berkas lengkap."
    ),
    summary=N_(
        "Bantuan hukum cuma-cuma bagi warga miskin melalui organisasi bantuan hukum terakreditasi: litigasi "
        "(pendampingan perkara) atau nonlitigasi (konsultasi, mediasi, penyusunan dokumen hukum, penyuluhan)."
    ),
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
        Field(
            "aid_type",
            N_("Bentuk bantuan yang diminta"),
            kind="choice",
            required=False,
            choices=(
                ("litigasi", N_("Litigasi (pendampingan perkara)")),
                ("nonlitigasi", N_("Nonlitigasi (konsultasi, mediasi, penyusunan dokumen hukum, penyuluhan)")),
            ),
        ),
    ),
    document_kinds=(
        DocumentKind("ktp", N_("KTP"), "applicant", images=True, sensitive=True),
        DocumentKind(
            "sktm", N_("Surat keterangan tidak mampu (atau kartu pengganti)"), "applicant", images=True, sensitive=True
        ),
        DocumentKind("case_documents", N_("Dokumen perkara"), "applicant", images=True, sensitive=True),
        # an oral application: what staff wrote down, with the applicant's thumbprint
        DocumentKind(
            "oral_statement",
            N_("Pernyataan permohonan lisan dengan cap jempol pemohon"),
            "staff",
            images=True,
            sensitive=True,
        ),
        DocumentKind("obh_letter", N_("Surat jawaban OBH"), "staff", sensitive=True),
    ),
    required_documents=(("ktp",), ("sktm",)),
    confidential=True,  # the applicant's poverty and legal problem (UU 27/2022)
    # the e-mails name the OBH holding the file: the one referred to, until it refuses in writing
    referral=Referral(N_("Organisasi bantuan hukum (OBH)"), "obh", by=("refer",), ended_by=("record_obh_refusal",)),
    # the OBH's completeness check after referral: 1 working day (its written answer: 3, below)
    time_limit=TimeLimit(1, maximum=1),
    applicant_upload_states=("draft", "incomplete"),
    staff_upload_states=("draft", "eligibility", "referred", "obh_review", "represented"),
    transitions=(
        Transition(
            "submit",
            ("draft",),
            "submitted",
            PUBLIC,
            N_("Kirim permohonan"),
            guards=(required_documents_uploaded,),
            notify=True,
            notices=(INTAKE_OFFICERS,),  # a new file on the intake officers' desk
        ),
        Transition(
            "register_oral",
            ("draft",),
            "submitted",
            STAFF,
            N_("Daftarkan permohonan lisan"),
            guards=(required_documents_uploaded, oral_statement_uploaded),
            notify=True,
        ),
        return_for_completion(("submitted",)),
        resubmit(("incomplete",), "submitted", PUBLIC, guards=(required_documents_uploaded,)),
        Transition(
            "declare_complete",
            ("submitted",),
            "eligibility",
            STAFF,
            N_("Nyatakan lengkap"),
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
            clock=Clock.RESTART,  # the OBH's completeness check: the process's limit
            notify=True,
        ),
        Transition(
            "record_obh_complete",
            ("referred",),
            "obh_review",
            STAFF,
            N_("Catat berkas lengkap menurut OBH"),
            clock=Clock.RESTART,
            limit=TimeLimit(3),  # the OBH's written answer
        ),
        Transition(
            "record_obh_acceptance",
            ("obh_review",),
            "represented",
            STAFF,
            N_("Catat penerimaan tertulis OBH (litigasi)"),
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "close_non_litigation",
            ("eligibility", "obh_review"),
            "closed_non_litigation",
            STAFF,
            N_("Catat selesai dengan bantuan nonlitigasi"),
            requires_comment=True,
            clock=Clock.STOP,
            notify=True,
        ),
        Transition(
            "record_obh_refusal",
            ("referred", "obh_review"),
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
