"""A small closed-loop HTTP load generator for 127.0.0.1 only: one OS process per connection,
http.client with keep-alive, each client sending its next request as soon as the last answer is
read. Bounded by a duration and by a request count per client.

A client is described by a dict:
  {"kind": "get", "paths": [...], "headers": {...}}            rotates over the paths
  {"kind": "transition", "request_id": id, "state": s, "version": v,
   "officer": token, "drafter": token}                         POST /api/v1/requests/<id>/transitions,
                                                               return_for_completion and resubmit in turn
Cookies set by responses are kept per client (a signed-in session stays signed in).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import time
from collections import Counter

HOST = "127.0.0.1"
USER_AGENT = "harmoni-bench/1"


def _update_cookies(cookies: dict, response) -> None:
    for header in response.msg.get_all("Set-Cookie") or ():
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]


def _client(index, port, spec, duration, max_requests, barrier, queue):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    cookies = dict(spec.get("cookies") or {})
    latencies, statuses, queries, errors = [], Counter(), Counter(), 0
    state = {"state": spec.get("state"), "version": spec.get("version")}
    paths = spec.get("paths") or []

    def next_request(i):
        headers = {"User-Agent": USER_AGENT, **(spec.get("headers") or {})}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if spec["kind"] == "get":
            return "GET", paths[(i + index) % len(paths)], None, headers
        if state["state"] == "returned":
            trigger, token, comment = "resubmit", spec["drafter"], None
        else:
            trigger, token, comment = "return_for_completion", spec["officer"], "Lengkapi dokumen."
        body = json.dumps({"trigger": trigger, "version": state["version"], "comment": comment, "data": {}})
        headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return "POST", f"/api/v1/requests/{spec['request_id']}/transitions", body, headers

    barrier.wait()
    start = time.perf_counter()
    deadline = start + duration
    i = 0
    while i < max_requests and time.perf_counter() < deadline:
        method, path, body, headers = next_request(i)
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (ConnectionError, http.client.HTTPException, TimeoutError, OSError):
            errors += 1
            conn.close()
            i += 1
            continue
        latencies.append(time.perf_counter() - t0)
        statuses[response.status] += 1
        q = response.getheader("X-Bench-Queries")
        if q is not None:
            queries[int(q)] += 1
        _update_cookies(cookies, response)
        if spec["kind"] == "transition":
            if response.status == 200:
                got = json.loads(data)
                state["state"], state["version"] = got["state"], got["version"]
            else:  # resynchronise (not timed)
                conn.request(
                    "GET",
                    f"/api/v1/requests/{spec['request_id']}",
                    headers={"Authorization": f"Bearer {spec['officer']}", "User-Agent": USER_AGENT},
                )
                got = json.loads(conn.getresponse().read())
                state["state"], state["version"] = got["state"], got["version"]
        if response.will_close:
            conn.close()
        i += 1
    end = time.perf_counter()
    conn.close()
    queue.put(
        {
            "index": index,
            "latencies": latencies,
            "statuses": dict(statuses),
            "queries": dict(queries),
            "errors": errors,
            "start": start,
            "end": end,
            "state": state["state"],
            "version": state["version"],
        }
    )


def run(port: int, specs: list[dict], duration: float, max_requests: int) -> dict:
    """Run one client process per spec; return requests/second, latency percentiles (ms), status
    and query counts, and each transition client's final state and version."""
    from common import percentile

    ctx = mp.get_context("fork")  # clients hold no database connection: forking is safe and quick
    barrier, queue = ctx.Barrier(len(specs)), ctx.Queue()
    procs = [
        ctx.Process(target=_client, args=(i, port, spec, duration, max_requests, barrier, queue))
        for i, spec in enumerate(specs)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=duration + 120) for _ in procs]
    for p in procs:
        p.join()
    latencies = [x for r in results for x in r["latencies"]]
    statuses, queries = Counter(), Counter()
    for r in results:
        statuses.update(r["statuses"])
        queries.update(r["queries"])
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    done = len(latencies)
    return {
        "requests": done,
        "seconds": wall,
        "rps": done / wall if wall else 0.0,
        "p50_ms": (percentile(latencies, 50) or 0) * 1000,
        "p95_ms": (percentile(latencies, 95) or 0) * 1000,
        "p99_ms": (percentile(latencies, 99) or 0) * 1000,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "queries": {str(k): v for k, v in sorted(queries.items())},
        "errors": sum(r["errors"] for r in results),
        "clients": sorted(
            ({"index": r["index"], "state": r["state"], "version": r["version"]} for r in results),
            key=lambda c: c["index"],
        ),
    }
