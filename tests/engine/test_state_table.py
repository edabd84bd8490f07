"""The state rules of the harmonisation processes as a table: every state x trigger x actor.

The expected rules are written out here by hand, from DOMAIN.md section 1 and the docstring of
workflow/processes/harmonisation.py, and are NOT derived from the process definition: a wrong
definition (a missing source, an extra role) makes these tests fail. One test checks that the
literal spec equals what GET /api/v1/processes reports.

The full cross product (2 processes x 14 states x 19 triggers x 6 actors = 3192 cases) goes through
the engine's `fire()` directly: one test per process and state, trying every trigger by every
actor and naming each failing case (process-state-trigger-actor) in its message; a separate test
per case would spend most of its time in the per-test table cleanup (about 3192 x 17 ms on
PostgreSQL). A sample of cases goes through the HTTP API. At the end, tests for two bugs found
while writing the table (they fail until the application is fixed).
"""

from datetime import date, timedelta
from typing import NamedTuple

import pytest
from flask import current_app
from sqlalchemy import insert, text

from workflow.documents.store import DocumentStore
from workflow.engine.errors import HarmoniError
from workflow.extensions import db
from workflow.models import Request, request_assignees
from workflow.models.time import local_date, utcnow
from workflow.operations.requests import create_request, upload_document
from workflow.operations.transitions import fire

from ..helpers import APPLICATION_LETTER, PDF, REQUIRED, final_minutes, force_state, user

PROCESSES = ("ranperda", "ranperkada")

# --- The spec, written out literally ------------------------------------------------------------

# harmonisation.py docstring: intake / review / meeting / conclusion
STATES = {
    "draft": "intake",
    "submitted": "intake",
    "returned": "intake",
    "verified": "review",
    "in_analysis": "review",
    "analysed": "review",
    "meeting_scheduled": "meeting",
    "meeting_held": "meeting",
    "harmonis": "conclusion",
    "harmonis_with_notes": "conclusion",
    "correction_submitted": "conclusion",
    "not_harmonis": "conclusion",
    "withdrawn": "conclusion",
    "discarded": "intake",  # a draft thrown away before it was ever submitted
}
FINAL_STATES = ("harmonis", "not_harmonis", "withdrawn", "discarded")  # no way out
# Nobody but the applicant sees an unsubmitted draft, kept or thrown away.
PRIVATE_STATES = ("draft", "discarded")

APPLICANT = ("drafter",)
STAFF = ("head", "officer")  # the administrative check, the analysis, the meeting: Kanwil staff
HEAD = ("head",)  # assignment, conclusions and extensions are the head's
# "withdrawn (by the applicant, any time before a conclusion)"
BEFORE_CONCLUSION = (
    "draft",
    "submitted",
    "returned",
    "verified",
    "in_analysis",
    "analysed",
    "meeting_scheduled",
    "meeting_held",
)
# The clock runs (or is paused) from "declared complete" until a conclusion: it may be extended
# in any state a file can be in meanwhile, including back with the applicant or resubmitted.
CLOCK_STATES = ("submitted", "returned", "verified", "in_analysis", "analysed", "meeting_scheduled", "meeting_held")


class Rule(NamedTuple):
    sources: tuple[str, ...]
    dest: str | None  # None: the state stays
    roles: tuple[str, ...]
    comment: bool = False  # a comment (reason) is required
    inputs: tuple[str, ...] = ()  # required data fields (optional ones may exist besides)
    assignees_only: bool = False  # officers only on files assigned to them (heads always)


