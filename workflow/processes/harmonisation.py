"""The harmonisation of regional drafts (UU 12/2011 Pasal 58 and 63 as amended, Permenkum
40/2025), shared by Ranperda and Ranperkada.

intake:     draft -> submitted <-> returned (returned for completion; rounds counted); the
            administrative check has its own deadline (a stage of the clock, 3 working days)
            | discarded (a draft the applicant throws away, never submitted: private like a draft)
review:     verified (declared complete: the clock starts) -> in_analysis (drafters assigned)
            -> analysed
meeting:    meeting_scheduled -> meeting_held (-> meeting_scheduled: a follow-up meeting, with a reason)
conclusion: harmonis | harmonis_with_notes -> correction_submitted -> harmonis | not_harmonis
            (the correction has its own deadline: a timer tells the head and the applicant when it
            passes, and the file counts as overdue; the head may extend it; accepting the correction
            issues the final result letter)
            | withdrawn (by the applicant, once submitted, any time before a conclusion)
A file may be returned for completion from the review too: the clock pauses until resubmission.
"""

from sqlalchemy import func, select

from ..documents.words import long_date
from ..engine.definition import (
    N_,
    Clock,
    DayUnit,
    DocumentKind,
    Input,
    NamedEffect,
    Notify,
    Phase,
    Process,
    Stage,
    State,
    StateTag,
    TimeLimit,
    Timer,
    Transition,
)
from ..extensions import db
from ..models import MAX_ID, Document, Event
from ..vocabulary import Conclusion, MinutesStatus
from .common import (
    APPLICANT,
    ASSIGNEES,
    HEAD,
    INTAKE_OFFICERS,
    MEETING_DATE,
    STAFF,
    SYSTEM,
    assignees_are_office_drafters,
    clock_has_started,
    count_completion_round,
    required_documents_uploaded,
    resubmit,
    set_assignees,
)

# What the meeting and minutes operations may assume of a state (engine.definition.StateTag)
AGENDA = frozenset({StateTag.MEETING_READY})  # analysed: ready for a meeting's agenda
MINUTES = frozenset({StateTag.MINUTES_OPEN})  # the minutes are drafted from scheduling on
SCHEDULED = frozenset({StateTag.MEETING_SCHEDULED}) | MINUTES
HELD = frozenset({StateTag.MEETING_HELD})  # the meeting took place: minutes may be finalised

STATES = (
    State("draft", Phase.INTAKE, N_("Draf")),
    State("submitted", Phase.INTAKE, N_("Diajukan, pemeriksaan administrasi")),
    State("returned", Phase.INTAKE, N_("Dikembalikan untuk dilengkapi")),
    State("verified", Phase.REVIEW, N_("Dinyatakan lengkap, menunggu penugasan")),
    State("in_analysis", Phase.REVIEW, N_("Telaah konsepsi")),
    State("analysed", Phase.REVIEW, N_("Telaah selesai"), tags=AGENDA),
    State("meeting_scheduled", Phase.MEETING, N_("Rapat pengharmonisasian dijadwalkan"), tags=SCHEDULED),
    State("meeting_held", Phase.MEETING, N_("Rapat pengharmonisasian telah dilaksanakan"), tags=HELD | MINUTES),
    State("harmonis", Phase.CONCLUSION, N_("Harmonis"), final=True, tags=HELD),
    State("harmonis_with_notes", Phase.CONCLUSION, N_("Harmonis dengan catatan, menunggu perbaikan"), tags=HELD),
    State("correction_submitted", Phase.CONCLUSION, N_("Perbaikan diajukan"), tags=HELD),
    State("not_harmonis", Phase.CONCLUSION, N_("Belum harmonis"), final=True, tags=HELD),
    State("withdrawn", Phase.CONCLUSION, N_("Ditarik oleh pemrakarsa"), final=True),
    State("discarded", Phase.INTAKE, N_("Draf dibuang"), final=True, unlisted=True),
)
BEFORE_CONCLUSION = tuple(s.name for s in STATES if s.phase != Phase.CONCLUSION and not s.final)
# A draft is discarded, not withdrawn: `withdrawn` is not private, and an unsubmitted draft is
# nobody else's business.
WITHDRAWABLE = tuple(s for s in BEFORE_CONCLUSION if s != "draft")
CLOCK_STATES = ("submitted", "returned", "verified", "in_analysis", "analysed", "meeting_scheduled", "meeting_held")

