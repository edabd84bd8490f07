"""The service catalogue of one office: which processes it runs, and the limits and required
documents it set within what each definition allows. Everything here reads `offices.settings`;
a missing key means the definition's default.

settings keys (each per process name):
- "disabled": [process, ...] switched off: no new requests, gone from the public pages and forms;
  running files finish;
- "time_limits": {process: days} the SLA clock's limit;
- "timers": {process: {trigger: days}} a configurable timer (e.g. deemed withdrawn);
- "deadlines": {process: {name: days}} a deadline beside the clock (e.g. the written reply);
- "stages": {process: {name: days}} a stage of the clock before the process's own (e.g. the
  administrative check of a harmonisation);
- "required_documents": {process: [kind, ...]} documents the office requires besides the
  definition's own (which an office cannot drop: they are the regulation's).
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine.definition import Deadline, Process, Stage, TimeLimit, Transition
from .processes import PROCESSES

MAX_DAYS = 365  # no limit in the catalogue runs longer than a year, whatever the definition says


@dataclass(frozen=True)
class Limit:
    """One editable limit of a process, as the catalogue page shows and saves it."""

    key: str  # form field name
    label: str
    default: TimeLimit
    maximum: int
    configured: int | None  # None: the default applies

    @property
    def days(self) -> int:
        return self.configured or self.default.days


def _maximum(limit) -> int:
    return limit.maximum or MAX_DAYS


def is_enabled(office, process: Process | str) -> bool:
    name = process if isinstance(process, str) else process.name
    return name not in (office.setting("disabled") or [])


def enabled_processes(office, intake: str | None = None) -> list[Process]:
    return [p for p in PROCESSES.values() if is_enabled(office, p) and (intake is None or p.intake == intake)]


def processes_filed_by(office, organisation) -> list[Process]:
    """What an applicant organisation's drafters can file in this office: the enabled processes
    taken through an account, those a DPRD may apply for when the organisation is a DPRD (a
    Ranperkada comes from the executive only)."""
    applicant_type = "dprd" if organisation is not None and organisation.kind == "dprd" else "kepala_daerah"
    return [
        p for p in enabled_processes(office, "account") if not p.applicant_types or applicant_type in p.applicant_types
    ]


def configured_days(office, *path) -> int | None:
    value = office.setting(*path)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def clock_days(office, process: Process) -> int:
    """The SLA clock's limit in this office."""
    return min(configured_days(office, "time_limits", process.name) or process.time_limit.days, MAX_DAYS)


def timer_days(office, process: Process, transition: Transition) -> int:
    timer = transition.timer
    if not timer.configurable:
        return timer.days
    return configured_days(office, "timers", process.name, transition.trigger) or timer.days


def stage_days(office, process: Process, stage: Stage) -> int:
    return min(configured_days(office, "stages", process.name, stage.name) or stage.limit.days, _maximum(stage.limit))


def deadline_days(office, process: Process, deadline: Deadline) -> int:
    return configured_days(office, "deadlines", process.name, deadline.name) or deadline.limit.days


def limits(office, process: Process) -> list[Limit]:
    """Every limit the office may set for `process`: the clock, the configurable timers and the
    deadlines beside the clock."""
    rows = []
    if process.time_limit is not None:
        rows.append(
            Limit(
                "time_limit",
                process.label,
                process.time_limit,
                _maximum(process.time_limit),
                configured_days(office, "time_limits", process.name),
            )
        )
    for stage in process.stages:
        rows.append(
            Limit(
                f"stage:{stage.name}",
                stage.label,
                stage.limit,
                _maximum(stage.limit),
                configured_days(office, "stages", process.name, stage.name),
            )
        )
    for t in process.transitions:
        if t.timer is not None and t.timer.configurable:
            rows.append(
                Limit(
                    f"timer:{t.trigger}",
                    t.label,
                    TimeLimit(t.timer.days, t.timer.unit),
                    _maximum(t.timer),
                    configured_days(office, "timers", process.name, t.trigger),
                )
            )
    for d in process.deadlines:
        rows.append(
            Limit(
                f"deadline:{d.name}",
                d.label,
                d.limit,
                _maximum(d.limit),
                configured_days(office, "deadlines", process.name, d.name),
            )
        )
    return rows


@dataclass(frozen=True)
class StatedLimit:
    """One limit as the help page states it: this office's days, the definition's unit."""

    label: str
    days: int
    unit: object  # DayUnit


def stated_limits(office, process: Process) -> list[StatedLimit]:
    """The deadlines beside the clock and the timers counted from entering a state, with the
    days this office runs (its catalogue, else the definition's); `office` None: the defaults."""
    rows = [
        StatedLimit(s.label, stage_days(office, process, s) if office else s.limit.days, s.limit.unit)
        for s in process.stages
    ]
    rows += [
        StatedLimit(d.label, deadline_days(office, process, d) if office else d.limit.days, d.limit.unit)
        for d in process.deadlines
    ]
    rows += [
        StatedLimit(t.label, timer_days(office, process, t) if office else t.timer.days, t.timer.unit)
        for t in process.transitions
        if t.timer is not None and t.timer.basis == "entered"
    ]
    return rows


def optional_document_kinds(process: Process) -> list:
    """Applicant documents the office may add to what is required: those the definition declares
    but does not require in every case."""
    required = {k for group in process.required_documents for k in group}
    return [k for k in process.document_kinds if k.uploader == "applicant" and k.name not in required]


def extra_required_documents(office, process: Process) -> tuple[tuple[str, ...], ...]:
    allowed = {k.name for k in optional_document_kinds(process)}
    chosen = office.setting("required_documents", process.name) or []
    return tuple((k,) for k in chosen if k in allowed)


def required_documents(office, process: Process, details: dict | None) -> tuple[tuple[str, ...], ...]:
    """What must be uploaded to submit: the definition's groups (with its variant), then the
    office's own additions."""
    groups = process.required_documents_for(details)
    return groups + tuple(g for g in extra_required_documents(office, process) if g not in groups)


@dataclass(frozen=True)
class DeadlineStatus:
    deadline: Deadline
    days: int
    due: object  # date
    met_on: object  # date or None


def deadline_status(process: Process, request, events, calendar, timezone: str) -> list[DeadlineStatus]:
    """The deadlines beside the clock for one request, from its events (oldest first): each runs
    from its first starting event, and is met by the first meeting event after it."""
    from .models.time import local_date

    rows = []
    for d in process.deadlines:
        start = next((e for e in events if e.trigger in d.starts), None)
        if start is None:
            continue
        met = next((e for e in events if e.trigger in d.met_by and e.seq > start.seq), None)
        days = deadline_days(request.office, process, d)
        began = local_date(start.created_at, timezone)
        rows.append(
            DeadlineStatus(
                d,
                days,
                calendar.add_days(began, days, d.limit.unit.value),
                local_date(met.created_at, timezone) if met else None,
            )
        )
    return rows


def promise(office, process: Process, translate) -> str:
    """The process's promise (what happens next and by when) with this office's limits in words,
    e.g. "paling lama 14 hari"; `translate` is gettext, so the units follow the page's language."""
    from .engine.definition import UNIT_LABELS

    if not process.promise:
        return ""
    values = {
        limit.key.replace(":", "_"): f"{limit.days} {translate(UNIT_LABELS[limit.default.unit])}"
        for limit in limits(office, process)
    }
    return translate(process.promise) % values
