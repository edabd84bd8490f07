"""Guards, effects and role sets shared by every process module."""

from sqlalchemy import bindparam, func, select

from ..engine.definition import CONFIRM_DAY_OFF, N_, Clock, Input, Notify, Transition, row_guard
from ..extensions import db
from ..models import Document, User

# role sets of transitions: an applicant organisation's drafter (with an account); a member of
# the public (the request's tracking code and PIN); the office's staff; its heads; timers
from ..vocabulary import APPLICANT, HEAD, PUBLIC, STAFF, SYSTEM  # noqa: F401 (re-exported to processes)

# Who applies (Permenkum 40/2025 Pasal 4): the Kepala Daerah through the Sekda, or the DPRD through the
# Sekwan. Documents and letters address the official accordingly.
APPLICANT_TYPES = {
    "kepala_daerah": N_("Kepala Daerah (melalui Sekretaris Daerah)"),
    "dprd": N_("DPRD (melalui Sekretaris DPRD)"),
}

ASSIGNEES = Input("assignees", "user_ids", N_("Perancang yang ditugaskan"))

# A meeting's date: on a day off at the office (weekend, holiday, cuti bersama, a closure) only
# when the scheduler confirms it, whichever path fires the transition (fire() asks the question).
MEETING_DATE = (
    Input("meeting_date", "date", N_("Tanggal rapat"), working_day=True),
    Input(CONFIRM_DAY_OFF, "bool", N_("Ya, tetap jadwalkan pada hari libur ini"), required=False),
)

# Who hears of a file to check at intake: the office's officers (a new or resubmitted file).
INTAKE_OFFICERS = Notify("officers", "new_file")


# Guards: (request, context) -> None when satisfied, else the reason in Indonesian.


# The kinds of document a request has, built once (a built statement keeps its SQL cache key).
_DOCUMENT_KINDS = select(Document.kind).where(Document.request_id == bindparam("request_id")).distinct()


def document_kinds(request_id: int) -> set[str]:
    """The kinds of document uploaded to the request (the guard below; the return letter's list)."""
    return set(db.session.scalars(_DOCUMENT_KINDS, {"request_id": request_id}))


def required_documents_uploaded(req, ctx):
    from ..catalogue import required_documents  # the catalogue reads the registry: import late

    present = document_kinds(req.id)
    missing = [
        " atau ".join(ctx.process.document_kind(k).label for k in group)
        for group in required_documents(req.office, ctx.process, req.details)
        if not present.intersection(group)
    ]
    if len(missing) == 1:  # e.g. "Surat permohonan belum diunggah.": what to do next, in one line
        return f"{missing[0]} belum diunggah."
    return ("Dokumen wajib belum diunggah: " + "; ".join(missing) + ".") if missing else None


def assignees_are_office_drafters(req, ctx):
    ids = ctx.data["assignees"]
    found = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.id.in_(ids),
            User.office_id == req.office_id,
            User.role.in_(STAFF),
            User.active.is_(True),
        )
    )
    if found != len(ids):
        return "Perancang yang ditugaskan harus pegawai aktif kantor wilayah ini."
    return None


@row_guard
def clock_has_started(req, ctx):
    if req.clock_started_on is None or req.clock_stopped_on is not None:
        return "Tenggat belum berjalan untuk permohonan ini."
    return None


# Effects: (request, context, event_data) after the state moved.


def count_completion_round(req, ctx, event_data):
    req.completion_rounds += 1
    event_data["completion_round"] = req.completion_rounds


def set_assignees(req, ctx, event_data):
    req.assignees = list(db.session.scalars(select(User).where(User.id.in_(ctx.data["assignees"])).order_by(User.id)))


# Transitions every legal service has in the same shape.


def return_for_completion(sources: tuple[str, ...], *, clock: Clock | None = None) -> Transition:
    """Staff return an incomplete file to the applicant with the reasons (a comment); the round is
    counted and the applicant told. `clock=Clock.PAUSE` where the office's clock already runs."""
    return Transition(
        "return_for_completion",
        sources,
        "incomplete",
        STAFF,
        N_("Minta kelengkapan"),
        requires_comment=True,
        effects=(count_completion_round,),
        clock=clock,
        notify=True,
    )


def resubmit(
    sources: tuple[str, ...],
    dest: str,
    roles: tuple[str, ...],
    *,
    label: str = N_("Kirim kelengkapan"),
    guards: tuple = (),
    clock: Clock | None = None,
) -> Transition:
    """The applicant sends the completed file back after a return for completion: in every process
    the intake officers are told there is a file to check again, and a member of the public, who
    has no account to look in, gets the e-mail confirming it (as on submit). `clock=Clock.RESUME`
    where return_for_completion paused the office's clock."""
    return Transition(
        "resubmit",
        sources,
        dest,
        roles,
        label,
        guards=guards,
        clock=clock,
        notify=roles == PUBLIC,
        notices=(INTAKE_OFFICERS,),
    )