DOCUMENT_KINDS = (
    DocumentKind("surat_permohonan", N_("Surat permohonan"), "applicant"),
    DocumentKind("naskah_akademik", N_("Naskah akademik atau penjelasan/keterangan"), "applicant"),
    DocumentKind("sk_tim_penyusun", N_("Keputusan pembentukan tim penyusun"), "applicant"),
    DocumentKind("rancangan", N_("Rancangan yang telah diparaf tim penyusun"), "applicant"),
    DocumentKind("sk_propemperda", N_("Keputusan DPRD tentang Propemperda"), "applicant"),
    DocumentKind("izin_prakarsa", N_("Izin prakarsa (bila tidak termasuk Propemperda)"), "applicant"),
    DocumentKind("rancangan_perbaikan", N_("Rancangan hasil perbaikan"), "applicant"),
    DocumentKind("hasil_telaah", N_("Hasil telaah konsepsi"), "staff"),
)


def correction_deadline_in_future(req, ctx):
    deadline = ctx.data.get("correction_deadline")
    if deadline is not None and deadline <= ctx.today:
        return "Batas waktu perbaikan harus setelah hari ini."
    return None


def correction_in_time(req, ctx):
    """A correction after its deadline is refused: the head may extend the deadline first."""
    if req.applicant_due_on is not None and ctx.today > req.applicant_due_on:
        return (
            f"Batas waktu perbaikan berakhir pada {long_date(req.applicant_due_on)}. "
            "Mintalah kantor wilayah memperpanjang batas waktu perbaikan."
        )
    return None


def corrected_draft_uploaded(req, ctx):
    since = db.session.scalar(
        select(func.max(Event.created_at)).where(
            Event.request_id == req.id,
            Event.trigger.in_(("conclude_with_notes", "reject_correction")),
        )
    )
    uploaded = db.session.scalar(
        select(func.count())
        .select_from(Document)
        .where(
            Document.request_id == req.id,
            Document.kind == "rancangan_perbaikan",
            Document.created_at > since,
        )
    )
    return None if uploaded else "Unggah rancangan hasil perbaikan terlebih dahulu."


def application_letter_given(req, ctx):
    """The berita acara and the letters cite the application letter (its number and date): a file
    goes to the office only with both (the drafter fills them in on the request page or PATCH)."""
    missing = [
        label
        for label, value in (
            ("nomor surat permohonan", req.application_letter_number),
            ("tanggal surat permohonan", req.application_letter_date),
        )
        if not value
    ]
    if missing:
        return f"Lengkapi data surat permohonan sebelum mengajukan: {' dan '.join(missing)} belum diisi."
    return None


CONCLUSION_OF = {
    "conclude_harmonis": Conclusion.HARMONIS,
    "conclude_with_notes": Conclusion.HARMONIS_WITH_NOTES,
    "conclude_not_harmonis": Conclusion.NOT_HARMONIS,
}


def final_minutes_agree(req, ctx):
    """A conclusion needs final minutes (berita acara) of the last meeting held that reached the
    same conclusion (after a follow-up meeting, the first meeting's minutes no longer decide).
    Final means approved and issued: minutes awaiting the head's approval do not count."""
    from ..models import Meeting, Minutes, meeting_requests

    last_meeting = db.session.scalar(
        select(Meeting.id)
        .join(meeting_requests, meeting_requests.c.meeting_id == Meeting.id)
        .where(meeting_requests.c.request_id == req.id, Meeting.status == "held")
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    )
    minutes = db.session.scalar(
        select(Minutes)
        .where(Minutes.request_id == req.id, Minutes.status == MinutesStatus.FINAL)
        .order_by(Minutes.revision.desc())
        .limit(1)
    )
    if minutes is None:
        awaiting = db.session.scalar(
            select(Minutes.id).where(Minutes.request_id == req.id, Minutes.status == MinutesStatus.AWAITING_APPROVAL)
        )
        if awaiting is not None:
            return "Berita acara rapat masih menunggu persetujuan pimpinan."
        return "Berita acara rapat belum difinalkan."
    if last_meeting is not None and minutes.meeting_id is not None and minutes.meeting_id != last_meeting:
        return "Berita acara rapat lanjutan (rapat terakhir) belum difinalkan."
    if minutes.conclusion != CONCLUSION_OF[ctx.trigger]:
        return "Kesimpulan pada berita acara berbeda dengan tindakan ini."
    if "correction_deadline" in ctx.data and ctx.data["correction_deadline"] != minutes.correction_deadline:
        # the result letter states the minutes' deadline: the audit trail must not state another
        return "Batas waktu perbaikan berbeda dengan berita acara."
    return None


# Effects: (request, context, event_data) after the state moved.


# The result letter is issued (numbered, its content frozen) with the conclusion, from the final
# minutes; its PDF is rendered after the commit. Implemented by operations/issued.py.
issue_result_letter = NamedEffect("issue_result_letter")


