"""The maintained counts (workflow/stats/counts.py) always equal a recount from `requests`: after
the known data set, after random walks of real transitions through fire() (every process, random
actors, inputs and days), after the clock's and the assignments' changes made outside fire(), and
after a deletion; on SQLite and PostgreSQL. And the figures computed from them are the live ones."""

import random
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import Column, Integer, delete, insert, select, text, update
from sqlalchemy.exc import OperationalError

from workflow.actors import SYSTEM
from workflow.engine.errors import HarmoniError
from workflow.engine.machine import allowed_triggers
from workflow.extensions import db
from workflow.models import Office, Organisation, Request, request_assignees
from workflow.operations import after_commit
from workflow.operations.calendar import office_calendar
from workflow.operations.transitions import fire
from workflow.processes import PROCESSES
from workflow.stats import counts
from workflow.stats.dashboard import overview
from workflow.stats.reports import harmonisation_report, parse_period

from ..helpers import user
from . import dataset
from .dataset import TODAY

ACTORS = ("drafter", "officer", "officer2", "head", "admin", "system")


def differences() -> dict:
    return counts.differences(db.session.connection())


def trigger_names() -> set[str]:
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        return set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())
    return set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())


def triggers_on_tables() -> dict[str, str]:
    """The database's triggers -> the table each is on."""
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"))
    else:
        rows = conn.execute(text("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))
    return dict(rows.all())


def test_the_triggers_are_installed_at_the_head(ctx):
    """At the Alembic head, every trigger counts.py defines exists, on the table it defines it on.
    A migration that rebuilds `requests` in batch mode (SQLite) would drop them silently: it must
    end with counts.restore_triggers (migrations/README)."""
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from workflow import MIGRATIONS

    conn = db.session.connection()
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert MigrationContext.configure(conn).get_current_heads() == (head,)
    wanted = counts.trigger_names(conn.dialect.name)
    assert {"requests", "request_assignees"} <= set(wanted.values())
    present = triggers_on_tables()
    assert {name: present.get(name) for name in wanted} == wanted


def test_a_batch_rebuild_inside_triggers_lifted_keeps_the_counts(owner_app):
    """On SQLite a batch operation rebuilding a counted table fails while the count triggers name
    it (and would drop its own with it); inside counts.triggers_lifted, the helper migrations use,
    it runs, the triggers are back after and the counts move again. All rolled back after (DDL is
    transactional on both backends). The table rebuilt is `request_assignees`: `requests` cannot be
    rebuilt by a plain batch operation since its generated column running_deadline: see
    migrations/README and tests/test_migrations.py for the recipe that works. As the
    schema's owner, as migrations run (the runtime role may not drop a trigger)."""
    with owner_app.app_context():  # its teardown rolls back what a failed assertion leaves
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        conn = db.session.connection()
        defined = counts.trigger_names(conn.dialect.name)
        tables = tuple(spec.table for spec in counts.specs(conn.dialect.name))
        operations = Operations(MigrationContext.configure(conn))

        def rebuild():
            # PostgreSQL alters the table in place; SQLite copies, drops and renames it
            with operations.batch_alter_table("request_assignees", recreate="always") as batch:
                batch.add_column(Column("harmoni_probe", Integer(), nullable=True))

        if conn.dialect.name == "sqlite":
            with pytest.raises(OperationalError, match="request_assignees"), conn.begin_nested():
                rebuild()  # without the helper: the triggers on `requests` name the table being renamed
        with counts.triggers_lifted(conn, tables):
            assert not set(defined) & set(triggers_on_tables())
            rebuild()
        present = triggers_on_tables()
        assert {name: present.get(name) for name in defined} == defined
        dataset.make_request(
            "R1", "ranperda", "in_analysis", None, assignees=("officer", "officer2"), received_on=TODAY
        )
        dataset.make_request("R2", "legal_aid", "submitted", None, received_on=TODAY)
        db.session.flush()
        assert differences() == {}
        assert conn.execute(text("SELECT SUM(n) FROM stats_assigned_counts")).scalar() == 2
        db.session.rollback()


def test_the_known_data_set_and_changes_outside_fire(ctx):
    rows = dataset.build()
    assert differences() == {}
    a, b = rows["A"], rows["B"]
    # the clock paused and moved, the applicant's deadline set, the milestones written: by Core
    db.session.execute(update(Request).where(Request.id == b.id).values(clock_paused_on=date(2026, 11, 20)))
    db.session.execute(
        update(Request)
        .where(Request.id == a.id)
        .values(due_date=date(2026, 11, 30), applicant_due_on=date(2026, 11, 24), completion_rounds=3)
    )
    db.session.execute(
        update(Request)
        .where(Request.id == a.id)
        .values(state="harmonis", concluded_on=date(2026, 11, 25), outcome="harmonis", office_days=4)
    )
    # an assignment added, one taken away, one moved to another member of staff
    db.session.execute(insert(request_assignees).values(request_id=b.id, user_id=user("officer2").id))
    db.session.execute(delete(request_assignees).where(request_assignees.c.request_id == a.id))
    db.session.execute(
        update(request_assignees)
        .where(request_assignees.c.request_id == b.id, request_assignees.c.user_id == user("officer2").id)
        .values(user_id=user("head").id)
    )
    db.session.flush()
    assert differences() == {}
    db.session.execute(delete(request_assignees).where(request_assignees.c.request_id == rows["C"].id))
    db.session.execute(delete(Request).where(Request.id == rows["C"].id))
    db.session.commit()
    assert differences() == {}


def test_a_recount_restores_counts_gone_wrong(ctx):
    dataset.build()
    db.session.execute(text("UPDATE stats_state_counts SET n = n + 5"))
    db.session.execute(text("DELETE FROM stats_concluded_counts"))
    assert set(differences()) == {"stats_state_counts", "stats_concluded_counts"}
    counts.recount(db.session.connection())
    assert differences() == {}


def _new_request(rng: random.Random, serial: int) -> int:
    """A request in a random state of a random process, with a random clock, deadline and assignees
    (as a bulk load or an old database would leave it): the walk goes on from there by fire()."""
    name = rng.choice(sorted(PROCESSES))
    process = PROCESSES[name]
    # mostly states something can still happen in (a final state only counts)
    states = [s.name for s in process.states if not s.final or rng.random() < 0.2]
    state = rng.choice(states or [process.initial])
    office = db.session.scalar(select(Office).order_by(Office.id))
    drafter = user("drafter")
    org = db.session.get(Organisation, drafter.organisation_id) if process.intake == "account" else None
    day = date(2026, 6, 1) + timedelta(days=rng.randrange(0, 60))
    running = rng.random() < 0.6
    req = Request(
        process=name,
        number=f"WALK/{name}/{serial}",
        title="Rancangan uji hitungan",
        state=state,
        office_id=office.id,
        organisation_id=org.id if org else None,
        created_by_id=drafter.id if org else None,
        details={},
        clock_started_on=day if running else None,
        due_date=day + timedelta(days=7) if running else None,
        time_limit_days=5 if running else None,
        applicant_due_on=day + timedelta(days=3) if rng.random() < 0.2 else None,
        received_on=day if state not in process.private_states else None,
    )
    db.session.add(req)
    db.session.flush()
    for alias in rng.sample(("officer", "officer2", "head"), k=rng.randrange(0, 3)):
        db.session.execute(insert(request_assignees).values(request_id=req.id, user_id=user(alias).id))
    db.session.commit()
    return req.id


def _inputs(transition, day: date) -> dict:
    values = {"date": (day + timedelta(days=14)).isoformat(), "int": 1, "text": "isian uji"}
    data = {spec.name: values.get(spec.kind) for spec in transition.inputs}
    data.update({s.name: [user("officer").id] for s in transition.inputs if s.kind == "user_ids"})
    return data


@pytest.mark.parametrize("seed", range(4))
def test_random_walks_through_fire_keep_the_counts_equal_to_a_recount(ctx, seed):
    rng = random.Random(seed)
    ids = [_new_request(rng, seed * 100 + i) for i in range(10)]
    assert differences() == {}
    fired = 0
    for step in range(60):
        request_id = rng.choice(ids)
        req = db.session.get(Request, request_id)
        process = PROCESSES[req.process]
        day = date(2026, 7, 1) + timedelta(days=step)
        alias = rng.choice(ACTORS)
        actor = SYSTEM if alias == "system" else user(alias)
        try:
            offered = allowed_triggers(process, req, actor, day)
        except HarmoniError:
            continue
        if not offered:
            continue
        trigger = rng.choice(offered)
        transition = next(t for t in process.transitions if t.trigger == trigger)
        try:
            fire(
                req,
                trigger,
                actor,
                version=req.version,
                comment="alasan uji",
                data=_inputs(transition, day),
                now=datetime.combine(day, time(3, 0)),
            )
            db.session.commit()
            fired += 1
        except Exception:  # noqa: BLE001 - a guard or an input said no: nothing was written
            db.session.rollback()
        finally:
            after_commit.discard()
        assert differences() == {}, (seed, step, trigger)
    assert fired >= 3  # the walk moved requests, not only tried


def test_the_figures_from_the_counts_are_the_live_ones(ctx):
    """The head's dashboard and the reports read the counts; the same figures as the GROUP BY
    over `requests` (the officer's own dashboard, which still reads the requests, agrees on the
    workload of that officer)."""
    dataset.build()
    head = user("head")
    counted = overview(head, TODAY, office_calendar(1))
    live = overview(head, TODAY, office_calendar(1), live=True)
    assert counted.as_dict() == live.as_dict()
    for period in ("2026", "2026-11", "2026-Q1", "2025"):
        for alias in ("head", "officer", "drafter"):
            who = user(alias)
            a = harmonisation_report(who, parse_period(period)).as_dict()
            b = harmonisation_report(who, parse_period(period), live=True).as_dict()
            assert a == b, (period, alias)


def test_stats_verify_and_recount_commands(app, ctx):
    dataset.build()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["stats", "verify"])
    assert ok.exit_code == 0 and "equal a recount" in ok.output
    db.session.execute(text("UPDATE stats_due_counts SET n = n + 1"))
    db.session.commit()
    wrong = runner.invoke(args=["stats", "verify"])
    assert wrong.exit_code == 1 and "WRONG stats_due_counts" in wrong.output
    assert runner.invoke(args=["stats", "recount"]).exit_code == 0
    assert runner.invoke(args=["stats", "verify"]).exit_code == 0
