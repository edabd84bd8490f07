"""Scale data: bulk requests with about ten events each, inserted with SQLAlchemy Core.

    python bench/scale.py --database-url URL --to 100000 [--prepare]

Tops the database up to --to bench requests (numbers starting with "B"), so sizes can grow
1,000 -> 10,000 -> 100,000 in one database. The database must be migrated and seeded (the demo's
office, organisations and users). Requests are spread over every process and every state staff
can see (3% are unsubmitted drafts, which staff cannot), over the demo's organisations, with clock
dates and assignees where the state has them, and 10 events each (seq 1..10, so version 10).
Event hashes are placeholders: `audit verify` would reject these chains, which is fine for a
benchmark and is why no test database is ever filled this way. PostgreSQL is ANALYZEd afterwards
(as autovacuum would do after such an insert); SQLite is left as a deployment would have it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

EVENTS_PER_REQUEST = 10
CHUNK = 5_000  # requests per transaction
WORDS = (
    "Pajak Daerah",
    "Retribusi",
    "Pengelolaan Sampah",
    "Tata Ruang",
    "Perlindungan Anak",
    "Pariwisata",
    "Tenun Ikat",
    "Air Minum",
    "Kesehatan",
    "Pendidikan",
    "Perizinan",
    "Desa Adat",
)
REVIEW_OR_LATER = {
    "in_analysis",
    "analysed",
    "meeting_scheduled",
    "meeting_held",
    "harmonis",
    "harmonis_with_notes",
    "correction_submitted",
    "not_harmonis",
}


def bench_count(conn) -> tuple[int, int]:
    from sqlalchemy import text

    count = conn.execute(text("SELECT count(*) FROM requests WHERE number LIKE 'B%'")).scalar()
    top = conn.execute(text("SELECT coalesce(max(id), 0) FROM requests")).scalar()
    return count, top


def populate(to: int, seed: int = 20261127) -> dict:
    """Insert bench requests up to `to`; inside an app context. Returns what was done."""
    from sqlalchemy import insert, select, text

    from workflow.extensions import db
    from workflow.models import Event, Organisation, Request, User, request_assignees
    from workflow.processes import PROCESSES

    engine = db.engine
    with engine.connect() as conn:
        have, top = bench_count(conn)
        conn.rollback()
    if have >= to:
        return {"inserted": 0, "total": have, "seconds": 0.0}
    office_id = db.session.scalar(select(User.office_id).where(User.email == common.OFFICER))
    orgs = db.session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
    officers = db.session.scalars(select(User.id).where(User.role.in_(("officer", "head"))).order_by(User.id)).all()
    db.session.remove()
    rng = random.Random(seed + have)
    # weights: the harmonisation processes are the office's main work
    weights = {
        "ranperda": 35,
        "ranperkada": 30,
        "legal_aid": 10,
        "public_complaint": 10,
        "human_rights_complaint": 5,
        "ip_facilitation": 5,
        "naturalisation": 5,
    }
    names = [p for p in weights if p in PROCESSES] + [p for p in PROCESSES if p not in weights]
    cum = [weights.get(p, 5) for p in names]
    state_choices = {}
    for name in names:
        p = PROCESSES[name]
        visible = [s.name for s in p.states if s.name not in p.private_states]
        state_choices[name] = (visible, list(p.private_states))
    base_day = date(2026, 1, 5)
    start, next_id, inserted = time.perf_counter(), top + 1, 0
    request_table, event_table = Request.__table__, Event.__table__
    while have + inserted < to:
        n = min(CHUNK, to - have - inserted)
        requests, events, assignees = [], [], []
        for k in range(n):
            rid = next_id + k
            number_seq = have + inserted + k + 1
            name = rng.choices(names, cum)[0]
            p = PROCESSES[name]
            visible, private = state_choices[name]
            state = rng.choice(private) if private and rng.random() < 0.03 else rng.choice(visible)
            created = datetime(2026, 1, 5, 1) + timedelta(minutes=7 * number_seq)
            day = base_day + timedelta(days=rng.randrange(0, 300))
            started = state not in ("draft", "submitted", "returned") and rng.random() < 0.9
            org = rng.choice(orgs) if p.intake == "account" else None
            # the milestones the dashboard and the reports count (operations/milestones.py)
            concluded = p.state(state).phase.value == "conclusion"
            requests.append(
                {
                    "id": rid,
                    "process": name,
                    "number": f"B{number_seq:07d}/{p.number_code}/NTT/2026",
                    "title": f"Rancangan {rng.choice(WORDS)} {rng.choice(WORDS)} nomor {number_seq}",
                    "state": state,
                    "version": EVENTS_PER_REQUEST,
                    "office_id": office_id,
                    "organisation_id": org,
                    "created_by_id": None,
                    "external_ref": f"EH-B-{number_seq}",
                    "completion_rounds": rng.randrange(0, 3),
                    "time_limit_days": 5 if started else None,
                    "clock_started_on": day if started else None,
                    "due_date": day + timedelta(days=7) if started else None,
                    "clock_paused_on": None,
                    "clock_remaining_days": None,
                    "clock_stopped_on": day + timedelta(days=5) if started and p.state(state).final else None,
                    "clock_unit": "working",
                    "timer_trigger": None,
                    "timer_due_on": None,
                    "details": {},
                    "tracking_code": None,
                    "pin_hash": None,
                    "applicant_email": None,
                    "applicant_language": "id",
                    "created_at": created,
                    "updated_at": created + timedelta(days=2),
                    "chain_head": f"{rid:032x}{EVENTS_PER_REQUEST:032x}",  # the last event's (placeholder) hash
                    "received_on": None if state in private else day - timedelta(days=rng.randrange(0, 5)),
                    "concluded_on": day + timedelta(days=5) if concluded else None,
                    "outcome": state if concluded else None,
                    "office_days": rng.randrange(1, 10) if concluded and started else None,
                }
            )
            triggers = [t.trigger for t in p.transitions] or ["bench"]
            prev = "0" * 64
            for seq in range(1, EVENTS_PER_REQUEST + 1):
                digest = f"{rid:032x}{seq:032x}"
                events.append(
                    {
                        "request_id": rid,
                        "seq": seq,
                        "actor_id": rng.choice(officers),
                        "trigger": "create" if seq == 1 else triggers[(seq + rid) % len(triggers)],
                        "from_state": None if seq == 1 else p.initial,
                        "to_state": state if seq == EVENTS_PER_REQUEST else p.initial,
                        "comment": "Catatan pemeriksaan." if seq % 4 == 0 else None,
                        "data": {},
                        "created_at": created + timedelta(hours=seq),
                        "prev_hash": prev,
                        "hash": digest,
                    }
                )
                prev = digest
            if state in REVIEW_OR_LATER:
                for uid in rng.sample(officers, k=min(len(officers), rng.choice((1, 1, 2)))):
                    assignees.append({"request_id": rid, "user_id": uid})
        with engine.begin() as conn:
            conn.execute(insert(request_table), requests)
            conn.execute(insert(event_table), events)
            if assignees:
                conn.execute(insert(request_assignees), assignees)
        next_id += n
        inserted += n
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequence past them
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('requests', 'id'), (SELECT max(id) FROM requests))")
            )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return {"inserted": inserted, "total": have + inserted, "seconds": time.perf_counter() - start}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--to", type=int, required=True)
    parser.add_argument("--store", default="/nonexistent-bench-store")
    parser.add_argument("--prepare", action="store_true", help="migrate and seed the database first")
    parser.add_argument("--json")
    args = parser.parse_args()
    app = common.make_app(args.database_url, args.store)
    with app.app_context():
        if args.prepare:
            common.prepare_database()
        done = populate(args.to)
    print(
        f"{done['inserted']:,} requests inserted ({done['total']:,} bench requests, "
        f"{done['inserted'] * EVENTS_PER_REQUEST:,} events) in {done['seconds']:.1f} s"
    )
    common.write_json(args.json, done)


if __name__ == "__main__":
    main()
