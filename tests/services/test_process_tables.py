"""The legal-service processes as tables: every state x trigger x actor, for each of the five.

The expected rules are written out here by hand, from DOMAIN.md section 2 and the docstrings of
workflow/processes/{legal_aid,ip_facilitation,human_rights_complaint,naturalisation,
public_complaint}.py; they are NOT derived from the definitions, so a wrong definition (a missing
source, an extra role) makes these tests fail. One test checks that the literal spec equals what
GET /api/v1/processes reports.

The cases go through the engine's `fire()` inside an application context, one test per process and
state: a fresh request is put in the state (force_state), every trigger is tried by every actor
with valid inputs and comments (guards satisfied: the required documents are uploaded), and a
success is rolled back so that every case starts from the same stored row. A failure names each
failing case (process-state-trigger-actor) with the expected and the actual outcome.

The eight actors: the member of the public who holds the request's code and PIN, a member of the
public holding another request's code and PIN, the system (timers), the officer assigned to the
request, an officer not assigned, the head of office, the admin, and an applicant organisation's
drafter (these requests belong to no organisation: a drafter never sees them).
"""

from datetime import date, timedelta
from typing import NamedTuple

import pytest
from flask import current_app
from sqlalchemy import insert, text

from workflow.actors import SYSTEM as SYSTEM_ACTOR
from workflow.actors import PublicActor
from workflow.documents.store import DocumentStore
from workflow.engine.errors import HarmoniError
from workflow.extensions import db
from workflow.models import Office, Request, request_assignees
from workflow.models.time import local_date, utcnow
from workflow.operations.requests import create_request, upload_document
from workflow.operations.transitions import fire

from ..helpers import PDF, force_state, user

# --- The spec, written out literally ------------------------------------------------------------

PUBLIC = ("public",)  # the applicant, with the request's tracking code and PIN
STAFF = ("head", "officer")  # the office's staff
HEAD = ("head",)  # decisions that are the head's
SYSTEM = ("system",)  # timers, fired by `workflow tick`


class Rule(NamedTuple):
    sources: tuple[str, ...]
    dest: str | None  # None: the state stays
    roles: tuple[str, ...]
    comment: bool = False  # a comment (reason) is required
    inputs: tuple[str, ...] = ()  # required data fields
    timer: tuple | None = None  # (days, unit, basis) for the system's timed transitions
    # a guard refuses it for the table's request (e.g. a trademark is registered, not recorded):
    # 422 where it would otherwise succeed; the other case has a test of its own
    guard_refuses: bool = False


class Spec(NamedTuple):
    intake: str  # "public" form or "staff" counter
    initial: str
    states: dict[str, str]  # state -> phase
    final: tuple[str, ...]
    private: tuple[str, ...]  # seen by the applicant only
    rules: dict[str, Rule]
    time_limit: tuple[int, str]  # (days, unit) of the process
    sensitive: tuple[str, ...]  # UU 27/2022 fields
    stage_limits: dict  # trigger -> (days, unit) of a RESTART with its own limit


