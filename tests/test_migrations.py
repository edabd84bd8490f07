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
