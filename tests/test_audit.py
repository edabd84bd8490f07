"""The global audit chain and its signed checkpoints (`audit verify`, `audit checkpoint`, `audit keygen`).

What an intruder with SQL access does here goes further than tests/test_cli.py's edits: they delete
a whole request, or rebuild every hash after an edit, so that each request's own chain verifies
again. The global chain catches what leaves a gap; the checkpoints, signed with a key outside the
database, catch a rebuild or a truncation before them.
"""

import json
import os

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from workflow.extensions import db
from workflow.models import AuditHead, AuditLink, Event, Request
from workflow.models.audit_chain import link_hash
from workflow.models.event import GENESIS
from workflow.operations.audit import broken_chains, global_chain_problems

from .conftest import owner_of
from .helpers import submitted_request
from .services.test_outbox import SmtpServer
from .test_cli import cli, events_of, release, tamper, two_requests

# A request and everything that refers to it, as an intruder would remove it (the chain link first).
DELETE_REQUEST = [
    "DELETE FROM audit_chain WHERE event_id IN (SELECT id FROM events WHERE request_id = :r)",
    *(
        f"DELETE FROM {table.name} WHERE request_id = :r"
        for table in reversed(db.metadata.sorted_tables)
        if "request_id" in table.c
    ),
    "DELETE FROM requests WHERE id = :r",
]


@pytest.fixture
def anchored(app, tmp_path):
    """A signing key and a checkpoint file of this test's own, configured as an operator would."""
    key = tmp_path / "audit.key"
    result = cli(app, "audit", "keygen", key)
    assert result.exit_code == 0, result.output
    saved = {k: app.config[k] for k in ("AUDIT_SIGNING_KEY", "AUDIT_PUBLIC_KEY", "AUDIT_CHECKPOINTS", "AUDIT_EMAIL")}
    app.config.update(
        AUDIT_SIGNING_KEY=str(key),
        AUDIT_PUBLIC_KEY=None,
        AUDIT_CHECKPOINTS=str(tmp_path / "cp.jsonl"),
        AUDIT_EMAIL=None,
    )
    yield tmp_path
    app.config.update(saved)


@pytest.fixture
def smtp(app):
    server = SmtpServer()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USERNAME=None)
    yield server
    server.stop()
    app.config.update(saved)


def checkpoint(app):
    result = cli(app, "audit", "checkpoint")
    assert result.exit_code == 0, result.output
    return result


def verify(app, *args):
    return cli(app, "audit", "verify", *args)


def detached_events(conn, statement):
    """Events read on the tampering connection (SQLite: it holds the write lock), free to edit in memory."""
    with Session(bind=conn) as session:
        events = session.scalars(statement).all()
        session.expunge_all()
    return events


def rebuild_every_hash(app):
    """What a careful intruder does after editing: recompute every request chain, every chain
    head, the whole global chain and its head, so that nothing in the database disagrees (as the
    tables' owner: only the owner can disable the append-only triggers)."""
    release(app)
    with owner_of(app).app_context():
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
                conn.execute(text("ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_append_only"))
            conn.execute(text("DELETE FROM audit_chain"))
            prev_by_request, global_prev, seq = {}, GENESIS, 0
            for ev in detached_events(conn, select(Event).order_by(Event.id)):
                ev.prev_hash = prev_by_request.get(ev.request_id, GENESIS)
                new_hash = ev.compute_hash()
                conn.execute(
                    text("UPDATE events SET prev_hash = :p, hash = :h WHERE id = :id"),
                    {"p": ev.prev_hash, "h": new_hash, "id": ev.id},
                )
                prev_by_request[ev.request_id] = new_hash
                seq += 1
                global_prev = link_hash(global_prev, seq, new_hash)
                conn.execute(
                    text("INSERT INTO audit_chain (seq, event_id, hash) VALUES (:s, :e, :h)"),
                    {"s": seq, "e": ev.id, "h": global_prev},
                )
            for request_id, head in prev_by_request.items():
                conn.execute(text("UPDATE requests SET chain_head = :h WHERE id = :id"), {"h": head, "id": request_id})
            conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": seq, "h": global_prev})
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
                conn.execute(text("ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_append_only"))
        db.session.remove()


# --- the global chain -------------------------------------------------------------------------------


def test_every_committed_event_is_linked_once_in_order(app, api):
    req, other = two_requests(api)
    with app.app_context():
        links = db.session.execute(select(AuditLink.seq, AuditLink.event_id).order_by(AuditLink.seq)).all()
        events = db.session.scalars(select(Event.id).order_by(Event.id)).all()
        assert [seq for seq, _ in links] == list(range(1, len(events) + 1))
        assert [event_id for _, event_id in links] == events
        head = db.session.get(AuditHead, 1)
        assert head.seq == len(events)
        assert global_chain_problems()[0] == []
    assert verify(app).exit_code == 0