SPEC = {
    "submit": Rule(("draft",), "submitted", APPLICANT),
    "discard": Rule(("draft",), "discarded", APPLICANT),
    "return_for_completion": Rule(
        ("submitted", "verified", "in_analysis", "analysed"), "returned", STAFF, comment=True
    ),
    "resubmit": Rule(("returned",), "submitted", APPLICANT),
    "declare_complete": Rule(("submitted",), "verified", STAFF),
    "assign": Rule(("verified", "in_analysis"), "in_analysis", HEAD, inputs=("assignees",)),
    "complete_analysis": Rule(("in_analysis",), "analysed", STAFF, assignees_only=True),
    "schedule_meeting": Rule(("analysed",), "meeting_scheduled", STAFF, inputs=("meeting_date",)),
    # a follow-up meeting (rapat lanjutan) after a meeting that did not settle everything: why
    "schedule_follow_up_meeting": Rule(
        ("meeting_held",), "meeting_scheduled", STAFF, comment=True, inputs=("meeting_date",)
    ),
    "reschedule_meeting": Rule(
        ("meeting_scheduled",), "meeting_scheduled", STAFF, comment=True, inputs=("meeting_date",)
    ),
    "cancel_meeting": Rule(("meeting_scheduled",), "analysed", STAFF, comment=True),
    "hold_meeting": Rule(("meeting_scheduled",), "meeting_held", STAFF),
    "conclude_harmonis": Rule(("meeting_held",), "harmonis", HEAD),
    "conclude_with_notes": Rule(
        ("meeting_held",), "harmonis_with_notes", HEAD, comment=True, inputs=("correction_deadline",)
    ),
    "conclude_not_harmonis": Rule(("meeting_held",), "not_harmonis", HEAD, comment=True),
    "submit_correction": Rule(("harmonis_with_notes",), "correction_submitted", APPLICANT),
    # the head accepts a correction (it issues the final result letter)
    "accept_correction": Rule(("correction_submitted",), "harmonis", HEAD),
    "reject_correction": Rule(("correction_submitted",), "harmonis_with_notes", STAFF, comment=True),
    # the correction deadline: the head may move it; when it passes, a timer (the system) tells
    # the head and the applicant, and nothing concludes by itself
    "extend_correction_deadline": Rule(
        ("harmonis_with_notes",), None, HEAD, comment=True, inputs=("correction_deadline",)
    ),
    "correction_overdue": Rule(("harmonis_with_notes",), None, ("system",)),
    "withdraw": Rule(BEFORE_CONCLUSION[1:], "withdrawn", APPLICANT, comment=True),  # once submitted
    "extend_deadline": Rule(CLOCK_STATES, None, HEAD, comment=True, inputs=("days",)),
}

# The six kinds of actor: (alias in tests/helpers.py, role, of the request's organisation, assigned)
ACTORS = {
    "drafter": ("drafter", True, False),  # drafter of the own organisation (Kota Kupang)
    "other_drafter": ("drafter", False, False),  # drafter of another organisation (Sikka)
    "officer": ("officer", None, True),  # officer assigned to the request
    "officer2": ("officer", None, False),  # officer not assigned
    "head": ("head", None, False),
    "admin": ("admin", None, False),
}

# The three outcomes of the meeting (DOMAIN.md stage 6): each needs final minutes that say so.
CONCLUSION_OF = {
    "conclude_harmonis": "harmonis",
    "conclude_with_notes": "harmonis_with_notes",
    "conclude_not_harmonis": "not_harmonis",
}

NOT_FOUND = (404, "not_found")
UNAVAILABLE = (409, "transition_unavailable")
FORBIDDEN = (403, "forbidden")


def expected_outcome(state, trigger, *, role, own_organisation, assigned):
    """(200, destination) if the actor may fire `trigger` in `state`, else (status, code).

    The order is fire()'s: visible (404), available in the state (409), role and organisation (403).
    """
    if role == "drafter":
        visible = own_organisation
    else:
        visible = state not in PRIVATE_STATES
    if not visible:
        return NOT_FOUND
    rule = SPEC[trigger]
    if state not in rule.sources:
        return UNAVAILABLE
    if role not in rule.roles:
        return FORBIDDEN
    if rule.assignees_only and role == "officer" and not assigned:
        return FORBIDDEN
    return 200, rule.dest or state


def expected_for(state, trigger, actor):
    role, own, assigned = ACTORS[actor]
    return expected_outcome(state, trigger, role=role, own_organisation=own, assigned=assigned)


def test_spec_is_self_consistent():
    """Every state but the final ones has a way out, and only the final ones have none."""
    assert set(STATES) == {s for r in SPEC.values() for s in r.sources} | set(FINAL_STATES)
    assert all(r.dest is None or r.dest in STATES for r in SPEC.values())
    assert not [t for t, r in SPEC.items() if set(FINAL_STATES) & set(r.sources)]