# Legal aid: intake submitted <-> incomplete (from the form, or written down by staff at the
# counter); review eligibility -> referred (the OBH checks completeness: 1 working day, its
# deadline) -> obh_review (the OBH answers in writing: 3 working days, its deadline); meeting
# represented; conclusion closed | closed_non_litigation (no representation) | not_eligible |
# withdrawn. The office runs no clock of its own at intake.
LA_OPEN = ("submitted", "incomplete", "eligibility", "referred", "obh_review", "represented")
LEGAL_AID = Spec(
    intake="public",
    initial="draft",
    states={
        "draft": "intake",
        "submitted": "intake",
        "incomplete": "intake",
        "eligibility": "review",
        "referred": "review",
        "obh_review": "review",
        "represented": "meeting",
        "closed": "conclusion",
        "closed_non_litigation": "conclusion",
        "not_eligible": "conclusion",
        "withdrawn": "conclusion",
    },
    final=("closed", "closed_non_litigation", "not_eligible", "withdrawn"),
    private=("draft",),
    rules={
        "submit": Rule(("draft",), "submitted", PUBLIC),
        "register_oral": Rule(("draft",), "submitted", STAFF),
        "return_for_completion": Rule(("submitted",), "incomplete", STAFF, comment=True),
        "resubmit": Rule(("incomplete",), "submitted", PUBLIC),
        "declare_complete": Rule(("submitted",), "eligibility", STAFF),
        "assign": Rule(LA_OPEN, None, HEAD, inputs=("assignees",)),
        "refer": Rule(("eligibility",), "referred", STAFF, inputs=("obh",)),
        "record_obh_complete": Rule(("referred",), "obh_review", STAFF),
        "record_obh_acceptance": Rule(("obh_review",), "represented", STAFF),
        "close_non_litigation": Rule(("eligibility", "obh_review"), "closed_non_litigation", STAFF, comment=True),
        "record_obh_refusal": Rule(("referred", "obh_review"), "eligibility", STAFF, comment=True),
        "declare_not_eligible": Rule(("eligibility",), "not_eligible", HEAD, comment=True),
        "close_case": Rule(("represented",), "closed", STAFF, comment=True),
        "withdraw": Rule(("draft",) + LA_OPEN, "withdrawn", PUBLIC, comment=True),
    },
    time_limit=(1, "working"),
    sensitive=("nik", "address", "problem"),
    stage_limits={"record_obh_complete": (3, "working")},
)

# IP facilitation: intake submitted <-> incomplete; review document_check; meeting consultation;
# conclusion filed (awaiting DJKI) -> registered (pendaftaran: trademark, patent, industrial
# design, geographical indication) | recorded (pencatatan: copyright, communal IP) | refused;
# withdrawn (until filed).
IP_OPEN = ("submitted", "incomplete", "document_check", "consultation")
IP_FACILITATION = Spec(
    intake="public",
    initial="draft",
    states={
        "draft": "intake",
        "submitted": "intake",
        "incomplete": "intake",
        "document_check": "review",
        "consultation": "meeting",
        "filed": "conclusion",
        "registered": "conclusion",
        "recorded": "conclusion",
        "refused": "conclusion",
        "withdrawn": "conclusion",
    },
    final=("registered", "recorded", "refused", "withdrawn"),
    private=("draft",),
    rules={
        "submit": Rule(("draft",), "submitted", PUBLIC),
        "return_for_completion": Rule(("submitted", "document_check"), "incomplete", STAFF, comment=True),
        "resubmit": Rule(("incomplete",), "submitted", PUBLIC),
        "declare_complete": Rule(("submitted",), "document_check", STAFF),
        "assign": Rule(IP_OPEN + ("filed",), None, HEAD, inputs=("assignees",)),
        "schedule_consultation": Rule(("document_check",), "consultation", STAFF, inputs=("consultation_date",)),
        "record_filing": Rule(("consultation",), "filed", STAFF, inputs=("djki_number",)),
        "record_registration": Rule(("filed",), "registered", STAFF),
        "record_recording": Rule(("filed",), "recorded", STAFF, guard_refuses=True),
        "record_refusal": Rule(("filed",), "refused", STAFF, comment=True),
        "withdraw": Rule(("draft",) + IP_OPEN, "withdrawn", PUBLIC, comment=True),
    },
    time_limit=(5, "working"),
    sensitive=("nik",),
    stage_limits={},
)

