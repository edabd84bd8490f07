"""The working calendar of one office: national holidays plus its overrides."""

from sqlalchemy import select

from ..engine.calendar import Override, WorkingCalendar
from ..extensions import db
from ..models import HolidayOverride


def office_calendar(office_id: int) -> WorkingCalendar:
    # The override table is small (a few rows a year), so load it whole.
    rows = db.session.scalars(select(HolidayOverride).where(HolidayOverride.office_id == office_id))
    return WorkingCalendar({r.day: Override(r.working, r.reason) for r in rows})
