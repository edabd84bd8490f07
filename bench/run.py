"""Run every benchmark, write bench/results.json, print the table of ratios against the targets,
and put the same table into bench/README.md between its markers.

    python bench/run.py [--quick] [--no-profile] [--only transition,engine,pdf,scale,stats]

SQLite always (temporary files); PostgreSQL as well when DATABASE_URL names a PostgreSQL database
(each benchmark works in a schema of its own there and drops it). Every benchmark runs in its own
subprocess. --quick shrinks sizes, runs and durations for a smoke run (its ratios are not the
report's: it writes bench/results-quick.json and leaves bench/README.md alone). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BENCH = common.BENCH
README = BENCH / "README.md"
RESULTS = BENCH / "results.json"
START_MARK, END_MARK = "<!-- bench-results:start -->", "<!-- bench-results:end -->"

FULL = {
    "sizes": (1_000, 10_000, 100_000),
    "transition_n": 200,
    "transition_n4": 100,
    "transition_runs": 5,
    "scale_transition_n": 100,
    "engine_n": 100_000,
    "engine_runs": 5,
    "pdf_n": 15,
    "pdf_fresh": 5,
    "http_runs": 5,
    "http_duration": 1.5,
    "profile_count": 30,
    "stats_runs": 3,
    "stats_duration": 2.0,
}
QUICK = {
    "sizes": (300, 3_000),
    "transition_n": 40,
    "transition_n4": 20,
    "transition_runs": 2,
    "scale_transition_n": 30,
    "engine_n": 20_000,
    "engine_runs": 3,
    "pdf_n": 2,
    "pdf_fresh": 2,
    "http_runs": 2,
    "http_duration": 0.5,
    "profile_count": 10,
    "stats_runs": 1,
    "stats_duration": 0.5,
}
LIST_ENDPOINTS = ("work_queue", "work_queue_filtered", "api_list")
# Issue 16's targets: Harmoni / the stack's own floor for the same work, in the same round.
PAGE_TARGETS = (
    ("work_queue", "stack_floor", 0.7),
    ("work_queue_filtered", "stack_floor", 0.7),
    ("request_page", "request_floor", 0.8),
)
TRANSITION_TARGET = 0.8  # Harmoni / the same load, UPDATE and INSERT through the ORM alone
# Issue 14's targets (bench/stats_bench.py), for the figures computed live and, beside them, kept
STATS_QUEUE_TARGET = 0.3  # dashboard req/s / work queue req/s, at every size
STATS_P95_TARGET = 1.5  # p95 at the largest size / at the smallest


def per_round_ratio(endpoints: dict, name: str, floor: str) -> float | None:
    """Median over rounds of name's req/s / floor's req/s measured in the same round."""
    floor_by_round = {r["round"]: r["rps"] for r in endpoints[floor]["runs"]}
    ratios = [r["rps"] / floor_by_round[r["round"]] for r in endpoints[name]["runs"] if r["round"] in floor_by_round]
    return common.median(ratios) if ratios else None


def step(name: str, script: str, *args, timeout=1200) -> dict | None:
    """Run one benchmark script in a subprocess; its JSON result (None if it failed)."""
    out = Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".json")[1])
    cmd = [sys.executable, str(BENCH / script), *map(str, args), "--json", str(out)]
    print(f"\n=== {name}: {' '.join(cmd[1:-2])}", flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=str(common.ROOT))
    try:
        for line in proc.stdout:
            if not line.startswith("INFO  [alembic"):
                print(line, end="", flush=True)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
    took = time.perf_counter() - start
    print(f"=== {name}: {took:.0f} s", flush=True)
    if proc.returncode != 0:
        print(f"!!! {name} failed (exit code {proc.returncode})", flush=True)
        return None
    data = json.loads(out.read_text() or "{}")
    out.unlink()
    data["_seconds"] = took
    return data


def run_scale(backend_url: str | None, cfg: dict, profile: bool) -> dict:
    """One database grown 1k -> 10k -> 100k: at each size the HTTP suite and a 1-writer transition
    benchmark; the ORM memory at the largest size."""
    tmp = tempfile.mkdtemp(prefix="harmoni-bench-scale-")
    store = f"{tmp}/docs"
    url, schema = common.bench_database(backend_url, "scale", tmp)
    backend = common.backend_name(url)
    out = {"backend": backend, "sizes": {}}
    try:
        for i, size in enumerate(cfg["sizes"]):
            largest = i == len(cfg["sizes"]) - 1
            fill = step(
                f"{backend} data {size:,}",
                "scale.py",
                "--database-url",
                url,
                "--store",
                store,
                "--to",
                size,
                *(["--prepare"] if i == 0 else []),
            )
            http_args = [
                "--existing",
                "--database-url",
                url,
                "--store",
                store,
                "--runs",
                cfg["http_runs"],
                "--duration",
                cfg["http_duration"],
                "--label",
                f"{backend}-{size}",
            ]
            if largest and profile:
                http_args += [
                    "--profile",
                    ",".join(e for e in common.HTTP_ENDPOINTS if e != "static"),
                    "--profile-count",
                    cfg["profile_count"],
                ]
            entry = {
                "fill": fill,
                "http": step(f"{backend} HTTP at {size:,}", "http_bench.py", *http_args),
                "transition": step(
                    f"{backend} transitions at {size:,}",
                    "transition.py",
                    "--existing",
                    "--database-url",
                    url,
                    "--writers",
                    1,
                    "--n",
                    cfg["scale_transition_n"],
                    "--runs",
                    cfg["transition_runs"],
                ),
            }
            if largest:
                entry["orm_memory"] = step(
                    f"{backend} ORM memory at {size:,}",
                    "engine.py",
                    "--orm-only",
                    "--database-url",
                    url,
                    "--rows",
                    size,
                )
            out["sizes"][str(size)] = entry
    finally:
        if schema:
            common.drop_schema(backend_url, schema)
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# ---------------------------------------------------------------- the table


def fmt(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def row(rows, what, value, goal, ok, unit="x", note=""):
    status = "n/a" if value is None else ("met" if ok else "**missed**")
    rows.append(f"| {what} | {fmt(value)}{unit if value is not None else ''} | {goal} | {status} | {note} |")


def table(results: dict) -> str:
    rows = ["| target | measured | goal | status | note |", "|---|---:|---|---|---|"]
    for backend, tr in results.get("transition", {}).items():
        for writers in ("1", "4"):
            r = tr.get(writers)
            if r:
                row(
                    rows,
                    f"transition, {backend}, {writers} writer{'s' if writers != '1' else ''}: Harmoni / ORM-only floor",
                    r["ratio_to_orm"],
                    f">= {TRANSITION_TARGET}x",
                    r["ratio_to_orm"] >= TRANSITION_TARGET,
                    note=f"{r['harmoni_per_s']:.0f} vs {r['orm_per_s']:.0f} transitions/s (the same load, UPDATE and "
                    f"INSERT through the ORM alone); raw DB-API {r['raw_per_s']:.0f}/s: Harmoni / raw "
                    f"{r['ratio']:.2f}x, ORM / raw {r['orm_per_s'] / r['raw_per_s']:.2f}x",
                )
    e = results.get("engine")
    if e:
        row(
            rows,
            "engine decision / dict lookup",
            e["decision_ratio"],
            "<= 3x",
            e["decision_ratio"] <= 3,
            note=f"{e['decision_us']:.2f} vs {e['decision_floor_us']:.3f} us",
        )
    for backend, sc in results.get("scale", {}).items():
        sizes = sorted(sc["sizes"], key=int)
        if not sizes:
            continue
        small, large = sizes[0], sizes[-1]
        first = (sc["sizes"][small].get("http") or {}).get("endpoints")
        if first:
            for name, floor, goal in PAGE_TARGETS:
                if name not in first or floor not in first:
                    continue
                r, f = first[name], first[floor]
                ratio = per_round_ratio(first, name, floor)
                row(
                    rows,
                    f"{name.replace('_', ' ')}, {backend}, {int(small):,} requests: req/s / {floor.replace('_', ' ')}",
                    ratio,
                    f">= {goal:.1f}x",
                    ratio is not None and ratio >= goal,
                    note=f"{r['rps']:.1f} vs {f['rps']:.1f} req/s; SQL {','.join(r['queries'])} vs "
                    f"{','.join(f['queries'])}; static {first['static']['rps']:.0f} req/s "
                    f"(Harmoni {r['ratio_to_static']:.2f}x, floor {f['ratio_to_static']:.2f}x of it)",
                )
        last = (sc["sizes"][large].get("http") or {}).get("endpoints")
        if first and last:
            for name in ("work_queue", "work_queue_filtered", "api_list", "request_page", "transition"):
                a, b = first[name]["p95_ms"], last[name]["p95_ms"]
                row(
                    rows,
                    f"scale, {backend}: {name.replace('_', ' ')} p95 at {int(large):,} / at {int(small):,}",
                    b / a,
                    "<= 1.5x",
                    b / a <= 1.5,
                    note=f"{b:.1f} vs {a:.1f} ms",
                )
            counts = {}
            for size in sizes:
                eps = (sc["sizes"][size].get("http") or {}).get("endpoints") or {}
                for name, r in eps.items():
                    counts.setdefault(name, {})[size] = sorted(map(int, r["queries"]))
            for name in ("work_queue", "work_queue_filtered", "request_page", "api_list", "transition"):
                seen = counts.get(name, {})
                constant = len({tuple(v) for v in seen.values()}) == 1
                rows.append(
                    f"| scale, {backend}: SQL statements per {name.replace('_', ' ')} | "
                    f"{' / '.join(','.join(map(str, v)) for v in seen.values())} | constant | "
                    f"{'met' if constant else '**missed**'} | at {' / '.join(f'{int(s):,}' for s in seen)} |"
                )
    for backend, st in results.get("stats", {}).items():
        stats_rows(rows, backend, st)
    p = results.get("pdf")
    if p:
        for doc in ("small", "large"):
            r = p[doc]
            row(
                rows,
                f"PDF warm, {r['pages']} pages: Harmoni / bare WeasyPrint (shared fonts+CSS), CPU",
                r["ratio_shared_cpu"],
                "<= 1.1x",
                r["ratio_shared_cpu"] <= 1.1,
                note=f"{r['harmoni_cpu_ms']:.0f} vs {r['bare_shared_cpu_ms']:.0f} ms; vs naive bare "
                f"{r['ratio_naive_cpu']:.2f}x; wall {r['ratio_shared_wall']:.2f}x",
            )
            s = p.get(f"signed_{doc}")
            if s:
                row(
                    rows,
                    f"PDF rendered + signed, {s['pages']} pages: Harmoni / bare WeasyPrint + pyHanko, CPU",
                    s["ratio_cpu"],
                    "<= 1.15x",
                    s["ratio_cpu"] <= 1.15,
                    note=f"{s['harmoni_cpu_ms']:.0f} vs {s['bare_cpu_ms']:.0f} ms; vs the floor with the key kept "
                    f"parsed {s['ratio_kept_key_cpu']:.2f}x; wall {s['ratio_wall']:.2f}x",
                )
    return "\n".join(rows)


def stats_rows(rows: list, backend: str, st: dict) -> None:
    """Issue 14's targets from one stats_bench.py run, per figures mode (live, cached)."""
    sizes = sorted(st.get("sizes", {}), key=int)
    if not sizes:
        return
    small, large = sizes[0], sizes[-1]
    for mode in st.get("modes", ()):
        at = {size: st["sizes"][size][mode] for size in sizes}
        ratios = [at[size]["dashboard"]["ratio_to_work_queue"] for size in sizes]
        row(
            rows,
            f"dashboard, {backend}, figures {mode}: req/s / work queue req/s (lowest of the sizes)",
            min(ratios),
            f">= {STATS_QUEUE_TARGET}x",
            min(ratios) >= STATS_QUEUE_TARGET,
            note="at " + ", ".join(f"{int(z):,}: {r:.2f}x" for z, r in zip(sizes, ratios, strict=True)),
        )
        for name in ("dashboard", "report_year", "report_xlsx"):
            a, b = at[small][name]["p95_ms"], at[large][name]["p95_ms"]
            row(
                rows,
                f"scale, {backend}, figures {mode}: {name.replace('_', ' ')} p95 at {int(large):,} / at {int(small):,}",
                b / a,
                f"<= {STATS_P95_TARGET}x",
                b / a <= STATS_P95_TARGET,
                note=f"{b:.1f} vs {a:.1f} ms; SQL {','.join(at[large][name]['queries'])}",
            )