# Human-rights complaints (Permenkumham 23/2022): administrative check 5 (working) days; an
# incomplete file is deemed withdrawn after 10 working days (the system's timer); substantive
# examination 5 working days (a new stage); not competent -> referral (the head); mediation;
# a finding by the head.
HR_OPEN = ("submitted", "incomplete", "examination", "mediation_scheduled", "mediation_held")
HUMAN_RIGHTS_COMPLAINT = Spec(
    intake="public",
    initial="draft",
    states={
        "draft": "intake",
        "submitted": "intake",
        "incomplete": "intake",
        "examination": "review",
        "mediation_scheduled": "meeting",
        "mediation_held": "meeting",
        "violation_indicated": "conclusion",
        "no_violation": "conclusion",
        "referred_out": "conclusion",
        "deemed_withdrawn": "conclusion",
        "withdrawn": "conclusion",
    },
    final=("violation_indicated", "no_violation", "referred_out", "deemed_withdrawn", "withdrawn"),
    private=("draft",),
    rules={
        "submit": Rule(("draft",), "submitted", PUBLIC),
        "return_for_completion": Rule(("submitted",), "incomplete", STAFF, comment=True),
        "resubmit": Rule(("incomplete",), "submitted", PUBLIC),
        "deem_withdrawn": Rule(("incomplete",), "deemed_withdrawn", SYSTEM, timer=(10, "working", "entered")),
        "declare_complete": Rule(("submitted",), "examination", STAFF),
        "assign": Rule(HR_OPEN, None, HEAD, inputs=("assignees",)),
        "declare_not_competent": Rule(("examination",), "referred_out", HEAD, comment=True, inputs=("referred_to",)),
        "schedule_mediation": Rule(
            ("examination",), "mediation_scheduled", STAFF, inputs=("meeting_date", "confirm_non_working_day")
        ),
        "hold_mediation": Rule(("mediation_scheduled",), "mediation_held", STAFF),
        "conclude_violation": Rule(("examination", "mediation_held"), "violation_indicated", HEAD, comment=True),
        "conclude_no_violation": Rule(("examination", "mediation_held"), "no_violation", HEAD, comment=True),
        "withdraw": Rule(("draft",) + HR_OPEN, "withdrawn", PUBLIC, comment=True),
    },
    time_limit=(5, "working"),
    sensitive=("nik", "address", "chronology"),
    stage_limits={"declare_complete": (5, "working")},
)

# Naturalisation (AHU; UU 12/2006): registered at the counter by staff; examination by the office's
# team; the PNBP payment recorded; forwarded to Ditjen AHU (the head); the Keputusan Presiden and
# the summons to the oath; the oath or pledge (before the head), or the decree void when the
# applicant does not appear within 3 months (the system's timer); the immigration documents
# surrendered within 14 working days of the oath, else escalated by the system.
NAT_BEFORE_DECREE = ("registered", "incomplete", "examination", "paid", "forwarded")
NATURALISATION = Spec(
    intake="staff",
    initial="registered",
    states={
        "registered": "intake",
        "incomplete": "intake",
        "examination": "review",
        "paid": "review",
        "forwarded": "review",
        "oath_scheduled": "meeting",
        "oath_taken": "meeting",
        "completed": "conclusion",
        "void": "conclusion",
        "rejected": "conclusion",
        "withdrawn": "conclusion",
    },
    final=("completed", "void", "rejected", "withdrawn"),
    private=(),
    rules={
        "return_for_completion": Rule(("registered", "examination"), "incomplete", STAFF, comment=True),
        "record_completion": Rule(("incomplete",), "registered", STAFF),
        "declare_complete": Rule(("registered",), "examination", STAFF),
        "assign": Rule(NAT_BEFORE_DECREE + ("oath_scheduled", "oath_taken"), None, HEAD, inputs=("assignees",)),
        "record_payment": Rule(("examination",), "paid", STAFF, inputs=("amount", "receipt_number", "payment_date")),
        "forward": Rule(("paid",), "forwarded", HEAD, inputs=("cover_letter",)),
        "record_decree": Rule(("forwarded",), "oath_scheduled", STAFF, inputs=("decree_number", "oath_date")),
        "record_refusal": Rule(("forwarded",), "rejected", STAFF, comment=True),
        "reschedule_oath": Rule(("oath_scheduled",), None, STAFF, comment=True, inputs=("oath_date",)),
        "lapse_decree": Rule(("oath_scheduled",), "void", SYSTEM, timer=(3, "month", "entered")),
        "take_oath": Rule(("oath_scheduled",), "oath_taken", HEAD),
        "escalate_documents": Rule(("oath_taken",), None, SYSTEM, timer=(0, "working", "due_date")),
        "record_surrender": Rule(("oath_taken",), "completed", STAFF),
        "withdraw": Rule(NAT_BEFORE_DECREE + ("oath_scheduled",), "withdrawn", STAFF, comment=True),
    },
    time_limit=(14, "working"),
    sensitive=("passport", "address"),
    stage_limits={},
)