# Who hears of what (besides `notify=True`: the applicant organisation's drafters, kind "status").
MEETING_NEWS = Notify("applicant", "meeting")


def set_correction_deadline(req, ctx, event_data):
    """The applicant's deadline to correct (a timer tells everyone when it passes)."""
    if ctx.data.get("correction_deadline") is not None:
        req.applicant_due_on = ctx.data["correction_deadline"]


def clear_correction_deadline(req, ctx, event_data):
    req.applicant_due_on = None


# The final result (hasil akhir) with the accepted corrected draft; its PDF after the commit.
# Implemented by operations/issued.py.
issue_final_letter = NamedEffect("issue_final_letter")


CORRECTION_DEADLINE = Input("correction_deadline", "date", N_("Batas waktu perbaikan"))


# The surat pengembalian berkas, listing what is missing (the officer's reason), issued with the
# return; its PDF is rendered after the commit. Implemented by operations/letters.py.
issue_return_letter = NamedEffect("issue_return_letter")


# The undangan rapat of the meeting a scheduling is fired from (the MEETING_ID input): prepared once
# per meeting, with the first request's transition, and named in the event of each request it
# covers (held for approval or issued at once). Implemented by operations/meetings.py.
issue_invitation_letter = NamedEffect("issue_invitation_letter")


# Set when the transition is fired from a meeting (see operations/meetings.py).
MEETING_ID = Input("meeting_id", "int", N_("Rapat"), minimum=1, maximum=MAX_ID, required=False)

# The office's administrative check: from submission until declared complete or returned, 3
# working days by default (an office sets its own in the service catalogue). A return pauses it and
# the resubmission resumes it, as the review clock; "declared complete" starts the process's own.
ADMINISTRATIVE_CHECK = Stage("administrative_check", N_("Pemeriksaan administrasi"), TimeLimit(3, maximum=30))

