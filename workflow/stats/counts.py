"""The maintained counts of models/stats_counts.py: the triggers that keep them, a recount from
`requests` (the migration's backfill, a bulk load's), and a check that they equal a recount.

Why triggers rather than a call in fire(): the columns counted (state, the clock's dates, the
applicant's deadline, the milestones, completion rounds, assignees) are written by fire() and its
effects, by request creation, by the clock's pause and resume, by assignments and by bulk loads;
a trigger moves the count in the same transaction as every one of those writes, whatever code
makes it, so the counts cannot miss one. Each move is one upsert per table, `n = n + excluded.n`
on the key's row: atomic, no read-modify-write, safe with concurrent transactions (PostgreSQL
locks the key's row until commit; a request's old and new keys are taken in key order, so two
transitions crossing between the same two states cannot deadlock).

The SQL is written once here for both dialects from one description of each table (SPECS):
which request columns it depends on, its key and value expressions over a request row (`{a}` is
the row: NEW, OLD or a table alias) and when a request counts in it at all.

Writing a migration that touches `requests` or `request_assignees`: on SQLite a batch operation
(`op.batch_alter_table`, whenever SQLite's ALTER TABLE cannot do the change: a column dropped,
altered or constrained) copies the table into a new one, drops the old one and renames the new one
into place. The old table's triggers go with it, silently (the counts stop moving), and the rename
fails while the triggers on the other table still name it. Such a batch operation runs inside

    with counts.triggers_lifted(op.get_bind(), TABLES):  # TABLES: the count tables at that revision
        with op.batch_alter_table("request_assignees") as batch:
            ...

which drops the triggers first, then creates them again for TABLES and recounts those. (`requests`
itself cannot be rebuilt by a plain batch operation on SQLite: the copy would INSERT into its
generated column running_deadline; migrations/README gives the recipe that works.)
tests/stats/test_counts.py checks at the Alembic head that every trigger this module defines exists
on its table, on both backends; migrations/README says all this too.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import text

NO_DATE = "9999-12-31"
WITHDRAWN_OUTCOMES = ("withdrawn", "deemed_withdrawn")  # as stats/sql.py's (which imports the models)


@dataclass(frozen=True)
class Spec:
    table: str
    keys: tuple  # (column, expression)
    values: tuple  # (column, expression), summed
    when: str  # the request counts in the table
    columns: tuple  # the request columns the row depends on
    assignees: bool = False  # one row per assignee of the request


def _month(column: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"CAST(to_char({column}, 'YYYYMM') AS INTEGER)"
    return f"CAST(strftime('%Y%m', {column}) AS INTEGER)"


def _no_date(dialect: str) -> str:
    return f"DATE '{NO_DATE}'" if dialect == "postgresql" else f"'{NO_DATE}'"


def specs(dialect: str) -> tuple[Spec, ...]:
    running = "({a}.due_date IS NOT NULL AND {a}.clock_paused_on IS NULL AND {a}.clock_stopped_on IS NULL)"
    clock_due = f"CASE WHEN {running} THEN {{a}}.due_date ELSE {_no_date(dialect)} END"
    applicant_due = f"COALESCE({{a}}.applicant_due_on, {_no_date(dialect)})"
    org = "COALESCE({a}.organisation_id, 0)"
    received = "CASE WHEN {a}.received_on IS NOT NULL THEN 1 ELSE 0 END"
    deadlines = ("due_date", "clock_paused_on", "clock_stopped_on", "applicant_due_on")
    # a conclusion that is not a withdrawal (the figures' "concluded")
    withdrawn = ", ".join(f"'{o}'" for o in WITHDRAWN_OUTCOMES)
    concluding = f"({{a}}.outcome IS NOT NULL AND {{a}}.outcome != '' AND {{a}}.outcome NOT IN ({withdrawn}))"
    return (
        Spec(
            "stats_state_counts",
            (
                ("office_id", "{a}.office_id"),
                ("process", "{a}.process"),
                ("state", "{a}.state"),
                ("organisation_id", org),
                ("received", received),
            ),
            (("n", "1"),),
            "1 = 1",
            ("office_id", "process", "state", "organisation_id", "received_on"),
        ),
        Spec(
            "stats_due_counts",
            (
                ("office_id", "{a}.office_id"),
                ("process", "{a}.process"),
                ("state", "{a}.state"),
                ("clock_due", clock_due),
                ("applicant_due", applicant_due),
            ),
            (("n", "1"),),
            f"({running} OR {{a}}.applicant_due_on IS NOT NULL)",
            ("office_id", "process", "state", *deadlines),
        ),
        Spec(
            "stats_assigned_counts",
            (
                ("office_id", "{a}.office_id"),
                ("user_id", "x.user_id"),
                ("process", "{a}.process"),
                ("state", "{a}.state"),
                ("clock_due", clock_due),
                ("applicant_due", applicant_due),
            ),
            (("n", "1"),),
            "1 = 1",
            ("office_id", "process", "state", *deadlines),
            assignees=True,
        ),
        Spec(
            "stats_received_counts",
            (
                ("office_id", "{a}.office_id"),
                ("month", _month("{a}.received_on", dialect)),
                ("process", "{a}.process"),
                ("organisation_id", org),
            ),
            (
                ("n", "1"),
                ("returned", "CASE WHEN {a}.completion_rounds > 0 THEN 1 ELSE 0 END"),
                ("rounds", "{a}.completion_rounds"),
            ),
            "{a}.received_on IS NOT NULL",
            ("office_id", "process", "organisation_id", "received_on", "completion_rounds"),
        ),
        Spec(
            "stats_concluded_counts",
            (
                ("office_id", "{a}.office_id"),
                ("month", _month("{a}.concluded_on", dialect)),
                ("process", "{a}.process"),
                ("organisation_id", org),
                ("outcome", "COALESCE({a}.outcome, '')"),
                ("office_days", "COALESCE({a}.office_days, -1)"),
                ("received", received),
                ("on_time", "CASE WHEN {a}.clock_stopped_on <= {a}.due_date THEN 1 ELSE 0 END"),
            ),
            (("n", "1"),),
            "{a}.concluded_on IS NOT NULL",
            (
                *("office_id", "process", "organisation_id", "outcome", "office_days", "received_on"),
                *("concluded_on", "clock_stopped_on", "due_date"),
            ),
        ),
        # The tables below sum the ones above over keys the dashboard and the reports do not need
        # (deadline days, organisations, processes), so what a page reads stays small however many
        # requests are open or concluded (migration c9e1f3a5b7d2).
        Spec(
            "stats_deadline_totals",
            (("office_id", "{a}.office_id"), ("process", "{a}.process"), ("state", "{a}.state")),
            (("n", "1"), ("running", f"CASE WHEN {running} THEN 1 ELSE 0 END")),
            f"({running} OR {{a}}.applicant_due_on IS NOT NULL)",
            ("office_id", "process", "state", *deadlines),
        ),
        Spec(
            "stats_workload_counts",
            (
                ("office_id", "{a}.office_id"),
                ("user_id", "x.user_id"),
                ("process", "{a}.process"),
                ("state", "{a}.state"),
            ),
            (("n", "1"), ("running", f"CASE WHEN {running} THEN 1 ELSE 0 END")),
            "1 = 1",
            ("office_id", "process", "state", *deadlines),
            assignees=True,
        ),
        Spec(
            "stats_trend_counts",
            (
                ("office_id", "{a}.office_id"),
                ("month", _month("{a}.concluded_on", dialect)),
                ("office_days", "COALESCE({a}.office_days, -1)"),
            ),
            (
                ("concluded", f"CASE WHEN {concluding} THEN 1 ELSE 0 END"),
                ("on_time", f"CASE WHEN {concluding} AND {{a}}.clock_stopped_on <= {{a}}.due_date THEN 1 ELSE 0 END"),
            ),
            "{a}.concluded_on IS NOT NULL",
            ("office_id", "outcome", "office_days", "concluded_on", "clock_stopped_on", "due_date"),
        ),
        Spec(
            "stats_outcome_counts",
            (
                ("office_id", "{a}.office_id"),
                ("month", _month("{a}.concluded_on", dialect)),
                ("process", "{a}.process"),
                ("organisation_id", org),
                ("outcome", "COALESCE({a}.outcome, '')"),
            ),
            (("n", "1"),),
            "{a}.concluded_on IS NOT NULL AND {a}.received_on IS NOT NULL",
            ("office_id", "process", "organisation_id", "outcome", "concluded_on", "received_on"),
        ),
        Spec(
            "stats_days_counts",
            (
                ("office_id", "{a}.office_id"),
                ("month", _month("{a}.concluded_on", dialect)),
                ("process", "{a}.process"),
                ("organisation_id", org),
                ("office_days", "{a}.office_days"),
            ),
            (("n", "1"), ("on_time", "CASE WHEN {a}.clock_stopped_on <= {a}.due_date THEN 1 ELSE 0 END")),
            f"{{a}}.concluded_on IS NOT NULL AND {{a}}.received_on IS NOT NULL AND {{a}}.office_days IS NOT NULL"
            f" AND {concluding}",
            (
                *("office_id", "process", "organisation_id", "outcome", "office_days", "received_on"),
                *("concluded_on", "clock_stopped_on", "due_date"),
            ),
        ),
    )


def _upsert(spec: Spec, alias: str, sign: int, *, source: str = "") -> str:
    """INSERT the request row `alias`'s contribution times `sign`, adding to the key's row."""
    keys = [k for k, _ in spec.keys]
    values = [v for v, _ in spec.values]
    exprs = [e.format(a=alias) for _, e in spec.keys] + [f"{sign} * ({e.format(a=alias)})" for _, e in spec.values]
    where = spec.when.format(a=alias)
    if spec.assignees:
        source = source or f" FROM request_assignees x WHERE x.request_id = {alias}.id AND"
    else:
        source = source or " WHERE"
    updates = ", ".join(f"{v} = {spec.table}.{v} + excluded.{v}" for v in values)
    return (
        f"INSERT INTO {spec.table} ({', '.join(keys + values)}) SELECT {', '.join(exprs)}{source} {where}"
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


def _changed(spec: Spec) -> str:
    """True when an update moves the request to another key or value of the table."""
    parts = [e for _, e in spec.keys if not e.startswith("x.")] + [e for _, e in spec.values] + [f"({spec.when})"]
    if "{a}" not in spec.when:
        parts.pop()
    return " OR ".join(f"({p.format(a='OLD')}) IS DISTINCT FROM ({p.format(a='NEW')})" for p in parts)


def _assignee_upsert(spec: Spec, row: str, sign: int) -> str:
    """An assignment added (NEW) or removed (OLD): its request's contribution for that user."""
    keys = tuple((k, e.replace("x.", f"{row}.")) for k, e in spec.keys)
    one = Spec(spec.table, keys, spec.values, spec.when, spec.columns)
    return _upsert(one, "r", sign, source=f" FROM requests r WHERE r.id = {row}.request_id AND")


