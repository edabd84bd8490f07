"""The CLI fixed points (`flask --app wsgi seed-demo | users create | users token | audit verify`),
and the append-only audit trail they verify: the ORM refuses to rewrite or remove an event, and
on PostgreSQL so does the database itself.

Most tests go through `app.test_cli_runner()`; a few run the real entry point in a subprocess
(`python -m flask --app wsgi ...` with DATABASE_URL), as an operator would.

The reference tables (offices, organisations, users, api_tokens) are shared by the whole session:
every user created here has a unique e-mail and is deleted again, and demo passwords are restored.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from workflow import create_app
from workflow.demo import ORGANISATIONS, REQUESTS, USERS
from workflow.extensions import db
from workflow.models import ApiToken, Event, Office, Organisation, Request, User
from workflow.models.event import AppendOnlyError

from .conftest import owner_of
from .helpers import submitted_request

ROOT = Path(__file__).resolve().parents[1]
DEMO_EMAILS = [u[0] for u in USERS]
TRIGGER_ON = "SELECT tgenabled FROM pg_trigger WHERE tgname = 'events_append_only'"


# --- helpers ------------------------------------------------------------------------------------


def cli(app, *args):
    """Invoke a command through the Flask test runner; the command pushes its own app context."""
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def flask_cmd(database_url, document_store, *args, timeout=120):
    """The real entry point: `python -m flask --app wsgi ...`, configured by the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "HARMONI_"))}
    env.update(DATABASE_URL=database_url, HARMONI_DOCUMENT_STORE=str(document_store), SECRET_KEY="cli-test-secret")
    # seed-demo would make its demo certificate in the working copy's instance folder: not from tests
    # (tests/documents/test_signing.py runs it in a folder of its own)
    env["HARMONI_SIGNING_DEMO"] = "0"
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def release(app):
    """End the parent's own transaction (SQLite write lock, PostgreSQL table locks)."""
    with app.app_context():
        db.session.commit()
        db.session.remove()


def counts() -> dict:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Office, Organisation, User, Request, Event)
    }


def unique_email(prefix="uji") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@harmoni.test"


def drop_users(app, emails):
    with app.app_context():
        ids = select(User.id).where(User.email.in_([e.lower() for e in emails]))
        db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(ids)))
        db.session.execute(delete(User).where(User.email.in_([e.lower() for e in emails])))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def created_emails(app):
    """E-mails of users a test creates; they are deleted afterwards, with their tokens."""
    emails = []
    yield emails
    drop_users(app, emails)


@pytest.fixture
def keep_demo_passwords(app):
    """Put the demo accounts' password hashes back after a test changes them."""
    with app.app_context():
        saved = dict(
            db.session.execute(select(User.email, User.password_hash).where(User.email.in_(DEMO_EMAILS))).all()
        )
        db.session.remove()
    yield
    with app.app_context():
        for email, password_hash in saved.items():
            db.session.execute(update(User).where(User.email == email).values(password_hash=password_hash))
        db.session.commit()
        db.session.remove()


def tamper(app, sql, **params):
    """Rewrite the audit trail behind the application's back, as someone with SQL access could.

    On PostgreSQL the append-only trigger must be disabled first; disabling, the change and
    re-enabling happen in one transaction, so the trigger can never be left disabled. That takes
    the tables' owner: the edits go through the owner's connection (the runtime role may not).
    """
    release(app)
    with owner_of(app).app_context():
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL lock_timeout = '20s'"))
                conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
                conn.execute(text("ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_append_only"))
            changed = sum(
                conn.execute(text(statement), params).rowcount for statement in ([sql] if isinstance(sql, str) else sql)
            )
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
                conn.execute(text("ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_append_only"))
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                assert conn.execute(text(TRIGGER_ON)).scalar_one() == "O"  # enabled again
    assert changed >= 1, sql
    return changed


def events_of(app, request_id):
    with app.app_context():
        rows = db.session.execute(
            select(Event.id, Event.seq, Event.trigger, Event.comment)
            .where(Event.request_id == request_id)
            .order_by(Event.seq)
        ).all()
        db.session.remove()
    return rows