# Public complaints (Perpres 76/2013): receipt, verification (not valid: the head), a written reply
# (a deadline beside the clock), investigation within 60 calendar days of a complete file (overdue:
# escalated by the system), resolution; an incomplete complaint not completed in 30 days is deemed
# withdrawn (the system); the complainant may ask to reopen a resolved complaint (a new stage).
PC_OPEN = ("received", "incomplete", "investigation")
PUBLIC_COMPLAINT = Spec(
    intake="public",
    initial="draft",
    states={
        "draft": "intake",
        "received": "intake",
        "incomplete": "intake",
        "investigation": "review",
        "resolved": "conclusion",
        "not_valid": "conclusion",
        "deemed_withdrawn": "conclusion",
        "withdrawn": "conclusion",
    },
    final=("not_valid", "deemed_withdrawn", "withdrawn"),
    private=("draft",),
    rules={
        "submit": Rule(("draft",), "received", PUBLIC),
        "return_for_completion": Rule(("received",), "incomplete", STAFF, comment=True),
        "resubmit": Rule(("incomplete",), "received", PUBLIC),
        "deem_withdrawn": Rule(("incomplete",), "deemed_withdrawn", SYSTEM, timer=(30, "calendar", "entered")),
        "send_reply": Rule(PC_OPEN, None, STAFF, comment=True),
        "declare_not_valid": Rule(("received",), "not_valid", HEAD, comment=True),
        "declare_complete": Rule(("received",), "investigation", STAFF),
        "assign": Rule(PC_OPEN + ("resolved",), None, HEAD, inputs=("assignees",)),
        "escalate_overdue": Rule(("investigation",), None, SYSTEM, timer=(0, "working", "due_date")),
        "resolve": Rule(("investigation",), "resolved", STAFF, comment=True),
        "request_reopen": Rule(("resolved",), "investigation", PUBLIC, comment=True),
        "withdraw": Rule(("draft",) + PC_OPEN, "withdrawn", PUBLIC, comment=True),
    },
    time_limit=(60, "calendar"),
    sensitive=("chronology",),
    stage_limits={},
)

SPECS = {
    "legal_aid": LEGAL_AID,
    "ip_facilitation": IP_FACILITATION,
    "human_rights_complaint": HUMAN_RIGHTS_COMPLAINT,
    "naturalisation": NATURALISATION,
    "public_complaint": PUBLIC_COMPLAINT,
}

# The eight actors: alias -> (role, sees the request if not private to the applicant, assigned)
ACTORS = ("public", "other_public", "system", "officer", "officer2", "head", "admin", "drafter")
ROLE = {
    "public": "public",
    "other_public": "public",
    "system": "system",
    "officer": "officer",
    "officer2": "officer",
    "head": "head",
    "admin": "admin",
    "drafter": "drafter",
}

NOT_FOUND = (404, "not_found")
UNAVAILABLE = (409, "transition_unavailable")
FORBIDDEN = (403, "forbidden")
GUARD_FAILED = (422, "guard_failed")


def visible(spec: Spec, state: str, actor: str) -> bool:
    if actor in ("public", "system"):
        return True  # their own request; the system sees every request
    if actor in ("other_public", "drafter"):
        return False  # another request's code; an organisation these requests do not belong to
    return state not in spec.private  # the office's staff (and admin), except the applicant's draft


