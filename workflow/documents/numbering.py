"""Gapless numbers from a counter row per office, series and year, incremented under a lock.

The UPDATE takes the row lock (PostgreSQL) or runs inside the write transaction (SQLite, BEGIN
IMMEDIATE), so two transactions never get the same value, and a rolled-back one gives its value back.
"""

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Counter


def next_value(office_id: int, series: str, year: int) -> int:
    bump = (
        update(Counter)
        .where(Counter.office_id == office_id, Counter.series == series, Counter.year == year)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    value = db.session.scalar(bump)
    if value is None:
        # The first number of a series: create the row; a concurrent creator makes this a no-op.
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(Counter).values(office_id=office_id, series=series, year=year, value=0).on_conflict_do_nothing()
        )
        value = db.session.scalar(bump)
    return value


def format_number(template: str, *, seq: int, year: int, process: str, office: str, classification: str = "") -> str:
    return template.format(seq=seq, year=year, process=process, office=office, classification=classification)
