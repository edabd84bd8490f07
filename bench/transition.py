"""Benchmark: transitions through Harmoni's fire() against one raw DB-API transaction, in the same
run, with 1 writer or several writer processes.

Harmoni's path (what the API's transition view does): the caller by API token, the request FOR UPDATE, fire()
(visibility, version, role, guards, the shared transitions.Machine, clock, hash-chained event),
commit. The floor: a bare DB-API connection (sqlite3 with Harmoni's own PRAGMAs and BEGIN
IMMEDIATE, or psycopg) doing the same row changes in one transaction: one version-checked UPDATE
of the request and one INSERT of an event, then COMMIT. Both alternate between `returned` and
`submitted` (return_for_completion by an officer / resubmit by the drafter); every writer process
has its own requests, so writers contend only for the database (SQLite: its one write lock).

Each run: all writers start together (a barrier), each does --n transitions with Harmoni, then
again together --n with the floor; the rate is all transitions over the wall time from the first
start to the last end. The medians over --runs runs are reported.

    python bench/transition.py [--writers 1] [--n 200] [--runs 5] [--database-url URL]
                               [--existing] [--cpu ROUNDS] [--profile N] [--json out.json]

Without --database-url: a temporary SQLite file. A PostgreSQL URL gets a schema of its own,
dropped at the end. --existing uses the URL's (already migrated and seeded) database as it is, as
the scale benchmark does.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

COMMENT = "Lengkapi dokumen."


def harmoni_writer(url, store, ids):
    """A callable doing one Harmoni transition on the next of `ids` (round robin)."""
    from sqlalchemy import select

    from workflow.access import visible_request
    from workflow.extensions import db
    from workflow.models import ApiToken, Request
    from workflow.operations.transitions import fire

    drafter, officer = common.api_token(common.DRAFTER), common.api_token(common.OFFICER)
    states = dict(db.session.execute(select(Request.id, Request.state).where(Request.id.in_(ids))).all())
    db.session.commit()

    def step(i):
        # as the API's transition view: the caller by token, the request as they may see it (locked),
        # fire(), commit (the client knows the state and version it saw; here: the last step's)
        req_id = ids[i % len(ids)]
        returned = states[req_id] == "returned"
        user = ApiToken.valid(drafter if returned else officer).user
        req = visible_request(req_id, user, for_update=True)
        if returned:
            fire(req, "resubmit", user, version=req.version)
        else:
            fire(req, "return_for_completion", user, version=req.version, comment=COMMENT)
        states[req_id] = req.state
        db.session.commit()

    return step


def orm_writer(url, store, ids, actor_id):
    """A callable doing the floor's two row changes through the SQLAlchemy ORM and nothing else:
    load the request, set state and version (the version-checked UPDATE), add an Event, commit.
    Not a target; it splits Harmoni's cost into the ORM's share and Harmoni's own."""
    from sqlalchemy import select

    from workflow.extensions import db
    from workflow.models import Event, Request

    zero = "0" * 64

    def step(i):
        req = db.session.scalar(select(Request).where(Request.id == ids[i % len(ids)]))
        state, version = req.state, req.version
        to, trigger = ("submitted", "resubmit") if state == "returned" else ("returned", "return_for_completion")
        req.state, req.version = to, version + 1
        db.session.add(
            Event(
                request_id=req.id,
                seq=version + 1,
                actor_id=actor_id,
                trigger=trigger,
                from_state=state,
                to_state=to,
                comment=COMMENT if to == "returned" else None,
                data={},
                prev_hash=zero,
                hash=zero,
            )
        )
        db.session.commit()

    return step


def raw_writer(url, ids, actor_id):
    """A callable doing the floor's transaction on the next of `ids`, on its own DB-API connection."""
    postgres = common.is_postgres(url)
    if postgres:
        import psycopg

        conn = psycopg.connect(common.psycopg_conninfo(url))
        param = "%s"
    else:
        import sqlite3

        conn = sqlite3.connect(common.sqlite_path(url), isolation_level=None)
        for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON"):  # as Harmoni's
            conn.execute(f"PRAGMA {pragma}")
        param = "?"
    cur = conn.cursor()
    cur.execute(f"SELECT id, state, version FROM requests WHERE id IN ({', '.join([param] * len(ids))})", ids)
    rows = {r[0]: [r[1], r[2]] for r in cur.fetchall()}
    if postgres:
        conn.commit()
    update = (
        f"UPDATE requests SET state = {param}, version = {param}, updated_at = CURRENT_TIMESTAMP "
        f"WHERE id = {param} AND version = {param}"
    )
    insert = (
        "INSERT INTO events (request_id, seq, actor_id, trigger, from_state, to_state, comment, data, "
        f"created_at, prev_hash, hash) VALUES ({', '.join([param] * 8)}, CURRENT_TIMESTAMP, {param}, {param})"
    )
    zero = "0" * 64

    def step(i):
        req_id = ids[i % len(ids)]
        state, version = rows[req_id]
        to, trigger = ("submitted", "resubmit") if state == "returned" else ("returned", "return_for_completion")
        if not postgres:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(update, (to, version + 1, req_id, version))
        if cur.rowcount != 1:
            raise RuntimeError("the floor lost an update")
        cur.execute(
            insert,
            (
                req_id,
                version + 1,
                actor_id,
                trigger,
                state,
                to,
                COMMENT if to == "returned" else None,
                "{}",
                zero,
                zero,
            ),
        )
        if postgres:
            conn.commit()
        else:
            cur.execute("COMMIT")
        rows[req_id] = [to, version + 1]

    return step


