"""fire(): the single door through which every request changes state."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..access import can_view
from ..engine import calendar as clock
from ..engine.calendar import WorkingCalendar
from ..engine.definition import Clock, Input, Process, Transition
from ..engine.errors import (
    GuardFailed, InvalidInput, NotFound, NotPermitted, StaleVersion, TransitionUnavailable,
    reject_nul,
)
from ..engine.machine import may_fire, move
from ..extensions import db
from ..models.time import local_date, utcnow
from ..processes import MACHINES, get_process
from .audit import append_event
from .calendar import office_calendar


MAX_ID = 2**31 - 1  # ids beyond PostgreSQL's INTEGER cannot exist
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


def fire(request, trigger: str, actor, *, version: int | None, comment: str | None = None,
         data: dict | None = None, now: datetime | None = None):
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
        raise InvalidInput(f"Tindakan '{trigger}' tidak dikenal.",
                           details={"trigger": ["Pilih salah satu: " + ", ".join(t.trigger for t in process.transitions)]})
    if request.state not in transition.sources:
        raise TransitionUnavailable(details={"state": request.state})
    if not may_fire(actor, request, transition):
        raise NotPermitted()

    comment = (comment or "").strip() or None
    reject_nul(comment=comment)
    now = now or utcnow()
    ctx = Context(process, trigger, actor, now, local_date(now, request.office.timezone),
                  office_calendar(request.office_id), comment,
                  _validate_inputs(transition, comment, data or {}))
    reasons = [reason for guard in transition.guards if (reason := guard(request, ctx))]
    if reasons:
        raise GuardFailed(details=reasons)

    from_state = request.state
    with db.session.no_autoflush:  # guards and effects see the state as it was until the end
        if transition.dest is not None:
            move(MACHINES[process.name], request, trigger)
        event_data = {name: _jsonable(value) for name, value in ctx.data.items() if value is not None}
        for effect in transition.effects:
            effect(request, ctx, event_data)
        shift = _apply_clock(transition.clock, request, ctx)
        if shift is not None:
            event_data["clock"] = shift.as_data()
        request.updated_at = now
        event = append_event(request, actor, trigger, from_state, request.state, comment=comment,
                             data=event_data, now=now)
    db.session.flush()
    return event


def _apply_clock(effect: Clock | None, request, ctx: Context):
    match effect:
        case Clock.START:
            if request.clock_started_on is not None:
                return None  # declared complete again after a return: the clock already runs
            days = ctx.process.time_limit.days
            days = request.office.setting("time_limits", ctx.process.name) or days
            return clock.start_clock(request, ctx.calendar, ctx.today, days)
        case Clock.PAUSE:
            return clock.pause_clock(request, ctx.calendar, ctx.today)
        case Clock.RESUME:
            return clock.resume_clock(request, ctx.calendar, ctx.today)
        case Clock.EXTEND:
            return clock.extend_clock(request, ctx.calendar, ctx.data["days"])
        case Clock.STOP:
            return clock.stop_clock(request, ctx.today)
    return None


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
    if spec.kind == "user_ids":
        if not isinstance(raw, list) or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in raw):
            raise ValueError(f"{spec.label} harus berupa daftar id pengguna.")
        return sorted(set(raw))
    raise AssertionError(f"unknown input kind {spec.kind}")


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value
