"""Fixtures: every test that uses `app` runs on SQLite and on PostgreSQL.

PostgreSQL comes from HARMONI_TEST_POSTGRES_URL (`.ci/run` starts a server and sets it). Without it
the PostgreSQL half is skipped with a reason, unless HARMONI_REQUIRE_POSTGRES=1 (as in CI), where
a missing server fails the run instead of hiding it.

The suite runs in parallel (pytest-xdist, `-n auto` in pyproject.toml). Each worker owns its
databases and document store, so workers never see each other's rows: its SQLite file and store live
under the worker's own temporary directory, and its PostgreSQL database is the configured one with
the worker's name appended (`harmoni_ci_gw0`), created on first use (the role needs CREATEDB).

With HARMONI_TEST_POSTGRES_RUNTIME_ROLE=name:password (as in `.ci/run`) the PostgreSQL half runs the
application as the runtime role (README, Security): the owner role of HARMONI_TEST_POSTGRES_URL
creates the database, migrates, seeds and runs `grant-runtime`, then `app` connects as the runtime
role, so a privilege the application lacks fails a test. What only the owner may do (TRUNCATE between
tests, migrations, the audit tests' deliberate tampering) goes through `owner_app` beside it. Without
the variable (and on SQLite) `owner_app` is `app` itself.
"""

import os

import flask_migrate
import pytest
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from workflow import create_app
from workflow.db_roles import grant_runtime
from workflow.demo import seed
from workflow.documents.certificates import make_certificates, write_signing_files
from workflow.extensions import db
from workflow.models import ApiToken, User
from workflow.models.event import GENESIS

from .helpers import ApiClient

PG_URL = os.environ.get("HARMONI_TEST_POSTGRES_URL")
PG_RUNTIME_ROLE = os.environ.get("HARMONI_TEST_POSTGRES_RUNTIME_ROLE")  # name:password
REQUIRE_PG = os.environ.get("HARMONI_REQUIRE_POSTGRES") == "1"
PASSWORD = "rahasia-uji-123"
# Tables a test may write; the reference data (office, organisations, users) is seeded once.
MUTABLE_TABLES = [
    "audit_chain",
    "events",
    "documents",
    "outbox",
    "notifications",
    "access_log",
    "minutes_snapshots",
    "minutes_findings",
    "minutes",
    "issued_documents",
    "meeting_participants",
    "meeting_requests",
    "meetings",
    "request_assignees",
    "requests",
    "counters",
    "holiday_overrides",
    "auth_throttles",
    # the maintained counts (workflow/stats/counts.py): after requests, whose triggers move them
    "stats_state_counts",
    "stats_due_counts",
    "stats_assigned_counts",
    "stats_received_counts",
    "stats_concluded_counts",
    "stats_deadline_totals",
    "stats_workload_counts",
    "stats_trend_counts",
    "stats_outcome_counts",
    "stats_days_counts",
]


# Sections for the end-of-run summary, {title: {key: value}}, filled by tests (SQL statements per
# page, where the screenshots are). Under xdist each worker sends its own to the controller, which
# merges and prints them once.
SUMMARY: dict[str, dict] = {}


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):  # an xdist worker
        session.config.workeroutput["summary"] = SUMMARY


@pytest.hookimpl(optionalhook=True)  # an xdist hook: only called when the suite runs in parallel
def pytest_testnodedown(node, error):
    for title, entries in getattr(node, "workeroutput", {}).get("summary", {}).items():
        merged = SUMMARY.setdefault(title, {})
        for key, value in entries.items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            else:
                merged[key] = value


def pytest_terminal_summary(terminalreporter):
    for title, entries in SUMMARY.items():
        if entries:
            terminalreporter.section(title)
            for key, value in sorted(entries.items()):
                terminalreporter.write_line(f"{key}: {value}")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (`--dist loadgroup`)
def pytest_collection_modifyitems(items):
    """Keep on one xdist worker what must not run beside itself: the browser tests share one live
    server and one Chromium, and the concurrency tests (`slow`) each spawn several processes that
    should meet at their barrier without a second such crowd competing for the two cores."""
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("processes"))
        elif item.path.parent.name == "e2e":
            item.add_marker(pytest.mark.xdist_group("browser"))


