"""Figures kept for a short while, when STATS_CACHE_SECONDS is above 0 (the default, 0, computes
them on every page: the office's figures come from counts kept as requests change, see
stats/counts.py). A snapshot per scope (office, officer or organisation, and the day or the
period) lives in `stats_snapshots` for STATS_CACHE_SECONDS, shared by every app server; every page
says when its figures were computed.

When a snapshot grows stale, one request claims its refresh (a conditional UPDATE that only one
can win) and computes the figures anew; meanwhile the others keep serving the old snapshot instead
of all computing the same figures at once. Snapshots are written on a connection of their own, in
short transactions, so the page's read transaction stays read-only (SQLite: no lock upgrade).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from ..models import StatsSnapshot
from ..models.time import utcnow

COMPUTED_AT = "_computed_at"  # inside the data: when the figures were really computed


def scope_key(user) -> str:
    """Whose figures: the office (heads, admins), an officer's own files, an organisation's."""
    if user.role == "officer":
        return f"{user.office_id}:officer:{user.id}"
    if user.role == "drafter":
        return f"{user.office_id}:org:{user.organisation_id}"
    return f"{user.office_id}:office"


def cached(key: str, compute: Callable[[], dict]) -> tuple[dict, datetime]:
    """(figures, when they were computed): the snapshot under `key` while it is fresh (or while
    another request is refreshing it), else `compute()`, stored anew."""
    ttl = current_app.config.get("STATS_CACHE_SECONDS", 0)
    now = utcnow()
    if ttl <= 0:
        return compute(), now
    table = StatsSnapshot.__table__
    row = db.session.execute(
        select(StatsSnapshot.data, StatsSnapshot.computed_at).where(StatsSnapshot.key == key)
    ).first()
    if row is not None:
        age = (now - row.computed_at).total_seconds()
        if 0 <= age < ttl or not _claim_refresh(key, row.computed_at, now):
            return row.data, datetime.fromisoformat(row.data.get(COMPUTED_AT) or row.computed_at.isoformat())
    data = {**compute(), COMPUTED_AT: now.isoformat()}
    try:
        with db.engine.begin() as conn:
            # yesterday's snapshots (other days, other periods) serve nobody any more
            conn.execute(delete(table).where(or_(table.c.key == key, table.c.computed_at < now - timedelta(days=1))))
            conn.execute(insert(table).values(key=key, computed_at=now, data=data))
    except (IntegrityError, OperationalError):
        pass  # another server stored the same figures at the same moment: theirs serve as well
    return data, now


def _claim_refresh(key: str, seen: datetime, now: datetime) -> bool:
    """Mark the stale snapshot fresh for the others while this request computes it anew; True
    for the one request whose UPDATE found the snapshot as it had read it."""
    try:
        with db.engine.begin() as conn:
            table = StatsSnapshot.__table__
            claimed = conn.execute(
                update(table).where(table.c.key == key, table.c.computed_at == seen).values(computed_at=now)
            )
            return claimed.rowcount == 1
    except OperationalError:
        return False  # the database is busy writing: serve the snapshot we have
