"""requests.running_deadline, the work queue's default sort key kept by the database from SQL frozen
in the model and its migration, against the definitions it was frozen from: in every process and
state, with every clock (none, running, paused, stopped) and with and without the applicant's own
deadline. A process that changes its applicant_deadline_states (or a new process) without a
migration of the generated column fails here."""

import importlib.util
import itertools
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import create_engine, insert, select, update

from workflow.engine.calendar import current_deadline
from workflow.extensions import db
from workflow.models import Office, Request
from workflow.models.request import NO_DEADLINE, RUNNING_DEADLINE_SQL
from workflow.processes import PROCESSES
from workflow.queries import RUNNING_DEADLINE, queue_order

DUE, APPLICANT_DUE, STARTED = date(2026, 12, 10), date(2026, 12, 3), date(2026, 11, 2)
CLOCKS = {
    "none": {},
    "running": dict(clock_started_on=STARTED, due_date=DUE),
    "paused": dict(clock_started_on=STARTED, due_date=DUE, clock_paused_on=date(2026, 11, 20), clock_remaining_days=4),
    "stopped": dict(clock_started_on=STARTED, due_date=DUE, clock_stopped_on=date(2026, 11, 20)),
}
MIGRATION = Path(__file__).resolve().parents[1] / "migrations/versions/2c4e6a8b0d1f_requests_running_deadline.py"


def expected(process, state, clock: str, applicant_due_on) -> date:
    """What the work queue sorts by, from the definitions: engine.calendar.current_deadline's date
    while the clock runs (or the applicant's own deadline runs), NO_DEADLINE otherwise."""
    fields = {"due_date": None, "clock_paused_on": None, "clock_stopped_on": None, **CLOCKS[clock]}
    req = SimpleNamespace(state=state, applicant_due_on=applicant_due_on, **fields)
    deadline, kind = current_deadline(req, process)
    if kind == "office" and (req.clock_paused_on or req.clock_stopped_on):
        return NO_DEADLINE  # a paused or stopped clock counts no day
    return deadline or NO_DEADLINE


def cases():
    for process in PROCESSES.values():
        for state, clock, applicant in itertools.product(process.states, CLOCKS, (None, APPLICANT_DUE)):
            yield process, state.name, clock, applicant


def insert_every_case(connection, office_id: int) -> dict[int, tuple]:
    """One row per case, through Core (the column is the database's to fill); id -> case."""
    made = {}
    for n, (process, state, clock, applicant) in enumerate(cases()):
        row_id = connection.execute(
            insert(Request.__table__)
            .values(
                process=process.name,
                number=f"RD/{n}",
                title="Rancangan uji tenggat",
                state=state,
                office_id=office_id,
                version=1,
                applicant_due_on=applicant,
                details={},
                **CLOCKS[clock],
            )
            .returning(Request.__table__.c.id)
        ).scalar_one()
        made[row_id] = (process, state, clock, applicant)
    return made


def check(connection, made: dict[int, tuple], *, with_expression: bool = True) -> None:
    table = Request.__table__
    columns = [table.c.id, table.c.running_deadline] + ([RUNNING_DEADLINE] if with_expression else [])
    rows = connection.execute(select(*columns).where(table.c.id.in_(made))).all()
    assert len(rows) == len(made)
    wrong = []
    for row in rows:
        process, state, clock, applicant = made[row[0]]
        want = expected(process, state, clock, applicant)
        if row[1] != want or (with_expression and (row[2] or NO_DEADLINE) != want):
            wrong.append((process.name, state, clock, applicant, tuple(row[1:]), want))
    assert wrong == []


def test_the_generated_column_follows_the_definitions_in_every_state_and_clock(app):
    """On the test database, built by the migrations: the frozen CASE, the definitions' own
    expression (queries.RUNNING_DEADLINE) and engine.calendar agree, and keep agreeing when a
    clock pauses, resumes or stops (the column is recomputed on UPDATE: STORED on PostgreSQL)."""
    with app.app_context(), db.engine.begin() as connection:
        office_id = connection.scalar(select(Office.id))
        made = insert_every_case(connection, office_id)
        check(connection, made)
        table = Request.__table__
        ids = list(made)
        paused, resumed = ids[::3], ids[1::3]
        connection.execute(
            update(table)
            .where(table.c.id.in_(paused))
            .values(clock_paused_on=date(2026, 11, 25), due_date=DUE, clock_started_on=STARTED)
        )
        connection.execute(update(table).where(table.c.id.in_(resumed)).values(clock_paused_on=None, due_date=DUE))
        for row_id in paused:
            process, state, clock, applicant = made[row_id]
            made[row_id] = (process, state, "paused" if clock != "stopped" else "stopped", applicant)
        for row_id in resumed:
            process, state, clock, applicant = made[row_id]
            made[row_id] = (process, state, {"paused": "running", "none": "running"}.get(clock, clock), applicant)
        check(connection, made)
        connection.rollback()


def test_the_model_and_the_migration_freeze_the_same_sql():
    spec = importlib.util.spec_from_file_location("running_deadline_migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.RUNNING_DEADLINE_SQL == RUNNING_DEADLINE_SQL


def test_a_database_built_from_the_models_agrees_too(tmp_path):
    """create_all() from the models (no migrations): the same column, the same values."""
    engine = create_engine(f"sqlite:///{tmp_path / 'models.db'}")
    db.metadata.create_all(engine)
    with engine.begin() as connection:
        office_id = connection.execute(
            insert(Office.__table__)
            .values(code="UJI", name="Kanwil Uji", timezone="Asia/Makassar", settings={}, calendar_version="1")
            .returning(Office.__table__.c.id)
        ).scalar_one()
        check(connection, insert_every_case(connection, office_id))
    engine.dispose()


def test_the_default_order_is_the_running_deadline_then_newest_first(app):
    """Ascending by the generated column gives the order of the definitions' expression with its
    NULLs last (and ties newest first); descending keeps the files without a deadline last."""
    with app.app_context(), db.engine.begin() as connection:
        made = insert_every_case(connection, connection.scalar(select(Office.id)))
        table = Request.__table__
        chosen = select(table.c.id).where(table.c.id.in_(made))
        old_asc = [RUNNING_DEADLINE.is_(None), RUNNING_DEADLINE.asc(), table.c.id.desc()]
        old_desc = [RUNNING_DEADLINE.is_(None), RUNNING_DEADLINE.desc(), table.c.id.desc()]
        for direction, old in (("asc", old_asc), ("desc", old_desc)):
            got = connection.scalars(chosen.order_by(*queue_order("deadline", direction))).all()
            assert got == connection.scalars(chosen.order_by(*old)).all()
        first = connection.scalars(chosen.order_by(*queue_order("deadline", "asc"))).all()
        deadlines = [expected(*made[i]) for i in first]
        assert deadlines == sorted(deadlines) and deadlines[0] < NO_DEADLINE == deadlines[-1]
        connection.rollback()