def worker(index, url, store, harmoni_ids, orm_ids, raw_ids, n, runs, warmup, barrier, results):
    app = common.make_app(url, store)
    with app.app_context():
        officer_id = common.user(common.OFFICER).id
        paths = {
            "harmoni": harmoni_writer(url, store, harmoni_ids),
            "orm": orm_writer(url, store, orm_ids, officer_id),
            "raw": raw_writer(url, raw_ids, officer_id),
        }
        for fn in paths.values():
            for i in range(warmup):  # connections, caches, the first query plans
                fn(i)
        counter = {name: warmup for name in paths}
        for run in range(runs):
            for name, fn in paths.items():
                barrier.wait()
                start = time.perf_counter()  # CLOCK_MONOTONIC: comparable between processes
                for _ in range(n):
                    fn(counter[name])
                    counter[name] += 1
                results.put((run, name, index, start, time.perf_counter()))
    results.put(("done", index))


def cpu_time(url, store, rounds: int, per_round: int = 10) -> dict:
    """CPU time per transition in this process (time.process_time: the database server's and other
    processes' time left out, which on a shared machine makes it steadier than the rates): Harmoni's
    path and the ORM-only floor alternate in short rounds so that both see the same machine."""
    app = common.make_app(url, store)
    with app.app_context():
        officer_id = common.user(common.OFFICER).id
        ids = common.make_targets(4, store)
        paths = {"harmoni": harmoni_writer(url, store, ids[:2]), "orm": orm_writer(url, store, ids[2:], officer_id)}
        for fn in paths.values():
            for i in range(10):
                fn(i)
        spent = {name: [] for name in paths}
        step = 10
        for _ in range(rounds):
            for name, fn in paths.items():
                start = time.process_time()
                for i in range(per_round):
                    fn(step + i)
                spent[name].append((time.process_time() - start) * 1000 / per_round)
            step += per_round
    harmoni, orm = sum(spent["harmoni"]) / rounds, sum(spent["orm"]) / rounds
    result = {
        "harmoni_cpu_ms": harmoni,
        "orm_cpu_ms": orm,
        "ratio_to_orm": orm / harmoni,
        "median_round_ratio": common.median([o / h for h, o in zip(spent["harmoni"], spent["orm"])]),
        "transitions": rounds * per_round,
    }
    print(
        f"--- CPU per transition in-process, {rounds} x {per_round} each, alternating: Harmoni "
        f"{harmoni:.2f} ms, ORM-only floor {orm:.2f} ms: ratio {result['ratio_to_orm']:.2f}x "
        f"(median of the rounds' ratios {result['median_round_ratio']:.2f}x)"
    )
    return result


