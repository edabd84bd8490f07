"""Template filters and globals: dates in Indonesian and the office's time zone."""

from datetime import UTC, date, datetime

from flask import has_request_context, request
from flask_babel import get_locale, get_timezone

from .. import vocabulary
from ..access import can_read_event_comment
from ..engine.calendar import applicant_deadline, current_deadline, working_days_left
from ..engine.definition import UNIT_LABELS, DayUnit
from ..engine.machine import is_exit
from ..extensions import LANGUAGES
from ..i18n import _current, _format_day, app_globals, format_day, gettext
from ..links import web_link
from ..models.time import ZONES
from ..referrals import referred_to


def moment(value: datetime) -> str:
    """A stored (naive) UTC moment in the user's time zone as "27 Nov 2026 09.30 WITA": what
    flask_babel's format_datetime(value, "d MMM y HH.mm") gives, without building a babel pattern
    for every timeline entry (the day through the memoised format_day, the time by hand)."""
    locale, zone, label = _moment_context()
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
    return f"{_format_day(local.date(), 'd MMM y', locale)} {local:%H.%M}" + (f" {label}" if label else "")


def _moment_context() -> tuple:
    """(locale name, time zone, its label) of the current context, found once per request and
    locale (a timeline formats a dozen moments); a forced locale (mail) gets its own."""
    babel_locale = _current()[0]
    app_g = app_globals()
    cached = getattr(app_g, "_harmoni_moment", None)
    if cached is None or cached[0] is not babel_locale:
        zone = get_timezone()
        cached = (babel_locale, str(babel_locale or "id"), zone, ZONES.get(str(zone), ""))
        if app_g is not None:
            app_g._harmoni_moment = cached
    return cached[1:]


def register(app) -> None:
    @app.template_filter("tanggal")
    def tanggal(value):
        """A calendar day, e.g. "4 Desember 2026" (no time zone: stored as the office's day)."""
        if value is None:
            return "—"
        return format_day(value, "d MMMM y") if isinstance(value, date) else str(value)

    @app.template_filter("t")
    def translate_label(value):
        """A label from a definition (marked N_ in the source), in the user's language."""
        return gettext(value) if value else value

    @app.template_filter("bulan")
    def bulan(value: date):
        """A month, e.g. "November 2026"."""
        return format_day(value, "MMMM y")

    @app.template_filter("waktu")
    def waktu(value: datetime | None):
        """A stored UTC moment in the office's time zone, e.g. "27 Nov 2026 09.30 WITA"."""
        if value is None:
            return "—"
        return moment(value)

    @app.template_filter("satuan")
    def satuan(unit) -> str:
        """A limit's unit as its rule states it: "hari kerja", "hari" or "bulan"."""
        return gettext(UNIT_LABELS[DayUnit(unit)])

    @app.template_filter("satuan_sisa")
    def satuan_sisa(unit) -> str:
        """The unit of the days left on a clock: a clock in months counts down in calendar days."""
        return satuan(DayUnit.CALENDAR if unit == DayUnit.MONTH else unit)

    # a stored link shown only when it is a web address (links.py), as a link or as text
    app.add_template_filter(web_link, "web_link")
    app.add_template_global(applicant_deadline)
    app.add_template_global(vocabulary, "vocabulary")  # roles, conclusions, aspects, sides ... and their labels
    app.add_template_global(working_days_left, "days_left_on")
    app.add_template_global(current_deadline)
    app.add_template_global(is_exit)
    app.add_template_global(can_read_event_comment)  # an office note (minutes sent back) for staff only
    app.add_template_global(referred_to)  # e-mails name the OBH holding a legal-aid file

    @app.context_processor
    def globals_():
        # PDFs are rendered outside any HTTP request (after the commit, or from the CLI)
        path = request.full_path.rstrip("?") if has_request_context() else "/"
        return {"languages": LANGUAGES, "current_locale": str(get_locale()), "current_path": path}
