"""No lost updates and gapless numbers under real concurrency: several OS processes, each with its
own application, connection pool and HTTP stack, released together by a barrier.

Each child is forked from multiprocessing's forkserver (a fresh interpreter that has imported
Harmoni once: nothing inherited from the parent's connections; tests/processes.py), builds its
app with create_app() on the same database and document store as the `app` fixture, and talks to
it through `app.test_client()` with a bearer token.
"""

import re
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Event, Request
from workflow.operations.audit import broken_chains, global_chain_problems

from .helpers import ALIASES, submitted_request
from .processes import api_client, run_together

pytestmark = pytest.mark.slow

WORKERS = 8
NUMBER = re.compile(r"^(?P<seq>\d{4,})/(?P<process>[A-Z]+)/(?P<office>[A-Z]+)/(?P<year>\d{4})$")


# --- the children's work (module level, so that the child can import it) -----------------------


def fire_work(app, wait, token, payload):
    client, headers = api_client(app, token)
    wait()
    r = client.post(
        f"/api/v1/requests/{payload['request_id']}/transitions",
        headers=headers,
        json={
            "trigger": payload["trigger"],
            "version": payload["version"],
            "data": payload.get("data", {}),
            **({"comment": payload["comment"]} if payload.get("comment") else {}),
        },
    )
    return {"status": r.status_code, "body": r.get_json(silent=True)}


def create_work(app, wait, token, payload):
    client, headers = api_client(app, token)
    wait()
    created = []
    for i in range(payload["count"]):
        r = client.post(
            "/api/v1/requests",
            headers=headers,
            json={"process": payload["process"], "title": f"Rancangan uji serentak {payload['worker']}-{i}"},
        )
        created.append({"status": r.status_code, "body": r.get_json(silent=True)})
    return created


# --- the parent ---------------------------------------------------------------------------------


def token(app, alias):
    return app.config["TEST_TOKENS"][ALIASES[alias]]


def _request_row(app, request_id):
    with app.app_context():
        req = db.session.get(Request, request_id)
        events = db.session.scalars(select(Event).where(Event.request_id == request_id).order_by(Event.seq)).all()
        state = (req.state, req.version, [(e.seq, e.trigger, e.actor_id) for e in events])
        broken = [(r.id, problem) for r, problem in broken_chains()] + global_chain_problems()[0]
        db.session.remove()
    return state, broken


STAFF_ALIASES = ["officer", "officer2", "head"]


def test_same_version_same_trigger_one_winner(app, api):
    """Eight staff press "declare complete" at once on the version they all saw: exactly one wins,
    every other one is told the request changed (stale_version), never transition_unavailable."""
    req = submitted_request(api)
    version = req["version"]
    (state, version_before, events_before), _ = _request_row(app, req["id"])
    assert state == "submitted" and version_before == version

    payload = {"request_id": req["id"], "trigger": "declare_complete", "version": version}
    jobs = [(token(app, STAFF_ALIASES[i % len(STAFF_ALIASES)]), payload) for i in range(WORKERS)]
    outcomes = run_together(app, fire_work, jobs)

    statuses = sorted(o["status"] for o in outcomes)
    assert statuses == [200] + [409] * (WORKERS - 1), outcomes
    winner = next(o for o in outcomes if o["status"] == 200)
    assert winner["body"]["state"] == "verified" and winner["body"]["version"] == version + 1
    codes = [o["body"]["error"]["code"] for o in outcomes if o["status"] == 409]
    assert codes == ["stale_version"] * (WORKERS - 1), codes

    (state, version_after, events_after), broken = _request_row(app, req["id"])
    assert state == "verified"
    assert version_after == version + 1
    assert [e[1] for e in events_after].count("declare_complete") == 1
    assert len(events_after) == len(events_before) + 1
    assert [e[0] for e in events_after] == list(range(1, version_after + 1))
    assert broken == []


def test_same_version_competing_triggers_one_winner(app, api):
    """Different buttons on the same version (declare complete / return for completion): still
    exactly one event, and every loser is answered stale_version."""
    req = submitted_request(api)
    version = req["version"]
    jobs = []
    for i in range(WORKERS):
        if i % 2:
            payload = {
                "request_id": req["id"],
                "trigger": "return_for_completion",
                "version": version,
                "comment": f"Berkas kurang ({i})",
            }
        else:
            payload = {"request_id": req["id"], "trigger": "declare_complete", "version": version}
        jobs.append((token(app, STAFF_ALIASES[i % len(STAFF_ALIASES)]), payload))
    outcomes = run_together(app, fire_work, jobs)

    assert sorted(o["status"] for o in outcomes) == [200] + [409] * (WORKERS - 1), outcomes
    codes = [o["body"]["error"]["code"] for o in outcomes if o["status"] == 409]
    assert codes == ["stale_version"] * (WORKERS - 1), codes
    winner = next(o["body"] for o in outcomes if o["status"] == 200)

    (state, version_after, events), broken = _request_row(app, req["id"])
    assert state == winner["state"] and version_after == version + 1 == winner["version"]
    assert [e[1] for e in events[version:]] in (["declare_complete"], ["return_for_completion"])
    assert broken == []


def test_concurrent_creation_numbers_distinct_and_gapless(app):
    """Eight drafters' processes each open three requests at once (two organisations of one
    office, two processes): every registration number is distinct, and each process's series
    is exactly 1..N with no gap and no duplicate."""
    per_worker = 3
    drafters = ["drafter", "other_drafter"]
    processes = ["ranperda", "ranperkada"]
    jobs = []
    for i in range(WORKERS):
        payload = {"worker": i, "count": per_worker, "process": processes[(i // 2) % 2]}
        jobs.append((token(app, drafters[i % 2]), payload))
    outcomes = run_together(app, create_work, jobs)

    created = [c for outcome in outcomes for c in outcome]
    assert [c["status"] for c in created] == [201] * WORKERS * per_worker, created
    numbers = [c["body"]["number"] for c in created]
    assert len(set(numbers)) == len(numbers), sorted(numbers)

    expected = defaultdict(int)
    for _, payload in jobs:
        expected[payload["process"].upper()] += payload["count"]
    series = defaultdict(list)
    for c in created:
        match = NUMBER.match(c["body"]["number"])
        assert match, c["body"]["number"]
        assert match["office"] == "NTT"
        assert match["process"] == c["body"]["process"].upper()
        series[(match["process"], match["year"])].append(int(match["seq"]))
    by_process = defaultdict(list)
    for (process, _year), seqs in series.items():
        by_process[process].extend(seqs)
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), (process, sorted(seqs))
    assert {p: len(s) for p, s in by_process.items()} == dict(expected)

    # and the database agrees with what the clients were told
    with app.app_context():
        rows = db.session.execute(select(Request.id, Request.number, Request.version)).all()
        assert sorted(r.number for r in rows) == sorted(numbers)
        assert db.session.scalar(select(func.count()).select_from(Event)) == len(numbers)
        assert all(r.version == 1 for r in rows)
        assert broken_chains() == []
        assert global_chain_problems()[0] == []  # concurrent creations: one chain, no gap, no fork
        db.session.remove()
