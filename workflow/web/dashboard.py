"""The dashboard (dasbor): the office at a glance for heads and admins, an officer's own part, a
drafter's organisation. Every figure comes from workflow/stats in a fixed number of queries."""

from datetime import date

from flask import Blueprint, render_template
from flask_babel import format_date
from flask_login import current_user, login_required

from ..engine.definition import Phase
from ..i18n import gettext as _
from ..operations.calendar import office_calendar
from ..operations.letter_approval import letters_awaiting_approval
from ..operations.minutes import awaiting_approval, is_approver
from ..processes import PROCESSES
from ..stats import charts
from ..stats import dashboard as figures
from ..stats.reports import OUTCOME_LABELS

bp = Blueprint("dashboard", __name__, url_prefix="/dasbor")


@bp.before_request
@login_required
def require_login():
    pass


def queue_filters(**filters) -> dict:
    """The work queue's parameters for a figure; an officer's figures are their own files."""
    if current_user.role == "officer":
        filters["mine"] = "y"
    return filters


@bp.get("/")
def index():
    o, computed_at = figures.cached_overview(
        current_user, figures.office_today(current_user), office_calendar(current_user.office_id)
    )
    # "Des 25", not "2025-12": twelve ISO months side by side ran into one another under the bars
    months = [format_date(date.fromisoformat(t["month"] + "-01"), "MMM yy") for t in o.trend]
    trend_chart = charts.bars(
        _("Permohonan diterima dan selesai per bulan"),
        months,
        {_("Diterima"): [t["received"] for t in o.trend], _("Selesai"): [t["concluded"] for t in o.trend]},
    )
    time_chart = charts.line(
        _("Median hari kerja (lengkap sampai kesimpulan) dan ketepatan waktu (%)"),
        months,
        {
            _("Median hari kerja"): [t["median_working_days"] for t in o.trend],
            _("Persentase tepat waktu"): [t["on_time_rate"] for t in o.trend],
        },
        secondary=(_("Persentase tepat waktu"),),
    )
    phase_chart = charts.bars(
        _("Berkas terbuka per tahap"),
        [_(p.label) for p in Phase],
        {_("Berkas terbuka"): [o.by_phase[p.value] for p in Phase]},
        horizontal=True,
        height=220,
        show_legend=False,
    )
    # live, not from the cached figures: an approval just given must leave the list at once
    approver = is_approver(current_user)
    approvals = awaiting_approval(current_user.office_id) if approver else None
    return render_template(
        "dashboard/index.html",
        approvals=approvals,
        letter_approvals=letters_awaiting_approval(current_user.office_id) if approver else (0, []),
        o=o,
        phases=[(p, _(p.label)) for p in Phase],
        processes=PROCESSES,
        outcome_labels=OUTCOME_LABELS,
        queue_filters=queue_filters,
        trend_chart=trend_chart,
        time_chart=time_chart,
        phase_chart=phase_chart,
        scope=current_user.role,
        computed_at=computed_at,
    )