def two_requests(api):
    """A request that went through several transitions, and an untouched one beside it."""
    req = submitted_request(api)
    officer = api.as_("officer")
    req = officer.ok(officer.fire(req["id"], "return_for_completion", comment="Lengkapi SK tim"))
    req = api.as_("drafter").ok(api.as_("drafter").fire(req["id"], "resubmit"))
    req = officer.ok(officer.fire(req["id"], "declare_complete"))
    other = api.as_("other_drafter").create("ranperkada", title="Rancangan Peraturan Bupati Sikka")
    return req, other


# --- seed-demo ----------------------------------------------------------------------------------


def test_seed_demo_is_idempotent(app, keep_demo_passwords):
    result = cli(app, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "demo data ready" in result.output
    with app.app_context():
        first = counts()
        offices = db.session.scalars(select(Office.name)).all()
        organisations = set(db.session.scalars(select(Organisation.name)))
        users = {
            u.email: (u.role, u.organisation.name if u.organisation else None)
            for u in db.session.scalars(select(User).where(User.email.in_(DEMO_EMAILS)))
        }
        numbers = sorted(db.session.scalars(select(Request.number)))
        db.session.remove()
    assert "Kanwil Kementerian Hukum NTT" in offices
    assert {
        "Pemerintah Provinsi NTT",
        "Pemerintah Kota Kupang",
        "Pemerintah Kabupaten Sikka",
        "DPRD Provinsi NTT",
    } <= organisations
    assert {name for name, *_ in ORGANISATIONS} <= organisations
    assert users == {
        "admin@harmoni.test": ("admin", None),
        "kakanwil@harmoni.test": ("head", None),
        "perancang1@harmoni.test": ("officer", None),
        "perancang2@harmoni.test": ("officer", None),
        "hukum.kotakupang@harmoni.test": ("drafter", "Pemerintah Kota Kupang"),
        "hukum.sikka@harmoni.test": ("drafter", "Pemerintah Kabupaten Sikka"),
    }
    # the harmonisation requests, plus the demo's legal-aid (form and counter), naturalisation and public-complaint requests
    assert first["requests"] == len(REQUESTS) + 4 and len(numbers) == len(set(numbers))
    assert first["events"] > first["requests"]  # the demo requests went through transitions

    for _ in range(2):
        again = cli(app, "seed-demo")
        assert again.exit_code == 0, again.output
        with app.app_context():
            assert counts() == first
            assert sorted(db.session.scalars(select(Request.number))) == numbers
            db.session.remove()

    verify = cli(app, "audit", "verify")
    assert verify.exit_code == 0, verify.output
    assert "intact" in verify.output


def test_seed_demo_password_sets_every_demo_password(app, keep_demo_passwords):
    new_password = "kata-sandi-baru-" + uuid.uuid4().hex[:6]
    result = cli(app, "seed-demo", "--password", new_password)
    assert result.exit_code == 0, result.output
    with app.app_context():
        demo = db.session.scalars(select(User).where(User.email.in_(DEMO_EMAILS))).all()
        assert sorted(u.email for u in demo) == sorted(DEMO_EMAILS)
        assert all(u.check_password(new_password) for u in demo)
        assert not any(u.check_password("harmoni-demo") for u in demo)
        db.session.remove()

    # running it again with another password changes only the passwords
    with app.app_context():
        before = counts()
        db.session.remove()
    result = cli(app, "seed-demo", "--password", new_password + "-2")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert counts() == before
        demo = db.session.scalars(select(User).where(User.email.in_(DEMO_EMAILS))).all()
        assert all(u.check_password(new_password + "-2") and not u.check_password(new_password) for u in demo)
        db.session.remove()


def test_seed_demo_runs_in_its_own_app_context(app, keep_demo_passwords):
    """Flask's test runner (like any host of `app.cli` other than `flask` itself) pushes no
    application context: each command must push its own (with_appcontext / AppGroup)."""
    from flask import has_app_context

    assert not has_app_context()
    for args in (["seed-demo"], ["audit", "verify"], ["users", "token", "admin@harmoni.test"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exception is None, (args, repr(result.exception))
        assert result.exit_code == 0, (args, result.output)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@harmoni.test"))
        # the token the command printed is the one stored (only its digest is kept)
        assert ApiToken.digest(result.output.strip()) in {
            t.token_hash for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == admin.id))
        }
        db.session.remove()


# --- users create / users token -------------------------------------------------------------------


def test_users_create_staff_and_drafter(app, created_emails):
    officer_email, drafter_email = unique_email("petugas"), unique_email("perancang")
    created_emails += [officer_email, drafter_email]
    with app.app_context():
        assert len(db.session.scalars(select(Office)).all()) == 1  # so --office may be left out
        db.session.remove()

    result = cli(
        app,
        "users",
        "create",
        "--email",
        "  " + officer_email.upper() + " ",
        "--name",
        "Petugas Uji",
        "--role",
        "officer",
        "--password",
        "kopi-pagi-kupang-7",
    )
    assert result.exit_code == 0, result.output
    assert f"created officer {officer_email}" in result.output
    result = cli(
        app,
        "users",
        "create",
        "--email",
        drafter_email,
        "--name",
        "Perancang Uji",
        "--role",
        "drafter",
        "--organisation",
        "Pemerintah Kabupaten Sikka",
        "--password",
        "teh-sore-sikka-8",
    )
    assert result.exit_code == 0, result.output

    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == officer_email))
        drafter = db.session.scalar(select(User).where(User.email == drafter_email))
        assert officer is not None, "e-mail not stored lower-case and stripped"
        assert (officer.role, officer.organisation, officer.office.code) == ("officer", None, "NTT")
        assert officer.check_password("kopi-pagi-kupang-7") and not officer.check_password("salah")
        assert officer.password_hash != "kopi-pagi-kupang-7"
        assert drafter.role == "drafter" and drafter.organisation.name == "Pemerintah Kabupaten Sikka"
        assert drafter.office_id == drafter.organisation.office_id
        assert drafter.check_password("teh-sore-sikka-8")
        db.session.remove()


