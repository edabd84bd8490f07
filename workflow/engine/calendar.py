"""Working days and the SLA clock.

A working day is Monday to Friday, not an Indonesian national holiday nor a cuti bersama day
(the `holidays` package, categories public + government), unless an office override says
otherwise. The clock rule (SE M.HH-01.PP.04.02 Tahun 2022; Permenkum 40/2025): N working days counted from the working day after the
start; paused while the file is back with the applicant; resumed, with the days that were left,
counted from the working day after resubmission; extended by a head with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[date, str]:
    # Built once per year and process: constructing the calendar is the slow part.
    found = holidays.country_holidays("ID", years=year, categories=("public", "government"), language="id")
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Override:
    working: bool
    reason: str


def _weekdays_to(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including `day`."""
    weeks, rest = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(rest + 1, 5)


@dataclass(frozen=True)
class WorkingCalendar:
    overrides: Mapping[date, Override] = field(default_factory=dict)

    def holiday_name(self, day: date) -> str | None:
        return national_holidays(day.year).get(day)

    def closure_name(self, day: date) -> str | None:
        """The name of the holiday (or the reason of an office's closure) that makes `day` a day
        off, overrides first; None on a working day or a plain weekend."""
        override = self.overrides.get(day)
        if override is not None:
            return None if override.working else override.reason
        return self.holiday_name(day)

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day].working
        return day.weekday() < 5 and self.holiday_name(day) is None

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself never counts); `start` if 0."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (0 when end <= start).

        Counted, not walked: weekdays by whole weeks, then the holidays and overrides that fall in
        the range (a work queue asks this for every row, and overdue files are months away)."""
        if end <= start:
            return 0
        weeks, rest = divmod((end - start).days, 7)
        count = weeks * 5 + sum((start + timedelta(days=weeks * 7 + i)).weekday() < 5 for i in range(1, rest + 1))
        for year in range(start.year, end.year + 1):
            count -= sum(1 for day in national_holidays(year) if start < day <= end and day.weekday() < 5)
        for day, override in self.overrides.items():
            if start < day <= end:
                usual = day.weekday() < 5 and self.holiday_name(day) is None
                count += override.working - usual
        return count

    def working_day_numbers(self, days) -> dict[date, int]:
        """Each of `days` numbered by the working days from the earliest of them: the difference
        of two numbers is working_days_between() of their days (in either order, with its sign).

        For a list page: every row's deadline and age come from one pass over the weekdays (a
        closed form), the holidays and the overrides of the span, not from a count per row."""
        ordered = sorted(set(days))
        if not ordered:
            return {}
        first, last = ordered[0], ordered[-1]
        # the days in (first, last] that differ from Monday-Friday: -1 a closed weekday, +1 an open weekend day
        candidates = {d for year in range(first.year, last.year + 1) for d in national_holidays(year)}
        candidates.update(self.overrides)
        changes = sorted((d, self.is_working_day(d) - (d.weekday() < 5)) for d in candidates if first < d <= last)
        numbers, changed, i, base = {}, 0, 0, _weekdays_to(first)
        for day in ordered:
            while i < len(changes) and changes[i][0] <= day:
                changed += changes[i][1]
                i += 1
            numbers[day] = _weekdays_to(day) - base + changed
        return numbers

    def add_days(self, start: date, days: int, unit: str = "working") -> date:
        """`days` working days (see add_working_days), calendar days ("hari") or months ("bulan":
        the same day of the month, or the month's last day) after `start`."""
        if unit == "month":
            return start + relativedelta(months=days)
        return self.add_working_days(start, days) if unit == "working" else start + timedelta(days=days)

    def days_between(self, start: date, end: date, unit: str = "working") -> int:
        """Days d with start < d <= end, working or calendar (0 when end <= start); a clock
        counted in months shows the calendar days left."""
        if unit == "working":
            return self.working_days_between(start, end)
        return max((end - start).days, 0)

    def non_working_days(self, year: int) -> list[tuple[date, str]]:
        """Holidays and cuti bersama of `year` with their names, overrides applied (weekends left out)."""
        days = dict(national_holidays(year))
        for day, override in self.overrides.items():
            if day.year != year:
                continue
            if override.working:
                days.pop(day, None)
            else:
                days[day] = override.reason
        return sorted(days.items())


@dataclass(frozen=True)
class ClockShift:
    """What a clock effect did, recorded in the event so every date shift is explainable."""

    due_before: date | None
    due_after: date | None
    remaining: int | None = None

    def as_data(self) -> dict:
        return {
            "due_date_before": self.due_before.isoformat() if self.due_before else None,
            "due_date_after": self.due_after.isoformat() if self.due_after else None,
            **({"remaining_working_days": self.remaining} if self.remaining is not None else {}),
        }


def start_clock(
    req, cal: WorkingCalendar, today: date, days: int, unit: str = "working", stage: str | None = None
) -> ClockShift:
    """Start the clock afresh for `stage` (None: the process's own clock)."""
    before = req.due_date
    req.time_limit_days, req.clock_unit, req.clock_stage = days, unit, stage
    req.clock_started_on = today
    req.clock_paused_on = req.clock_remaining_days = req.clock_stopped_on = None
    req.due_date = cal.add_days(today, days, unit)
    return ClockShift(before, req.due_date)


def pause_clock(req, cal: WorkingCalendar, today: date) -> ClockShift | None:
    if req.clock_started_on is None or req.clock_paused_on is not None or req.clock_stopped_on:
        return None  # not running: nothing to pause (e.g. returned during the administrative check)
    # The day of return counts as used; an overdue file keeps no balance (and its due date).
    req.clock_remaining_days = cal.days_between(today, req.due_date, req.clock_unit)
    req.clock_paused_on = today
    return ClockShift(req.due_date, req.due_date, req.clock_remaining_days)


def resume_clock(req, cal: WorkingCalendar, today: date) -> ClockShift | None:
    if req.clock_paused_on is None:
        return None
    before = req.due_date
    if req.clock_remaining_days > 0:
        req.due_date = cal.add_days(today, req.clock_remaining_days, req.clock_unit)
    # else: the file went back already at or past its due date; it stays as late as it was
    req.clock_paused_on = req.clock_remaining_days = None
    return ClockShift(before, req.due_date)


def extend_clock(req, cal: WorkingCalendar, days: int) -> ClockShift:
    before = req.due_date
    req.time_limit_days = (req.time_limit_days or 0) + days
    if req.clock_paused_on is not None:
        req.clock_remaining_days += days
    else:
        req.due_date = cal.add_days(req.due_date, days, req.clock_unit)
    return ClockShift(before, req.due_date, req.clock_remaining_days)


def stop_clock(req, today: date) -> ClockShift | None:
    if req.clock_started_on is None or req.clock_stopped_on is not None:
        return None
    req.clock_stopped_on = today
    req.clock_paused_on = req.clock_remaining_days = None  # stopped is not paused
    return ClockShift(req.due_date, req.due_date)


def applicant_deadline(req, process) -> date | None:
    """The date that matters to the applicant: while the file is back with them, their own last
    day (a pending timer, e.g. before a complaint is deemed withdrawn); otherwise the office's due
    date while its clock runs. A paused or stopped office clock means nothing to them."""
    if req.applicant_due_on is not None and req.state in process.applicant_deadline_states:
        return req.applicant_due_on
    if req.timer_trigger and req.state in process.applicant_upload_states:
        return req.timer_due_on
    if req.due_date and not req.clock_paused_on and not req.clock_stopped_on:
        return req.due_date
    return None


def current_deadline(req, process) -> tuple[date | None, str | None]:
    """The deadline that counts now and whose it is: ("applicant") the applicant's own deadline
    in the states where it runs (a correction), else ("office") the office's due date."""
    if req.applicant_due_on is not None and req.state in process.applicant_deadline_states:
        return req.applicant_due_on, "applicant"
    if req.due_date is not None:
        return req.due_date, "office"
    return None, None


def deadline_name(req, process) -> str | None:
    """Which deadline current_deadline() is, for the API: "applicant" (e.g. the correction), the
    stage the office's clock runs for (e.g. "administrative_check"), or "office" (its own clock)."""
    _deadline, kind = current_deadline(req, process)
    return req.clock_stage if kind == "office" and req.clock_stage else kind


def working_days_left(req, cal: WorkingCalendar, today: date) -> int | None:
    """Working days until the due date (negative when overdue); None without a running clock."""
    if req.due_date is None or req.clock_stopped_on is not None:
        return None
    if req.clock_paused_on is not None:
        return req.clock_remaining_days
    if today <= req.due_date:
        return cal.days_between(today, req.due_date, req.clock_unit)
    return -cal.days_between(req.due_date, today, req.clock_unit)
