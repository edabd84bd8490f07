"""Public pages. Until the staff and applicant pages exist, the front page points to the API."""

from flask import Blueprint, render_template

from ..processes import PROCESSES

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("index.html", processes=PROCESSES.values())