def stats_details(backend: str, st: dict) -> str:
    lines = [
        f"Dashboard and reports, {backend} (bench/stats_bench.py, signed in as the head; live = "
        "STATS_CACHE_SECONDS=0, cached = 60 s; medians of the runs):",
        "",
        "| requests | figures | endpoint | req/s | vs work queue | p50 ms | p95 ms | SQL/request |",
        "|---:|---|---|---:|---:|---:|---:|---|",
    ]
    for size, entry in sorted(st.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        for mode in st.get("modes", ()):
            for name, r in entry[mode].items():
                lines.append(
                    f"| {int(size):,} | {mode} | {name} | {r['rps']:.1f} | {r['ratio_to_work_queue']:.2f} | "
                    f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {','.join(r['queries'])} |"
                )
    return "\n".join(lines)


def detail_tables(results: dict) -> str:
    parts = []
    for backend, sc in results.get("scale", {}).items():
        lines = [
            f"HTTP, {backend} (gunicorn 2 gthread workers x 4 threads, 4 keep-alive clients; medians of the runs):",
            "",
            "| requests | endpoint | req/s | vs static | p50 ms | p95 ms | p99 ms | SQL/request |",
            "|---:|---|---:|---:|---:|---:|---:|---|",
        ]
        for size, entry in sorted(sc["sizes"].items(), key=lambda kv: int(kv[0])):
            eps = (entry.get("http") or {}).get("endpoints") or {}
            for name, r in eps.items():
                lines.append(
                    f"| {int(size):,} | {name} | {r['rps']:.1f} | {r['ratio_to_static']:.3f} | "
                    f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {','.join(r['queries'])} |"
                )
        lines += [
            "",
            f"Transitions at size, {backend} (1 writer):",
            "",
            "| requests | Harmoni /s | raw /s | ratio |",
            "|---:|---:|---:|---:|",
        ]
        for size, entry in sorted(sc["sizes"].items(), key=lambda kv: int(kv[0])):
            t = entry.get("transition")
            if t:
                lines.append(f"| {int(size):,} | {t['harmoni_per_s']:.0f} | {t['raw_per_s']:.0f} | {t['ratio']:.2f} |")
            m = entry.get("orm_memory")
            if m and m.get("orm"):
                o = m["orm"]
                mem = (
                    f"\n{o['rows']:,} requests loaded through the ORM: {o['traced_mb']:.0f} MB traced "
                    f"(RSS +{o['rss_delta_mb']:.0f} MB) in {o['load_s']:.1f} s; allowed_triggers "
                    f"{o['allowed_triggers_per_row_us']:.1f} us a row; models held by the shared machines: "
                    f"{o['models_in_shared_machines']}."
                )
                lines.append(mem)
        parts.append("\n".join(lines))
    for backend, st in results.get("stats", {}).items():
        parts.append(stats_details(backend, st))
    e = results.get("engine")
    if e:
        parts.append(
            f"Engine: decision {e['decision_us']:.3f} us (process.transition() {e['decision_lookup_us']:.3f} us + "
            f"may_fire() {e['decision_may_fire_us']:.3f} us) vs dict {e['decision_floor_us']:.3f} us; offered actions "
            f"(allowed_triggers) {e['offer_us']:.3f} us ({e['offer_ratio']:.1f}x a dict); state change through the "
            f"shared machine {e['change_us']:.2f} us ({e['change_ratio']:.0f}x a dict assignment); a Machine per "
            f"row {e['per_row_machine_us']:.0f} us to build; {e['rows']:,} rows {e['rows_mb']:.1f} MB with "
            f"{e['models_in_shared_machines']} models in the shared machines (a Machine per row: about "
            f"{e['per_row_machines_mb_estimate']:,.0f} MB)."
        )
    p = results.get("pdf")
    if p:
        fh, fb = p["fresh_harmoni"], p["fresh_bare"]
        parts.append(
            f"PDF first render in a fresh process (10 pages): Harmoni {fh['first_ms']:.0f} ms, later "
            f"{fh['later_ms']:.0f} ms ({fh['first_ms'] / fh['later_ms']:.2f}x; imports {fh['import_s']:.1f} s, app "
            f"{fh['app_s']:.1f} s before it); bare WeasyPrint {fb['first_ms']:.0f} ms, later {fb['later_ms']:.0f} ms "
            f"({fb['first_ms'] / fb['later_ms']:.2f}x)."
        )
    return "\n\n".join(parts)


def write_readme(text: str) -> None:
    if not README.exists():
        return
    content = README.read_text()
    if START_MARK not in content or END_MARK not in content:
        return
    head, rest = content.split(START_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    README.write_text(f"{head}{START_MARK}\n{text}\n{END_MARK}{tail}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes and few runs: a smoke run")
    parser.add_argument("--no-profile", action="store_true", help="skip the pyinstrument profiles")
    parser.add_argument("--only", default="transition,engine,pdf,scale,stats")
    parser.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    args = parser.parse_args()
    try:
        import gunicorn  # noqa: F401
        import pypdf  # noqa: F401

        if not args.no_profile:
            import pyinstrument  # noqa: F401
    except ImportError as exc:
        sys.exit(f"{exc.name} is missing: pip install -e '.[bench]'")
    cfg = QUICK if args.quick else FULL
    only = set(args.only.split(","))
    profile = not args.no_profile and not args.quick
    database_url = os.environ.get("DATABASE_URL")
    backends = [None] + ([database_url] if common.is_postgres(database_url) else [])
    started = time.perf_counter()
    results = {
        "quick": args.quick,
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in cfg.items()},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_start": common.load_average(),
        },
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if "transition" in only:
        results["transition"] = {}
        for url in backends:
            name = "postgresql" if url else "sqlite"
            db_args = ["--database-url", url] if url else []
            results["transition"][name] = {
                "1": step(
                    f"transitions {name}, 1 writer",
                    "transition.py",
                    *db_args,
                    "--writers",
                    1,
                    "--n",
                    cfg["transition_n"],
                    "--runs",
                    cfg["transition_runs"],
                    *(["--profile", 200, "--label", name] if profile else []),
                ),
                "4": step(
                    f"transitions {name}, 4 writers",
                    "transition.py",
                    *db_args,
                    "--writers",
                    4,
                    "--n",
                    cfg["transition_n4"],
                    "--runs",
                    cfg["transition_runs"],
                ),
            }
    if "engine" in only:
        results["engine"] = step("engine", "engine.py", "--n", cfg["engine_n"], "--runs", cfg["engine_runs"])
    if "pdf" in only:
        results["pdf"] = step("pdf", "pdf.py", "--n", cfg["pdf_n"], "--fresh-runs", cfg["pdf_fresh"])
    if "scale" in only:
        results["scale"] = {}
        for url in backends:
            sc = run_scale(url, cfg, profile)
            results["scale"][sc["backend"]] = sc
    if "stats" in only:
        results["stats"] = {}
        for url in backends:
            name = "postgresql" if url else "sqlite"
            st = step(
                f"dashboard and reports, {name}",
                "stats_bench.py",
                *(["--database-url", url] if url else []),
                "--sizes",
                ",".join(map(str, cfg["sizes"])),
                "--runs",
                cfg["stats_runs"],
                "--duration",
                cfg["stats_duration"],
                timeout=3600,
            )
            if st:
                results["stats"][name] = st
    results["seconds"] = time.perf_counter() - started
    results["machine"]["load_average_end"] = common.load_average()
    out = RESULTS.with_name("results-quick.json") if args.quick else RESULTS  # a smoke run keeps the report
    out.write_text(json.dumps(results, indent=2, default=str))
    summary = table(results)
    details = detail_tables(results)
    stamp = (
        f"Run {results['started']}{' (--quick: not a report)' if args.quick else ''}, "
        f"{results['seconds'] / 60:.1f} min on {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"load average {results['machine']['load_average_start']} at the start, "
        f"{results['machine']['load_average_end']} at the end. Ratios are Harmoni / floor, medians of "
        f"{cfg['transition_runs']} runs or more."
    )
    text = f"{stamp}\n\n{summary}\n\n{details}"
    print("\n" + text)
    print(f"\nresults: {out.relative_to(common.ROOT)}; {results['seconds'] / 60:.1f} min")
    if not args.no_readme and not args.quick:
        write_readme(text)


if __name__ == "__main__":
    main()
