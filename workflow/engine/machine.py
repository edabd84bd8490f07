"""One `transitions.Machine` per process, built once, and the pure rules around firing.

The machines are built with model=None and auto_transitions=False and fired with
`machine.events[trigger].trigger(row)`: no Machine is ever built per request row (that costs about
a millisecond and tens of KB each), and no `to_<state>()` shortcut bypasses the rules.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from transitions import Machine, MachineError

from .definition import Process, Transition
from .errors import TransitionUnavailable


def build_machine(process: Process) -> Machine:
    return Machine(
        model=None,
        states=[s.name for s in process.states],
        transitions=[{"trigger": t.trigger, "source": list(t.sources), "dest": t.dest} for t in process.transitions],
        initial=None,
        auto_transitions=False,
    )


def move(machine: Machine, row, trigger: str) -> None:
    """Move `row.state` along `trigger`. The caller has already checked the source state."""
    try:
        machine.events[trigger].trigger(row)
    except MachineError as exc:  # only reachable if a caller skipped the checks
        raise TransitionUnavailable() from exc


def may_fire(actor, request, transition: Transition) -> bool:
    """Role rule of one transition for an actor who can already see the request."""
    if actor.role not in transition.roles:
        return False
    if actor.role in ("system", "public"):
        return True  # visibility already tied a member of the public to their own request
    if actor.role == "drafter":
        # visibility already limits drafters to their own organisation; say it again here
        # because firing is the one place where a slip would change another office's file
        return request.organisation_id == actor.organisation_id
    if request.office_id != actor.office_id:
        return False
    if transition.assignees_only and actor.role == "officer":
        # the conceptual analysis belongs to the drafters the head assigned
        return any(u.id == actor.id for u in request.assignees)
    return True


def closing_timer_passed(process: Process, request, today: date) -> Transition | None:
    """The pending timer, if it ends the request (e.g. a complaint deemed withdrawn when not
    completed in time) and its last day is past: it has decided the request, whether or not
    `workflow tick` has recorded it yet. Then nothing but the timer itself may be fired: fire(),
    allowed_triggers() and so the API, the work queue and the pages all follow this one rule."""
    if request.timer_trigger is None or request.timer_due_on is None or today <= request.timer_due_on:
        return None
    timer = process.transition(request.timer_trigger)
    return timer if timer.dest is not None and process.state(timer.dest).final else None


def office_today(request) -> date:
    """The request's office's local day now (callers that show many rows pass `today` instead)."""
    return datetime.now(ZoneInfo(request.office.timezone)).date()


def allowed_triggers(process: Process, request, actor, today: date | None = None) -> list[str]:
    """Triggers this actor may fire in the request's current state on `today` (the office's local
    day): exactly those fire() lets through its door (state, role, closing timer, row guards). Of
    the guards only the row guards run here (no queries): others may still refuse with reasons."""
    closed_by = closing_timer_passed(process, request, today or office_today(request))
    return [
        t.trigger
        for t in process.transitions_for(request.state, actor.role)
        if (closed_by is None or t is closed_by)
        and may_fire(actor, request, t)
        and all(g(request, None) is None for g in t.guards if getattr(g, "row_only", False))
    ]


def is_exit(process: Process, transition) -> bool:
    """The applicant's way out (withdraw, discard): available, but never "the next step"."""
    applicant_only = set(transition.roles) <= {"drafter", "public"}
    return applicant_only and transition.dest is not None and process.state(transition.dest).final
