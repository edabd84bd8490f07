"""Benchmark: CPU time per page, in one process, Harmoni's pages against their stack floors.

The HTTP benchmark's req/s are what the targets are written in, but on a shared machine they move
with everyone else's load. The CPU time a request costs the process that serves it moves much
less: this script serves each endpoint through Flask's test client (the same app as the HTTP
benchmark, bench/wsgi_bench.py: routing, sessions, Flask-Login, the ORM, templates, the SQL round
trips) and reads `time.process_time()` around --n requests, --rounds times, endpoints rotated. The
ratio floor CPU / Harmoni CPU is the req/s ratio a CPU-bound server would reach; the database
server's own CPU (PostgreSQL) is not in it, the client's side of every round trip is.

    python bench/cpu_pages.py [--database-url URL] [--size 1000] [--n 30] [--rounds 5] [--json out.json]
                              [--existing --store DIR] [--profile work_queue,request_page]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PAIRS = (("work_queue", "stack_floor"), ("work_queue_filtered", "stack_floor"), ("request_page", "request_floor"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--existing", action="store_true")
    parser.add_argument("--store", help="document store of an --existing database")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--n", type=int, default=30, help="requests per endpoint and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--profile", default="", help="endpoints to profile with pyinstrument afterwards")
    parser.add_argument("--label", default="")
    parser.add_argument("--json")
    args = parser.parse_args()

    import http_bench

    tmp = tempfile.mkdtemp(prefix="harmoni-bench-cpu-")
    store, base_url = args.store or f"{tmp}/docs", args.database_url
    url, schema = common.bench_database(base_url, "cpu", tmp, existing=args.existing)
    try:
        app = common.make_app(url, store)
        with app.app_context():
            if not args.existing:
                import scale

                common.prepare_database()
                scale.populate(args.size)
            data = http_bench.setup(url, store, 1)
        os.environ.update(BENCH_DATABASE_URL=url, BENCH_DOCUMENT_STORE=store, BENCH_PER_PAGE=str(args.per_page))
        import wsgi_bench

        client = wsgi_bench.app.test_client()
        page = client.get("/masuk").get_data(as_text=True)
        signed = client.post(
            "/masuk",
            data={"email": common.OFFICER, "password": common.PASSWORD, "csrf_token": http_bench.CSRF.search(page)[1]},
        )
        assert signed.status_code == 302, signed.status_code
        names = sorted({n for pair in PAIRS for n in pair})
        paths = {name: http_bench.specs_for(name, data, {}, 1)[0]["paths"] for name in names}

        def serve(name, count):
            for i in range(count):
                r = client.get(paths[name][i % len(paths[name])])
                assert r.status_code == 200, (name, r.status_code)

        for name in names:
            serve(name, 5)  # templates compiled, statements cached
        cpu = {name: [] for name in names}
        for r in range(args.rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                start = time.process_time()
                serve(name, args.n)
                cpu[name].append((time.process_time() - start) / args.n * 1000)
        result = {
            "backend": common.backend_name(url),
            "n": args.n,
            "rounds": args.rounds,
            "cpu_ms": {name: common.median(v) for name, v in cpu.items()},
            "runs_ms": cpu,
            "ratios": {
                f"{name}/{floor}": common.median([f / h for h, f in zip(cpu[name], cpu[floor])])
                for name, floor in PAIRS
            },
            "load_average": common.load_average(),
        }
        print(f"CPU ms per request, {result['backend']}, median of {args.rounds} rounds of {args.n}:")
        for name in names:
            print(f"  {name:20s} {result['cpu_ms'][name]:7.2f} ms")
        for key, ratio in result["ratios"].items():
            print(f"  floor / Harmoni, {key:35s} {ratio:5.2f}x")
        if args.profile:
            from pyinstrument import Profiler

            out_dir = common.BENCH / "profiles"
            out_dir.mkdir(exist_ok=True)
            for name in args.profile.split(","):
                profiler = Profiler(interval=0.0005)
                profiler.start()
                serve(name, args.n)
                profiler.stop()
                text = profiler.output_text(unicode=False, color=False, show_all=False)
                out = out_dir / f"cpu-{args.label or result['backend']}-{name}.txt"
                out.write_text(text)
                print(f"--- profile of {args.n} x {name}, also in {out.relative_to(common.ROOT)}\n{text}")
        common.write_json(args.json, result)
    finally:
        if schema:
            common.drop_schema(base_url, schema)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
