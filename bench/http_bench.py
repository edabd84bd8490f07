"""Benchmark: Harmoni's pages and API under gunicorn, against a static endpoint on the same workers.

gunicorn serves bench/wsgi_bench.py (the app plus /_bench/static and an X-Bench-Queries header)
on 127.0.0.1 with --workers gthread workers of --threads threads; bench/loadgen.py drives it with
--clients keep-alive connections (one process each). Endpoints, each measured on its own:
  static               GET /_bench/static                         the floor
  stack_floor          GET /_bench/stack-floor                    50 rows through Flask-Login, the ORM and a bare
                                                                  Jinja table: the work queue's floor
  request_floor        GET /_bench/request-floor/<id>             the request, its documents and events through
                                                                  the ORM into a plain page: the request page's floor
  work_queue           GET /permohonan/                           staff work queue, 50 rows
  work_queue_filtered  GET /permohonan/?process_type=ranperda&phase=review
  request_page         GET /permohonan/<id>                       20 requests with 10 events and 3 documents
                                                                  each, in turn
  api_list             GET /api/v1/requests?per_page=50&process=ranperda&phase=review   (bearer token)
  transition           POST /api/v1/requests/<id>/transitions     each client its own request,
                                                                  return_for_completion / resubmit
The pages are fetched signed in as an officer: the benchmark fetches /masuk, posts the form with
its CSRF token, and every client sends the session cookie. Runs are rotated over the endpoints
(--runs rounds of --duration seconds each); per endpoint the median over runs of requests/second
and of p50/p95/p99, the ratio to the static endpoint's rate in the same round, and the number of
SQL statements per request (from X-Bench-Queries).

    python bench/http_bench.py [--database-url URL] [--size 1000] [--runs 5] [--duration 2]
                               [--existing] [--profile work_queue,request_page] [--json out.json]

Without --existing a fresh database (temporary SQLite file, or a schema of its own on PostgreSQL)
is migrated, seeded and filled with --size bench requests (bench/scale.py). --profile runs the
named endpoints in-process under pyinstrument (Flask's test client, same app) and writes the
profiles to bench/profiles/.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import loadgen  # noqa: E402

FILTER = "process_type=ranperda&phase=review"
ENDPOINTS = common.HTTP_ENDPOINTS
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(url: str, store: str, clients: int) -> dict:
    """Requests for the transition clients, API tokens, and the request pages to fetch."""
    from sqlalchemy import select

    from workflow.extensions import db
    from workflow.models import Request

    targets = common.make_targets(clients, store)
    officer, drafter = common.api_token(common.OFFICER), common.api_token(common.DRAFTER)
    ids = db.session.scalars(
        select(Request.id)
        .where(
            Request.number.like("B%"), Request.process.in_(("ranperda", "ranperkada")), Request.state == "in_analysis"
        )
        .order_by(Request.id)
    ).all()
    if not ids:
        ids = db.session.scalars(select(Request.id).where(Request.state != "draft").order_by(Request.id)).all()
    step = max(1, len(ids) // 20)
    pages = ids[::step][:20]
    give_documents(pages, store)
    versions = {r.id: (r.state, r.version) for r in db.session.scalars(select(Request).where(Request.id.in_(targets)))}
    db.session.remove()
    db.engine.dispose()
    return {"targets": [(t, *versions[t]) for t in targets], "officer": officer, "drafter": drafter, "pages": pages}


def give_documents(ids: list[int], store: str) -> None:
    """The scale data has events but no documents: give each page's request one document of each
    kind its process requires (a request page shows them), once. Committed."""
    from sqlalchemy import select

    from workflow.demo import DEMO_PDF
    from workflow.documents.store import DocumentStore
    from workflow.extensions import db
    from workflow.models import Document, Request
    from workflow.processes import PROCESSES

    sha = DocumentStore(store).put(DEMO_PDF)
    drafter = common.user(common.DRAFTER)
    documented = set(db.session.scalars(select(Document.request_id).where(Document.request_id.in_(ids))))
    for req in db.session.scalars(select(Request).where(Request.id.in_(ids))):
        if req.id in documented:
            continue
        for group in PROCESSES[req.process].required_documents:
            db.session.add(
                Document(
                    request_id=req.id,
                    kind=group[0],
                    version=1,
                    filename=f"{group[0]}.pdf",
                    media_type="application/pdf",
                    size=len(DEMO_PDF),
                    sha256=sha,
                    uploaded_by_id=drafter.id,
                )
            )
    db.session.commit()


def start_gunicorn(url, store, port, workers, threads, per_page):
    env = dict(os.environ, BENCH_DATABASE_URL=url, BENCH_DOCUMENT_STORE=store, BENCH_PER_PAGE=str(per_page))
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--pythonpath",
        str(common.BENCH),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
        "wsgi_bench:app",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=str(common.ROOT))
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/_bench/static")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(proc) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sign_in(port: int, email: str) -> dict:
    """Sign in through the form, CSRF token included; return the session's cookies."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookies = {}
    headers = {"User-Agent": loadgen.USER_AGENT}
    conn.request("GET", "/masuk", headers=headers)
    response = conn.getresponse()
    page = response.read().decode()
    loadgen._update_cookies(cookies, response)
    token = CSRF.search(page)
    if token is None:
        raise SystemExit("no CSRF token on /masuk")
    body = urlencode({"email": email, "password": common.PASSWORD, "csrf_token": token.group(1)})
    conn.request(
        "POST",
        "/masuk",
        body=body,
        headers={
            **headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
    )
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"sign-in failed: {response.status}")
    loadgen._update_cookies(cookies, response)
    conn.close()
    return cookies