def expected_outcome(process: str, state: str, trigger: str, actor: str):
    """(200, state after) if `actor` may fire `trigger` in `state`, else (status, code); in the
    order of fire(): visible (404), available in the state (409), role (403)."""
    spec = SPECS[process]
    if not visible(spec, state, actor):
        return NOT_FOUND
    rule = spec.rules[trigger]
    if state not in rule.sources:
        return UNAVAILABLE
    if ROLE[actor] not in rule.roles:
        return FORBIDDEN
    if rule.guard_refuses:
        return GUARD_FAILED
    return 200, rule.dest or state


@pytest.mark.parametrize("process", SPECS)
def test_spec_is_self_consistent(process):
    """Every state but the final ones has a way out; the final ones have none; the timers are
    the system's alone."""
    spec = SPECS[process]
    sources = {s for r in spec.rules.values() for s in r.sources}
    assert set(spec.states) == sources | set(spec.final)
    assert not set(spec.final) & sources
    assert all(r.dest is None or r.dest in spec.states for r in spec.rules.values())
    assert all((r.timer is not None) == (r.roles == SYSTEM) for r in spec.rules.values())
    assert spec.initial in spec.states


def test_spec_matches_the_process_listing(api):
    """The literal spec is what GET /api/v1/processes reports: states, phases and final states;
    per trigger its sources, destination, roles, comment, inputs and timer; the intake mode, the
    time limits (with the stage limits of the RESTARTs) and the sensitive fields."""
    head = api.as_("head")
    by_name = {p["name"]: p for p in head.ok(head.get("/processes"))}
    problems = []
    for name, spec in SPECS.items():
        p = by_name[name]
        checks = {
            "intake": (p["intake"], spec.intake),
            "initial": (p["initial"], spec.initial),
            "states": ({s["name"]: s["phase"] for s in p["states"]}, spec.states),
            "final": ({s["name"] for s in p["states"] if s["final"]}, set(spec.final)),
            "time_limit": (p["time_limit"], {"days": spec.time_limit[0], "unit": spec.time_limit[1]}),
            "sensitive": ({f["name"] for f in p["fields"] if f["sensitive"]}, set(spec.sensitive)),
            "transitions": (
                {
                    t["trigger"]: (
                        set(t["sources"]),
                        t["destination"],
                        set(t["roles"]),
                        t["requires_comment"],
                        t["assignees_only"],
                        {i["name"] for i in t["inputs"]},
                        (t["timer"]["days"], t["timer"]["unit"], t["timer"]["basis"]) if t["timer"] else None,
                    )
                    for t in p["transitions"]
                },
                {
                    trigger: (set(r.sources), r.dest, set(r.roles), r.comment, False, set(r.inputs), r.timer)
                    for trigger, r in spec.rules.items()
                },
            ),
            "stage_limits": (
                {
                    t["trigger"]: (t["time_limit"]["days"], t["time_limit"]["unit"])
                    for t in p["transitions"]
                    if t["time_limit"]
                },
                spec.stage_limits,
            ),
        }
        for what, (reported, expected) in checks.items():
            if what == "transitions":  # trigger by trigger, for a readable message
                for trigger in sorted(set(reported) | set(expected)):
                    if reported.get(trigger) != expected.get(trigger):
                        problems.append(
                            f"{name}.{trigger}: listed {reported.get(trigger)!r}, spec {expected.get(trigger)!r}"
                        )
            elif reported != expected:
                problems.append(f"{name}.{what}: listed {reported!r}, spec {expected!r}")
    assert not problems, "\n".join(problems)


# --- Setting up a request in a state ------------------------------------------------------------