def test_an_event_rolled_back_is_not_linked(app, api):
    req = submitted_request(api)
    with app.app_context():
        before = db.session.get(AuditHead, 1).seq
        request = db.session.get(Request, req["id"])
        from workflow.operations.audit import append_event

        append_event(request, None, "noise", request.state, request.state)
        db.session.flush()
        db.session.rollback()
        db.session.remove()
        assert db.session.get(AuditHead, 1).seq == before
    assert verify(app).exit_code == 0


def test_a_deleted_request_is_detected(app, api):
    """Its events, links, documents and row are gone: no request chain is left to fail, but the
    global chain has a gap."""
    req, other = two_requests(api)
    tamper(
        app,
        DELETE_REQUEST,
        r=req["id"],
    )
    with app.app_context():
        assert broken_chains() == []  # every remaining request is consistent
    result = verify(app)
    assert result.exit_code == 1, result.output
    assert "global chain" in result.output and "missing" in result.output


def test_an_edit_with_its_request_chain_rebuilt_is_detected(app, api):
    """The comment rewritten and the request's own chain and head recomputed: the request
    verifies alone, the global link of the edited event does not."""
    req, other = two_requests(api)
    events = events_of(app, req["id"])
    release(app)
    with owner_of(app).app_context():
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_append_only"))
            prev = GENESIS
            for ev in detached_events(conn, select(Event).where(Event.request_id == req["id"]).order_by(Event.seq)):
                if ev.id == events[1].id:
                    ev.comment = "tidak ada masalah"
                ev.prev_hash = prev
                prev = ev.compute_hash()
                conn.execute(
                    text("UPDATE events SET comment = :c, prev_hash = :p, hash = :h WHERE id = :id"),
                    {"c": ev.comment, "p": ev.prev_hash, "h": prev, "id": ev.id},
                )
            conn.execute(text("UPDATE requests SET chain_head = :h WHERE id = :id"), {"h": prev, "id": req["id"]})
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_append_only"))
        db.session.remove()
        assert broken_chains() == []
    result = verify(app)
    assert result.exit_code == 1, result.output
    assert f"event {events[1].id}) does not match" in result.output


# --- checkpoints ------------------------------------------------------------------------------------


def test_keygen_writes_an_owner_only_key_and_never_overwrites(app, tmp_path):
    key = tmp_path / "k.pem"
    result = cli(app, "audit", "keygen", key)
    assert result.exit_code == 0, result.output
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"
    assert "BEGIN PUBLIC KEY" in result.output and (tmp_path / "k.pem.pub").read_text() in result.output
    again = cli(app, "audit", "keygen", key)
    assert again.exit_code != 0 and "never overwritten" in again.output


def test_checkpoint_without_a_key_is_refused_clearly(app, anchored):
    app.config["AUDIT_SIGNING_KEY"] = None
    result = cli(app, "audit", "checkpoint")
    assert result.exit_code != 0 and "HARMONI_AUDIT_SIGNING_KEY" in result.output


def test_checkpoints_are_signed_appended_and_verified(app, api, anchored):
    submitted_request(api)
    checkpoint(app)
    submitted_request(api)
    checkpoint(app)
    lines = (anchored / "cp.jsonl").read_text().splitlines()
    assert len(lines) == 2
    first, second = map(json.loads, lines)
    assert 0 < first["seq"] < second["seq"]
    with app.app_context():
        assert (second["seq"], second["hash"]) == tuple(db.session.execute(select(AuditHead.seq, AuditHead.hash)).one())
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "2 checkpoint(s) verified" in result.output
    # an auditor verifies with the public key alone
    app.config["AUDIT_SIGNING_KEY"] = None
    result = verify(app, "--public-key", anchored / "audit.key.pub")
    assert result.exit_code == 0, result.output


def test_a_full_rebuild_after_an_edit_is_detected_by_the_checkpoint(app, api, anchored):
    req, other = two_requests(api)
    checkpoint(app)
    events = events_of(app, req["id"])
    tamper(app, "UPDATE events SET comment = 'tidak ada masalah' WHERE id = :id", id=events[1].id)
    rebuild_every_hash(app)
    with app.app_context():
        assert broken_chains() == [] and global_chain_problems()[0] == []  # the database agrees with itself
    result = verify(app)
    assert result.exit_code == 1, result.output
    assert "rewritten before it" in result.output


def test_a_deleted_request_with_everything_rebuilt_is_detected_by_the_checkpoint(app, api, anchored):
    req, other = two_requests(api)
    checkpoint(app)
    tamper(
        app,
        DELETE_REQUEST,
        r=other["id"],
    )
    rebuild_every_hash(app)
    result = verify(app)
    assert result.exit_code == 1, result.output
    assert "truncated" in result.output or "rewritten" in result.output


