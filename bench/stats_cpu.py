"""Benchmark: CPU time of the dashboard and the yearly report in one process, as the data grows.

stats_bench.py measures req/s and p95 under gunicorn; on a shared machine those move with everyone
else's load. This script reads `time.process_time()` (steadier) around, at each size:
  overview        workflow.stats.dashboard.overview() for the head (the figures alone)
  report          workflow.stats.reports.harmonisation_report() for 2026 (the figures alone)
  dashboard       GET /dasbor/ through Flask's test client (figures, charts, template)
  report_year     GET /laporan/?period=2026
  report_xlsx     GET /laporan/harmonisation.xlsx?period=2026
  work_queue      GET /permohonan/ (the reference of the dashboard's req/s target)
all with the figures computed live (STATS_CACHE_SECONDS=0), signed in as the head of office.

    python bench/stats_cpu.py [--database-url URL] [--sizes 1000,100000] [--n 10] [--rounds 3]
                              [--profile dashboard,overview] [--json out.json]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PAGES = {
    "work_queue": "/permohonan/",
    "dashboard": "/dasbor/",
    "report_year": "/laporan/?period=2026",
    "report_xlsx": "/laporan/harmonisasi.xlsx?period=2026",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--n", type=int, default=10, help="calls per measurement and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", default="", help="measurements to profile with pyinstrument at each size")
    parser.add_argument("--json")
    args = parser.parse_args()

    import http_bench

    tmp = tempfile.mkdtemp(prefix="harmoni-bench-statscpu-")
    store, base_url = f"{tmp}/docs", args.database_url
    url, schema = common.bench_database(base_url, "statscpu", tmp)
    results = {"backend": common.backend_name(url), "sizes": {}}
    try:
        app = common.make_app(url, store, STATS_CACHE_SECONDS=0)
        with app.app_context():
            common.prepare_database()
        client = app.test_client()
        page = client.get("/masuk").get_data(as_text=True)
        signed = client.post(
            "/masuk",
            data={"email": common.HEAD, "password": common.PASSWORD, "csrf_token": http_bench.CSRF.search(page)[1]},
        )
        assert signed.status_code == 302, signed.status_code

        def direct(name):
            from workflow.operations.calendar import office_calendar
            from workflow.stats import dashboard, reports

            head = common.user(common.HEAD)
            if name == "overview":
                return lambda: dashboard.overview(head, dashboard.office_today(head), office_calendar(head.office_id))
            return lambda: reports.harmonisation_report(head, reports.parse_period("2026"))

        def run(name, count):
            if name in PAGES:
                for _ in range(count):
                    r = client.get(PAGES[name])
                    assert r.status_code == 200, (name, r.status_code)
                return
            with app.test_request_context():
                call = direct(name)
                for _ in range(count):
                    call()

        names = ["overview", "report", *PAGES]
        for size in [int(s) for s in args.sizes.split(",")]:
            with app.app_context():
                import scale

                scale.populate(size)
                from workflow.extensions import db

                db.session.remove()
            for name in names:
                run(name, 2)  # warm: templates, statements
            cpu = {name: [] for name in names}
            for r in range(args.rounds):
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    start = time.process_time()
                    run(name, args.n)
                    cpu[name].append((time.process_time() - start) / args.n * 1000)
            entry = {"cpu_ms": {n: common.median(v) for n, v in cpu.items()}, "load_average": common.load_average()}
            results["sizes"][size] = entry
            print(f"CPU ms per call, {results['backend']}, {size:,} requests, median of {args.rounds} x {args.n}:")
            for name in names:
                print(f"  {name:12s} {entry['cpu_ms'][name]:8.2f} ms")
            print(
                f"  dashboard / work queue (CPU): {entry['cpu_ms']['work_queue'] / entry['cpu_ms']['dashboard']:.2f}x"
            )
            print(f"  load average {entry['load_average']}")
            for name in [n for n in args.profile.split(",") if n]:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
                run(name, args.n)
                profiler.stop()
                print(f"--- profile of {args.n} x {name} at {size:,}")
                print(profiler.output_text(unicode=False, color=False, show_all=False))
            sys.stdout.flush()
        common.write_json(args.json, results)
    finally:
        if schema:
            common.drop_schema(base_url, schema)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
