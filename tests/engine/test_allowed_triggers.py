"""allowed_triggers() offers exactly what fire() lets through its door: for every process, state,
actor and day around each timer, the triggers offered (to the API, the work queue and the pages)
are the triggers fire() does not refuse as unavailable (409), forbidden (403) or failing a row
guard. The closing-timer rule (a request decided by a timer whose day has passed) lives in one
place, engine.machine.closing_timer_passed, and both ask it."""

import itertools
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from workflow.access import can_view
from workflow.actors import SYSTEM, PublicActor
from workflow.engine.errors import GuardFailed, NotPermitted, TransitionUnavailable
from workflow.engine.machine import allowed_triggers
from workflow.extensions import db
from workflow.models import Office, Organisation, Request
from workflow.operations import after_commit
from workflow.operations.transitions import fire
from workflow.processes import PROCESSES

from ..helpers import user

ACTORS = ("drafter", "other_drafter", "officer", "officer2", "head", "admin", "system", "public")
SERIAL = itertools.count()
BASE_DAY = date(2026, 6, 10)  # a Wednesday
TIMED = [  # (process, state, timer trigger): every state a timer leaves
    (p.name, source, t.trigger) for p in PROCESSES.values() for t in p.transitions if t.timer for source in t.sources
]


def make_request(process_name: str, state: str, timer: str | None, due_on: date | None) -> int:
    process = PROCESSES[process_name]
    office = db.session.scalar(select(Office).order_by(Office.id))
    drafter = user("drafter")
    organisation = db.session.get(Organisation, drafter.organisation_id) if process.intake == "account" else None
    req = Request(
        process=process_name,
        number=f"TEST/{process_name}/{state}/{next(SERIAL)}",
        title="Rancangan uji pintu",
        state=state,
        office_id=office.id,
        organisation_id=organisation.id if organisation else None,
        created_by_id=drafter.id if organisation else None,
        details={},
        timer_trigger=timer,
        timer_due_on=due_on,
    )
    db.session.add(req)
    db.session.commit()
    req.assignees.append(user("officer"))  # the assigned officer; officer2 is not
    db.session.commit()
    return req.id


def actor_for(alias: str, request_id: int):
    if alias == "system":
        return SYSTEM
    if alias == "public":
        return PublicActor(request_id=request_id)
    return user(alias)


def inputs_for(transition, day: date) -> dict:
    """Valid-looking inputs, so fire() reaches its guards instead of stopping at the inputs."""
    values = {
        "date": (day + timedelta(days=14)).isoformat(),
        "int": 1,
        "text": "isian uji",
        "user_ids": [],
        "bool": True,
    }
    data = {spec.name: values.get(spec.kind) for spec in transition.inputs}
    if "user_ids" in {spec.kind for spec in transition.inputs}:
        data.update({s.name: [user("officer").id] for s in transition.inputs if s.kind == "user_ids"})
    return data


def accepted_by_fire(request_id: int, alias: str, day: date) -> set[str]:
    """The triggers fire() lets through its door for this actor on this day (each tried, then
    rolled back): not unavailable, not forbidden, and no row guard failing."""
    now = datetime.combine(day, time(4, 0))  # noon in WITA: the office's local day is `day`
    accepted = set()
    process = PROCESSES[db.session.get(Request, request_id).process]
    for transition in process.transitions:
        req = db.session.get(Request, request_id)
        row_reasons = {
            reason for g in transition.guards if getattr(g, "row_only", False) if (reason := g(req, None)) is not None
        }
        try:
            fire(
                req,
                transition.trigger,
                actor_for(alias, request_id),
                version=req.version,
                comment="alasan uji",
                data=inputs_for(transition, day),
                now=now,
            )
        except (TransitionUnavailable, NotPermitted):
            pass
        except GuardFailed as error:
            if not row_reasons & set(error.details or ()):
                accepted.add(transition.trigger)  # through the door; a query guard said no
        except Exception:  # noqa: BLE001 - anything else (inputs, later checks) came after the door
            accepted.add(transition.trigger)
        else:
            accepted.add(transition.trigger)
        finally:
            db.session.rollback()
            after_commit.discard()
    return accepted


def check(process_name: str, state: str, alias: str, day: date, timer: str | None, due_on: date | None):
    request_id = make_request(process_name, state, timer, due_on)
    try:
        req = db.session.get(Request, request_id)
        actor = actor_for(alias, request_id)
        if not can_view(actor, req):
            return  # fire() answers 404 before its door; nothing is offered either
        offered = set(allowed_triggers(PROCESSES[process_name], req, actor, day))
        assert offered == accepted_by_fire(request_id, alias, day), (process_name, state, alias, day, timer, due_on)
    finally:
        db.session.rollback()  # the rows stay until the test's end (conftest cleans the tables)


@pytest.mark.parametrize("process_name, state, timer", TIMED, ids=[f"{p}-{s}-{t}" for p, s, t in TIMED])
@pytest.mark.parametrize("offset", (-1, 0, 1, 2))
def test_around_each_timer_the_offer_is_what_fire_accepts(ctx, process_name, state, timer, offset):
    """The day before, on, and after each timer's last day, for every actor."""
    for alias in ACTORS:
        check(process_name, state, alias, BASE_DAY + timedelta(days=offset), timer, BASE_DAY)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_for_any_process_state_actor_and_day_the_offer_is_what_fire_accepts(ctx, data):
    process = data.draw(st.sampled_from(sorted(PROCESSES.values(), key=lambda p: p.name)), label="process")
    state = data.draw(st.sampled_from([s.name for s in process.states]), label="state")
    alias = data.draw(st.sampled_from(ACTORS), label="actor")
    timers = [t.trigger for t in process.transitions_from(state) if t.timer]
    timer = data.draw(st.sampled_from([None, *timers]), label="timer")
    offset = data.draw(st.integers(-3, 3), label="days from the timer's last day")
    check(process.name, state, alias, BASE_DAY + timedelta(days=offset), timer, BASE_DAY if timer else None)
