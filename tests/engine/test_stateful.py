"""Random walks through the harmonisation processes: a Hypothesis state machine.

Each example opens one request and then fires random triggers (the process's triggers and a bogus
one) by random actors with random but plausible inputs, sometimes without the comment, sometimes
with a stale version, and uploads random documents; every step goes through the engine's `fire()`
(or the upload operation) inside its own app context, committed on success and rolled back on
error, as the API does. After every step: the state is one of the process's states, the version
equals the number of events (so it grew by exactly one per successful event), the audit chain
verifies, and a refused step changed nothing (state, version, events, documents). Each outcome is
also checked against the literal spec of test_state_table.py: who may fire what where, and in
fire()'s order (404, then stale 409, then unknown trigger 422, 409, 403, then 422 for a missing
comment or input).
"""

from datetime import date, timedelta

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from workflow.documents.store import DocumentStore
from workflow.engine.errors import HarmoniError
from workflow.extensions import db
from workflow.models import Event, Request
from workflow.models.event import verify_chain
from workflow.models.time import local_date, utcnow
from workflow.operations.requests import create_request, upload_document
from workflow.operations.timers import tick
from workflow.operations.transitions import fire

from ..helpers import APPLICATION_LETTER, PDF, REQUIRED, final_minutes, user
from .test_state_table import (
    ACTORS,
    CONCLUSION_OF,
    PRIVATE_STATES,
    PROCESSES,
    SPEC,
    STATES,
    expected_outcome,
    snapshot,
    upload,
)

BOGUS = "approve_without_meeting"
TRIGGERS = sorted(SPEC) + [BOGUS]
ALIASES = sorted(ACTORS)
DOCUMENT_KINDS = (
    "surat_permohonan",
    "naskah_akademik",
    "sk_tim_penyusun",
    "rancangan",
    "sk_propemperda",
    "izin_prakarsa",
    "rancangan_perbaikan",
    "hasil_telaah",
    "no_such_kind",
)
NOBODY = 10**6  # a user id that does not exist

COMMENTS = st.sampled_from([None, "", "   ", "Mohon dilengkapi.", "Perbaiki Pasal 5 ayat (2)."])
# Days relative to the office's today; rendered as ISO dates, or a word that is not a date.
DAY_OFFSETS = st.one_of(st.integers(-10, 40), st.just("besok"))
# Random inputs: any of the fields, each maybe missing, maybe out of range.
ANY_DATA = st.fixed_dictionaries(
    {},
    optional={
        "assignees": st.lists(st.sampled_from(ALIASES + ["nobody"]), max_size=3),
        "meeting_date": DAY_OFFSETS,
        "correction_deadline": DAY_OFFSETS,
        "days": st.integers(-2, 40),
    },
)
# Triggers that carry a file towards a conclusion, the likeliest first.
ONWARD = (
    "submit",
    "resubmit",
    "declare_complete",
    "complete_analysis",
    "assign",
    "schedule_meeting",
    "hold_meeting",
    "conclude_with_notes",
    "conclude_harmonis",
    "conclude_not_harmonis",
    "submit_correction",
    "reject_correction",
    "accept_correction",
    "reschedule_meeting",
    "cancel_meeting",
)
STALE = st.sampled_from([0, 0, 0, 0, 0, -1, 1])  # how far the version sent is off


def fitting_data(trigger):
    """Inputs that fit `trigger`: all of them (mostly) or some; assignees as aliases, dates as
    day offsets from the office's today."""
    fields = {
        "assignees": st.lists(st.sampled_from(["officer", "officer2", "head"]), min_size=1, max_size=2),
        "meeting_date": st.integers(1, 30),
        "correction_deadline": st.just("as in the minutes") | st.integers(1, 30),
        "days": st.integers(1, 30),
    }
    wanted = {name: fields[name] for name in SPEC[trigger].inputs}
    return st.fixed_dictionaries(wanted) | st.fixed_dictionaries({}, optional=wanted)