COMMENT = "Alasan untuk pengujian tabel status layanan."
DETAILS = {
    "legal_aid": {
        "name": "Yosefina Uji",
        "nik": "5371010101900001",
        "address": "Jl. Uji No. 1, Kupang",
        "phone": "081234567890",
        "problem": "Sengketa tanah warisan.",
        "case_type": "perdata",
    },
    "ip_facilitation": {
        "name": "Kelompok Tenun Uji",
        "nik": "5371010101900002",
        "phone": "081234567891",
        "ip_type": "merek",
        "business": "Tenun Uji",
        "classes": 2,
        "umk": True,
        "description": "Merek kain tenun ikat.",
    },
    "human_rights_complaint": {
        "name": "Markus Uji",
        "nik": "5371010101900003",
        "address": "Jl. Uji No. 3",
        "phone": "081234567892",
        "reported_party": "Instansi Uji",
        "chronology": "Kronologi kejadian uji.",
        "represented": False,
    },
    "naturalisation": {
        "name": "John Tester",
        "nationality": "Australia",
        "passport": "PA1234567",
        "address": "Jl. Uji No. 4, Kupang",
        "email": "john.tester@example.org",
    },
    "public_complaint": {
        "name": "Paulus Uji",
        "phone": "081234567893",
        "reported_person": "Petugas loket",
        "place": "Loket pelayanan",
        "time": "2 Maret 2026 pukul 10.00",
        "chronology": "Pelayanan ditunda tanpa alasan.",
    },
}
# One document per required group, and by whom it is uploaded (naturalisation: the staff).
REQUIRED = {
    "legal_aid": ("ktp", "sktm"),
    "ip_facilitation": ("ktp", "specimen"),
    "human_rights_complaint": ("ktp", "complaint_letter", "evidence"),
    "naturalisation": ("application", "passport_copy", "civil_records"),
    "public_complaint": ("evidence",),
}


def inputs_for(process, trigger, officer_id):
    """Valid (comment, data) for `trigger`: only what its rule requires."""
    in_a_week = (date.today() + timedelta(days=7)).isoformat()
    values = {
        "assignees": [officer_id],
        "obh": "LBH Uji Kupang",
        "consultation_date": in_a_week,
        "djki_number": "DID2026000123",
        "referred_to": "Komnas HAM",
        "meeting_date": in_a_week,
        "confirm_non_working_day": True,  # a week from today may be a day off: the scheduler confirms
        "cover_letter": "W.21-AH.01-123",
        "decree_number": "M.HH-12.AH.10.01 TAHUN 2026",
        "oath_date": in_a_week,
        "amount": 350000,
        "receipt_number": "PNBP-2026-0001",
        "payment_date": date.today().isoformat(),
    }
    rule = SPECS[process].rules[trigger]
    return (COMMENT if rule.comment else None), {name: values[name] for name in rule.inputs}


def clock_fields(spec, state, today):
    """Clock columns plausible for `state`: none for a draft, paused while incomplete, stopped once
    concluded, running otherwise."""
    if state in spec.private:
        return {}
    fields = {
        "time_limit_days": 5,
        "clock_started_on": today - timedelta(days=1),
        "due_date": today + timedelta(days=7),
    }
    if state == "incomplete":
        fields |= {"clock_paused_on": today, "clock_remaining_days": 3}
    if state in spec.final:
        fields |= {"clock_stopped_on": today}
    return fields


def new_request(process):
    """A fresh request in its initial state with its required documents; the request."""
    store = DocumentStore(current_app.config["DOCUMENT_STORE"])
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if SPECS[process].intake == "staff":
        req = create_request(
            user("officer"), process=process, details=DETAILS[process], applicant_email="pemohon@example.org"
        )
        uploader = user("officer")
    else:
        office = db.session.scalar(db.select(Office))
        req = create_request(
            PublicActor(request_id=0),
            process=process,
            details=DETAILS[process],
            office=office,
            applicant_email="pemohon@example.org",
        )
        uploader = PublicActor(request_id=req.id)
    for kind in REQUIRED[process]:
        upload_document(req, uploader, kind=kind, filename=f"{kind}.pdf", content=PDF, store=store, max_bytes=limit)
    db.session.commit()
    return req


def new_request_in(process, state):
    """A fresh request in `state`, documented, with the officer assigned; its id. Commits."""
    req = new_request(process)
    request_id = req.id
    db.session.execute(insert(request_assignees).values(request_id=request_id, user_id=user("officer").id))
    today = local_date(utcnow(), req.office.timezone)
    force_state(request_id, state, **clock_fields(SPECS[process], state, today))  # commits
    return request_id


