"""The migrations build exactly the schema the models declare, on both backends."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workflow.extensions import db


def _down_and_up(app, revision: str) -> None:
    """Downgrade to `revision` and upgrade back, as the schema's owner (then its runtime grants again,
    as after any upgrade); the reference data that lives in columns added later (NIPs, seats) is
    restored, so later tests in this worker see the seeded office."""
    import flask_migrate

    from .conftest import grant_runtime_role, owner_of
    from .helpers import restore_demo_people

    with owner_of(app).app_context():
        flask_migrate.downgrade(revision=revision)
        db.session.remove()
        flask_migrate.upgrade()
        db.session.remove()
        restore_demo_people()
        db.session.remove()
    grant_runtime_role(owner_of(app))


def test_migrations_match_models(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_the_chain_head_migration_fills_in_existing_requests(app, api):
    """Databases from before requests.chain_head existed: the upgrade sets every request's head to
    its newest event's hash, so the next event links on (and `audit verify` agrees)."""
    from sqlalchemy import select

    from workflow.models import Event, Request
    from workflow.operations.audit import broken_chains

    from .helpers import submitted_request

    first, second = submitted_request(api), submitted_request(api)
    _down_and_up(app, "5d1c0a7e9b21")  # the column gone, as before
    with app.app_context():
        newest = {
            r: db.session.scalar(select(Event.hash).where(Event.request_id == r).order_by(Event.seq.desc()).limit(1))
            for r in (first["id"], second["id"])
        }
        heads = dict(db.session.execute(select(Request.id, Request.chain_head)).all())
        assert heads == newest and None not in heads.values()
    officer = api.as_("officer")
    assert officer.ok(officer.fire(first["id"], "declare_complete"))["version"] == first["version"] + 1
    with app.app_context():
        assert broken_chains() == []


def test_the_global_chain_migration_links_existing_events_in_order(app, api):
    """Databases from before the global chain: the upgrade links every event in the order written,
    and the next commits link on (and `audit verify` agrees)."""
    from sqlalchemy import select

    from workflow.models import AuditHead, AuditLink, Event
    from workflow.operations.audit import broken_chains, global_chain_problems

    from .helpers import submitted_request

    first = submitted_request(api)
    submitted_request(api)
    _down_and_up(app, "b7c1d2e3f4a5")  # no global chain, as before
    with app.app_context():
        events = db.session.scalars(select(Event.id).order_by(Event.id)).all()
        assert db.session.scalars(select(AuditLink.event_id).order_by(AuditLink.seq)).all() == events
        assert db.session.get(AuditHead, 1).seq == len(events) > 0
        assert global_chain_problems()[0] == []
        db.session.remove()
    officer = api.as_("officer")
    officer.ok(officer.fire(first["id"], "declare_complete"))
    with app.app_context():
        assert broken_chains() == [] and global_chain_problems()[0] == []


def test_confidential_complaints_filed_before_lose_the_name_from_their_title(app):
    """A public complaint whose reporter asked for confidentiality, filed when the default title still
    named them: the upgrade titles it as new ones are ("Pengaduan pelayanan publik"). A title
    someone wrote, and the title of a complaint not asking for confidentiality, stay as they are."""
    from datetime import date

    from sqlalchemy import update

    from workflow.models import Request

    from .services.test_walks import DETAILS, at, submit

    details = DETAILS["public_complaint"]
    name = details["name"]
    with app.app_context():
        confidential = submit("public_complaint", at(date(2026, 3, 2)), details={**details, "confidential": True})
        written = submit("public_complaint", at(date(2026, 3, 2)), details={**details, "confidential": True})
        open_ = submit("public_complaint", at(date(2026, 3, 2)))
        titles = {
            confidential: f"Pengaduan pelayanan publik: {name}",  # the old default
            written: "Pengaduan tentang antrean loket",  # not a default: someone wrote it
            open_: f"Pengaduan pelayanan publik: {name}",  # no confidentiality asked
        }
        for request_id, title in titles.items():
            db.session.execute(update(Request).where(Request.id == request_id).values(title=title))
        db.session.commit()
    _down_and_up(app, "b8d2f4a6c1e3")
    with app.app_context():
        after = {r: db.session.get(Request, r).title for r in titles}
    assert after == titles | {confidential: "Pengaduan pelayanan publik"}