class HarmonisationWalk(RuleBasedStateMachine):
    """One request per example; `app` is set per backend by the test."""

    app = None

    @initialize(process=st.sampled_from(PROCESSES), documents=st.sampled_from(["complete"] * 3 + ["partial", "none"]))
    def open_request(self, process, documents):
        with self.app.app_context():
            req = create_request(user("drafter"), process=process, title="Rancangan acak", **APPLICATION_LETTER)
            kinds = {"complete": REQUIRED[process], "partial": REQUIRED[process][:2], "none": []}[documents]
            for kind in kinds:
                upload(req, kind)
            db.session.commit()
            self.request_id, self.process, self.minutes = req.id, process, None
            self.state = req.state  # as of the last step (each step checks what it changed)
            self.ids = {alias: user(alias).id for alias in ALIASES} | {"nobody": NOBODY}
            self.today = local_date(utcnow(), req.office.timezone)

    # --- steps ----------------------------------------------------------------------------------

    @rule(choice=st.data())
    def step(self, choice):
        """Mostly a trigger that fits the current state, else anything, now and then an upload."""
        mode = choice.draw(
            st.sampled_from(["fitting"] * 6 + ["anything"] * 2 + ["upload"] * 2 + ["tick"]), label="mode"
        )
        {"fitting": self.fire_fitting, "anything": self.fire_anything, "upload": self.upload, "tick": self.tick}[mode](
            choice
        )

    def tick(self, choice):
        """`workflow tick` two months on: a pending correction deadline has passed, so the system
        records it (the state stays, one event more); anything else is left alone."""
        with self.app.app_context():
            before = snapshot(self.request_id)
            armed = db.session.get(Request, self.request_id).timer_trigger
            fired = [f for f in tick(now=utcnow() + timedelta(days=60)) if f[0] == self.request_id]
            after = snapshot(self.request_id)
        if armed:
            assert before[0] == "harmonis_with_notes" and armed == "correction_overdue", (before, armed)
            assert fired == [(self.request_id, "correction_overdue")]
            assert after == (before[0], before[1] + 1, before[2] + 1, before[3]), (before, after)
        else:
            assert fired == [] and after == before

    def fire_anything(self, choice):
        self.attempt(
            choice.draw(st.sampled_from(TRIGGERS), label="trigger"),
            choice.draw(st.sampled_from(ALIASES), label="actor"),
            choice.draw(COMMENTS, label="comment"),
            choice.draw(ANY_DATA, label="data"),
            choice.draw(STALE, label="stale"),
        )

    def fire_fitting(self, choice):
        """A trigger of the current state (rarely a step back or aside) by one of its roles (mostly),
        with fitting inputs (mostly): this is what carries a walk through to a conclusion."""
        state = self.state
        # (a timer's transition is the system's: the tick step fires it)
        available = sorted(t for t, r in SPEC.items() if state in r.sources and r.roles != ("system",))
        if not available:
            return self.fire_anything(choice)
        onward = [t for t in ONWARD if t in available]
        # (Hypothesis favours the first choice and small numbers: let those be the fitting ones.)
        aside = choice.draw(st.integers(0, 9), label="aside?") == 9
        trigger = choice.draw(st.sampled_from(available if aside else onward or available), label="trigger")
        roles = SPEC[trigger].roles
        permitted = [a for a in ALIASES if ACTORS[a][0] in roles and ACTORS[a][1] is not False]
        anyone = choice.draw(st.integers(0, 5), label="anyone?") == 5
        alias = choice.draw(st.sampled_from(ALIASES if anyone else permitted), label="actor")
        comment = choice.draw(st.sampled_from(["Alasan yang jelas."] * 5 + [None, " "]), label="comment")
        data = choice.draw(fitting_data(trigger), label="data")
        if trigger == "submit_correction" and choice.draw(st.integers(0, 3), label="upload first?") < 3:
            self.do_upload("rancangan_perbaikan", "drafter")  # the corrected draft the guard asks for
        if trigger in CONCLUSION_OF and not self.minutes:
            # a conclusion needs final minutes that reached it: finalise them first (mostly the
            # same conclusion; once final they stay, so a different conclusion is refused)
            conclusions = [CONCLUSION_OF[trigger], *sorted(CONCLUSION_OF.values())]
            self.minutes = choice.draw(st.sampled_from(conclusions), label="minutes")
            with self.app.app_context():
                before = snapshot(self.request_id)
                final_minutes(self.request_id, self.minutes)
                after = snapshot(self.request_id)
                # the officer's finalising and the head's approval are two audited events of the
                # request; the state stays
                assert (after[0], after[1], after[2], after[3]) == (before[0], before[1] + 2, before[2] + 2, before[3])
        stale = choice.draw(st.sampled_from([0] * 9 + [1]), label="stale")
        self.attempt(trigger, alias, comment, data, stale)

    def upload(self, choice):
        """Mostly what the applicant is asked for in this state, by the applicant (the required
        documents, or the corrected draft after "harmonis with notes"); else any kind by anyone."""
        needed = ["rancangan_perbaikan"] if self.state == "harmonis_with_notes" else REQUIRED[self.process]
        if choice.draw(st.integers(0, 2), label="any kind?") < 2:
            kind, alias = choice.draw(st.sampled_from(needed), label="kind"), "drafter"
        else:
            kind = choice.draw(st.sampled_from(DOCUMENT_KINDS), label="kind")
            alias = choice.draw(st.sampled_from(ALIASES), label="actor")
        self.do_upload(kind, alias)

    def do_upload(self, kind, alias):
        """Upload through the operation, committed or rolled back; a refusal changes nothing."""
        with self.app.app_context():
            before = snapshot(self.request_id)
            req = db.session.scalar(select(Request).where(Request.id == self.request_id).with_for_update())
            try:
                upload_document(
                    req,
                    user(alias),
                    kind=kind,
                    filename=f"{kind}.pdf",
                    content=PDF,
                    store=DocumentStore(self.app.config["DOCUMENT_STORE"]),
                    max_bytes=self.app.config["MAX_UPLOAD_BYTES"],
                )
            except HarmoniError:
                db.session.rollback()
                refused = True
            else:
                db.session.commit()
                refused = False
            after = snapshot(self.request_id)
        self.state = after[0]
        if refused:
            assert after == before, f"a refused upload of {kind} by {alias} changed {before} -> {after}"
        else:
            grown = (before[0], before[1] + 1, before[2] + 1, before[3] + 1)
            assert after == grown, f"an upload of {kind} by {alias}: {before} -> {after}"

    # --- one attempt and its expected outcome -------------------------------------------------------

    def attempt(self, trigger, alias, comment, raw_data, stale):
        data = self.render(raw_data)
        with self.app.app_context():
            before = snapshot(self.request_id)
            # as the API loads it: fresh from the database, for update
            req = db.session.scalar(select(Request).where(Request.id == self.request_id).with_for_update())
            actor = user(alias)
            assigned = actor.id in {u.id for u in req.assignees}
            try:
                fire(req, trigger, actor, version=req.version + stale, comment=comment, data=data)
            except HarmoniError as error:
                db.session.rollback()
                outcome = (error.status, error.code)
            except Exception:
                db.session.rollback()
                raise  # the API would answer 500: never for any input
            else:
                db.session.commit()
                outcome = (200, None)
            after = snapshot(self.request_id)
        self.state = after[0]
        if outcome[0] == 200:
            outcome = (200, after[0])
        case = f"{trigger} by {alias} in {before[0]} (stale {stale}, comment {comment!r}, data {data})"

        allowed = self.expected(before[0], trigger, alias, assigned, comment, data, stale)
        assert outcome in allowed, f"{case}: got {outcome}, expected one of {allowed}"
        if outcome[0] == 200:
            grown = (outcome[1], before[1] + 1, before[2] + 1, before[3])
            assert after == grown, f"{case}: {before} -> {after}"
        else:
            assert after == before, f"{case} was refused ({outcome}) but changed {before} -> {after}"

    def expected(self, state, trigger, alias, assigned, comment, data, stale):
        """The outcomes the spec allows: fire()'s order is visible, version, trigger known,
        available, permitted, inputs, guards."""
        role, own, _ = ACTORS[alias]
        visible = own if role == "drafter" else state not in PRIVATE_STATES
        if not visible:
            return {(404, "not_found")}
        if stale:
            return {(409, "stale_version")}
        if trigger == BOGUS:
            return {(422, "invalid_input")}
        outcome = expected_outcome(state, trigger, role=role, own_organisation=own, assigned=assigned)
        if outcome[0] != 200:
            return {outcome}
        rule = SPEC[trigger]
        missing = [n for n in rule.inputs if data.get(n) in (None, "", [])]
        if (rule.comment and not (comment or "").strip()) or missing:
            return {(422, "invalid_input")}
        return {outcome, (422, "invalid_input"), (422, "guard_failed")}

    def render(self, raw):
        """Turn drawn placeholders into request data: aliases into ids, day offsets into dates."""
        data = {}
        for name, value in raw.items():
            if name == "assignees":
                data[name] = [self.ids[a] for a in value]
            elif name in ("meeting_date", "correction_deadline") and isinstance(value, int):
                data[name] = (self.today + timedelta(days=value)).isoformat()
            elif value == "as in the minutes":  # what helpers.final_minutes() records
                data[name] = (date.today() + timedelta(days=30)).isoformat()
            else:
                data[name] = value
        if "meeting_date" in data:  # the drawn day may be a day off: the scheduler confirms
            data["confirm_non_working_day"] = True
        return data

    # --- invariants -----------------------------------------------------------------------------

    @invariant()
    def the_request_is_consistent(self):
        with self.app.app_context():
            req = db.session.get(Request, self.request_id)
            events = list(
                db.session.scalars(select(Event).where(Event.request_id == self.request_id).order_by(Event.seq))
            )
            assert req.process == self.process
            assert req.state in STATES
            assert req.version == len(events), f"version {req.version} but {len(events)} events"
            assert verify_chain(events) is None, verify_chain(events)
            assert events[-1].to_state == req.state
            assert req.state == self.state


def test_random_walks_keep_the_invariants(app):
    walk = type("HarmonisationWalk", (HarmonisationWalk,), {"app": app})
    run_state_machine_as_test(
        walk,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,  # no .hypothesis/ example database in the working tree
            # Every step is a database transaction: generation is slow by nature. And no shrinking:
            # replaying walks against the database, Hypothesis would spend up to five minutes per
            # backend on a failure; the assertion names the failing step and the steps are printed.
            suppress_health_check=[HealthCheck.too_slow],
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )
