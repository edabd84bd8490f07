"""Help: the process maps, drawn from the definitions the engine runs."""

from flask import Blueprint, Response, abort, render_template

from ..processes import PROCESSES
from .processmap import process_svg

bp = Blueprint("help", __name__, url_prefix="/bantuan")


@bp.get("/")
def index():
    return render_template("help/index.html", processes=PROCESSES.values(), process_svg=process_svg)


@bp.get("/proses/<name>.svg")
def process_map(name):
    if name not in PROCESSES:
        abort(404)
    return Response(str(process_svg(PROCESSES[name])), mimetype="image/svg+xml")