def test_notices_of_confidential_complaints_written_before_lose_the_reporters_name(app):
    """Notifications and e-mails not yet sent about a confidential complaint, written when its title
    still named the reporter: the upgrade gives them the anonymised title and redacts the name and
    phone as the events are redacted. E-mails already sent, e-mails to the reporter themselves and
    notices of a complaint not asking for confidentiality stay as written."""
    from datetime import date

    from sqlalchemy import select

    from workflow.models import Notification, OutboxMessage, Request

    from .helpers import user
    from .services.test_walks import DETAILS, EMAIL, at, submit

    name, phone = "Fransiska Rahasia", "081299887766"
    details = {**DETAILS["public_complaint"], "name": name, "phone": phone}
    old_title = f"Pengaduan pelayanan publik: {name}"
    said = f"Yth. Kepala,\n\nPermohonan baru.\n{old_title}\nCatatan:\nHubungi {name.upper()} di {phone}; Fransiskanus tidak.\n"
    context = {"kind": "new_file", "title": old_title, "comment": f"telepon {phone}", "deadline": [None, None]}
    with app.app_context():
        confidential = submit("public_complaint", at(date(2026, 3, 2)), details={**details, "confidential": True})
        open_ = submit("public_complaint", at(date(2026, 3, 2)), details=details)
        head = user("head").id
        rows = {}
        for rid in (confidential, open_):
            for kind, row in {
                "bell_body": Notification(user_id=head, kind="new_file", subject=old_title, body=said, link="/"),
                "bell_context": Notification(user_id=head, kind="new_file", subject="S", context=context, link="/"),
                "unsent": OutboxMessage(recipient="kepala@example.org", subject=old_title, body=said),
                "unsent_context": OutboxMessage(recipient="kepala@example.org", subject="S", context=context),
                "sent": OutboxMessage(
                    recipient="kepala@example.org", subject=old_title, body=said, sent_at=at(date(2026, 3, 3))
                ),
                "reporter": OutboxMessage(recipient=EMAIL, subject="S", body=said),
            }.items():
                row.request_id = rid
                db.session.add(row)
                db.session.flush()
                rows[rid, kind] = (type(row), row.id)
        assert db.session.get(Request, confidential).applicant_email == EMAIL
        db.session.commit()
    _down_and_up(app, "c9e1f3a5b7d2")

    def stored(rid, kind):
        model, row_id = rows[rid, kind]
        row = db.session.get(model, row_id)
        return row.subject, row.stored_body, row.context

    redacted = (
        "Yth. Kepala,\n\nPermohonan baru.\nPengaduan pelayanan publik\nCatatan:\n"
        "Hubungi [disembunyikan] di [disembunyikan]; Fransiskanus tidak.\n"
    )
    redacted_context = {**context, "title": "Pengaduan pelayanan publik", "comment": "telepon [disembunyikan]"}
    with app.app_context():
        assert stored(confidential, "bell_body") == ("Pengaduan pelayanan publik", redacted, None)
        assert stored(confidential, "bell_context") == ("S", None, redacted_context)
        assert stored(confidential, "unsent") == ("Pengaduan pelayanan publik", redacted, None)
        assert stored(confidential, "unsent_context") == ("S", None, redacted_context)
        assert stored(confidential, "sent") == (old_title, said, None)  # history
        assert stored(confidential, "reporter") == ("S", said, None)  # their own name, to them
        for kind in ("bell_body", "unsent", "sent", "reporter"):
            assert stored(open_, kind)[1] == said  # no confidentiality asked
        assert stored(open_, "bell_context")[2] == context
        assert name not in str(
            db.session.execute(
                select(Notification.subject, Notification.body, Notification.context).where(
                    Notification.request_id == confidential
                )
            ).all()
        )


