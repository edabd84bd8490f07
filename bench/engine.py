"""Benchmark: the engine's decision and state change against a plain dict lookup, in one run.

- decision: "may this user fire this trigger in this state?" (allowed_triggers) against a dict
  lookup of precomputed answers (the floor);
- state change: move() through the process's one shared transitions.Machine against assigning the
  state from a dict of destinations; plus a Machine built per row, for contrast (what Harmoni avoids);
- memory: 100,000 request-like rows held while the shared machines keep no models.

    python bench/engine.py [--n 200000]
"""
import argparse
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transitions import Machine  # noqa: E402

from workflow.engine.machine import allowed_triggers, build_machine, move  # noqa: E402
from workflow.processes import MACHINES, PROCESSES  # noqa: E402


class Row:
    __slots__ = ("state", "organisation_id", "office_id", "assignees")

    def __init__(self, state):
        self.state, self.organisation_id, self.office_id, self.assignees = state, 1, 1, []


class Actor:
    role, organisation_id, office_id, id = "officer", None, 1, 7


def best(fn, n, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(n)
        times.append(time.perf_counter() - start)
    return min(times) / n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    args = parser.parse_args()
    process, machine = PROCESSES["ranperda"], MACHINES["ranperda"]
    actor, row = Actor(), Row("submitted")
    answers = {(s.name, actor.role): allowed_triggers(process, Row(s.name), actor) for s in process.states}

    def decide(n):
        for _ in range(n):
            allowed_triggers(process, row, actor)

    def decide_floor(n):
        for _ in range(n):
            answers[(row.state, actor.role)]

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
            Machine(model=Model(), states=[s.name for s in process.states],
                    transitions=[{"trigger": t.trigger, "source": list(t.sources), "dest": t.dest}
                                 for t in process.transitions], initial="submitted", auto_transitions=False)

    t_decide, t_decide_floor = best(decide, args.n), best(decide_floor, args.n)
    t_change, t_change_floor = best(change, args.n), best(change_floor, args.n)
    t_per_row = best(per_row_machine, 300, repeat=3)
    print(f"decision (allowed_triggers):   {t_decide * 1e6:8.3f} us   floor dict lookup {t_decide_floor * 1e6:7.3f} us"
          f"   ratio {t_decide / t_decide_floor:6.1f}x")
    print(f"state change (shared machine): {t_change * 1e6:8.3f} us   floor dict assign {t_change_floor * 1e6:7.3f} us"
          f"   ratio {t_change / t_change_floor:6.1f}x")
    print(f"a Machine built per row:       {t_per_row * 1e6:8.1f} us   ({t_per_row / t_change:,.0f}x a shared-machine move)")

    tracemalloc.start()
    rows = [Row(process.states[i % len(process.states)].name) for i in range(100_000)]
    for r in rows[:1000]:
        allowed_triggers(process, r, actor)
    current, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"100,000 rows held: {current / 1e6:.1f} MB; models registered in the shared machines: "
          f"{sum(len(m.models) for m in MACHINES.values())}")
    build_machine(process)  # building one costs once per process, at import


if __name__ == "__main__":
    main()
