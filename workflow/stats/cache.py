"""Figures kept for a short while: at 100,000 requests a dashboard's GROUP BYs take seconds, and
heads open it all day. A snapshot per scope (office, officer or organisation, and the day) lives in
`stats_snapshots` for STATS_CACHE_SECONDS, shared by every app server; every page says when its
figures were computed. The snapshot is written on a connection of its own, in its own short
transaction, so the page's read transaction stays read-only (SQLite: no lock upgrade)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from ..models import StatsSnapshot
from ..models.time import utcnow


def scope_key(user) -> str:
    """Whose figures: the office (heads, admins), an officer's own files, an organisation's."""
    if user.role == "officer":
        return f"{user.office_id}:officer:{user.id}"
    if user.role == "drafter":
        return f"{user.office_id}:org:{user.organisation_id}"
    return f"{user.office_id}:office"


def cached(key: str, compute: Callable[[], dict]) -> tuple[dict, datetime]:
    """(figures, when they were computed): the snapshot under `key` while it is fresh, else
    `compute()` stored anew."""
    ttl = current_app.config.get("STATS_CACHE_SECONDS", 0)
    now = utcnow()
    if ttl > 0:
        row = db.session.execute(
            select(StatsSnapshot.data, StatsSnapshot.computed_at).where(StatsSnapshot.key == key)
        ).first()
        if row is not None and 0 <= (now - row.computed_at).total_seconds() < ttl:
            return row.data, row.computed_at
    data = compute()
    if ttl > 0:
        try:
            with db.engine.begin() as conn:
                conn.execute(delete(StatsSnapshot.__table__).where(StatsSnapshot.key == key))
                conn.execute(insert(StatsSnapshot.__table__).values(key=key, computed_at=now, data=data))
        except (IntegrityError, OperationalError):
            pass  # another server stored the same figures at the same moment: theirs serve as well
    return data, now
