"""Benchmark: the engine's decision and state change against a plain dict lookup, in one run.

- decision, "may this user fire this trigger now?": what fire() decides before any guard (the
  trigger exists in the process, the request's state is one of its sources, may_fire's role and
  office rule) against a dict lookup of precomputed answers keyed (state, role, trigger), the floor;
- offered actions, allowed_triggers() (every trigger this user may fire on this row; what the work
  queue computes for each row) against a dict lookup of precomputed lists keyed (state, role);
- state change: move() through the process's one shared transitions.Machine against assigning the
  state from a dict of destinations; plus a Machine built per row, for contrast (what Harmoni avoids);
- memory: 100,000 request-like rows held while the shared machines keep no models; with
  --database-url, also 100,000 (or all) Request rows loaded through the ORM from that database.

Every timing is the median over --runs runs of --n calls each (the per-call time of a run).

    python bench/engine.py [--n 200000] [--runs 5] [--database-url URL] [--json out.json]
"""

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402,F401  (puts the project on sys.path)
from transitions import Machine  # noqa: E402

from workflow.engine.machine import allowed_triggers, build_machine, may_fire, move  # noqa: E402
from workflow.processes import MACHINES, PROCESSES  # noqa: E402

# the day the offered actions are decided for (the work queue passes one per page, as here)
TODAY = date.today()


class Row:
    __slots__ = ("state", "organisation_id", "office_id", "assignees", "process", "timer_trigger", "timer_due_on")

    def __init__(self, state):
        self.state, self.organisation_id, self.office_id, self.assignees = state, 1, 1, []
        self.process = "ranperda"
        self.timer_trigger = self.timer_due_on = None  # no closing timer running


class Actor:
    role, organisation_id, office_id, id = "officer", None, 1, 7


def per_call(fn, n, runs):
    """Median over `runs` of the time per call in a run of `n` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(n)
        times.append((time.perf_counter() - start) / n)
    return statistics.median(times), times


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6


def orm_memory(url: str, limit: int) -> dict:
    """Load up to `limit` requests (with their assignees, as the work queue does) through the ORM
    and measure the memory they take; then time allowed_triggers over all of them."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from workflow.extensions import db
    from workflow.models import Request

    app = common.make_app(url, "/nonexistent-bench-store")
    with app.app_context():
        gc.collect()
        rss_before = rss_mb()
        tracemalloc.start()
        start = time.perf_counter()
        rows = db.session.scalars(
            select(Request).options(selectinload(Request.assignees)).order_by(Request.id).limit(limit)
        ).all()
        load_s = time.perf_counter() - start
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = rss_mb()
        actor = Actor()
        start = time.perf_counter()
        offered = sum(len(allowed_triggers(PROCESSES[r.process], r, actor, TODAY)) for r in rows)
        decide_s = time.perf_counter() - start
        result = {
            "rows": len(rows),
            "load_s": load_s,
            "traced_mb": current / 1e6,
            "traced_peak_mb": peak / 1e6,
            "rss_delta_mb": rss_after - rss_before,
            "allowed_triggers_per_row_us": decide_s / max(len(rows), 1) * 1e6,
            "offered": offered,
            "models_in_shared_machines": sum(len(m.models) for m in MACHINES.values()),
        }
        del rows
        db.session.remove()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="also load --rows Request rows from this database")
    parser.add_argument("--orm-only", action="store_true", help="only the ORM memory measurement")
    parser.add_argument("--json")
    args = parser.parse_args()
    result = {}
    if not args.orm_only:
        result.update(timings(args))
    if args.database_url:
        orm = orm_memory(args.database_url, args.rows)
        result["orm"] = orm
        print(
            f"{orm['rows']:,} Request rows loaded through the ORM in {orm['load_s']:.2f} s: "
            f"{orm['traced_mb']:.1f} MB traced (RSS +{orm['rss_delta_mb']:.1f} MB); "
            f"allowed_triggers {orm['allowed_triggers_per_row_us']:.2f} us a row; "
            f"models registered in the shared machines: {orm['models_in_shared_machines']}"
        )
    common.write_json(args.json, result)