def specs_for(name: str, data: dict, cookies: dict, clients: int) -> list[dict]:
    bearer = {"Authorization": f"Bearer {data['officer']}"}
    if name == "transition":
        return [
            {
                "kind": "transition",
                "request_id": rid,
                "state": state,
                "version": version,
                "officer": data["officer"],
                "drafter": data["drafter"],
            }
            for rid, state, version in data["targets"][:clients]
        ]
    paths = {
        "static": ["/_bench/static"],
        "stack_floor": ["/_bench/stack-floor"],
        "request_floor": [f"/_bench/request-floor/{i}" for i in data["pages"]],
        "work_queue": ["/permohonan/"],
        "work_queue_filtered": [f"/permohonan/?{FILTER}"],
        "request_page": [f"/permohonan/{i}" for i in data["pages"]],
        "api_list": ["/api/v1/requests?per_page=50&process=ranperda&phase=review"],
    }[name]
    return [
        {
            "kind": "get",
            "paths": paths,
            "cookies": cookies if name != "api_list" else {},
            "headers": bearer if name == "api_list" else {},
        }
        for _ in range(clients)
    ]


def measure(port, data, cookies, args) -> dict:
    names = list(ENDPOINTS)
    for name in names:  # warm up every worker and thread: imports, templates, query plans
        res = loadgen.run(port, specs_for(name, data, cookies, args.clients), 0.5, 10_000)
        remember_versions(name, data, res)
    runs = {name: [] for name in names}
    for r in range(args.runs):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            res = loadgen.run(port, specs_for(name, data, cookies, args.clients), args.duration, args.max_requests)
            remember_versions(name, data, res)
            res.pop("clients", None)
            res["round"] = r
            runs[name].append(res)
    result = {}
    static_by_round = {res["round"]: res["rps"] for res in runs["static"]}
    for name in names:
        rs = runs[name]
        statuses, queries = {}, {}
        for res in rs:
            for k, v in res["statuses"].items():
                statuses[k] = statuses.get(k, 0) + v
            for k, v in res["queries"].items():
                queries[k] = queries.get(k, 0) + v
        result[name] = {
            "rps": common.median([res["rps"] for res in rs]),
            "p50_ms": common.median([res["p50_ms"] for res in rs]),
            "p95_ms": common.median([res["p95_ms"] for res in rs]),
            "p99_ms": common.median([res["p99_ms"] for res in rs]),
            "ratio_to_static": common.median([res["rps"] / static_by_round[res["round"]] for res in rs]),
            "requests": sum(res["requests"] for res in rs),
            "errors": sum(res["errors"] for res in rs),
            "statuses": statuses,
            "queries": queries,
            "runs": rs,
        }
    return result


def remember_versions(name, data, res) -> None:
    if name == "transition":
        data["targets"] = [
            (rid, c["state"], c["version"]) for (rid, _s, _v), c in zip(data["targets"], res["clients"])
        ] + data["targets"][len(res["clients"]) :]


