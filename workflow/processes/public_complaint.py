"""Public complaints and feedback (UU 25/2009, Perpres 76/2013), DOMAIN.md section 2: receipt,
verification, investigation, resolution within 60 (calendar) days of a complete file; overdue files
are escalated by `workflow tick`; a dissatisfied complainant can ask to reopen.

intake:     received <-> incomplete; not_valid
review:     investigation
conclusion: resolved (the complainant may ask to reopen) | not_valid | withdrawn
(no meeting phase: the service has none)
"""
from ..engine.definition import (
    N_, Clock, DayUnit, DocumentKind, Field, Phase, Process, State, TimeLimit, Timer, Transition,
)
from .common import (
    ASSIGNEES, HEAD, PUBLIC, STAFF, SYSTEM, assignees_are_office_drafters, count_completion_round,
    required_documents_uploaded, set_assignees,
)

OPEN = ("received", "incomplete", "investigation")

PROCESS = Process(
    name="public_complaint", label=N_("Pengaduan pelayanan publik"), number_code="ADUAN", intake="public",
    summary=N_("Pengaduan dan masukan tentang pelayanan kantor wilayah."),
    states=(
        State("draft", Phase.INTAKE, N_("Draf")),
        State("received", Phase.INTAKE, N_("Diterima, verifikasi")),
        State("incomplete", Phase.INTAKE, N_("Belum lengkap, menunggu pelapor")),
        State("investigation", Phase.REVIEW, N_("Penanganan dan pemeriksaan")),
        State("resolved", Phase.CONCLUSION, N_("Selesai ditangani")),
        State("not_valid", Phase.CONCLUSION, N_("Tidak memenuhi syarat pengaduan"), final=True),
        State("withdrawn", Phase.CONCLUSION, N_("Dicabut oleh pelapor"), final=True),
    ),
    initial="draft", private_states=("draft",),
    fields=(
        Field("name", N_("Nama pelapor")),
        Field("phone", N_("Nomor telepon"), max_length=30, required=False),
        Field("reported_person", N_("Pihak atau petugas yang diadukan")),
        Field("place", N_("Tempat kejadian")),
        Field("time", N_("Waktu kejadian")),
        Field("chronology", N_("Kronologi"), kind="longtext", sensitive=True, max_length=20000),
    ),
    document_kinds=(
        DocumentKind("evidence", N_("Bukti pendukung"), "applicant", images=True),
        DocumentKind("response_letter", N_("Surat jawaban"), "staff"),
    ),
    required_documents=(("evidence",),),
    time_limit=TimeLimit(60, DayUnit.CALENDAR),
    applicant_upload_states=("draft", "incomplete", "resolved"),
    staff_upload_states=("investigation", "resolved"),
    transitions=(
        Transition("submit", ("draft",), "received", PUBLIC, N_("Kirim pengaduan"),
                   guards=(required_documents_uploaded,), notify=True),
        Transition("return_for_completion", ("received",), "incomplete", STAFF, N_("Minta kelengkapan"),
                   requires_comment=True, effects=(count_completion_round,), notify=True),
        Transition("resubmit", ("incomplete",), "received", PUBLIC, N_("Kirim kelengkapan"),
                   guards=(required_documents_uploaded,)),
        Transition("declare_not_valid", ("received",), "not_valid", HEAD, N_("Nyatakan tidak memenuhi syarat"),
                   requires_comment=True, notify=True),
        Transition("declare_complete", ("received",), "investigation", STAFF, N_("Nyatakan lengkap"),
                   clock=Clock.START, notify=True),
        Transition("assign", OPEN + ("resolved",), None, HEAD, N_("Tugaskan petugas"), inputs=(ASSIGNEES,),
                   guards=(assignees_are_office_drafters,), effects=(set_assignees,)),
        Transition("escalate_overdue", ("investigation",), None, SYSTEM,
                   N_("Penanganan melewati 60 hari"), timer=Timer(0, basis="due_date")),
        Transition("resolve", ("investigation",), "resolved", STAFF, N_("Nyatakan selesai ditangani"),
                   requires_comment=True, clock=Clock.STOP, notify=True),
        Transition("request_reopen", ("resolved",), "investigation", PUBLIC, N_("Ajukan keberatan"),
                   requires_comment=True, clock=Clock.RESTART, notify=True),
        Transition("withdraw", ("draft",) + OPEN, "withdrawn", PUBLIC, N_("Cabut pengaduan"),
                   requires_comment=True, clock=Clock.STOP),
    ),
)