def test_truncated_last_events_are_detected_by_the_checkpoint(app, api, anchored):
    """The newest events cut off with their request's state, version and head put back: the
    remaining chain is consistent, but shorter than the checkpoint."""
    req, other = two_requests(api)
    before = events_of(app, req["id"])
    officer = api.as_("officer")
    officer.ok(officer.fire(req["id"], "return_for_completion", comment="Lagi"))
    checkpoint(app)
    last = events_of(app, req["id"])[-1]
    tamper(
        app,
        [
            "DELETE FROM audit_chain WHERE event_id = :last",
            "DELETE FROM events WHERE id = :last",
            "UPDATE requests SET version = :v, state = 'verified', chain_head = :h WHERE id = :r",
            "UPDATE audit_head SET seq = seq - 1, hash = (SELECT hash FROM audit_chain ORDER BY seq DESC LIMIT 1)",
        ],
        last=last.id,
        v=len(before),
        h=_hash_of(app, before[-1].id),
        r=req["id"],
    )
    with app.app_context():
        assert broken_chains() == [] and global_chain_problems()[0] == []
    result = verify(app)
    assert result.exit_code == 1, result.output
    assert "truncated" in result.output


def test_a_forged_checkpoint_is_refused(app, api, anchored):
    submitted_request(api)
    checkpoint(app)
    path = anchored / "cp.jsonl"
    cp = json.loads(path.read_text())
    cp["seq"] += 1  # claims more than was signed
    path.write_text(json.dumps(cp) + "\n")
    result = verify(app)
    assert result.exit_code == 1 and "signature does not verify" in result.output


def test_checkpoint_is_mailed_to_the_auditor(app, api, anchored, smtp):
    smtp.start()
    app.config["AUDIT_EMAIL"] = "auditor@inspektorat.test"
    submitted_request(api)
    result = checkpoint(app)
    assert "mailed to auditor@inspektorat.test" in result.output
    assert len(smtp.received) == 1 and smtp.received[0]["rcpt_tos"] == ["auditor@inspektorat.test"]
    body = smtp.received[0]["message"].get_content()
    line = (anchored / "cp.jsonl").read_text().strip()
    assert line in body
    # the mail alone is a checkpoint file an auditor can verify with
    mailed = anchored / "mailed.txt"
    mailed.write_text(body)
    assert verify(app, "--checkpoints", mailed).exit_code == 0


def test_checkpoint_mail_failure_is_said_and_the_file_kept(app, api, anchored, smtp):
    app.config["AUDIT_EMAIL"] = "auditor@inspektorat.test"  # nothing listens on the port yet
    result = cli(app, "audit", "checkpoint")
    assert result.exit_code != 0 and "mailing it failed" in result.output
    assert len((anchored / "cp.jsonl").read_text().splitlines()) == 1


def _hash_of(app, event_id):
    with app.app_context():
        value = db.session.scalar(select(Event.hash).where(Event.id == event_id))
        db.session.remove()
        return value


def test_linking_a_commit_takes_one_statement_per_event_and_moves_the_head(app, api):
    """A commit of one event (a transition) links it in one statement, the link computed from the
    head row read under its lock; a commit of several reads the head under its lock and inserts the
    links. Either way a trigger moves the head to the last link (migration f2a6c8e4d1b3), so the
    head still ends where the chain ends, and every link is link_hash() of its predecessor."""
    from sqlalchemy import event as sa_event

    from workflow.operations.transitions import fire

    from .helpers import user

    first, second = submitted_request(api), submitted_request(api)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "audit_head" in statement or "audit_chain" in statement:
            statements.append(" ".join(statement.split())[:60])

    def head_ends_the_chain():
        head = db.session.execute(select(AuditHead.seq, AuditHead.hash)).one()
        newest = db.session.execute(select(AuditLink.seq, AuditLink.hash).order_by(AuditLink.seq.desc()).limit(1)).one()
        assert tuple(head) == tuple(newest)
        assert head[0] == db.session.scalar(select(func.count()).select_from(Event))
        assert global_chain_problems()[0] == []

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        officer = api.as_("officer")
        officer.ok(officer.fire(first["id"], "return_for_completion", comment="Lengkapi."))
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1, statements
    assert statements[0].startswith("INSERT INTO audit_chain (seq, event_id, hash) SELECT")
    with app.app_context():
        head_ends_the_chain()

    statements.clear()
    with app.app_context():
        clerk = user("officer")
        for number in (first, second):  # two events in one commit
            req = db.session.get(Request, number["id"])
            trigger = "resubmit" if req.state == "returned" else "declare_complete"
            fire(req, trigger, user("drafter") if trigger == "resubmit" else clerk, version=req.version)
        sa_event.listen(engine, "before_cursor_execute", record)
        try:
            db.session.commit()
        finally:
            sa_event.remove(engine, "before_cursor_execute", record)
        assert len(statements) == 2, statements
        assert statements[0].startswith("SELECT audit_head.seq, audit_head.hash")
        assert statements[1].startswith("INSERT INTO audit_chain")
        head_ends_the_chain()