def _assignee_upserts(assignee_specs, row: str, sign: int) -> str:
    return " ".join(f"{_assignee_upsert(spec, row, sign)};" for spec in assignee_specs)


def trigger_ddl(dialect: str, tables: tuple[str, ...] | None = None) -> list[str]:
    """CREATE statements of the triggers (and, on PostgreSQL, their functions), of the tables named
    (all by default)."""
    all_specs = tuple(s for s in specs(dialect) if tables is None or s.table in tables)
    assignee_specs = [s for s in all_specs if s.assignees]
    if dialect == "postgresql":
        on_update = []
        for spec in all_specs:
            old_key = ", ".join(e.format(a="OLD") for _, e in spec.keys if not e.startswith("x."))
            new_key = ", ".join(e.format(a="NEW") for _, e in spec.keys if not e.startswith("x."))
            old, new = _upsert(spec, "OLD", -1), _upsert(spec, "NEW", 1)
            on_update.append(
                f"IF {_changed(spec)} THEN\n"
                f"  IF ROW({old_key}) <= ROW({new_key}) THEN {old}; {new};\n"
                f"  ELSE {new}; {old}; END IF;\nEND IF;"
            )
        inserts = "\n".join(f"{_upsert(s, 'NEW', 1)};" for s in all_specs if not s.assignees)
        deletes = "\n".join(f"{_upsert(s, 'OLD', -1)};" for s in all_specs)
        updates = "\n".join(on_update)
        columns = sorted({c for s in all_specs for c in s.columns})
        return [
            f"""CREATE FUNCTION harmoni_stats_requests() RETURNS trigger AS $$
BEGIN
IF TG_OP = 'INSERT' THEN
{inserts}
ELSIF TG_OP = 'DELETE' THEN
{deletes}
ELSE
{updates}
END IF;
RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER stats_requests AFTER INSERT OR DELETE OR UPDATE OF {', '.join(columns)} ON requests"
            " FOR EACH ROW EXECUTE FUNCTION harmoni_stats_requests()",
            f"""CREATE FUNCTION harmoni_stats_assignees() RETURNS trigger AS $$
BEGIN
IF TG_OP IN ('UPDATE', 'DELETE') THEN {_assignee_upserts(assignee_specs, "OLD", -1)} END IF;
IF TG_OP IN ('UPDATE', 'INSERT') THEN {_assignee_upserts(assignee_specs, "NEW", 1)} END IF;
RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
            "CREATE TRIGGER stats_assignees AFTER INSERT OR DELETE OR UPDATE ON request_assignees"
            " FOR EACH ROW EXECUTE FUNCTION harmoni_stats_assignees()",
        ]
    statements = [
        "CREATE TRIGGER stats_requests_insert AFTER INSERT ON requests BEGIN "
        + " ".join(f"{_upsert(s, 'NEW', 1)};" for s in all_specs if not s.assignees)
        + " END",
        "CREATE TRIGGER stats_requests_delete AFTER DELETE ON requests BEGIN "
        + " ".join(f"{_upsert(s, 'OLD', -1)};" for s in all_specs)
        + " END",
    ]
    for spec in all_specs:
        statements.append(
            f"CREATE TRIGGER {spec.table}_update AFTER UPDATE OF {', '.join(spec.columns)} ON requests"
            f" WHEN {_changed(spec).replace('IS DISTINCT FROM', 'IS NOT')}"
            f" BEGIN {_upsert(spec, 'OLD', -1)}; {_upsert(spec, 'NEW', 1)}; END"
        )
    statements += [
        f"CREATE TRIGGER stats_assignees_insert AFTER INSERT ON request_assignees BEGIN "
        f"{_assignee_upserts(assignee_specs, 'NEW', 1)} END",
        f"CREATE TRIGGER stats_assignees_delete AFTER DELETE ON request_assignees BEGIN "
        f"{_assignee_upserts(assignee_specs, 'OLD', -1)} END",
        f"CREATE TRIGGER stats_assignees_update AFTER UPDATE ON request_assignees BEGIN "
        f"{_assignee_upserts(assignee_specs, 'OLD', -1)} {_assignee_upserts(assignee_specs, 'NEW', 1)} END",
    ]
    return statements


