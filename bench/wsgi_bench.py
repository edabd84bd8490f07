"""The app as gunicorn serves it for the HTTP benchmark (bench only; the app itself is unchanged).

    gunicorn --pythonpath bench wsgi_bench:app     (environment: BENCH_DATABASE_URL, BENCH_DOCUMENT_STORE)

Five additions, none of them in Harmoni:
- GET /_bench/static: a constant page served by the same app and workers (routing, the
  extensions' before/after-request hooks, the session cookie), without a query or a template:
  the floor the pages are compared with;
- GET /_bench/stack-floor: the stack's floor for a 50-row list (no target; it splits a list
  page's cost): the signed-in user loaded by Flask-Login, the office's 50 newest requests (and
  their organisations) through the ORM, and a bare Jinja table of five plain cells a row;
- GET /_bench/request-floor/<id>: the stack's floor for the request page (the target of the request
  page): the signed-in user, the request (with its organisation), its documents (with their
  uploaders) and its events (with their actors) through the ORM into a plain Jinja page;
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
from sqlalchemy.orm import joinedload, selectinload  # noqa: E402

import workflow.web.cases as cases  # noqa: E402
from workflow.extensions import db  # noqa: E402
from workflow.models import Document, Event, Request  # noqa: E402

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


REQUEST_FLOOR = app.jinja_env.from_string(
    "<!doctype html><html lang=id><head><meta charset=utf-8><title>{{ r.number }}</title></head><body>"
    "<h1>{{ r.number }} {{ r.title }}</h1><p>{{ r.organisation.name if r.organisation }} {{ r.state }} "
    "{{ r.due_date or '' }} v{{ r.version }}</p><table>"
    "{% for d in documents %}<tr><td>{{ d.kind }}</td><td>{{ d.filename }}</td><td>{{ d.version }}</td>"
    "<td>{{ d.uploaded_by.name if d.uploaded_by }}</td><td>{{ d.created_at }}</td></tr>{% endfor %}</table><ol>"
    "{% for e in events %}<li>{{ e.created_at }} {{ e.actor.name if e.actor }} {{ e.trigger }} {{ e.from_state }}"
    " {{ e.to_state }} {{ e.comment or '' }}</li>{% endfor %}</ol></body></html>"
)


@app.get("/_bench/request-floor/<int:request_id>")
@login_required
def bench_request_floor(request_id):
    req = db.session.scalar(
        select(Request)
        .where(Request.id == request_id, Request.office_id == current_user.office_id)
        .options(joinedload(Request.organisation))
    )
    if req is None:
        return Response(status=404)
    documents = db.session.scalars(
        select(Document)
        .where(Document.request_id == req.id)
        .options(selectinload(Document.uploaded_by))
        .order_by(Document.kind, Document.version.desc())
    ).all()
    events = db.session.scalars(
        select(Event).where(Event.request_id == req.id).options(selectinload(Event.actor)).order_by(Event.seq)
    ).all()
    return REQUEST_FLOOR.render(r=req, documents=documents, events=events)


def _count(conn, cursor, statement, parameters, context, executemany):
    if has_app_context() and not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
        g._bench_queries = g.get("_bench_queries", 0) + 1


with app.app_context():
    event.listen(db.engine, "before_cursor_execute", _count)


@app.after_request
def _queries_header(response):
    response.headers["X-Bench-Queries"] = str(g.get("_bench_queries", 0))
    return response