def test_the_stats_totals_migration_fills_its_tables_from_existing_requests(app):
    """Databases from before the totals (deadline totals, workload, trend, outcomes, days): the
    downgrade leaves the five older count tables kept by their own triggers, the upgrade counts the
    new ones from `requests` and keeps all of them; every table equals a recount after each step."""
    from datetime import date

    from sqlalchemy import inspect, text, update

    from workflow.models import Request
    from workflow.stats import counts

    from .conftest import grant_runtime_role, owner_of
    from .helpers import restore_demo_people
    from .stats import dataset

    new = {"stats_deadline_totals", "stats_workload_counts", "stats_trend_counts", "stats_outcome_counts"}
    new.add("stats_days_counts")
    with app.app_context():
        rows = dataset.build()
        db.session.commit()
        ids = (rows["A"].id, rows["B"].id)
    with owner_of(app).app_context():
        import flask_migrate

        flask_migrate.downgrade(revision="2c4e6a8b0d1f")
        assert not new & set(inspect(db.engine).get_table_names())
        # a change while only the older tables and their triggers exist
        db.session.execute(update(Request).where(Request.id == ids[0]).values(due_date=date(2026, 12, 30)))
        db.session.execute(update(Request).where(Request.id == ids[1]).values(clock_paused_on=None))
        db.session.commit()
        db.session.remove()
        flask_migrate.upgrade()
        assert new <= set(inspect(db.engine).get_table_names())
        connection = db.session.connection()
        assert counts.differences(connection) == {}
        assert connection.execute(text("SELECT sum(n) FROM stats_deadline_totals")).scalar() > 0
        restore_demo_people()
        db.session.remove()
    grant_runtime_role(owner_of(app))
    with app.app_context():
        # the triggers keep the new tables after the upgrade
        db.session.execute(update(Request).where(Request.id == ids[0]).values(due_date=date(2026, 11, 2)))
        assert counts.differences(db.session.connection()) == {}
        db.session.rollback()


def rebuild_requests_in_batch(op, change) -> None:
    """migrations/README's recipe for a migration that must rebuild `requests` in batch mode on
    SQLite (kept here so that the README's claim is tested): `change(batch)` is the migration's own
    operation. The copy must not write the generated column running_deadline, so the batch drops it
    (nothing copied) and adds it back as generated (computed by SQLite for every row); SQLite's
    reflection loses the DESC of the queue index, so that index is created again as declared; the
    count triggers are lifted around it all (counts.triggers_lifted)."""
    import sqlalchemy as sa

    from workflow.models.request import RUNNING_DEADLINE_SQL
    from workflow.stats import counts

    conn = op.get_bind()
    tables = tuple(spec.table for spec in counts.specs("sqlite"))  # a migration: the tables at its revision
    with counts.triggers_lifted(conn, tables):
        with op.batch_alter_table("requests", recreate="always") as batch:
            batch.drop_column("running_deadline")
            change(batch)
            batch.add_column(
                sa.Column("running_deadline", sa.Date(), sa.Computed(RUNNING_DEADLINE_SQL), nullable=False)
            )
        op.drop_index("ix_requests_queue_deadline", table_name="requests")
        op.create_index(
            "ix_requests_queue_deadline",
            "requests",
            ["office_id", "running_deadline", sa.text("id DESC"), "process", "state", "created_by_id"],
        )


def test_requests_rebuilt_in_batch_mode_on_sqlite_only_by_the_readmes_recipe(app, api, tmp_path):
    """A copy of the test database (SQLite only: PostgreSQL alters `requests` in place), with foreign
    keys off as migrations/env.py runs migrations: Alembic's plain batch copy of `requests` fails on
    its generated column; the README's recipe rebuilds it (here adding a column) with every row, the
    generated values, the indexes, the count triggers and the columns as they were, and a foreign
    key check clean."""
    import sqlite3

    import pytest
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from .helpers import submitted_request

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL alters requests in place: no copy")
        submitted_request(api)
        source = db.engine.url.database
    copy = tmp_path / "copy.db"
    with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    engine = sa.create_engine(f"sqlite:///{copy}")  # foreign keys off, as env.py runs migrations

    def schema(conn):
        rows = [r._asdict() for r in conn.execute(sa.text("SELECT * FROM requests ORDER BY id"))]
        ddl = conn.execute(
            sa.text("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name")
        ).all()
        # the columns without their position: the batch adds running_deadline back as the last
        columns = sorted(tuple(c)[1:] for c in conn.execute(sa.text("PRAGMA table_xinfo(requests)")))
        return rows, ddl, columns

    with engine.connect() as conn:
        before = schema(conn)
        assert before[0], "a request to copy"
    with engine.connect() as conn:
        with pytest.raises(sa.exc.OperationalError, match="generated column"), conn.begin():
            with Operations(MigrationContext.configure(conn)).batch_alter_table("requests", recreate="always"):
                pass
    with engine.begin() as conn:
        op = Operations(MigrationContext.configure(conn))
        rebuild_requests_in_batch(op, lambda batch: batch.add_column(sa.Column("probe", sa.Integer())))
    with engine.begin() as conn:
        op = Operations(MigrationContext.configure(conn))
        rebuild_requests_in_batch(op, lambda batch: batch.drop_column("probe"))
    with engine.connect() as conn:
        assert schema(conn) == before
        assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []
    engine.dispose()