def test_spec_matches_the_process_listing(api):
    """The literal spec is what GET /api/v1/processes reports, for both processes: states and
    phases; per trigger its sources, destination, roles, comment and assignee rule. (The listing
    does not say which inputs are required: the spec's must be among those listed; the tests
    below show they suffice, and test_stateful that leaving one out is refused.)"""
    listing = api.as_("head").ok(api.as_("head").get("/processes"))
    by_name = {p["name"]: p for p in listing}
    assert set(PROCESSES) <= set(by_name)
    spec = {t: (set(r.sources), r.dest, set(r.roles), r.comment, r.assignees_only) for t, r in SPEC.items()}
    for name in PROCESSES:
        p = by_name[name]
        assert p["initial"] == "draft"
        assert {s["name"]: s["phase"] for s in p["states"]} == STATES, name
        assert {s["name"] for s in p["states"] if s["final"]} == set(FINAL_STATES), name
        reported = {
            t["trigger"]: (
                set(t["sources"]),
                t["destination"],
                set(t["roles"]),
                t["requires_comment"],
                t["assignees_only"],
            )
            for t in p["transitions"]
        }
        assert reported == spec, name
        inputs = {t["trigger"]: {i["name"] for i in t["inputs"]} for t in p["transitions"]}
        unlisted = {t: set(r.inputs) - inputs[t] for t, r in SPEC.items() if set(r.inputs) - inputs[t]}
        assert unlisted == {}, name


# --- Setting up a request in a state ------------------------------------------------------------

COMMENT = "Alasan untuk pengujian tabel status."


def inputs_for(trigger, ids):
    """Valid data for `trigger` (only the fields its rule requires), as the API would get it."""
    today = date.today()
    values = {
        "assignees": [ids["officer"]],
        "meeting_date": (today + timedelta(days=7)).isoformat(),
        # the deadline the final minutes of helpers.final_minutes() record
        "correction_deadline": (today + timedelta(days=30)).isoformat(),
        "days": 3,
    }
    rule = SPEC[trigger]
    data = {name: values[name] for name in rule.inputs}
    if "meeting_date" in data:  # a week from today may be a day off: the scheduler confirms
        data["confirm_non_working_day"] = True
    return (COMMENT if rule.comment else None), data


def clock_fields(state, today):
    """Clock columns plausible for `state`: running from the review on (and after a resubmission),
    paused while returned, stopped once concluded; none for a draft, kept or discarded."""
    if state in ("draft", "discarded"):
        return {}
    fields = {
        "time_limit_days": 5,
        "clock_started_on": today - timedelta(days=1),
        "due_date": today + timedelta(days=7),
    }
    if state == "returned":
        fields |= {"clock_paused_on": today, "clock_remaining_days": 3}
    if STATES[state] == "conclusion":
        fields |= {"clock_stopped_on": today}
    return fields


def upload(req, kind):
    upload_document(
        req,
        user("drafter"),
        kind=kind,
        filename=f"{kind}.pdf",
        content=PDF,
        store=DocumentStore(current_app.config["DOCUMENT_STORE"]),
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
    )


def put_in_state(request_id, state, trigger=None):
    """Move a request (still a draft, with its documents) into `state`, with the officer assigned
    (a file keeps its assignees when returned, so any state may have them), and with what
    `trigger` needs besides: final minutes agreeing with a conclusion. Inside an app context;
    commits."""
    db.session.execute(insert(request_assignees).values(request_id=request_id, user_id=user("officer").id))
    req = db.session.get(Request, request_id)
    today = local_date(utcnow(), req.office.timezone)
    if state == "harmonis_with_notes":
        # the correction guard looks for the conclusion event: conclude for real, then upload
        force_state(request_id, "meeting_held", **clock_fields("meeting_held", today))
        final_minutes(request_id, "harmonis_with_notes")
        req = db.session.get(Request, request_id)
        fire(
            req,
            "conclude_with_notes",
            user("head"),
            version=req.version,
            comment=COMMENT,
            data={"correction_deadline": (date.today() + timedelta(days=30)).isoformat()},
        )
        upload(req, "rancangan_perbaikan")
        db.session.commit()
    else:
        force_state(request_id, state, **clock_fields(state, today))  # commits
        if state == "meeting_held" and trigger in CONCLUSION_OF:
            final_minutes(request_id, CONCLUSION_OF[trigger])