TRANSITIONS = (
    Transition(
        "submit",
        ("draft",),
        "submitted",
        APPLICANT,
        N_("Ajukan"),
        guards=(required_documents_uploaded, application_letter_given),
        clock=Clock.START,
        stage=ADMINISTRATIVE_CHECK,
        notices=(INTAKE_OFFICERS,),
    ),
    Transition("discard", ("draft",), "discarded", APPLICANT, N_("Buang draf")),
    Transition(
        "return_for_completion",
        ("submitted", "verified", "in_analysis", "analysed"),
        "returned",
        STAFF,
        N_("Kembalikan untuk dilengkapi"),
        requires_comment=True,
        effects=(count_completion_round, issue_return_letter),
        clock=Clock.PAUSE,
        notify=True,
    ),
    resubmit(
        ("returned",),
        "submitted",
        APPLICANT,
        label=N_("Ajukan kembali"),
        guards=(required_documents_uploaded, application_letter_given),
        clock=Clock.RESUME,
    ),
    Transition(
        "declare_complete",
        ("submitted",),
        "verified",
        STAFF,
        N_("Nyatakan lengkap"),
        clock=Clock.START,
        notify=True,
        notices=(Notify("heads", "new_file"),),  # the head assigns next
    ),
    Transition(
        "assign",
        ("verified", "in_analysis"),
        "in_analysis",
        HEAD,
        N_("Tugaskan perancang"),
        inputs=(ASSIGNEES,),
        guards=(assignees_are_office_drafters,),
        effects=(set_assignees,),
        notices=(Notify("assignees", "assignment"),),
    ),
    Transition("complete_analysis", ("in_analysis",), "analysed", STAFF, N_("Selesaikan telaah"), assignees_only=True),
    Transition(
        "schedule_meeting",
        ("analysed",),
        "meeting_scheduled",
        STAFF,
        N_("Jadwalkan rapat"),
        inputs=(*MEETING_DATE, MEETING_ID),
        effects=(issue_invitation_letter,),
        notices=(MEETING_NEWS,),
    ),
    Transition(
        # rapat lanjutan: a first meeting did not settle every article; its minutes stay its own
        "schedule_follow_up_meeting",
        ("meeting_held",),
        "meeting_scheduled",
        STAFF,
        N_("Jadwalkan rapat lanjutan"),
        requires_comment=True,  # why another meeting is needed
        inputs=(*MEETING_DATE, MEETING_ID),
        effects=(issue_invitation_letter,),
        notices=(MEETING_NEWS,),
    ),
    Transition(
        "reschedule_meeting",
        ("meeting_scheduled",),
        "meeting_scheduled",
        STAFF,
        N_("Jadwalkan ulang rapat"),
        requires_comment=True,
        inputs=(*MEETING_DATE, MEETING_ID),
        notices=(MEETING_NEWS,),
    ),
    Transition(
        "cancel_meeting",
        ("meeting_scheduled",),
        "analysed",
        STAFF,
        N_("Batalkan rapat"),
        requires_comment=True,
        inputs=(MEETING_ID,),
        notices=(MEETING_NEWS,),
    ),
    Transition(
        "hold_meeting",
        ("meeting_scheduled",),
        "meeting_held",
        STAFF,
        N_("Catat rapat telah dilaksanakan"),
        inputs=(MEETING_ID,),
    ),
    Transition(
        "conclude_harmonis",
        ("meeting_held",),
        "harmonis",
        HEAD,
        N_("Simpulkan: harmonis"),
        guards=(final_minutes_agree,),
        effects=(issue_result_letter,),
        clock=Clock.STOP,
        notify=True,
    ),
    Transition(
        "conclude_with_notes",
        ("meeting_held",),
        "harmonis_with_notes",
        HEAD,
        N_("Simpulkan: harmonis dengan catatan"),
        requires_comment=True,
        inputs=(CORRECTION_DEADLINE,),
        guards=(correction_deadline_in_future, final_minutes_agree),
        effects=(issue_result_letter, set_correction_deadline),
        clock=Clock.STOP,
        notify=True,
    ),
    Transition(
        "conclude_not_harmonis",
        ("meeting_held",),
        "not_harmonis",
        HEAD,
        N_("Simpulkan: belum harmonis"),
        requires_comment=True,
        guards=(final_minutes_agree,),
        effects=(issue_result_letter,),
        clock=Clock.STOP,
        notify=True,
    ),
    Transition(
        "submit_correction",
        ("harmonis_with_notes",),
        "correction_submitted",
        APPLICANT,
        N_("Ajukan perbaikan"),
        guards=(correction_in_time, corrected_draft_uploaded),
        notices=(Notify("heads", "new_file"), Notify("assignees", "new_file")),
    ),
    Transition(
        "accept_correction",
        ("correction_submitted",),
        "harmonis",
        HEAD,  # the head's decision: it issues the final result letter
        N_("Terima perbaikan"),
        effects=(issue_final_letter, clear_correction_deadline),
        notify=True,
    ),
    Transition(
        "reject_correction",
        ("correction_submitted",),
        "harmonis_with_notes",
        STAFF,
        N_("Tolak perbaikan"),
        requires_comment=True,
        # a new deadline for the next correction, or the one that ran before
        inputs=(Input("correction_deadline", "date", N_("Batas waktu perbaikan"), required=False),),
        guards=(correction_deadline_in_future,),
        effects=(set_correction_deadline,),
        notify=True,
    ),
    Transition(
        "extend_correction_deadline",
        ("harmonis_with_notes",),
        None,
        HEAD,
        N_("Perpanjang batas waktu perbaikan"),
        requires_comment=True,
        inputs=(CORRECTION_DEADLINE,),
        guards=(correction_deadline_in_future,),
        effects=(set_correction_deadline,),
        notify=True,
    ),
    Transition(
        "correction_overdue",
        ("harmonis_with_notes",),
        None,  # the office decides what follows: nothing concludes by itself
        SYSTEM,
        N_("Batas waktu perbaikan terlewati"),
        timer=Timer(0, DayUnit.CALENDAR, basis="applicant_due"),
        notify=True,
        notices=(Notify("heads", "overdue"),),
    ),
    Transition(
        "withdraw",
        WITHDRAWABLE,
        "withdrawn",
        APPLICANT,
        N_("Tarik permohonan"),
        requires_comment=True,
        clock=Clock.STOP,
    ),
    Transition(
        "extend_deadline",
        CLOCK_STATES,
        None,
        HEAD,
        N_("Perpanjang tenggat"),
        requires_comment=True,
        guards=(clock_has_started,),
        clock=Clock.EXTEND,
        inputs=(Input("days", "int", N_("Tambahan hari kerja"), minimum=1, maximum=30),),
    ),
)


def harmonisation_process(name, label, number_code, required_documents, applicant_types) -> Process:
    return Process(
        name=name,
        label=label,
        number_code=number_code,
        states=STATES,
        transitions=TRANSITIONS,
        initial="draft",
        private_states=("draft", "discarded"),
        document_kinds=DOCUMENT_KINDS,
        required_documents=required_documents,
        time_limit=TimeLimit(5),
        applicant_upload_states=("draft", "returned", "harmonis_with_notes"),
        applicant_deadline_states=("harmonis_with_notes",),
        applicant_types=applicant_types,
        staff_upload_states=("verified", "in_analysis", "analysed", "meeting_scheduled", "meeting_held"),
    )