def worker_postgres_url(url: str, worker: str | None) -> str:
    """The PostgreSQL database of one xdist worker: `<database>_<worker>`; the database itself
    when the suite runs in one process."""
    if not worker or worker == "master":
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def create_postgres_database(url: str, base_url: str) -> None:
    """Create the database of `url` unless it exists, connected to `base_url` (which does)."""
    name = make_url(url).database
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        # A commit of the tests' database does not wait for its WAL to reach the disk (3-4 ms each,
        # more on a busy disk, thousands of commits a run). Only what a crash of the server would
        # lose changes: what a transaction sees, locks and commits stay as in production. Set on
        # the database, so it holds for every connection: the runtime role's, the subprocesses'.
        conn.execute(text(f'ALTER DATABASE "{make_url(url).database}" SET synchronous_commit = off'))
    engine.dispose()


def fast_sqlite_commits(app) -> None:
    """SQLite's `synchronous=NORMAL` on the test app's connections (WAL mode: a commit writes the
    log without an fsync; checkpoints still sync). As for PostgreSQL above, only a power cut could
    tell the difference; the locking, WAL and foreign keys create_app configures are unchanged."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":

            @event.listens_for(db.engine, "connect")
            def synchronous_normal(dbapi_connection, _record):
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")

            db.engine.dispose()  # a connection made before the listener is made again with it


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "harmoni.db")
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("HARMONI_REQUIRE_POSTGRES=1 but HARMONI_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL tests need HARMONI_TEST_POSTGRES_URL (see README)")
    url = worker_postgres_url(PG_URL, os.environ.get("PYTEST_XDIST_WORKER"))
    if url != PG_URL:
        create_postgres_database(url, PG_URL)
    reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def owner_app(database_url, tmp_path_factory):
    """The application connected as the schema's owner: it migrates and seeds the database."""
    app = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=database_url,
        DOCUMENT_STORE=str(tmp_path_factory.mktemp("documents")),
    )
    fast_sqlite_commits(app)
    with app.app_context():
        flask_migrate.upgrade()  # the schema comes from the migrations, as in production
        seed(PASSWORD)
        db.session.commit()
        app.config["TEST_TOKENS"] = {u.email: ApiToken.issue(u) for u in db.session.scalars(db.select(User))}
        db.session.commit()
    clean_tables(app)  # the demo requests are not the tests' business
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def app(owner_app):
    """The application under test: on PostgreSQL with a runtime role configured, connected as that
    role (granted its privileges by the owner first); otherwise the owner's app itself."""
    url = owner_app.config["SQLALCHEMY_DATABASE_URI"]
    if not PG_RUNTIME_ROLE or not url.startswith("postgresql"):
        yield owner_app
        return
    name, password = PG_RUNTIME_ROLE.split(":", 1)
    grant_runtime_role(owner_app)
    app = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=make_url(url)
        .set(username=name, password=password)
        .render_as_string(hide_password=False),
        DOCUMENT_STORE=owner_app.config["DOCUMENT_STORE"],
    )
    app.config["TEST_TOKENS"] = owner_app.config["TEST_TOKENS"]
    OWNERS[app] = owner_app
    yield app
    with app.app_context():
        db.engine.dispose()


def grant_runtime_role(owner_app) -> None:
    """`flask grant-runtime`, as after every `db upgrade` (a table created anew has no grants)."""
    if PG_RUNTIME_ROLE and owner_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with owner_app.app_context(), db.engine.begin() as connection:
            grant_runtime(connection, PG_RUNTIME_ROLE.split(":", 1)[0])


# The owner's app of each runtime app, for helpers that get only `app` (tests/test_cli.py's tamper).
OWNERS: dict = {}


def owner_of(app):
    """The app connected as the schema's owner beside `app` (`app` itself when there is one role)."""
    return OWNERS.get(app, app)


def clean_tables(app):
    """Empty what the tests write, as `TRUNCATE <MUTABLE_TABLES> RESTART IDENTITY CASCADE` would, but
    only where there is something to empty: most tests write to a few tables, many to none. One
    query finds the tables with rows (and the sequences a test advanced); those are deleted,
    children first, and again what their triggers wrote meanwhile. A TRUNCATE cost 60 ms on an idle PostgreSQL however empty the tables were (it
    makes new files for every table and index), 250 ms under load; a DELETE of a few rows, a
    millisecond. The append-only tables' triggers refuse a DELETE: the owner switches them off for
    the DELETE and on again inside the same transaction, whose ACCESS EXCLUSIVE lock keeps every
    other connection from seeing them off (10 ms against 80 ms for TRUNCATE)."""
    with app.app_context():
        plan = CleanupPlan.of(app)
        with db.engine.connect() as connection:
            dirty = set(connection.scalars(text(plan.probe)))
            if not dirty:
                return
            tables = [t for t in plan.tables if t in dirty]
            guarded = [(t, trigger) for t in tables for trigger in plan.append_only.get(t, ())]
            for table, trigger in guarded:
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
            for _ in range(len(plan.tables)):
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))
                # a DELETE's triggers may have written another table (the maintained counts of
                # workflow/stats/counts.py move with every request row): empty that too
                dirty |= (found := set(connection.scalars(text(plan.probe))))
                tables = [t for t in plan.tables if t in found]
                if not tables:
                    break
            assert not tables, f"the tables' triggers keep refilling {tables}"
            for table, trigger in guarded:
                connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
            if sequences := [s for s in plan.sequences if s in dirty]:
                restart = ", ".join(f"setval('{s}', 1, false)" for s in sequences)
                connection.execute(text(f"SELECT {restart}"))
            if "audit_head" in dirty:
                connection.execute(text("UPDATE audit_head SET seq = 0, hash = :genesis"), {"genesis": GENESIS})
            connection.commit()