SNAPSHOT = text(
    "SELECT state, version,"
    " (SELECT count(*) FROM events WHERE request_id = :id),"
    " (SELECT count(*) FROM documents WHERE request_id = :id),"
    " (SELECT count(*) FROM outbox WHERE request_id = :id)"
    " FROM requests WHERE id = :id"
)


def snapshot(request_id):
    """(state, version, events, documents, outbox) as the current transaction sees them."""
    return tuple(db.session.execute(SNAPSHOT, {"id": request_id}).one())


def attempt(request_id, trigger, actor, inputs, baseline):
    """Fire as `actor` with the current version and valid inputs: the outcome, (status, code) or
    (200, state after), and what else went wrong. A refusal must change nothing (checked in the
    session here, and in the database by the caller after each trigger); a success must append
    exactly one event (saying `by` for the actors without an account) and is rolled back."""
    problems = []
    req = db.session.get(Request, request_id)
    comment, data = inputs
    try:
        event = fire(req, trigger, actor, version=req.version, comment=comment, data=data)
    except HarmoniError as error:
        if (req.state, req.version) != baseline[:2] or db.session.new or db.session.dirty or db.session.deleted:
            problems.append(f"refused, yet the request changed in the session: {req.state} v{req.version}")
            db.session.rollback()
        return (error.status, error.code), problems
    except Exception as error:  # a crash is an outcome too (the API would answer 500)
        db.session.rollback()
        return (500, repr(error)), problems
    after = snapshot(request_id)
    if after[:4] != (req.state, baseline[1] + 1, baseline[2] + 1, baseline[3]):
        problems.append(f"stored {baseline} -> {after}: expected the version and events to grow by one")
    recorded = (event.seq, event.trigger, event.from_state, event.to_state, event.actor_id)
    if recorded != (after[2], trigger, baseline[0], req.state, actor.id):
        problems.append(f"event recorded as {recorded}")
    if actor.id is None and event.data.get("by") != actor.role:
        problems.append(f"event data {event.data}: expected by={actor.role}")
    db.session.rollback()
    return (200, after[0]), problems


@pytest.mark.parametrize("process", SPECS)
def test_state_table(app, process):
    """Every trigger of the process by every actor on a fresh request in each state (one test per
    process: the per-test table cleanup costs more than the cases)."""
    spec = SPECS[process]
    failures = []
    with app.app_context():
        staff = {alias: user(alias) for alias in ("officer", "officer2", "head", "admin", "drafter")}
        for u in staff.values():
            db.session.expunge(u)  # loaded once; a rollback does not expire them
        other_id = new_request(process).id  # the other member of the public's request
        for state in spec.states:
            request_id = new_request_in(process, state)
            actors = {
                "public": PublicActor(request_id=request_id),
                "other_public": PublicActor(request_id=other_id),
                "system": SYSTEM_ACTOR,
                **staff,
            }
            baseline = snapshot(request_id)
            assert baseline[0] == state
            for trigger in spec.rules:
                inputs = inputs_for(process, trigger, staff["officer"].id)
                for alias in ACTORS:
                    outcome, problems = attempt(request_id, trigger, actors[alias], inputs, baseline)
                    expected = expected_outcome(process, state, trigger, alias)
                    if outcome != expected or problems:
                        failures.append(
                            f"{process}-{state}-{trigger}-{alias}: expected {expected}, "
                            f"got {outcome}" + "".join(f"; {p}" for p in problems)
                        )
                if (stored := snapshot(request_id)) != baseline:
                    failures.append(f"{process}-{state}-{trigger}: a refusal left {stored}, not {baseline}")
                    db.session.rollback()
            db.session.rollback()
    cases = len(spec.states) * len(spec.rules) * len(ACTORS)
    assert not failures, f"{len(failures)} of {cases} cases differ from the spec:\n" + "\n".join(failures)
