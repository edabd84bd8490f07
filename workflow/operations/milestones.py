"""The milestones the dashboard and the reports count: recorded once, as a request passes them.

Reports group requests by the day they reached the office, by the day and kind of their
conclusion, and take medians of the office's time. Recomputing those from the audit trail for every
report would read every event of every request; they are written here instead, in the same
transaction as the event that passes the milestone (called by fire() and create_request()), so that
every figure is a GROUP BY over indexed columns of `requests`.
"""

from __future__ import annotations

from datetime import date

from ..engine.calendar import WorkingCalendar
from ..engine.definition import Phase, Process


def office_days(req, cal: WorkingCalendar) -> int | None:
    """The office's own time from "declared complete" to the stop of the clock, in the clock's
    unit (working days for harmonisation).

    Derived from the clock, not walked through the events: the clock's due date moves on by
    exactly the days the file spent with the applicant (a pause keeps the days that were left and
    a resubmission counts them again from the next working day) and by every extension, so the
    days used are the limit minus the days still left at the stop (negative left when late). A
    file returned when already overdue keeps no balance, so its time with the applicant counts as
    the office's (the clock rule in engine/calendar.py).
    """
    if req.clock_started_on is None or req.clock_stopped_on is None or req.due_date is None:
        return None
    if req.clock_stage is not None:  # stopped in a stage before "declared complete" (a withdrawal)
        return None
    stop, due = req.clock_stopped_on, req.due_date
    left = cal.days_between(stop, due, req.clock_unit) if stop <= due else -cal.days_between(due, stop, req.clock_unit)
    return max((req.time_limit_days or 0) - left, 0)


def record_milestones(req, process: Process, from_state: str | None, today: date, cal: WorkingCalendar) -> None:
    """Called after a state change (or a creation, with from_state None), before the flush."""
    private = set(process.private_states)
    if req.received_on is None and req.state not in private and (from_state is None or from_state in private):
        req.received_on = today
    if req.concluded_on is None and process.state(req.state).phase == Phase.CONCLUSION:
        req.concluded_on = today
        req.outcome = req.state
        req.office_days = office_days(req, cal)