def timings(args) -> dict:
    process, machine = PROCESSES["ranperda"], MACHINES["ranperda"]
    actor, row = Actor(), Row("submitted")
    trigger = "return_for_completion"
    roles = {r for t in process.transitions for r in t.roles}
    answers = {
        (s.name, role, t.trigger): s.name in t.sources and role in t.roles
        for s in process.states
        for role in roles
        for t in process.transitions
    }
    offered = {(s.name, actor.role): allowed_triggers(process, Row(s.name), actor, TODAY) for s in process.states}

    def decide(n):  # what fire() decides before guards: trigger, source state, role rule
        for _ in range(n):
            t = process.transition(trigger)
            t is not None and row.state in t.sources and may_fire(actor, row, t)

    def decide_floor(n):
        for _ in range(n):
            answers[(row.state, actor.role, trigger)]

    def offer(n):
        for _ in range(n):
            allowed_triggers(process, row, actor, TODAY)

    def offer_floor(n):
        for _ in range(n):
            offered[(row.state, actor.role)]

    destinations = {"return_for_completion": "returned", "resubmit": "submitted"}

    def change(n):
        r = Row("submitted")
        for i in range(n):
            move(machine, r, "return_for_completion" if i % 2 == 0 else "resubmit")

    def change_floor(n):
        r = Row("submitted")
        for i in range(n):
            r.state = destinations["return_for_completion" if i % 2 == 0 else "resubmit"]

    class Model:  # transitions decorates a per-row model with methods; a slotted Row cannot take them
        state = "submitted"

    def per_row_machine(n):
        for _ in range(n):
            Machine(
                model=Model(),
                states=[s.name for s in process.states],
                transitions=[
                    {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest} for t in process.transitions
                ],
                initial="submitted",
                auto_transitions=False,
            )

    n, runs = args.n, args.runs
    t = {}
    for name, fn in (
        ("decide", decide),
        ("decide_floor", decide_floor),
        ("offer", offer),
        ("offer_floor", offer_floor),
        ("change", change),
        ("change_floor", change_floor),
    ):
        t[name], _ = per_call(fn, n, runs)
    t["per_row_machine"], _ = per_call(per_row_machine, 300, max(3, runs // 2))
    # the decision's parts: the trigger lookup (a linear scan of the process's transitions) and may_fire
    transition = process.transition(trigger)
    t["decide_lookup"], _ = per_call(lambda k: [process.transition(trigger) for _ in range(k)], n, runs)
    t["decide_may_fire"], _ = per_call(lambda k: [may_fire(actor, row, transition) for _ in range(k)], n, runs)

    print(f"median of {runs} runs of {n:,} calls:")
    print(
        f"decision (trigger allowed?):   {t['decide'] * 1e6:8.3f} us   floor dict lookup {t['decide_floor'] * 1e6:7.3f} us"
        f"   ratio {t['decide'] / t['decide_floor']:6.1f}x  (target <= 3x)"
    )
    print(
        f"   of which process.transition(): {t['decide_lookup'] * 1e6:.3f} us, may_fire(): "
        f"{t['decide_may_fire'] * 1e6:.3f} us (each timed in a list comprehension)"
    )
    print(
        f"offered actions (allowed_triggers): {t['offer'] * 1e6:5.3f} us   floor dict lookup {t['offer_floor'] * 1e6:7.3f} us"
        f"   ratio {t['offer'] / t['offer_floor']:6.1f}x"
    )
    print(
        f"state change (shared machine): {t['change'] * 1e6:8.3f} us   floor dict assign {t['change_floor'] * 1e6:7.3f} us"
        f"   ratio {t['change'] / t['change_floor']:6.1f}x"
    )
    print(
        f"a Machine built per row:       {t['per_row_machine'] * 1e6:8.1f} us   "
        f"({t['per_row_machine'] / t['change']:,.0f}x a shared-machine move)"
    )

    gc.collect()
    tracemalloc.start()
    rows = [Row(process.states[i % len(process.states)].name) for i in range(args.rows)]
    for r in rows:
        allowed_triggers(process, r, actor, TODAY)
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    models = sum(len(m.models) for m in MACHINES.values())
    # what a Machine per row would hold: measured on 1,000 and scaled
    tracemalloc.start()
    per_row = [
        Machine(
            model=Model(),
            states=[s.name for s in process.states],
            transitions=[
                {"trigger": tr.trigger, "source": list(tr.sources), "dest": tr.dest} for tr in process.transitions
            ],
            initial="submitted",
            auto_transitions=False,
        )
        for _ in range(1000)
    ]
    per_row_bytes, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del per_row, rows
    print(
        f"{args.rows:,} rows held: {current / 1e6:.1f} MB; models registered in the shared machines: {models}; "
        f"a Machine per row would add about {per_row_bytes / 1000 * args.rows / 1e6:,.0f} MB"
    )
    build_machine(process)  # building one costs once per process, at import
    return {
        "n": n,
        "runs": runs,
        "decision_us": t["decide"] * 1e6,
        "decision_floor_us": t["decide_floor"] * 1e6,
        "decision_ratio": t["decide"] / t["decide_floor"],
        "decision_lookup_us": t["decide_lookup"] * 1e6,
        "decision_may_fire_us": t["decide_may_fire"] * 1e6,
        "offer_us": t["offer"] * 1e6,
        "offer_floor_us": t["offer_floor"] * 1e6,
        "offer_ratio": t["offer"] / t["offer_floor"],
        "change_us": t["change"] * 1e6,
        "change_floor_us": t["change_floor"] * 1e6,
        "change_ratio": t["change"] / t["change_floor"],
        "per_row_machine_us": t["per_row_machine"] * 1e6,
        "rows": args.rows,
        "rows_mb": current / 1e6,
        "models_in_shared_machines": models,
        "per_row_machines_mb_estimate": per_row_bytes / 1000 * args.rows / 1e6,
    }


if __name__ == "__main__":
    main()
