"""Fixtures: every test that uses `app` runs on SQLite and on PostgreSQL.

PostgreSQL comes from HARMONI_TEST_POSTGRES_URL (`.ci/run` starts a server and sets it). Without it
the PostgreSQL half is skipped with a reason, unless HARMONI_REQUIRE_POSTGRES=1 (as in CI), where
a missing server fails the run instead of hiding it.
"""

import os

import flask_migrate
import pytest
from sqlalchemy import create_engine, text

from workflow import create_app
from workflow.demo import seed
from workflow.extensions import db
from workflow.models import ApiToken, User

from .helpers import ApiClient

PG_URL = os.environ.get("HARMONI_TEST_POSTGRES_URL")
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
]


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "harmoni.db")
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("HARMONI_REQUIRE_POSTGRES=1 but HARMONI_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL tests need HARMONI_TEST_POSTGRES_URL (see README)")
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=database_url,
        DOCUMENT_STORE=str(tmp_path_factory.mktemp("documents")),
    )
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


def clean_tables(app):
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"TRUNCATE {', '.join(MUTABLE_TABLES)} RESTART IDENTITY CASCADE"))
        else:
            for table in MUTABLE_TABLES:
                db.session.execute(text(f"DELETE FROM {table}"))
        db.session.execute(text("UPDATE audit_head SET seq = 0, hash = :genesis"), {"genesis": "0" * 64})
        db.session.commit()


@pytest.fixture(autouse=True)
def _clean_tables(request):
    yield
    if "app" in request.fixturenames:
        clean_tables(request.getfixturevalue("app"))


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
