"""Help: the process maps, drawn from the definitions the engine runs, with the limits this
office and this deployment actually apply (the catalogue's days, the configured upload limits)."""

from flask import Blueprint, Response, abort, current_app, render_template
from flask_babel import format_decimal
from flask_login import current_user

from ..catalogue import clock_days, is_enabled, stated_limits
from ..operations.requests import upload_limits
from ..processes import PROCESSES
from .processmap import process_svg
from .services import serving_office

bp = Blueprint("help", __name__, url_prefix="/bantuan")


@bp.get("/")
def index():
    # the services this office runs (a signed-in user's office, else the public one)
    office = current_user.office if current_user.is_authenticated else serving_office()
    processes = [p for p in PROCESSES.values() if office is None or is_enabled(office, p)]
    quotas = upload_limits()
    return render_template(
        "help/index.html",
        processes=processes,
        process_svg=process_svg,
        clock_days=lambda p: clock_days(office, p) if office else p.time_limit.days,
        stated_limits=lambda p: stated_limits(office, p),
        # numbers in the page's language: "0,2 MB", "1.000.000 berkas"
        max_upload_mb=format_decimal(_megabytes(current_app.config["MAX_UPLOAD_BYTES"])),
        per_request=format_decimal(quotas.per_request),
        per_hour=format_decimal(quotas.per_hour),
    )


def _megabytes(size: int) -> float | int:
    mb = round(size / (1024 * 1024), 1)
    return int(mb) if mb.is_integer() else mb


@bp.get("/proses/<name>.svg")
def process_map(name):
    if name not in PROCESSES:
        abort(404)
    return Response(str(process_svg(PROCESSES[name])), mimetype="image/svg+xml")
