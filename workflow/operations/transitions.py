"""fire(): the single door through which every request changes state."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..access import can_view
from ..catalogue import clock_days, stage_days, timer_days
from ..documents.words import long_date
from ..engine import calendar as clock
from ..engine.calendar import WorkingCalendar
from ..engine.definition import CONFIRM_DAY_OFF, Clock, Input, Process, Transition
from ..engine.errors import (
    GuardFailed,
    InvalidInput,
    NotFound,
    NotPermitted,
    StaleVersion,
    TransitionUnavailable,
    reject_nul,
)
from ..engine.machine import closing_timer_passed, may_fire, move
from ..extensions import db
from ..models import MAX_ID
from ..models.time import local_date, utcnow
from ..processes import MACHINES, get_process
from .audit import append_event
from .calendar import day_off_question, office_calendar
from .milestones import record_milestones

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # fromisoformat alone also takes "20260330"


@dataclass
class Context:
    """What guards and effects may look at."""

    process: Process
    trigger: str
    actor: object
    now: datetime
    today: date  # the office's local day
    calendar: WorkingCalendar
    comment: str | None
    data: dict = field(default_factory=dict)  # validated inputs, as Python values


def fire(
    request,
    trigger: str,
    actor,
    *,
    version: int | None,
    comment: str | None = None,
    data: dict | None = None,
    now: datetime | None = None,
):
    """Fire `trigger` on `request` as `actor`; return the appended event.

    In order: :raise NotFound: the actor cannot see the request; :raise StaleVersion: `version`
    is not the current one; :raise InvalidInput: no such trigger in the process, or a missing or
    invalid comment or input; :raise TransitionUnavailable: not available in this state;
    :raise NotPermitted: the actor's role or organisation may not fire it; :raise GuardFailed:
    with every failed guard's reason. Then the state moves, the clock effect applies, one event is
    appended, and the session is flushed. Nothing is committed.
    """
    if not can_view(actor, request):
        raise NotFound()
    if version is not None and version != request.version:
        raise StaleVersion(details={"current_version": request.version, "state": request.state})
    process = get_process(request.process)
    transition = process.transition(trigger)
    if transition is None:
        raise InvalidInput(
            f"Tindakan '{trigger}' tidak dikenal.",
            details={"trigger": ["Pilih salah satu: " + ", ".join(t.trigger for t in process.transitions)]},
        )
    if request.state not in transition.sources:
        raise TransitionUnavailable(details={"state": request.state})
    if not may_fire(actor, request, transition):
        raise NotPermitted()
    now = now or utcnow()
    today = local_date(now, request.office.timezone)
    _refuse_after_a_closing_timer(process, request, trigger, today)

    comment = (comment or "").strip() or None
    reject_nul(comment=comment)
    calendar = office_calendar(request.office_id)
    values = _validate_inputs(transition, comment, data or {})
    _confirm_days_off(transition, calendar, values)
    ctx = Context(process, trigger, actor, now, today, calendar, comment, values)
    reasons = [reason for guard in transition.guards if (reason := guard(request, ctx))]
    if reasons:
        raise GuardFailed(details=reasons)

    from .notifications import notify_transition, one_write  # notifications imports timers, which import fire

    from_state, applicant_due_before = request.state, request.applicant_due_on
    # guards and effects see the state as it was until the end; the notices of the effects (a
    # letter's approvers) and of the transition are written together, one INSERT per table
    with db.session.no_autoflush, one_write(request, (n.audience for n in transition.all_notices)):
        if transition.dest is not None:
            move(MACHINES[process.name], request, trigger)
        event_data = {name: _jsonable(value) for name, value in ctx.data.items() if value is not None}
        for effect in transition.effects:
            effect(request, ctx, event_data)
        shift = _apply_clock(transition, request, ctx)
        if shift is not None:
            event_data["clock"] = shift.as_data()
        if (
            request.state != from_state
            or shift is not None
            or trigger == request.timer_trigger
            or request.applicant_due_on != applicant_due_before
        ):
            _arm_timer(request, ctx)
        if request.state != from_state:
            record_milestones(request, process, from_state, ctx.today, ctx.calendar)
        if actor.id is None:
            event_data["by"] = actor.role  # the system, or the applicant with code and PIN
        request.updated_at = now
        event = append_event(
            request, actor, trigger, from_state, request.state, comment=comment, data=event_data, now=now
        )
        if transition.all_notices:
            notify_transition(request, transition, actor, comment, event_data)
    db.session.flush()
    return event


def _refuse_after_a_closing_timer(process: Process, request, trigger: str, today: date) -> None:
    """Nothing but the timer itself may be fired once a closing timer has decided the request, a
    late completion least of all.

    :raise TransitionUnavailable: naming the last day and what the timer does
    """
    timer = closing_timer_passed(process, request, today)
    if timer is not None and timer.trigger != trigger:
        raise TransitionUnavailable(
            f"Batas waktu berakhir pada {long_date(request.timer_due_on)}: {timer.label}.",
            details={"state": request.state, "timer": timer.trigger, "due_on": request.timer_due_on.isoformat()},
        )


def _apply_clock(transition: Transition, request, ctx: Context):
    match transition.clock:
        case Clock.START | Clock.RESTART:
            stage = transition.stage
            if (
                transition.clock == Clock.START
                and request.clock_started_on is not None
                and request.clock_stage == (stage.name if stage else None)
            ):
                return None  # declared complete again after a return: the clock already runs
            if stage is not None:  # a stage before the process's own clock (the office may set its days)
                days, unit = stage_days(request.office, ctx.process, stage), stage.limit.unit.value
                return clock.start_clock(request, ctx.calendar, ctx.today, days, unit, stage.name)
            limit = transition.limit or ctx.process.time_limit
            days = limit.days if transition.limit else clock_days(request.office, ctx.process)
            return clock.start_clock(request, ctx.calendar, ctx.today, days, limit.unit.value)
        case Clock.PAUSE:
            return clock.pause_clock(request, ctx.calendar, ctx.today)
        case Clock.RESUME:
            return clock.resume_clock(request, ctx.calendar, ctx.today)
        case Clock.EXTEND:
            return clock.extend_clock(request, ctx.calendar, ctx.data["days"])
        case Clock.STOP:
            return clock.stop_clock(request, ctx.today)
    return None


def _arm_timer(request, ctx: Context) -> None:
    """The pending timer after a state change or a clock shift: the first timed transition out of
    the current state, due `days` after today (basis "entered") or after the SLA due date."""
    request.timer_trigger = request.timer_due_on = None
    for t in ctx.process.transitions_from(request.state):
        if t.timer is None or t.trigger == ctx.trigger:
            continue  # a timer that just fired does not re-arm itself
        days = timer_days(request.office, ctx.process, t)  # the office may set it (catalogue)
        if t.timer.basis == "entered":
            due = ctx.calendar.add_days(ctx.today, days, t.timer.unit.value)
        elif t.timer.basis == "applicant_due":
            if request.applicant_due_on is None:
                continue
            due = ctx.calendar.add_days(request.applicant_due_on, days, t.timer.unit.value)
        elif request.due_date and not request.clock_paused_on and not request.clock_stopped_on:
            due = ctx.calendar.add_days(request.due_date, days, t.timer.unit.value)
        else:
            continue
        request.timer_trigger, request.timer_due_on = t.trigger, due
        return


def _validate_inputs(transition: Transition, comment: str | None, data: dict) -> dict:
    """The transition's inputs as Python values; InvalidInput naming every field that is wrong."""
    if not isinstance(data, dict):
        raise InvalidInput(details={"data": ["Harus berupa objek."]})
    errors, values = {}, {}
    if transition.requires_comment and not comment:
        errors["comment"] = ["Komentar atau alasan wajib diisi."]
    for spec in transition.inputs:
        try:
            values[spec.name] = _parse(spec, data.get(spec.name))
        except ValueError as exc:
            errors[f"data.{spec.name}"] = [str(exc)]
    if errors:
        raise InvalidInput(details=errors)
    return values