def drop_ddl(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS stats_requests ON requests",
            "DROP FUNCTION IF EXISTS harmoni_stats_requests()",
            "DROP TRIGGER IF EXISTS stats_assignees ON request_assignees",
            "DROP FUNCTION IF EXISTS harmoni_stats_assignees()",
        ]
    names = ["stats_requests_insert", "stats_requests_delete"] + [f"{s.table}_update" for s in specs(dialect)]
    names += ["stats_assignees_insert", "stats_assignees_delete", "stats_assignees_update"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def install(connection, tables: tuple[str, ...] | None = None) -> None:
    """The triggers, keeping the tables named (all by default: a migration names the tables that
    existed at its revision, so it installs what it created whatever this module says later)."""
    for statement in trigger_ddl(connection.dialect.name, tables):
        connection.execute(text(statement))


def trigger_names(dialect: str) -> dict[str, str]:
    """The name of each trigger trigger_ddl() creates -> the table it is on."""
    found = {}
    for statement in trigger_ddl(dialect):
        words = statement.split()
        if words[:2] == ["CREATE", "TRIGGER"]:
            found[words[2]] = words[words.index("ON") + 1]
    return found


@contextmanager
def triggers_lifted(connection, tables: tuple[str, ...]):
    """Around a migration's batch operation on `requests` or `request_assignees` (the module's
    docstring says why): the triggers dropped before it; after it, created again for `tables` (the
    count tables that exist at the migration's revision, as `install` takes them) and those tables
    recounted from `requests`. Harmless where nothing is rebuilt (PostgreSQL alters in place)."""
    for statement in drop_ddl(connection.dialect.name):
        connection.execute(text(statement))
    yield
    install(connection, tables)
    recount(connection, tables)


def _recount_select(spec: Spec) -> str:
    """The table's rows as a GROUP BY over `requests` (r) now."""
    keys = [e.format(a="r") for _, e in spec.keys]
    sums = [f"SUM({e.format(a='r')})" for _, e in spec.values]
    source = "requests r JOIN request_assignees x ON x.request_id = r.id" if spec.assignees else "requests r"
    return (
        f"SELECT {', '.join(keys + sums)} FROM {source} WHERE {spec.when.format(a='r')}"
        f" GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}"
    )


def recount(connection, tables: tuple[str, ...] | None = None) -> None:
    """Every table (or those named) anew from `requests` (a migration's backfill; after a bulk load
    without triggers)."""
    for spec in specs(connection.dialect.name):
        if tables is not None and spec.table not in tables:
            continue
        columns = [k for k, _ in spec.keys] + [v for v, _ in spec.values]
        connection.execute(text(f"DELETE FROM {spec.table}"))
        connection.execute(text(f"INSERT INTO {spec.table} ({', '.join(columns)}) {_recount_select(spec)}"))


def differences(connection) -> dict[str, list]:
    """Per table, the keys whose maintained counts differ from a recount (empty: all equal).
    Rows counted 0 are the same as no row."""
    found = {}
    for spec in specs(connection.dialect.name):
        keys = [k for k, _ in spec.keys]
        values = [v for v, _ in spec.values]
        kept = {
            tuple(str(c) for c in row[: len(keys)]): tuple(row[len(keys) :])
            for row in connection.execute(text(f"SELECT {', '.join(keys + values)} FROM {spec.table}"))
        }
        live = {
            tuple(str(c) for c in row[: len(keys)]): tuple(row[len(keys) :])
            for row in connection.execute(text(_recount_select(spec)))
        }
        zero = tuple(0 for _ in values)
        wrong = [
            (key, kept.get(key, zero), live.get(key, zero))
            for key in sorted(set(kept) | set(live))
            if tuple(kept.get(key, zero)) != tuple(live.get(key, zero))
        ]
        if wrong:
            found[spec.table] = wrong
    return found
