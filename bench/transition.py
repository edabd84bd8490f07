"""Benchmark: one transition through Harmoni's engine against its floor, raw SQL, in the same run.

Harmoni's path: load the request FOR UPDATE, fire() (visibility, version, role, guards, the
transitions.Machine, clock, hash-chained event), commit. The floor: the same row changes written as
bare SQL (one UPDATE of the request, one INSERT of an event), committed. Both alternate between
`returned` and `submitted` (return_for_completion / resubmit) on one request.

    python bench/transition.py [--n 300] [--database-url URL]     (default: a temporary SQLite file)
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import flask_migrate  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from workflow import create_app  # noqa: E402
from workflow.demo import seed  # noqa: E402
from workflow.extensions import db  # noqa: E402
from workflow.models import Request, User  # noqa: E402
from workflow.operations.transitions import fire  # noqa: E402


def timed(fn, n):
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    app = create_app("config.Config", SQLALCHEMY_DATABASE_URI=url, DOCUMENT_STORE=f"{tmp}/docs")
    with app.app_context():
        flask_migrate.upgrade()
        seed("bench-password")
        db.session.commit()
        drafter = db.session.scalar(select(User).where(User.email == "hukum.sikka@harmoni.test"))
        officer = db.session.scalar(select(User).where(User.email == "perancang2@harmoni.test"))
        # the demo's returned Ranperda of Kabupaten Sikka
        req_id = db.session.scalar(select(Request.id).where(Request.state == "returned"))

        def harmoni(i):
            req = db.session.scalar(select(Request).where(Request.id == req_id).with_for_update())
            if req.state == "returned":
                fire(req, "resubmit", db.session.get(User, drafter.id), version=req.version)
            else:
                fire(req, "return_for_completion", db.session.get(User, officer.id),
                     version=req.version, comment="Lengkapi dokumen.")
            db.session.commit()

        floor_id = db.session.scalar(select(Request.id).where(Request.state == "submitted"))

        def raw_sql(i):
            state = "returned" if i % 2 == 0 else "submitted"
            db.session.execute(text(
                "UPDATE requests SET state = :s, version = version + 1 WHERE id = :id"),
                {"s": state, "id": floor_id})
            db.session.execute(text(
                "INSERT INTO events (request_id, seq, trigger, from_state, to_state, data, "
                "created_at, prev_hash, hash) VALUES (:id, :seq, 't', 'a', :s, '{}', "
                "CURRENT_TIMESTAMP, :h, :h)"), {"id": floor_id, "seq": 1000 + i, "s": state, "h": "0" * 64})
            db.session.commit()

        timed(harmoni, 20), timed(raw_sql, 20)  # warm up caches and connections
        t_harmoni = timed(harmoni, args.n)
        t_floor = timed(lambda i: raw_sql(i + 20), args.n)
        print(f"backend: {db.engine.dialect.name}, {args.n} transitions each, median per transition")
        print(f"  harmoni fire() + commit: {t_harmoni * 1000:8.3f} ms")
        print(f"  raw SQL floor:           {t_floor * 1000:8.3f} ms")
        print(f"  ratio harmoni / floor:   {t_harmoni / t_floor:8.1f}x")


if __name__ == "__main__":
    main()
