"""Help: the process maps, drawn from the definitions the engine runs."""

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from ..catalogue import is_enabled
from ..processes import PROCESSES
from .processmap import process_svg
from .services import serving_office

bp = Blueprint("help", __name__, url_prefix="/bantuan")


@bp.get("/")
def index():
    # the services this office runs (a signed-in user's office, else the public one)
    office = current_user.office if current_user.is_authenticated else serving_office()
    processes = [p for p in PROCESSES.values() if office is None or is_enabled(office, p)]
    return render_template("help/index.html", processes=processes, process_svg=process_svg)


@bp.get("/proses/<name>.svg")
def process_map(name):
    if name not in PROCESSES:
        abort(404)
    return Response(str(process_svg(PROCESSES[name])), mimetype="image/svg+xml")
