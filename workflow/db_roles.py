"""PostgreSQL: two roles. The migration role owns the schema (it runs `db upgrade`); the runtime
role, the one the application connects as, gets only what the application does:

- `events` and `audit_chain` (the audit trail): SELECT and INSERT, nothing else. It cannot UPDATE,
  DELETE or TRUNCATE them, and, not owning them, cannot ALTER them or disable their append-only
  triggers;
- `audit_head` (the global chain's newest link, one row): SELECT and UPDATE;
- `alembic_version`: SELECT;
- every other table: SELECT, INSERT, UPDATE, DELETE; sequences: USAGE and SELECT.

`flask --app wsgi grant-runtime ROLE` (run as the owner after every `db upgrade`) applies this; it
is idempotent and also takes back anything more that was granted before.
"""

from sqlalchemy import text
from sqlalchemy.engine import Connection

APPEND_ONLY = ("events", "audit_chain")
SPECIAL = {"audit_head": "SELECT, UPDATE", "alembic_version": "SELECT"}


def grant_runtime(connection: Connection, role: str) -> None:
    """Grant `role` exactly the runtime privileges on every table of the current schema."""
    who = connection.dialect.identifier_preparer.quote(role)
    tables = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    ).scalars()
    connection.execute(text(f"GRANT USAGE ON SCHEMA {_schema(connection)} TO {who}"))
    for table in tables:
        quoted = connection.dialect.identifier_preparer.quote(table)
        connection.execute(text(f"REVOKE ALL ON {quoted} FROM {who}"))
        if table in APPEND_ONLY:
            privileges = "SELECT, INSERT"
        else:
            privileges = SPECIAL.get(table, "SELECT, INSERT, UPDATE, DELETE")
        connection.execute(text(f"GRANT {privileges} ON {quoted} TO {who}"))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_schema(connection)} TO {who}"))


def _schema(connection: Connection) -> str:
    return connection.dialect.identifier_preparer.quote(connection.execute(text("SELECT current_schema()")).scalar())