def new_request_in(process, state, trigger=None):
    """A fresh request of Kota Kupang in `state`, with its required documents, ready for
    `trigger`; its id. Inside an app context."""
    req = create_request(
        user("drafter"), process=process, title=f"Rancangan uji dalam status {state}", **APPLICATION_LETTER
    )
    for kind in REQUIRED[process]:
        upload(req, kind)
    put_in_state(req.id, state, trigger)
    return req.id


SNAPSHOT = text(
    "SELECT state, version,"
    " (SELECT count(*) FROM events WHERE request_id = :id),"
    " (SELECT count(*) FROM documents WHERE request_id = :id)"
    " FROM requests WHERE id = :id"
)


def snapshot(request_id):
    """(state, version, events, documents) as the current transaction sees them."""
    return tuple(db.session.execute(SNAPSHOT, {"id": request_id}).one())


# --- The table, through the engine --------------------------------------------------------------


def attempt(request_id, trigger, actor, inputs, baseline):
    """Fire as `actor` (a detached User) with the current version and valid inputs. Returns the
    outcome, (status, code) or (200, new state), and what went wrong besides: a refusal must
    change nothing, a success must append exactly one event and bump the version by one.
    A success is rolled back, so every case starts from the same stored row, `baseline`."""
    problems = []
    req = db.session.get(Request, request_id)
    comment, data = inputs
    try:
        event = fire(req, trigger, actor, version=req.version, comment=comment, data=data)
    except HarmoniError as error:
        pending = db.session.new or db.session.dirty or db.session.deleted
        if (req.state, req.version) != baseline[:2] or pending:
            problems.append(f"refused, yet the request changed in the session: {req.state} v{req.version}")
        if (after := snapshot(request_id)) != baseline:
            problems.append(f"refused, yet the stored request changed: {baseline} -> {after}")
        if problems:
            db.session.rollback()
        return (error.status, error.code), problems
    except Exception as error:  # a crash is an outcome too (the API would answer 500)
        db.session.rollback()
        return (500, repr(error)), problems
    after = snapshot(request_id)
    if after != (req.state, baseline[1] + 1, baseline[2] + 1, baseline[3]):
        problems.append(f"stored {baseline} -> {after}: expected the version and events to grow by one")
    recorded = (event.seq, event.trigger, event.from_state, event.to_state, event.actor_id)
    if recorded != (after[2], trigger, baseline[0], req.state, actor.id):
        problems.append(f"event recorded as {recorded}")
    db.session.rollback()
    return (200, after[0]), problems


@pytest.mark.parametrize(
    ("process", "state"),
    [pytest.param(process, state, id=f"{process}-{state}") for process in PROCESSES for state in STATES],
)
def test_state_table(app, process, state):
    """Every trigger by every actor on a fresh request in `state` (one per conclusion in
    `meeting_held`: final minutes agree with one conclusion only); a failure lists every failing
    case as process-state-trigger-actor with the expected and the actual outcome."""
    failures = []
    with app.app_context():
        actors = {alias: user(alias) for alias in ACTORS}
        ids = {alias: u.id for alias, u in actors.items()}
        for u in actors.values():
            db.session.expunge(u)  # loaded once; a rollback does not expire them
        requests = {}  # what the request was prepared for -> (id, stored snapshot)
        for trigger in SPEC:
            need = CONCLUSION_OF.get(trigger) if state == "meeting_held" else None
            if need not in requests:
                request_id = new_request_in(process, state, trigger if need else None)
                requests[need] = request_id, snapshot(request_id)
            request_id, baseline = requests[need]
            assert baseline[0] == state
            inputs = inputs_for(trigger, ids)
            for alias, actor in actors.items():
                outcome, problems = attempt(request_id, trigger, actor, inputs, baseline)
                expected = expected_for(state, trigger, alias)
                if outcome != expected or problems:
                    failures.append(
                        f"{process}-{state}-{trigger}-{alias}: expected {expected}, "
                        f"got {outcome}" + "".join(f"; {p}" for p in problems)
                    )
        db.session.rollback()
        assert [snapshot(i) for i, _ in requests.values()] == [b for _, b in requests.values()]
    assert not failures, f"{len(failures)} of {len(SPEC) * len(ACTORS)} cases differ from the spec:\n" + "\n".join(
        failures
    )


# --- A sample through the HTTP API --------------------------------------------------------------

