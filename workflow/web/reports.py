"""Periodic reports (laporan): the harmonisation recap of a month, a quarter or a year, as a page
and as XLSX, CSV and PDF (letterhead and charts, ready to sign and send)."""

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from ..documents.pdf import renderer
from ..i18n import gettext as _
from ..models.time import local_date, utcnow
from ..stats import charts, export
from ..stats.reports import OUTCOME_LABELS, harmonisation_report, parse_period

bp = Blueprint("reports", __name__, url_prefix="/laporan")
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


@bp.before_request
@login_required
def require_login():
    pass


def default_period() -> str:
    today = local_date(utcnow(), current_user.office.timezone)
    return str(today.year)


def letterhead(office) -> list[str]:
    return list(office.setting("letterhead") or [office.name.upper()])


def report_charts(report):
    types = report.table("types")
    labels = [str(r.label) for r in types.rows]
    by_type = charts.bars(
        _("Harmonisasi per jenis rancangan"),
        labels,
        {
            _("Diterima"): [r.received for r in types.rows],
            _("Selesai"): [r.concluded for r in types.rows],
            _("Ditarik"): [r.withdrawn for r in types.rows],
        },
        horizontal=True,
        height=320,
    )
    outcomes = charts.bars(
        _("Hasil pengharmonisasian"),
        [str(label) for label in OUTCOME_LABELS.values()] + [_("Ditarik")],
        {_("Jumlah"): [report.overall.outcomes.get(k, 0) for k in OUTCOME_LABELS] + [report.overall.withdrawn]},
        show_legend=False,
        height=260,
    )
    return by_type, outcomes


def download_name(report, fmt: str) -> str:
    return f"laporan-harmonisasi-{report.period.key}.{fmt}"


def report_response(report, fmt: str, office) -> Response:
    """The report as a file (xlsx, csv, pdf): shared by the page's links and the API."""
    sheets = export.report_sheets(report)
    if fmt == "xlsx":
        body = export.xlsx(sheets, letterhead(office), export.subtitle(report))
    elif fmt == "csv":
        body = "\ufeff" + export.csv_text(sheets, export.subtitle(report))  # the BOM: Excel reads UTF-8
    elif fmt == "pdf":
        by_type, outcomes = report_charts(report)
        html = render_template(
            "pdf/report.html",
            report=report,
            sheets=sheets,
            letterhead=letterhead(office),
            subtitle=export.subtitle(report),
            by_type=by_type,
            outcomes=outcomes,
            city=office.setting("city"),
            today=local_date(utcnow(), office.timezone),
        )
        body = renderer().render_html(html, identifier=f"report:{office.id}:{report.period.key}")
    else:
        abort(404)
    return Response(
        body,
        content_type=MIMETYPES[fmt],  # as given: mimetype= would add a second charset
        headers={"Content-Disposition": f'attachment; filename="{download_name(report, fmt)}"'},
    )


@bp.get("/")
def index():
    period = parse_period(request.args.get("period") or default_period())
    report = harmonisation_report(current_user, period)
    by_type, outcomes = report_charts(report)
    this_year = date.today().year
    return render_template(
        "reports/index.html",
        report=report,
        sheets=export.report_sheets(report),
        by_type=by_type,
        outcomes=outcomes,
        years=range(this_year, this_year - 5, -1),
    )


@bp.get("/harmonisasi.<fmt>")
def download(fmt):
    if fmt not in MIMETYPES:
        abort(404)
    period = parse_period(request.args.get("period") or default_period())
    return report_response(harmonisation_report(current_user, period), fmt, current_user.office)