def profile(url, store, data, names, count, label) -> dict:
    """Profile endpoints in-process with pyinstrument: the same app (wsgi_bench), Flask's test client."""
    from pyinstrument import Profiler

    os.environ.update(BENCH_DATABASE_URL=url, BENCH_DOCUMENT_STORE=store)
    import wsgi_bench

    client = wsgi_bench.app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    client.post(
        "/masuk", data={"email": common.OFFICER, "password": common.PASSWORD, "csrf_token": CSRF.search(page).group(1)}
    )
    out_dir = common.BENCH / "profiles"
    out_dir.mkdir(exist_ok=True)
    state = {rid: [s, v] for rid, s, v in data["targets"]}
    rid = data["targets"][0][0]
    written = {}
    for name in names:

        def call(i):
            if name == "transition":
                s, v = state[rid]
                trig, tok = (
                    ("resubmit", data["drafter"]) if s == "returned" else ("return_for_completion", data["officer"])
                )
                got = client.post(
                    f"/api/v1/requests/{rid}/transitions",
                    headers={"Authorization": f"Bearer {tok}"},
                    json={"trigger": trig, "version": v, "comment": "Lengkapi dokumen.", "data": {}},
                ).get_json()
                state[rid] = [got["state"], got["version"]]
                return
            spec = specs_for(name, data, {}, 1)[0]
            path = spec["paths"][i % len(spec["paths"])]
            client.get(path, headers=spec["headers"])

        for i in range(5):
            call(i)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for i in range(count):
            call(i)
        profiler.stop()
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        path = out_dir / f"{label}-{name}.txt"
        path.write_text(text)
        written[name] = str(path.relative_to(common.ROOT))
        print(f"--- profile of {count} x {name} ({label}), also in {written[name]}\n{text}")
    return written


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--existing", action="store_true")
    parser.add_argument("--store", help="document store of an --existing database")
    parser.add_argument("--size", type=int, default=1000, help="bench requests in a fresh database")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=float, default=2.0, help="seconds per endpoint and run")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per client and run")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--profile", default="", help="endpoints to profile with pyinstrument")
    parser.add_argument("--profile-count", type=int, default=100)
    parser.add_argument("--label", default="")
    parser.add_argument("--json")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="harmoni-bench-http-")
    store, base_url = args.store or f"{tmp}/docs", args.database_url
    url, schema = common.bench_database(base_url, "http", tmp, existing=args.existing)
    proc = None
    try:
        app = common.make_app(url, store)
        with app.app_context():
            if not args.existing:
                import scale

                common.prepare_database()
                scale.populate(args.size)
            data = setup(url, store, args.clients)
        port = free_port()
        proc = start_gunicorn(url, store, port, args.workers, args.threads, args.per_page)
        cookies = sign_in(port, common.OFFICER)
        result = measure(port, data, cookies, args)
        stop(proc)
        proc = None
        label = args.label or f"{common.backend_name(url)}"
        print(
            f"HTTP, {common.backend_name(url)}, gunicorn {args.workers} gthread workers x {args.threads} threads, "
            f"{args.clients} keep-alive clients, median of {args.runs} runs of {args.duration:g} s:"
        )
        print(
            f"  {'endpoint':20s} {'req/s':>8s} {'vs static':>9s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s}  queries  statuses"
        )
        for name, r in result.items():
            print(
                f"  {name:20s} {r['rps']:8.1f} {r['ratio_to_static']:9.3f} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} "
                f"{r['p99_ms']:8.2f}  {','.join(r['queries']) or '-':7s}  {r['statuses']}"
                + (f"  errors {r['errors']}" if r["errors"] else "")
            )
        output = {
            "backend": common.backend_name(url),
            "workers": args.workers,
            "threads": args.threads,
            "clients": args.clients,
            "runs": args.runs,
            "duration": args.duration,
            "per_page": args.per_page,
            "endpoints": result,
            "load_average": common.load_average(),
        }
        if args.profile:
            output["profiles"] = profile(
                url, store, data, [n for n in args.profile.split(",") if n], args.profile_count, label
            )
        common.write_json(args.json, output)
    finally:
        if proc is not None:
            stop(proc)
        if schema:
            common.drop_schema(base_url, schema)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
