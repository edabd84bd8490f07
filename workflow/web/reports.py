"""Periodic reports (laporan): the harmonisation recap of a month, a quarter or a year, as a page
and as XLSX, CSV and PDF (letterhead and charts, ready to sign and send)."""

from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..access import visible_requests
from ..documents.pdf import renderer
from ..extensions import db
from ..i18n import gettext as _
from ..models import IssuedDocument, Request
from ..models.time import local_date, utcnow
from ..stats import charts, export
from ..stats.reports import OUTCOME_LABELS, cached_report, parse_period

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
            by_type=charts.with_stylesheet(by_type),  # no CSP in a PDF: the charts carry their CSS
            outcomes=charts.with_stylesheet(outcomes),
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
    report, computed_at = cached_report(current_user, period)
    by_type, outcomes = report_charts(report)
    this_year = date.today().year
    return render_template(
        "reports/index.html",
        report=report,
        sheets=export.report_sheets(report),
        by_type=by_type,
        outcomes=outcomes,
        years=range(this_year, this_year - 5, -1),
        computed_at=computed_at,
    )


@bp.get("/harmonisasi.<fmt>")
def download(fmt):
    if fmt not in MIMETYPES:
        abort(404)
    period = parse_period(request.args.get("period") or default_period())
    return report_response(cached_report(current_user, period)[0], fmt, current_user.office)


# --- the register of issued documents --------------------------------------------------------

REGISTER_PER_PAGE = 50
REGISTER_EXPORT_LIMIT = 10_000
ISSUED_LABELS = {"berita_acara": _l("Berita acara"), "result_letter": _l("Surat hasil")}


def register_query():
    """The issued documents the user may see (those of visible requests), filtered by the query
    string: kind, period (YYYY-MM, YYYY-Qn or YYYY, by the day of issue) and q (a number)."""
    kind = request.args.get("kind") or None
    text = (request.args.get("q") or "").strip()[:120]
    period = parse_period(request.args["period"]) if request.args.get("period") else None
    stmt = (
        select(IssuedDocument)
        .join(Request, Request.id == IssuedDocument.request_id)
        .where(visible_requests(current_user), IssuedDocument.status == "issued")  # not letters awaiting approval
        .options(joinedload(IssuedDocument.request).joinedload(Request.organisation))
    )
    if kind:
        stmt = stmt.where(IssuedDocument.kind == kind)
    if text:
        pattern = f"%{text.lower()}%"
        stmt = stmt.where(
            or_(func.lower(IssuedDocument.number).like(pattern), func.lower(Request.number).like(pattern))
        )
    if period:
        # issued_at is UTC; a day's documents in WITA begin 8 hours earlier: a margin of a day,
        # then the local day decides in Python for the rows shown (few per page)
        stmt = stmt.where(
            IssuedDocument.issued_at >= datetime.combine(period.start - timedelta(days=1), datetime.min.time()),
            IssuedDocument.issued_at < datetime.combine(period.end + timedelta(days=2), datetime.min.time()),
        )
    filters = {k: v for k, v in (("kind", kind), ("q", text), ("period", period.key if period else None)) if v}
    return stmt.order_by(IssuedDocument.id.desc()), filters, period


def register_rows(docs, period):
    zone = current_user.office.timezone
    rows = []
    for d in docs:
        day = local_date(d.issued_at, zone)
        if period and not period.start <= day <= period.end:
            continue
        rows.append(
            [
                d.number,
                str(ISSUED_LABELS.get(d.kind, d.kind)),
                d.request.number,
                d.request.title,
                d.request.organisation.name if d.request.organisation else _("Pemohon perorangan"),
                day,
                d.code,
                _("Diganti") if d.superseded_by_id else _("Berlaku"),
            ]
        )
    return rows


def register_headers():
    return [
        _("Nomor dokumen"),
        _("Jenis"),
        _("Nomor permohonan"),
        _("Judul"),
        _("Pemrakarsa"),
        _("Tanggal terbit"),
        _("Kode verifikasi"),
        _("Status"),
    ]


@bp.get("/dokumen")
def register():
    stmt, filters, period = register_query()
    page_no = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    docs = db.session.scalars(stmt.limit(REGISTER_PER_PAGE + 1).offset((page_no - 1) * REGISTER_PER_PAGE)).all()
    return render_template(
        "reports/register.html",
        docs=docs[:REGISTER_PER_PAGE],
        rows=register_rows(docs[:REGISTER_PER_PAGE], period),
        headers=register_headers(),
        filters=filters,
        kinds=ISSUED_LABELS,
        page_no=page_no,
        has_next=len(docs) > REGISTER_PER_PAGE,
    )


@bp.get("/dokumen.<fmt>")
def register_export(fmt):
    """What the register's filter shows, every row (up to REGISTER_EXPORT_LIMIT), as XLSX or CSV."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    stmt, _filters, period = register_query()
    rows = register_rows(db.session.scalars(stmt.limit(REGISTER_EXPORT_LIMIT)).all(), period)
    sheet = export.Sheet(_("Register dokumen resmi"), register_headers(), rows, {5: "dd/mm/yyyy"})
    subtitle = _("Periode: %(label)s", label=period.label) if period else _("Semua periode")
    if fmt == "xlsx":
        body = export.xlsx([sheet], letterhead(current_user.office), subtitle)
    else:
        body = "\ufeff" + export.csv_text([sheet], subtitle)
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="register-dokumen-resmi.{fmt}"'},
    )
