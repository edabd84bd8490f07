"""What the benchmarks share: where the database is, a bench app, demo users, requests to transition,
statistics, and writing results as JSON.

Databases: SQLite by default (a file in a temporary folder); PostgreSQL when a URL names one. On
PostgreSQL every benchmark works in its own schema (`bench_<name>_<pid>`, found through the
connection's search_path) and drops it afterwards, so the database named in DATABASE_URL keeps its
own tables untouched.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path
from urllib.parse import quote

# What http_bench.py measures (run.py asks it for all but the static floor)
HTTP_ENDPOINTS = (
    "static",
    "stack_floor",
    "request_floor",
    "work_queue",
    "work_queue_filtered",
    "request_page",
    "api_list",
    "transition",
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password"
SECRET_KEY = "bench-only-secret-key-not-for-production"
DRAFTER = "hukum.sikka@harmoni.test"  # Pemerintah Kabupaten Sikka
OFFICER = "perancang2@harmoni.test"
HEAD = "kakanwil@harmoni.test"
# Generous limits: the benchmark measures the limiter's bookkeeping, not its refusals.
BENCH_CONFIG = {
    "API_RATE_LIMIT": "100000000 per minute",
    "LOGIN_RATE_LIMIT": "100000 per minute",
    "SECRET_KEY": SECRET_KEY,
    # one drafter uploads every benchmark file (and the scale data's documents count as this hour's)
    "UPLOAD_QUOTA_PER_HOUR": 100_000_000,
}


# ---------------------------------------------------------------- databases


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.startswith("postgresql")


def backend_name(url: str) -> str:
    return "postgresql" if is_postgres(url) else "sqlite"


def with_schema(url: str, schema: str) -> str:
    """The URL, connecting with `schema` first on the search_path."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote('-csearch_path=' + schema)}"


def psycopg_conninfo(url: str) -> str:
    """A libpq URL for psycopg from a SQLAlchemy one."""
    from sqlalchemy.engine import make_url

    u = make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


def create_schema(url: str, name: str) -> tuple[str, str]:
    """Create a fresh schema for one benchmark; return (its URL, the schema's name)."""
    import psycopg

    schema = f"bench_{name}_{os.getpid()}"
    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return with_schema(url, schema), schema


def bench_database(url: str | None, name: str, tmp: str, *, existing: bool = False) -> tuple[str, str | None]:
    """The database a benchmark works in: `url` as it is (`existing`), a fresh schema of its own
    in the PostgreSQL database `url` names, or a SQLite file in `tmp`. Returns its URL and the
    schema to drop afterwards (None for none)."""
    if existing:
        return url, None
    if is_postgres(url):
        return create_schema(url, name)
    return f"sqlite:///{tmp}/{name}.db", None


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


# ---------------------------------------------------------------- the app


def make_app(url: str, store: str, **overrides):
    from workflow import create_app

    config = dict(BENCH_CONFIG, SQLALCHEMY_DATABASE_URI=url, DOCUMENT_STORE=store)
    config.update(overrides)
    return create_app("config.Config", **config)


def prepare_database() -> None:
    """Migrate and seed the demo (inside an app context)."""
    import flask_migrate

    from workflow.demo import seed
    from workflow.extensions import db

    flask_migrate.upgrade()
    seed(PASSWORD)
    db.session.commit()


def user(email: str):
    from sqlalchemy import select

    from workflow.extensions import db
    from workflow.models import User

    return db.session.scalar(select(User).where(User.email == email))


def make_targets(n: int, store: str) -> list[int]:
    """`n` Ranperda requests of Kabupaten Sikka opened, documented and submitted through Harmoni's
    own operations (valid chains): `return_for_completion` (officer) and `resubmit` (drafter)
    alternate on each. Committed; returns their ids."""
    from workflow.demo import DEMO_PDF
    from workflow.documents.store import DocumentStore
    from workflow.extensions import db
    from workflow.operations.requests import create_request, upload_document
    from workflow.operations.transitions import fire
    from workflow.processes import PROCESSES

    drafter, docs = user(DRAFTER), DocumentStore(store)
    ids = []
    for i in range(n):
        req = create_request(
            drafter,
            process="ranperda",
            title=f"Rancangan Peraturan Daerah bench {i}",
            external_ref=f"BENCH-T{i}",
            # submitting needs the application letter's number and date
            application_letter_number=f"100.3.3/{i + 1}/HK/2026",
            application_letter_date="2026-01-05",
        )
        for group in PROCESSES["ranperda"].required_documents:
            upload_document(
                req,
                drafter,
                kind=group[0],
                filename=f"{group[0]}.pdf",
                content=DEMO_PDF,
                store=docs,
                max_bytes=len(DEMO_PDF),
            )
        fire(req, "submit", drafter, version=req.version)
        db.session.commit()
        ids.append(req.id)
    return ids


def api_token(email: str) -> str:
    from workflow.extensions import db
    from workflow.models import ApiToken

    token = ApiToken.issue(user(email))
    db.session.commit()
    return token


# ---------------------------------------------------------------- statistics and output


def percentile(values, p: float) -> float | None:
    """The p-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def write_json(path: str | None, data: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(data, indent=2, sort_keys=False, default=str))
