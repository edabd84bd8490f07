"""The charts' stylesheet (stats/charts.py): a file of its own, so that pages with charts carry no
inline CSS and the Content-Security-Policy can refuse it. It holds no data: no sign-in needed."""

from flask import Blueprint, Response

from ..stats import charts

bp = Blueprint("charts", __name__)


@bp.get("/grafik.css")
def stylesheet():
    response = Response(charts.stylesheet(), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600  # it changes only with a new release
    return response