def profile(url, store, count, label) -> dict:
    """Harmoni's transition under pyinstrument, with the SQL statements of one transition."""
    from pyinstrument import Profiler
    from sqlalchemy import event

    app = common.make_app(url, store)
    with app.app_context():
        from workflow.extensions import db

        ids = common.make_targets(1, store)
        step = harmoni_writer(url, store, ids)
        for i in range(10):
            step(i)
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(" ".join(statement.split())[:100])

        event.listen(db.engine, "before_cursor_execute", record)
        step(10)
        step(11)
        event.remove(db.engine, "before_cursor_execute", record)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for i in range(count):
            step(12 + i)
        profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    out = common.BENCH / "profiles" / f"{label}-fire.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        "SQL of two transitions (return_for_completion, resubmit):\n" + "\n".join(statements) + "\n\n" + text
    )
    print("--- SQL of two transitions:\n" + "\n".join(statements))
    print(f"--- profile of {count} Harmoni transitions, also in {out.relative_to(common.ROOT)}\n{text}")
    return {"file": str(out.relative_to(common.ROOT)), "statements_per_two": len(statements)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=1)
    parser.add_argument("--n", type=int, default=200, help="transitions per writer per run and path")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests-per-writer", type=int, default=2)
    parser.add_argument("--database-url")
    parser.add_argument("--existing", action="store_true", help="use the URL's database as it is")
    parser.add_argument(
        "--profile", type=int, default=0, help="then profile this many Harmoni transitions in-process (pyinstrument)"
    )
    parser.add_argument(
        "--cpu", type=int, default=0, help="then this many rounds of 10 + 10 transitions timed in CPU (in-process)"
    )
    parser.add_argument("--label", default="")
    parser.add_argument("--json")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="harmoni-bench-transition-")
    store, base_url = f"{tmp}/docs", args.database_url
    url, schema = common.bench_database(base_url, "transition", tmp, existing=args.existing)
    try:
        app = common.make_app(url, store)
        with app.app_context():
            if not args.existing:
                common.prepare_database()
            k = args.requests_per_writer
            ids = common.make_targets(3 * k * args.writers, store)
            from workflow.extensions import db

            db.engine.dispose()
        ctx = mp.get_context("spawn")  # each writer builds its own app and connections
        barrier, results = ctx.Barrier(args.writers), ctx.Queue()
        procs = [
            ctx.Process(
                target=worker,
                args=(
                    w,
                    url,
                    store,
                    *(ids[3 * k * w + j * k : 3 * k * w + (j + 1) * k] for j in range(3)),
                    args.n,
                    args.runs,
                    10,
                    barrier,
                    results,
                ),
            )
            for w in range(args.writers)
        ]
        for p in procs:
            p.start()
        spans, done = {}, 0
        while done < args.writers:
            item = results.get(timeout=900)
            if item[0] == "done":
                done += 1
                continue
            run, name, _index, start, end = item
            span = spans.setdefault((run, name), [start, end])
            span[0], span[1] = min(span[0], start), max(span[1], end)
        for p in procs:
            p.join()
            if p.exitcode:
                sys.exit(f"a writer failed (exit code {p.exitcode})")
        total = args.writers * args.n
        rates = {
            name: [total / (spans[(run, name)][1] - spans[(run, name)][0]) for run in range(args.runs)]
            for name in ("harmoni", "orm", "raw")
        }
        ratios = [h / r for h, r in zip(rates["harmoni"], rates["raw"])]
        orm_ratios = [h / o for h, o in zip(rates["harmoni"], rates["orm"])]
        result = {
            "backend": common.backend_name(url),
            "writers": args.writers,
            "n": args.n,
            "runs": args.runs,
            "harmoni_per_s": common.median(rates["harmoni"]),
            "raw_per_s": common.median(rates["raw"]),
            "orm_per_s": common.median(rates["orm"]),
            "ratio": common.median(ratios),  # median of the per-run ratios (all paths in each run)
            "ratio_to_orm": common.median(orm_ratios),
            "harmoni_runs": rates["harmoni"],
            "orm_runs": rates["orm"],
            "raw_runs": rates["raw"],
            "load_average": common.load_average(),
        }
        print(
            f"backend {result['backend']}, {args.writers} writer(s), {args.n} transitions each per run, "
            f"median of {args.runs} runs:"
        )
        print(
            f"  harmoni fire() + commit: {result['harmoni_per_s']:9.1f} transitions/s "
            f"({1000 / result['harmoni_per_s'] * args.writers:6.2f} ms each per writer)"
        )
        print(
            f"  the same through the ORM: {result['orm_per_s']:8.1f} transitions/s "
            f"({1000 / result['orm_per_s'] * args.writers:6.2f} ms each per writer)"
        )
        print(
            f"  raw DB-API transaction:  {result['raw_per_s']:9.1f} transitions/s "
            f"({1000 / result['raw_per_s'] * args.writers:6.2f} ms each per writer)"
        )
        print(f"  ratio harmoni / raw:     {result['ratio']:9.2f}x  (target >= 0.5x)")
        print(f"  ratio harmoni / ORM:     {result['ratio_to_orm']:9.2f}x  (Harmoni's own share)")
        if args.cpu:
            result["cpu"] = cpu_time(url, store, args.cpu)
        if args.profile:
            result["profile"] = profile(url, store, args.profile, args.label or result["backend"])
        common.write_json(args.json, result)
        if not args.json:
            print(json.dumps(result))
    finally:
        if schema:
            common.drop_schema(base_url, schema)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