def test_users_create_refusals(app, created_emails):
    email = unique_email()
    created_emails.append(email)
    with app.app_context():
        users_before = counts()["users"]
        db.session.remove()

    # a drafter needs an organisation, and an existing one
    no_org = cli(
        app,
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Perancang",
        "--role",
        "drafter",
        "--password",
        "kunci-lemari-arsip-1",
    )
    assert no_org.exit_code != 0 and "organisation" in no_org.output
    bad_org = cli(
        app,
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Perancang",
        "--role",
        "drafter",
        "--organisation",
        "Pemerintah Antah Berantah",
        "--password",
        "kunci-lemari-arsip-1",
    )
    assert bad_org.exit_code != 0 and "Antah Berantah" in bad_org.output
    bad_role = cli(
        app, "users", "create", "--email", email, "--name", "X", "--role", "root", "--password", "kunci-lemari-arsip-1"
    )
    assert bad_role.exit_code != 0
    bad_office = cli(
        app,
        "users",
        "create",
        "--email",
        email,
        "--name",
        "X",
        "--role",
        "officer",
        "--office",
        "XXX",
        "--password",
        "kunci-lemari-arsip-1",
    )
    assert bad_office.exit_code != 0
    with app.app_context():
        assert counts()["users"] == users_before
        db.session.remove()

    first = cli(
        app,
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Pertama",
        "--role",
        "head",
        "--office",
        "NTT",
        "--password",
        "kunci-lemari-arsip-1",
    )
    assert first.exit_code == 0, first.output
    # the same address again, however it is spelt, is refused and changes nothing
    for spelling in (email, email.upper(), f" {email} "):
        dup = cli(
            app,
            "users",
            "create",
            "--email",
            spelling,
            "--name",
            "Kedua",
            "--role",
            "officer",
            "--password",
            "kunci-lemari-arsip-2",
        )
        assert dup.exit_code != 0, dup.output
        assert "exists" in dup.output
    dup_demo = cli(
        app,
        "users",
        "create",
        "--email",
        "perancang1@harmoni.test",
        "--name",
        "Tiruan",
        "--role",
        "officer",
        "--password",
        "kunci-lemari-arsip-2",
    )
    assert dup_demo.exit_code != 0
    with app.app_context():
        assert counts()["users"] == users_before + 1
        user = db.session.scalar(select(User).where(User.email == email))
        assert (user.name, user.role) == ("Pertama", "head") and user.check_password("kunci-lemari-arsip-1")
        demo = db.session.scalar(select(User).where(User.email == "perancang1@harmoni.test"))
        assert demo.name == "Maria Fernandez" and not demo.check_password("kunci-lemari-arsip-2")
        db.session.remove()


