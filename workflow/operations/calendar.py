"""The working calendar of one office: national holidays plus its overrides.

Each process keeps the last calendar it built per office, keyed by the office's `calendar_version`
(a token the database changes with every change of the office's overrides; see models/organisation.py).
The office row is read with the signed-in user or the request anyway, so asking for the calendar
costs no statement while the overrides stay as they are, and a changed override is never missed:
the next reader sees a new token and reads the table again. Within a transaction that itself wrote
overrides, the token in memory is the old one: such a session reads the table every time."""

from types import MappingProxyType

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..documents.words import day_name, long_date
from ..engine.calendar import Override, WorkingCalendar
from ..extensions import db
from ..models import HolidayOverride, Office

_BUILT: dict[int, tuple[str, WorkingCalendar]] = {}  # office id -> (calendar_version, calendar)
_WROTE_OVERRIDES = "harmoni.wrote_holiday_overrides"


def office_calendar(office_id: int) -> WorkingCalendar:
    session = db.session()
    office = session.get(Office, office_id)  # from the identity map when loaded with the user
    version = office.calendar_version if office is not None else None
    fresh = not session.info.get(_WROTE_OVERRIDES)
    built = _BUILT.get(office_id)
    if fresh and built is not None and built[0] == version:
        return built[1]
    # The override table is small (a few rows a year), so load it whole.
    rows = session.scalars(select(HolidayOverride).where(HolidayOverride.office_id == office_id))
    calendar = WorkingCalendar(MappingProxyType({r.day: Override(r.working, r.reason) for r in rows}))
    if fresh and version is not None:
        # read after the token: the content is at least as new as the token says (never older)
        _BUILT[office_id] = (version, calendar)
    return calendar


def day_off_question(calendar: WorkingCalendar, day) -> str | None:
    """None on a working day of the office; else the question the scheduler must confirm, naming
    the day and the holiday (national holidays, cuti bersama and the office's own closures,
    overrides included). The one rule for a meeting's date, whichever path schedules it."""
    if calendar.is_working_day(day):
        return None
    name = calendar.closure_name(day)
    if name:
        return f"Tanggal {long_date(day)} adalah hari libur: {name}. Tetap jadwalkan?"
    return f"Tanggal {long_date(day)} adalah hari {day_name(day)}, bukan hari kerja. Tetap jadwalkan?"


@event.listens_for(Session, "after_flush")
def _note_override_writes(session, flush_context):
    if any(isinstance(o, HolidayOverride) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_WROTE_OVERRIDES] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_override_writes(state):
    if not state.is_select and state.bind_mapper is not None and state.bind_mapper.class_ is HolidayOverride:
        state.session.info[_WROTE_OVERRIDES] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_override_writes(session):
    session.info.pop(_WROTE_OVERRIDES, None)
