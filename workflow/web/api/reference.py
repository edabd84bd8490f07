"""Processes and the working-day calendar."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from ...operations.calendar import office_calendar
from ...processes import PROCESSES
from .auth import protect
from .schemas import DueOut, DueQuery, HolidayOut, HolidaysQuery, ProcessOut
from .serialize import process_json

blp = Blueprint("api-reference", __name__, url_prefix="/api/v1", description="Processes and calendar")
protect(blp)


@blp.route("/processes")
class Processes(MethodView):
    @blp.response(200, ProcessOut(many=True))
    def get(self):
        """Every process: states with their phase, transitions, document kinds, time limit, and
        whether the caller's office runs it (`enabled`)."""
        return [process_json(p, g.user.office) for p in PROCESSES.values()]


@blp.route("/calendar/due")
class CalendarDue(MethodView):
    @blp.arguments(DueQuery, location="query")
    @blp.response(200, DueOut)
    def get(self, args):
        """The due date of `days` working days counted from the working day after `start`
        (the caller's office calendar: national holidays, cuti bersama and overrides)."""
        calendar = office_calendar(g.user.office_id)
        return {"due_date": calendar.add_working_days(args["start"], args["days"])}


@blp.route("/calendar/holidays")
class CalendarHolidays(MethodView):
    @blp.arguments(HolidaysQuery, location="query")
    @blp.response(200, HolidayOut(many=True))
    def get(self, args):
        """Non-working days of `year` other than weekends, with their names, overrides included."""
        calendar = office_calendar(g.user.office_id)
        return [{"date": day, "name": name} for day, name in calendar.non_working_days(args["year"])]
