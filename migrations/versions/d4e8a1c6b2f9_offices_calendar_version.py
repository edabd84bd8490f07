"""offices.calendar_version: a token that changes with every change of the office's holiday overrides

Revision ID: d4e8a1c6b2f9
Revises: d16a5e7c0b42
Create Date: 2026-11-29 06:00:00.000000

Each app process keeps the last working calendar it built per office, keyed by this token
(operations/calendar.py); the office row is read with the signed-in user anyway, so a page or a
transition no longer reads the override table. Triggers set a new random token on every insert,
update or delete of an override (and on a TRUNCATE, on PostgreSQL), whoever writes it: the ORM,
raw SQL, a restore. Random rather than counted, so that a database restored to an earlier point
never reuses a token a process has cached for other content.
"""
import sqlalchemy as sa
from alembic import op


revision = 'd4e8a1c6b2f9'
down_revision = 'd16a5e7c0b42'
branch_labels = None
depends_on = None

SQLITE_TOKEN = "lower(hex(randomblob(16)))"
SQLITE_TRIGGERS = {
    "insert": "AFTER INSERT ON holiday_overrides BEGIN "
    f"UPDATE offices SET calendar_version = {SQLITE_TOKEN} WHERE id = NEW.office_id; END",
    "update": "AFTER UPDATE ON holiday_overrides BEGIN "
    f"UPDATE offices SET calendar_version = {SQLITE_TOKEN} WHERE id IN (OLD.office_id, NEW.office_id); END",
    "delete": "AFTER DELETE ON holiday_overrides BEGIN "
    f"UPDATE offices SET calendar_version = {SQLITE_TOKEN} WHERE id = OLD.office_id; END",
}
POSTGRES_FUNCTION = """
CREATE FUNCTION harmoni_calendar_version() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE offices SET calendar_version = md5(random()::text || clock_timestamp()::text);
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE offices SET calendar_version = md5(random()::text || clock_timestamp()::text)
        WHERE id = NEW.office_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE offices SET calendar_version = md5(random()::text || clock_timestamp()::text)
        WHERE id = OLD.office_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER holiday_overrides_calendar_version AFTER INSERT OR UPDATE OR DELETE ON holiday_overrides
    FOR EACH ROW EXECUTE FUNCTION harmoni_calendar_version();
CREATE TRIGGER holiday_overrides_calendar_version_truncate AFTER TRUNCATE ON holiday_overrides
    FOR EACH STATEMENT EXECUTE FUNCTION harmoni_calendar_version();
"""


def upgrade():
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_version', sa.String(length=32), server_default='0', nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER holiday_overrides_calendar_version_{name} {body}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER holiday_overrides_calendar_version_truncate ON holiday_overrides; "
            "DROP TRIGGER holiday_overrides_calendar_version ON holiday_overrides; "
            "DROP FUNCTION harmoni_calendar_version()"
        )
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER holiday_overrides_calendar_version_{name}")
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.drop_column('calendar_version')