class CleanupPlan:
    """What clean_tables() reads from the database once per app: the tables to empty (MUTABLE_TABLES
    and every table that refers to one of them, as TRUNCATE ... CASCADE would), children first; on
    PostgreSQL the triggers that keep a table append-only and the tables' sequences; and the query that
    names, in one round trip, the tables with rows, the sequences used and a moved audit head."""

    _plans: dict = {}

    @classmethod
    def of(cls, app) -> "CleanupPlan":
        if app not in cls._plans:
            cls._plans[app] = cls(db.engine)
        return cls._plans[app]

    def __init__(self, engine):
        inspector = inspect(engine)
        referrers: dict[str, set[str]] = {}
        ordered = []
        for table, _ in inspector.get_sorted_table_and_fkc_names():
            if table is None:
                continue
            ordered.append(table)
            for fk in inspector.get_foreign_keys(table):
                referrers.setdefault(fk["referred_table"], set()).add(table)
        tables = set(MUTABLE_TABLES)
        while grown := {r for t in tables for r in referrers.get(t, ())} - tables:
            tables |= grown
        self.tables = [t for t in reversed(ordered) if t in tables]  # children before parents
        self.append_only: dict[str, list[str]] = {}  # table: the triggers that refuse a DELETE
        self.sequences: list[str] = []
        probes = [f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})" for t in self.tables]
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                # row-level BEFORE DELETE triggers (tgtype bits: 1 row, 2 before, 8 delete)
                for table, trigger in connection.execute(
                    text(
                        "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "WHERE NOT t.tgisinternal AND t.tgtype & 11 = 11 AND c.relname = ANY(:tables)"
                    ),
                    {"tables": self.tables},
                ):
                    self.append_only.setdefault(table, []).append(trigger)
                self.sequences = list(
                    connection.scalars(
                        text(
                            "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
                            "JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' "
                            "AND d.deptype IN ('a', 'i') AND t.relname = ANY(:tables) ORDER BY s.relname"
                        ),
                        {"tables": self.tables},
                    )
                )
            probes += [f"SELECT '{s}' FROM {s} WHERE is_called" for s in self.sequences]
        probes.append(f"SELECT 'audit_head' FROM audit_head WHERE seq != 0 OR hash != '{GENESIS}'")
        self.probe = " UNION ALL ".join(probes)


@pytest.fixture(autouse=True)
def _clean_tables(request):
    yield
    if "app" in request.fixturenames:
        clean_tables(request.getfixturevalue("owner_app"))  # TRUNCATE is the owner's


@pytest.fixture(scope="session")
def test_certificate(tmp_path_factory):
    """A CA made for the tests and an office certificate it issued (PKCS#12, passphrase, CA PEM)."""
    issued = make_certificates(
        office_name="Kanwil Kementerian Hukum NTT (UJI)",
        organisation="Harmoni (uji)",
        unit="Sertifikat uji",
        ca_name="Harmoni Test CA",
    )
    return write_signing_files(tmp_path_factory.mktemp("signing"), issued)


@pytest.fixture
def signing(app, test_certificate):
    """While the test runs, the office signs what it issues with the tests' certificate."""
    saved = {key: app.config.get(key) for key in ("SIGNING_PKCS12", "SIGNING_PASSPHRASE")}
    app.config.update(SIGNING_PKCS12=str(test_certificate.pkcs12), SIGNING_PASSPHRASE=test_certificate.passphrase)
    yield test_certificate
    app.config.update(saved)


@pytest.fixture
def ctx(app):
    """An application context, for tests that call operations directly."""
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def api(app):
    return ApiClient(app)


@pytest.fixture
def backend(app):
    with app.app_context():
        return db.engine.dialect.name