# Allowed: each kind of input, guard, clock effect and role rule at least once.
API_ALLOWED = [
    ("ranperda", "draft", "submit", "drafter"),  # required documents guard
    ("ranperkada", "draft", "submit", "drafter"),  # its own list of documents
    ("ranperda", "returned", "resubmit", "drafter"),  # the clock resumes
    ("ranperda", "submitted", "declare_complete", "officer2"),  # any officer
    ("ranperda", "verified", "assign", "head"),  # user_ids input
    ("ranperda", "in_analysis", "complete_analysis", "officer"),  # the assigned officer
    ("ranperda", "analysed", "schedule_meeting", "officer2"),  # date input
    ("ranperda", "meeting_scheduled", "extend_deadline", "head"),  # int input, the state stays
    ("ranperda", "meeting_held", "conclude_with_notes", "head"),  # date input and comment
    ("ranperkada", "meeting_held", "conclude_not_harmonis", "head"),
    ("ranperda", "harmonis_with_notes", "submit_correction", "drafter"),  # corrected draft guard
    ("ranperda", "correction_submitted", "reject_correction", "officer"),
    ("ranperda", "meeting_held", "withdraw", "drafter"),
]
API_REFUSED = [
    ("ranperda", "submitted", "declare_complete", "other_drafter"),  # 404: another organisation
    ("ranperda", "draft", "withdraw", "head"),  # 404: staff do not see drafts
    ("ranperda", "draft", "declare_complete", "admin"),  # 404 before 409
    ("ranperda", "submitted", "declare_complete", "drafter"),  # 403: staff's trigger
    ("ranperda", "submitted", "return_for_completion", "admin"),  # 403: admin fires nothing
    ("ranperda", "verified", "assign", "officer"),  # 403: the head assigns
    ("ranperda", "in_analysis", "complete_analysis", "officer2"),  # 403: not assigned
    ("ranperkada", "meeting_held", "withdraw", "officer"),  # 403: the applicant withdraws
    ("ranperda", "harmonis", "withdraw", "drafter"),  # 409: after the conclusion
    ("ranperkada", "correction_submitted", "submit_correction", "drafter"),  # 409
]


def api_request_in(api, app, process, state, trigger):
    """A fresh request in `state`, ready for `trigger`, created (and documented) through the API;
    its id."""
    drafter = api.as_("drafter")
    req = drafter.create(process)
    if state in ("draft", "returned"):
        for kind in REQUIRED[process]:
            drafter.ok(drafter.upload(req["id"], kind), 201)
    with app.app_context():
        put_in_state(req["id"], state, trigger)
    return req["id"]


@pytest.mark.parametrize("cases", [pytest.param(API_ALLOWED, id="allowed"), pytest.param(API_REFUSED, id="refused")])
def test_state_table_through_the_api(api, app, cases):
    """Each case on its own fresh request (one test for many: the per-test table cleanup is the
    slow part); a failure names every failing case as process-state-trigger-actor."""
    failures = []
    for case in cases:
        try:
            check_through_the_api(api, app, *case)
        except AssertionError as error:
            failures.append(f"{'-'.join(case)}: {error}")
    assert not failures, "\n".join(failures)


def check_through_the_api(api, app, process, state, trigger, actor):
    """200 with the destination and the version plus one, one event more; or exactly the
    expected status and code, nothing changed, and the trigger not offered to the caller."""
    expected = expected_for(state, trigger, actor)
    request_id = api_request_in(api, app, process, state, trigger)
    drafter = api.as_("drafter")  # sees the request in every state
    before = drafter.ok(drafter.get(f"/requests/{request_id}"))
    events_before = drafter.ok(drafter.get(f"/requests/{request_id}/events"))
    with app.app_context():
        ids = {alias: user(alias).id for alias in ACTORS}
    comment, data = inputs_for(trigger, ids)
    client = api.as_(actor)
    r = client.fire(request_id, trigger, version=before["version"], comment=comment, **data)
    after = drafter.ok(drafter.get(f"/requests/{request_id}"))
    events_after = drafter.ok(drafter.get(f"/requests/{request_id}/events"))
    if expected[0] == 200:
        body = client.ok(r)
        assert (body["state"], body["version"]) == (expected[1], before["version"] + 1)
        assert (after["state"], after["version"]) == (expected[1], before["version"] + 1)
        assert len(events_after) == len(events_before) + 1
        last = events_after[-1]
        assert (last["trigger"], last["from_state"], last["to_state"], last["seq"]) == (
            trigger,
            state,
            expected[1],
            after["version"],
        )
        assert last["actor"]["id"] == ids[actor]
    else:
        assert (r.status_code, r.get_json()["error"]["code"]) == expected, r.get_json()
        assert (after["state"], after["version"]) == (state, before["version"])
        assert events_after == events_before
        # and the refusal agrees with what the caller is offered
        if expected != NOT_FOUND:
            offered = client.ok(client.get(f"/requests/{request_id}"))["allowed_triggers"]
            assert trigger not in offered