def test_users_token_authenticates_the_api(app, created_emails):
    email = unique_email("token")
    created_emails.append(email)
    assert (
        cli(
            app,
            "users",
            "create",
            "--email",
            email,
            "--name",
            "Petugas Token",
            "--role",
            "officer",
            "--password",
            "kopi-pagi-kupang-7",
        ).exit_code
        == 0
    )

    result = cli(app, "users", "token", email.upper())
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token and "\n" not in token and " " not in token
    second = cli(app, "users", "token", email).output.strip()
    assert second != token  # a new token each time; both work

    client = app.test_client()
    for t in (token, second):
        r = client.get("/api/v1/requests", headers={"Authorization": f"Bearer {t}"})
        assert r.status_code == 200, r.get_json()
        assert "items" in r.get_json()

    for header in (f"Bearer {token}x", f"Bearer {token[:-1]}", "Bearer ", f"Basic {token}", ""):
        r = client.get("/api/v1/requests", headers={"Authorization": header} if header else {})
        assert r.status_code == 401, header
        assert r.get_json()["error"]["code"] == "unauthorized"

    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash).join(User).where(User.email == email)).all()
        assert len(stored) == 2 and token not in stored and ApiToken.digest(token) in stored
        db.session.remove()

    unknown = cli(app, "users", "token", unique_email("tidak-ada"))
    assert unknown.exit_code != 0 and "no user" in unknown.output

    drop_users(app, [email])  # a deleted user's token no longer opens anything
    r = client.get("/api/v1/requests", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401


# --- audit verify ---------------------------------------------------------------------------------


def test_audit_verify_passes_on_intact_chains(app, api):
    req, other = two_requests(api)
    assert req["version"] > 5
    result = cli(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "audit chains intact" in result.output and "BROKEN" not in result.output


UNLINK = ["DELETE FROM audit_chain WHERE event_id IN (SELECT id FROM events WHERE request_id = :request_id)"]
TAMPERING = {
    # what an intruder with SQL access does to the busy request's trail -> what verify must say
    "comment rewritten": (
        "UPDATE events SET comment = 'tidak ada masalah' WHERE id = :middle",
        "content does not match",
    ),
    "state rewritten": ("UPDATE events SET to_state = 'verified' WHERE id = :first", "content"),
    "actor rewritten": ("UPDATE events SET actor_id = NULL WHERE id = :last", "content"),
    "hash replaced": ("UPDATE events SET hash = :fake WHERE id = :middle", "content"),
    # (an event's link in the global chain goes first: it refers to the event)
    "middle deleted": (UNLINK + ["DELETE FROM events WHERE id = :middle"], "expected"),
    "last deleted": (UNLINK + ["DELETE FROM events WHERE id = :last"], "version"),
    "all deleted": (UNLINK + ["DELETE FROM events WHERE request_id = :request_id"], "no events"),
    # the trail cut short and the version lowered to match: the chain head still tells
    "last deleted, version lowered": (
        UNLINK
        + ["DELETE FROM events WHERE id = :last", "UPDATE requests SET version = version - 1 WHERE id = :request_id"],
        "chain head",
    ),
    # the request moved without an event
    "state changed without an event": ("UPDATE requests SET state = 'harmonis' WHERE id = :request_id", "state"),
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_audit_verify_detects_tampering(app, api, kind):
    req, other = two_requests(api)
    events = events_of(app, req["id"])
    assert len(events) == req["version"] >= 6
    assert cli(app, "audit", "verify").exit_code == 0

    sql, problem = TAMPERING[kind]
    tamper(
        app,
        sql,
        request_id=req["id"],
        first=events[0].id,
        middle=events[len(events) // 2].id,
        last=events[-1].id,
        fake="f" * 64,
    )

    result = cli(app, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert "audit chains intact" not in result.output
    # only the tampered request, not its neighbour (besides, the global chain may say what it saw)
    broken = [line for line in result.output.splitlines() if line.startswith("BROKEN") and "(id " in line]
    assert len(broken) == 1, result.output
    assert req["number"] in broken[0] and f"(id {req['id']})" in broken[0]
    assert other["number"] not in result.output
    assert problem in broken[0], broken[0]


# --- the real entry point -------------------------------------------------------------------------


def test_entry_point_full_cycle_on_a_fresh_sqlite_file(tmp_path):
    """An operator's first day, through `flask --app wsgi`, on a new SQLite file.

    Each command runs once through the real entry point (a process start costs about 3 s of CPU);
    what the day does next with a command already started so (seeding again, the refused
    `users create`, `audit verify` after tampering) runs through Flask's CLI runner in this
    process, on the same file. The other entry-point test verifies tampering through a process."""
    url = "sqlite:///" + str(tmp_path / "harmoni.db")
    store = tmp_path / "documents"
    upgrade = flask_cmd(url, store, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    probe = create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=url, DOCUMENT_STORE=str(store))

    def seeded_with(password) -> dict:
        with probe.app_context():
            demo = db.session.scalars(select(User).where(User.email.in_(DEMO_EMAILS))).all()
            assert len(demo) == len(DEMO_EMAILS) and all(u.check_password(password) for u in demo)
            found = counts()
            db.session.remove()
            db.engine.dispose()  # the next process finds the file free
        return found

    seed = flask_cmd(url, store, "seed-demo", "--password", "sandi-demo-1")
    assert seed.returncode == 0, seed.stderr
    assert "demo data ready" in seed.stdout
    first = seeded_with("sandi-demo-1")
    seed = cli(probe, "seed-demo", "--password", "sandi-demo-2")
    assert seed.exit_code == 0, seed.output
    assert "demo data ready" in seed.output
    assert seeded_with("sandi-demo-2") == first and first["requests"] == len(REQUESTS) + 4

    officer = ["--email", "petugas.baru@harmoni.test", "--name", "Petugas Baru", "--role", "officer"]
    create = flask_cmd(url, store, "users", "create", *officer, "--password", "kopi-pagi-kupang-7")
    assert create.returncode == 0, create.stderr
    again = cli(probe, "users", "create", *officer, "--password", "kopi-pagi-kupang-7")
    assert again.exit_code != 0 and "exists" in again.output
    drafter = cli(
        probe,
        "users",
        "create",
        "--email",
        "perancang.baru@harmoni.test",
        "--name",
        "Perancang",
        "--role",
        "drafter",
        "--password",
        "kopi-pagi-kupang-7",
    )
    assert drafter.exit_code != 0 and "organisation" in drafter.output
    with probe.app_context():
        db.engine.dispose()

    token = flask_cmd(url, store, "users", "token", "petugas.baru@harmoni.test")
    assert token.returncode == 0, token.stderr
    verify = flask_cmd(url, store, "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "intact" in verify.stdout

    client = probe.test_client()
    r = client.get("/api/v1/requests", headers={"Authorization": "Bearer " + token.stdout.strip()})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["total"] >= 1
    r = client.get("/api/v1/requests", headers={"Authorization": "Bearer " + token.stdout.strip() + "0"})
    assert r.status_code == 401

    # tampering shows (through a process: test_entry_point_on_the_test_database)
    with probe.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE events SET comment = 'diubah' WHERE id = (SELECT max(id) FROM events)"))
    verify = cli(probe, "audit", "verify")
    assert verify.exit_code == 1 and "BROKEN" in verify.output
    with probe.app_context():
        db.engine.dispose()


def test_entry_point_on_the_test_database(app, api, created_emails, keep_demo_passwords):
    """`flask --app wsgi` honours DATABASE_URL, on SQLite and on PostgreSQL alike."""
    req, _ = two_requests(api)
    email = unique_email("entry")
    created_emails.append(email)
    release(app)
    url, store = app.config["SQLALCHEMY_DATABASE_URI"], app.config["DOCUMENT_STORE"]

    create = flask_cmd(
        url,
        store,
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Petugas",
        "--role",
        "officer",
        "--office",
        "NTT",
        "--password",
        "kopi-pagi-kupang-7",
    )
    assert create.returncode == 0, create.stderr
    token = flask_cmd(url, store, "users", "token", email)
    assert token.returncode == 0, token.stderr
    r = app.test_client().get(
        f"/api/v1/requests/{req['id']}", headers={"Authorization": "Bearer " + token.stdout.strip()}
    )
    assert r.status_code == 200 and r.get_json()["number"] == req["number"]

    verify = cli(app, "audit", "verify")  # intact before (in this process: a start less)
    assert verify.exit_code == 0, verify.output
    release(app)
    events = events_of(app, req["id"])
    tamper(app, "UPDATE events SET data = :data WHERE id = :id", id=events[1].id, data="{}")
    verify = flask_cmd(url, store, "audit", "verify")
    assert verify.returncode == 1, verify.stdout
    assert req["number"] in verify.stderr


# --- append-only --------------------------------------------------------------------------------


def test_postgresql_trigger_refuses_sql_update_and_delete(app, api, backend):
    if backend != "postgresql":
        pytest.skip("the events_append_only trigger exists on PostgreSQL only")
    req, _ = two_requests(api)
    before = events_of(app, req["id"])
    release(app)
    statements = [
        ("UPDATE", "UPDATE events SET comment = 'diubah' WHERE id = :id"),
        ("UPDATE", "UPDATE events SET request_id = request_id WHERE id = :id"),  # even a no-op
        ("DELETE", "DELETE FROM events WHERE id = :id"),
    ]
    # as the owner, who holds UPDATE and DELETE on events: the trigger is what refuses (the runtime
    # role is refused before, by its privileges: tests/test_db_roles.py)
    with owner_of(app).app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text(TRIGGER_ON)).scalar_one() == "O"
        for operation, sql in statements:
            with db.engine.connect() as conn:
                with pytest.raises(DBAPIError, match=f"append-only \\({operation} refused\\)"):
                    conn.execute(text(sql), {"id": before[1].id})
                conn.rollback()
        with db.engine.connect() as conn:
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text("DELETE FROM events WHERE request_id = :r"), {"r": req["id"]})
            conn.rollback()
    assert events_of(app, req["id"]) == before
    assert cli(app, "audit", "verify").exit_code == 0


def test_orm_refuses_to_update_or_delete_an_event(app, api):
    req, _ = two_requests(api)
    before = events_of(app, req["id"])
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.request_id == req["id"]).order_by(Event.seq)).first()
        event.comment = "diubah lewat ORM"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()

        event = db.session.get(Event, before[-1].id)
        db.session.delete(event)
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()

        # deleting the request does not take its events with it either
        request = db.session.get(Request, req["id"])
        db.session.delete(request)
        with pytest.raises((AppendOnlyError, IntegrityError)):
            db.session.flush()
        db.session.rollback()
        db.session.remove()
    assert events_of(app, req["id"]) == before
    assert cli(app, "audit", "verify").exit_code == 0


def test_orm_bulk_update_and_delete_of_events_are_refused(app, api):
    """DESIGN.md: "no ORM update or delete path". ORM-enabled UPDATE and DELETE statements skip
    the mapper's before_update/before_delete hooks, so they need refusing on their own; on SQLite
    nothing else would stop them."""
    req, _ = two_requests(api)
    before = events_of(app, req["id"])
    middle, last = before[len(before) // 2].id, before[-1].id
    attempts = {
        "update()": lambda: db.session.execute(update(Event).where(Event.id == middle).values(comment="diubah")),
        "update() by primary key": lambda: db.session.execute(update(Event), [{"id": middle, "comment": "diubah"}]),
        "delete()": lambda: db.session.execute(delete(Event).where(Event.id == last)),
        "Query.update": lambda: (
            db.session.query(Event).filter(Event.id == middle).update({"comment": "diubah"}, synchronize_session=False)
        ),
        "Query.delete": lambda: (
            db.session.query(Event).filter(Event.request_id == req["id"]).delete(synchronize_session=False)
        ),
    }
    not_refused = []
    with app.app_context():
        for name, attempt in attempts.items():
            try:
                attempt()
                db.session.flush()
            except AppendOnlyError:
                pass
            else:
                not_refused.append(name)
            db.session.rollback()  # leave the trail intact whatever happened
        db.session.remove()
    assert not_refused == []
    assert events_of(app, req["id"]) == before
