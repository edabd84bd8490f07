"""Clock stages for files that predate them: `flask --app wsgi workflow backfill-stages`.

The administrative check of a harmonisation (a clock stage from submission until "declared
complete", migration d12a0c4ec001) did not exist when older files were submitted: they carry no
deadline until they are declared complete. An Alembic data migration cannot give them one
consistently: the deadline is working days counted on the office's calendar (the `holidays`
package's national holidays and cuti bersama, the office's own overrides), for the days the office
set in its service catalogue, paused while the file was back with the applicant. That is the engine's
arithmetic on the application's data, which a migration would have to copy and freeze.

So this replays each such file's own events through the engine's clock functions, as fire() would
have applied them had the stage existed: the stage starts on the day of submission, pauses on a
return for completion, resumes on the resubmission. One audit event per file records the
result (its `clock` data, as any transition's), so the date stays explainable from the trail. Files
with a running clock, or past the stage, are left alone: running it again changes nothing."""

from datetime import date

from sqlalchemy import select

from ..actors import SYSTEM
from ..catalogue import stage_days
from ..engine import calendar as clock
from ..engine.definition import Clock, Process, Transition
from ..extensions import db
from ..models import Event, Request
from ..models.time import local_date, utcnow
from ..processes import PROCESSES
from .audit import append_event
from .calendar import office_calendar

TRIGGER = "backfill_clock_stage"


def stage_start(process: Process) -> Transition | None:
    """The transition that starts a clock stage of `process` (a harmonisation's submit), if any."""
    return next((t for t in process.transitions if t.stage is not None and t.clock == Clock.START), None)


def stage_states(process: Process, start: Transition) -> set[str]:
    """The states a stage runs in: from the start's destination, through returns and
    resubmissions, until a transition that starts, restarts or stops a clock (declared complete,
    withdrawn)."""
    reached, todo = set(), [start.dest]
    while todo:
        state = todo.pop()
        if state in reached or process.state(state).final:
            continue
        reached.add(state)
        todo += [
            t.dest
            for t in process.transitions_from(state)
            if t.dest is not None and t.clock not in (Clock.START, Clock.RESTART, Clock.STOP)
        ]
    return reached


def backfill_clock_stages(now=None) -> list[tuple[int, date | None]]:
    """Give every file that should be in a clock stage but has no clock the stage's deadline; the
    (request id, due date) of each. The caller commits."""
    now = now or utcnow()
    done = []
    for process in PROCESSES.values():
        start = stage_start(process)
        if start is None:
            continue
        rows = db.session.scalars(
            select(Request)
            .where(
                Request.process == process.name,
                Request.state.in_(sorted(stage_states(process, start))),
                Request.clock_started_on.is_(None),
            )
            .order_by(Request.id)
            .with_for_update()
        ).all()
        for req in rows:
            if _replay(req, process, start, now):
                done.append((req.id, req.due_date))
    db.session.flush()
    return done


def _replay(req, process: Process, start: Transition, now) -> bool:
    events = db.session.scalars(select(Event).where(Event.request_id == req.id).order_by(Event.seq)).all()
    calendar = office_calendar(req.office_id)
    started = False
    for event in events:
        day = local_date(event.created_at, req.office.timezone)
        transition = process.transition(event.trigger)
        if event.trigger == start.trigger:
            stage = start.stage
            days = stage_days(req.office, process, stage)
            clock.start_clock(req, calendar, day, days, stage.limit.unit.value, stage.name)
            started = True
        elif started and transition is not None and transition.clock == Clock.PAUSE:
            clock.pause_clock(req, calendar, day)
        elif started and transition is not None and transition.clock == Clock.RESUME:
            clock.resume_clock(req, calendar, day)
    if not started:
        return False
    data = {
        "stage": req.clock_stage,
        "started_on": req.clock_started_on.isoformat(),
        "clock": clock.ClockShift(None, req.due_date, req.clock_remaining_days).as_data(),
        "by": SYSTEM.role,
    }
    append_event(req, SYSTEM, TRIGGER, req.state, req.state, data=data, now=now)
    return True
