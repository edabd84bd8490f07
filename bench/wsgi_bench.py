"""The app as gunicorn serves it for the HTTP benchmark (bench only; the app itself is unchanged).

    gunicorn --pythonpath bench wsgi_bench:app     (environment: BENCH_DATABASE_URL, BENCH_DOCUMENT_STORE)

Four additions, none of them in Harmoni:
- GET /_bench/static: a constant page served by the same app and workers (routing, the
  extensions' before/after-request hooks, the session cookie), without a query or a template:
  the floor the pages are compared with;
- GET /_bench/stack-floor: the stack's floor for a 50-row list (no target; it splits a list
  page's cost): the signed-in user loaded by Flask-Login, the office's 50 newest requests (and
  their organisations) through the ORM, and a bare Jinja table of five plain cells a row;
- every response carries X-Bench-Queries, the number of SQL statements the request executed
  (BEGIN and PRAGMA not counted), so the benchmark can check the count per page is constant;
- the work queue shows BENCH_PER_PAGE rows (default 50, as the benchmark's brief asks; Harmoni's
  page shows 25): `workflow.web.cases.PER_PAGE` is read on every request.
Rate limits are set high (the limiter still counts), and the secret key is fixed so that every
worker accepts the session cookie the benchmark signed in with.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from flask import Response, g, has_app_context  # noqa: E402
from flask_login import current_user, login_required  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.orm import joinedload  # noqa: E402

import workflow.web.cases as cases  # noqa: E402
from workflow.extensions import db  # noqa: E402
from workflow.models import Request  # noqa: E402

cases.PER_PAGE = int(os.environ.get("BENCH_PER_PAGE", "50"))
app = common.make_app(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_DOCUMENT_STORE"])
STATIC_BODY = (
    b"<!doctype html><html lang=id><head><meta charset=utf-8><title>Harmoni</title></head>"
    b"<body><p>static</p></body></html>"
)


@app.get("/_bench/static")
def bench_static():
    return Response(STATIC_BODY, mimetype="text/html")


STACK_FLOOR = app.jinja_env.from_string(
    "<!doctype html><html lang=id><head><meta charset=utf-8><title>Harmoni</title></head><body><table>"
    '{% for r in rows %}<tr><td><a href="/permohonan/{{ r.id }}">{{ r.number }}</a></td><td>{{ r.title }}</td>'
    "<td>{{ r.organisation.name if r.organisation }}</td><td>{{ r.state }}</td><td>{{ r.due_date or '' }}</td></tr>"
    "{% endfor %}</table></body></html>"
)


@app.get("/_bench/stack-floor")
@login_required
def bench_stack_floor():
    rows = db.session.scalars(
        select(Request)
        .where(Request.office_id == current_user.office_id)
        .options(joinedload(Request.organisation))
        .order_by(Request.id.desc())
        .limit(50)
    ).all()
    return STACK_FLOOR.render(rows=rows)


def _count(conn, cursor, statement, parameters, context, executemany):
    if has_app_context() and not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
        g._bench_queries = g.get("_bench_queries", 0) + 1


with app.app_context():
    event.listen(db.engine, "before_cursor_execute", _count)


@app.after_request
def _queries_header(response):
    response.headers["X-Bench-Queries"] = str(g.get("_bench_queries", 0))
    return response
