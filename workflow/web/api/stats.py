"""The dashboard's figures and the periodic harmonisation report, scoped like every other read
(staff: their office, an officer's overview their own files; a drafter: their organisation)."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ...operations.calendar import office_calendar
from ...stats import dashboard as figures
from ...stats.reports import cached_report, parse_period
from ..reports import report_response
from .auth import protect

blp = Blueprint("api-stats", __name__, url_prefix="/api/v1", description="Dashboard figures and reports")
protect(blp)


class OpenOut(Schema):
    total = fields.Integer()
    by_phase = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_process = fields.Dict(keys=fields.String(), values=fields.Integer())
    overdue = fields.Integer()
    due_soon = fields.Integer()
    waiting_on_applicant = fields.Integer()


class WorkloadOut(Schema):
    user_id = fields.Integer()
    name = fields.String()
    open = fields.Integer()
    overdue = fields.Integer()


class OrganisationFiguresOut(Schema):
    id = fields.Integer()
    name = fields.String()
    open = fields.Integer()
    concluded = fields.Integer(metadata={"description": "concluded this year (first conclusion)"})
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer())


class MonthOut(Schema):
    month = fields.String(metadata={"example": "2026-11"})
    received = fields.Integer()
    concluded = fields.Integer()
    median_working_days = fields.Float(allow_none=True)
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "percent"})


class OverviewOut(Schema):
    today = fields.String(metadata={"format": "date"})
    due_soon_until = fields.String(metadata={"format": "date"})
    open = fields.Nested(OpenOut)
    workload = fields.List(fields.Nested(WorkloadOut))
    organisations = fields.List(fields.Nested(OrganisationFiguresOut))
    trend = fields.List(fields.Nested(MonthOut))
    median_working_days = fields.Float(allow_none=True)
    on_time_rate = fields.Float(allow_none=True)


class ReportQuery(Schema):
    period = fields.String(required=True, metadata={"description": "YYYY-MM, YYYY-Qn or YYYY", "example": "2026-Q4"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx", "csv")))


class ReportRowOut(Schema):
    key = fields.String()
    label = fields.String()
    received = fields.Integer()
    returned_for_completion = fields.Integer()
    completion_rounds = fields.Integer()
    concluded = fields.Integer()
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer())
    withdrawn = fields.Integer()
    median_working_days = fields.Float(allow_none=True)
    p90_working_days = fields.Integer(allow_none=True)
    on_time_rate = fields.Float(allow_none=True)


class PeriodOut(Schema):
    key = fields.String()
    start = fields.String()
    end = fields.String()
    label = fields.String()


class ReportOut(Schema):
    period = fields.Nested(PeriodOut)
    office = fields.String()
    harmonisation = fields.Nested(ReportRowOut)
    organisations = fields.List(fields.Nested(ReportRowOut))
    types = fields.List(fields.Nested(ReportRowOut))
    services = fields.List(fields.Nested(ReportRowOut))


@blp.route("/stats/overview")
class StatsOverview(MethodView):
    @blp.response(200, OverviewOut)
    def get(self):
        """What the dashboard shows: open files by phase and process, overdue, due within 2
        working days, waiting on the applicant, workload, per organisation, 12 months' trend."""
        return figures.cached_overview(g.user, figures.office_today(g.user), office_calendar(g.user.office_id))[
            0
        ].as_dict()


@blp.route("/reports/harmonisation")
class HarmonisationReport(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, ReportOut)
    @blp.doc(
        responses={
            "200": {
                "description": "The report (format=json), or the same report as a file (format=xlsx or csv)",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ReportOut"}},
                    "text/csv; charset=utf-8": {"schema": {"type": "string"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                },
            }
        }
    )
    def get(self, args):
        """The harmonisation recap of a month, quarter or year: per organisation, per type, per
        legal service. 422 with an Indonesian message for a period that is not YYYY-MM, YYYY-Qn or YYYY."""
        report = cached_report(g.user, parse_period(args["period"]))[0]
        if args["format"] != "json":
            return report_response(report, args["format"], g.user.office)
        return report.as_dict()
