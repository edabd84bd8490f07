"""Benchmark: the work queue's statement alone, in one process: queries.queue_page() for the bench
officer, per sort and filter, on an existing database (bench/scale.py builds one).

HTTP timings at 100,000 requests move with everyone's load on a shared machine; the time of the
one statement that grows with the table moves much less. Each case runs --n times after a warm-up;
the median wall time and the median CPU time of this process (the client's side: for PostgreSQL
the server's work is in the wall time only) are printed, with the load average.

    python bench/queue_page.py --database-url URL [--n 30] [--per-page 50] [--explain]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

FILTERED = {"process": "ranperda", "phase": "review"}  # http_bench's work_queue_filtered
CASES = (
    ("deadline asc (default)", "deadline", "asc", {}),
    ("deadline asc, filtered", "deadline", "asc", FILTERED),
    ("deadline desc", "deadline", "desc", {}),
    ("received asc", "received", "asc", {}),
    ("status asc", "status", "asc", {}),
    ("number desc", "number", "desc", {}),
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print the plan of the default sort's statement")
    args = parser.parse_args()

    from datetime import date

    from workflow.extensions import db
    from workflow.queries import _filters, _queue_rows, queue_page

    app = common.make_app(args.database_url, "/tmp/harmoni-bench-unused-store")
    with app.app_context():
        officer = common.user(common.OFFICER)
        day = date.today()
        print(f"load average {common.load_average()}")
        for label, sort, direction, filters in CASES:
            queue_page(officer, day, 1, args.per_page, sort, direction, **filters)  # warm-up
            walls, cpus = [], []
            for _ in range(args.n):
                w, c = time.perf_counter(), time.process_time()
                page = queue_page(officer, day, 1, args.per_page, sort, direction, **filters)
                cpus.append(time.process_time() - c)
                walls.append(time.perf_counter() - w)
                db.session.rollback()
            print(
                f"{label:24} {statistics.median(walls) * 1000:8.2f} ms wall {statistics.median(cpus) * 1000:8.2f} ms cpu"
                f"  ({len(page.items)} rows of {page.total}{'+' if page.capped else ''})"
            )
        print(f"load average {common.load_average()}")
        if args.explain:
            conn = db.session.connection()
            prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF) "
            for name, filters in (("default", {}), ("filtered", FILTERED)):
                shape, values = _filters(officer, day, **filters)
                values.update(count_limit=1001, per_page=args.per_page, offset=0, me=officer.id)
                compiled = _queue_rows(shape, "deadline", "asc").compile(dialect=conn.dialect)
                bound = compiled.construct_params(values)
                if compiled.positiontup:
                    bound = tuple(bound[k] for k in compiled.positiontup)
                print(f"--- {name}")
                for row in conn.exec_driver_sql(prefix + str(compiled), bound).all():
                    print("   ", " | ".join(str(c) for c in row))


if __name__ == "__main__":
    main()