def _confirm_days_off(transition: Transition, calendar: WorkingCalendar, values: dict) -> None:
    """A date that should be a working day (a meeting's) falls on a day off only when the caller
    confirmed it (CONFIRM_DAY_OFF): else InvalidInput asking the question that names the day and
    the holiday. The confirmation is kept in the event only where it was needed.

    :raise InvalidInput: `data.confirm_non_working_day` with the question
    """
    questions = [
        question
        for spec in transition.inputs
        if spec.working_day and values.get(spec.name) is not None
        if (question := day_off_question(calendar, values[spec.name]))
    ]
    if not questions:
        values.pop(CONFIRM_DAY_OFF, None)
    elif not values.get(CONFIRM_DAY_OFF):
        raise InvalidInput(details={f"data.{CONFIRM_DAY_OFF}": questions})


def _parse(spec: Input, raw):
    if raw is None or raw == "" or raw == []:
        if not spec.required:
            return None
        raise ValueError(f"{spec.label} wajib diisi.")
    if spec.kind == "date":
        try:
            if not ISO_DATE.fullmatch(str(raw)):
                raise ValueError
            return date.fromisoformat(str(raw))
        except ValueError:
            raise ValueError(f"{spec.label} harus berupa tanggal (YYYY-MM-DD).") from None
    if spec.kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"{spec.label} harus berupa bilangan bulat.")
        if spec.minimum is not None and raw < spec.minimum or spec.maximum is not None and raw > spec.maximum:
            raise ValueError(f"{spec.label} harus antara {spec.minimum} dan {spec.maximum}.")
        return raw
    if spec.kind == "text":
        if not isinstance(raw, str) or not raw.strip() or "\x00" in raw or len(raw) > 500:
            raise ValueError(f"{spec.label} harus berupa teks (paling banyak 500 karakter).")
        return raw.strip()
    if spec.kind == "bool":
        if not isinstance(raw, bool):
            raise ValueError(f"Isian {spec.name} harus berupa true atau false.")
        return raw
    if spec.kind == "user_ids":
        if not isinstance(raw, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in raw
        ):
            raise ValueError(f"{spec.label} harus berupa daftar id pengguna.")
        return sorted(set(raw))
    raise AssertionError(f"unknown input kind {spec.kind}")


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value
