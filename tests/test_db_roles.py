"""PostgreSQL's two roles: the schema's owner migrates; the runtime role the application connects as
may only read and append the audit trail. It cannot UPDATE, DELETE or TRUNCATE events (or the global
chain), cannot ALTER them or disable their append-only triggers; and the application works as it.

Needs a login role for the runtime side: HARMONI_TEST_POSTGRES_RUNTIME_ROLE=name:password (`.ci/run`
creates `harmoni_runtime`)."""

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from workflow import create_app
from workflow.extensions import db

from .conftest import REQUIRE_PG
from .helpers import ALIASES, submitted_request
from .test_cli import cli

RUNTIME = os.environ.get("HARMONI_TEST_POSTGRES_RUNTIME_ROLE")


@pytest.fixture
def runtime_url(app, owner_app, backend):
    if backend != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    if not RUNTIME:
        if REQUIRE_PG:
            pytest.fail("HARMONI_REQUIRE_POSTGRES=1 but HARMONI_TEST_POSTGRES_RUNTIME_ROLE is not set")
        pytest.skip("the runtime role test needs HARMONI_TEST_POSTGRES_RUNTIME_ROLE=name:password")
    name, password = RUNTIME.split(":", 1)
    result = cli(owner_app, "grant-runtime", name)
    assert result.exit_code == 0, result.output
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(username=name, password=password)
    return url.render_as_string(hide_password=False)


REFUSED = [
    "UPDATE events SET comment = 'x'",
    "DELETE FROM events",
    "TRUNCATE events",
    "ALTER TABLE events DISABLE TRIGGER events_append_only",
    "ALTER TABLE events DISABLE TRIGGER ALL",
    "DROP TRIGGER events_append_only ON events",
    "ALTER TABLE events OWNER TO CURRENT_USER",
    "UPDATE audit_chain SET hash = 'x'",
    "DELETE FROM audit_chain",
    "TRUNCATE audit_chain",
    "ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_append_only",
    "DELETE FROM audit_head",
    "TRUNCATE requests",
    "DROP TABLE access_log",
    "UPDATE alembic_version SET version_num = 'x'",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_the_runtime_role_cannot_rewrite_the_trail(api, runtime_url, statement):
    submitted_request(api)
    engine = create_engine(runtime_url)
    try:
        with engine.connect() as conn:
            with pytest.raises(DBAPIError, match="permission denied|must be owner|must be the owner"):
                conn.execute(text(statement))
            conn.rollback()
            assert conn.execute(text("SELECT count(*) FROM events")).scalar() > 0  # it reads them
    finally:
        engine.dispose()


def test_the_application_works_as_the_runtime_role(app, api, runtime_url, tmp_path):
    """A request created, documents uploaded, submitted, returned and resubmitted by an app that
    connects as the runtime role; `audit verify` agrees."""
    runtime_app = create_app(
        "config.TestConfig", SQLALCHEMY_DATABASE_URI=runtime_url, DOCUMENT_STORE=app.config["DOCUMENT_STORE"]
    )
    runtime_app.config["TEST_TOKENS"] = app.config["TEST_TOKENS"]
    try:
        from .helpers import ApiClient

        runtime_api = ApiClient(runtime_app)
        req = submitted_request(runtime_api)
        officer = runtime_api.as_("officer")
        officer.ok(officer.fire(req["id"], "return_for_completion", comment="Lengkapi"))
        drafter = runtime_api.as_("drafter")
        drafter.ok(drafter.fire(req["id"], "resubmit"))
        assert ALIASES["officer"]
        result = cli(runtime_app, "audit", "verify")
        assert result.exit_code == 0, result.output
    finally:
        with runtime_app.app_context():
            db.engine.dispose()


def test_the_suite_runs_as_the_runtime_role(app, owner_app, backend):
    """With a runtime role configured (`.ci/run`), every PostgreSQL test's application connects as
    that role, so any privilege the application would need beyond the runtime grants fails a test;
    the fixtures' owner connection is another role."""
    if backend != "postgresql" or not RUNTIME:
        pytest.skip("the runtime role is PostgreSQL's, configured by HARMONI_TEST_POSTGRES_RUNTIME_ROLE")
    with app.app_context():
        assert db.session.scalar(text("SELECT current_user")) == RUNTIME.split(":", 1)[0]
        db.session.remove()
    with owner_app.app_context():
        assert db.session.scalar(text("SELECT current_user")) != RUNTIME.split(":", 1)[0]
        db.session.remove()