def test_allowed_triggers_offered_match_the_spec(api, app):
    """`allowed_triggers` in a request's JSON is the spec's list for the caller, in every state
    (one process: the API's per-caller view of the same table)."""
    with app.app_context():
        ids = {state: new_request_in("ranperda", state) for state in STATES}
    failures = []
    for actor in ACTORS:
        client = api.as_(actor)
        for state, request_id in ids.items():
            r = client.get(f"/requests/{request_id}")
            expected = sorted(t for t in SPEC if expected_for(state, t, actor)[0] == 200)
            if expected_for(state, "withdraw", actor) == NOT_FOUND:
                if r.status_code != 404:
                    failures.append(f"{actor} {state}: expected 404, got {r.status_code}")
            elif r.status_code != 200 or sorted(r.get_json()["allowed_triggers"]) != expected:
                failures.append(f"{actor} {state}: expected {expected}, got {r.get_json()}")
    assert not failures, "\n".join(failures)


# --- Bugs found while writing the table (these tests fail until fixed) --------------------------


def test_a_withdrawn_draft_stays_private(api):
    """An unsubmitted draft is nobody else's business (DESIGN.md, access.py): withdrawing it
    must not hand it, with its documents, to the office. Today `withdraw` from `draft` lands in
    `withdrawn`, which is not private, so every staff member sees the never-submitted draft."""
    drafter = api.as_("drafter")
    req = drafter.create("ranperda", title="Rancangan yang belum siap diajukan")
    doc = drafter.ok(drafter.upload(req["id"], "rancangan"), 201)
    r = drafter.fire(req["id"], "withdraw", comment="Tidak jadi diajukan.")
    assert r.status_code in (200, 409), r.get_json()  # refusing to withdraw a draft would do too
    for alias in ("officer", "head", "admin"):
        staff = api.as_(alias)
        assert staff.get(f"/requests/{req['id']}").status_code == 404, alias
        assert staff.get(f"/requests/{req['id']}/documents/{doc['id']}").status_code == 404, alias
        listed = staff.ok(staff.get("/requests"))["items"]
        assert req["id"] not in [item["id"] for item in listed], alias


def test_conclusion_with_notes_keeps_one_correction_deadline(api, app):
    """The correction deadline is part of the conclusion the final minutes record (and the result
    letter states, from the minutes); `conclude_with_notes` also takes one as input and records
    it in the audit trail. Nothing makes them agree: concluding with another date succeeds, and
    the audit trail and the official letter then give the applicant two different deadlines."""
    head = api.as_("head")
    with app.app_context():
        request_id = new_request_in("ranperda", "meeting_held", "conclude_with_notes")
        minutes_deadline = db.session.scalar(
            text("SELECT correction_deadline FROM minutes WHERE request_id = :id AND status = 'final'"),
            {"id": request_id},
        )
    if isinstance(minutes_deadline, str):  # SQLite hands back the ISO text
        minutes_deadline = date.fromisoformat(minutes_deadline)
    other = minutes_deadline - timedelta(days=7)
    assert other > date.today() + timedelta(days=1)
    r = head.fire(request_id, "conclude_with_notes", comment=COMMENT, correction_deadline=other.isoformat())
    if r.status_code == 200:  # accepted: then the recorded deadline must be the minutes' one
        events = head.ok(head.get(f"/requests/{request_id}/events"))
        assert events[-1]["data"]["correction_deadline"] == minutes_deadline.isoformat()
    else:  # or refused as disagreeing with the minutes
        assert (r.status_code, r.get_json()["error"]["code"]) == (422, "guard_failed"), r.get_json()
