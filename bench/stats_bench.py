"""Benchmark: the dashboard and a yearly report as the data grows, against the work queue.

At each size (default 1,000, 10,000 and 100,000 requests, filled by bench/scale.py with their
milestones) gunicorn serves bench/wsgi_bench.py and bench/loadgen.py measures, signed in as the
head of office (who sees the whole office):
  work_queue      GET /permohonan/                      the reference: the dashboard should reach
                                                        at least 30% of its requests/second
  dashboard       GET /dasbor/                          every figure and three SVG charts
  report_year     GET /laporan/?period=2026             the yearly recap page, two charts
  report_xlsx     GET /laporan/harmonisasi.xlsx?period=2026
Targets: p95 at the largest size <= 1.5x p95 at the smallest, per endpoint; dashboard req/s >=
0.3x work queue req/s at every size; SQL statements per request constant (X-Bench-Queries).

Each size is measured with the figures computed live (HARMONI_STATS_CACHE_SECONDS=0: every page
runs its queries) and, with --cache both (the default), again with them kept for 60 s
(workflow/stats/cache.py), each under a gunicorn of its own; the issue's targets are for live.

    python bench/stats_bench.py [--database-url URL] [--sizes 1000,10000,100000] [--runs 3]
                                [--duration 2] [--cache live|cached|both] [--json out.json]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import http_bench  # noqa: E402
import loadgen  # noqa: E402

CACHE_MODES = {"live": 0, "cached": 60}  # STATS_CACHE_SECONDS of the server measured
PATHS = {
    "work_queue": "/permohonan/",
    "dashboard": "/dasbor/",
    "report_year": "/laporan/?period=2026",
    "report_xlsx": "/laporan/harmonisasi.xlsx?period=2026",
}


def specs(name, cookies, clients):
    return [{"kind": "get", "paths": [PATHS[name]], "cookies": cookies, "headers": {}} for _ in range(clients)]


def measure(port, cookies, args) -> dict:
    names = list(PATHS)
    for name in names:  # warm-up: imports, templates, query plans, every worker
        loadgen.run(port, specs(name, cookies, args.clients), 0.5, 10_000)
    runs = {name: [] for name in names}
    for r in range(args.runs):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            res = loadgen.run(port, specs(name, cookies, args.clients), args.duration, args.max_requests)
            res.pop("clients", None)
            res["round"] = r
            runs[name].append(res)
    queue_by_round = {res["round"]: res["rps"] for res in runs["work_queue"]}
    out = {}
    for name, rs in runs.items():
        statuses, queries = {}, {}
        for res in rs:
            for k, v in res["statuses"].items():
                statuses[k] = statuses.get(k, 0) + v
            for k, v in res["queries"].items():
                queries[k] = queries.get(k, 0) + v
        out[name] = {
            "rps": common.median([res["rps"] for res in rs]),
            "p50_ms": common.median([res["p50_ms"] for res in rs]),
            "p95_ms": common.median([res["p95_ms"] for res in rs]),
            "ratio_to_work_queue": common.median([res["rps"] / queue_by_round[res["round"]] for res in rs]),
            "statuses": statuses,
            "queries": queries,
            "errors": sum(res["errors"] for res in rs),
        }
    return out


def print_size(backend: str, size: int, entry: dict) -> None:
    print(f"{backend}, {size:,} requests (filled in {entry['fill']['seconds']:.0f} s):")
    print(
        f"  {'figures':7s} {'endpoint':12s} {'req/s':>8s} {'vs queue':>8s} {'p50 ms':>8s} {'p95 ms':>8s}  queries  statuses"
    )
    for mode in CACHE_MODES:
        for name, r in (entry.get(mode) or {}).items():
            print(
                f"  {mode:7s} {name:12s} {r['rps']:8.1f} {r['ratio_to_work_queue']:8.2f} {r['p50_ms']:8.2f}"
                f" {r['p95_ms']:8.2f}  {','.join(r['queries']) or '-':7s}  {r['statuses']}"
            )
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=2.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--cache", choices=("live", "cached", "both"), default="both")
    parser.add_argument("--json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    modes = list(CACHE_MODES) if args.cache == "both" else [args.cache]

    tmp = tempfile.mkdtemp(prefix="harmoni-bench-stats-")
    store, base_url = f"{tmp}/docs", args.database_url
    url, schema = common.bench_database(base_url, "stats", tmp)
    backend = common.backend_name(url)
    results, proc = {}, None
    try:
        app = common.make_app(url, store)
        with app.app_context():
            common.prepare_database()
        for size in sizes:
            with app.app_context():
                import scale

                filled = scale.populate(size)
                from workflow.extensions import db

                db.session.remove()
                db.engine.dispose()
            results[size] = {"fill": filled, "load_average": {"start": common.load_average()}}
            for mode in modes:
                # the server reads it from its environment (config.py) when it starts
                os.environ["HARMONI_STATS_CACHE_SECONDS"] = str(CACHE_MODES[mode])
                port = http_bench.free_port()
                proc = http_bench.start_gunicorn(url, store, port, args.workers, args.threads, 25)
                cookies = http_bench.sign_in(port, common.HEAD)
                results[size][mode] = measure(port, cookies, args)
                http_bench.stop(proc)
                proc = None
            results[size]["load_average"]["end"] = common.load_average()
            print_size(backend, size, results[size])
        small, large = min(results), max(results)
        for mode in modes:
            print(f"{mode}: p95 at {large:,} / p95 at {small:,}; dashboard req/s / work queue req/s at each size:")
            for name in PATHS:
                a, b = results[small][mode][name]["p95_ms"], results[large][mode][name]["p95_ms"]
                print(f"  {name:12s} {b / a:5.2f}x  ({a:.1f} -> {b:.1f} ms)")
            ratios = ", ".join(f"{results[s][mode]['dashboard']['ratio_to_work_queue']:.2f}x" for s in sizes)
            print(f"  dashboard / work queue: {ratios}")
        common.write_json(
            args.json,
            {"backend": backend, "modes": modes, "sizes": results, "load_average": common.load_average()},
        )
    finally:
        if proc is not None:
            http_bench.stop(proc)
        if schema:
            common.drop_schema(base_url, schema)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
