"""Failed attempts against one account or one tracking code, counted in the database so that every
process and server sees the same count (the address limits of Flask-Limiter come on top).

- Sign-in, per e-mail address typed (an account or not: the answer never tells which): the first
  SIGN_IN_FREE failures cost nothing; each one after locks the address for a delay that doubles
  (1, 2, 4 ... minutes, at most SIGN_IN_MAX_DELAY). A successful sign-in clears the count.
- Tracking, per code typed (known or not): after TRACK_FAILURES wrong PINs the code is locked for
  TRACK_LOCK, whoever tries, even with the right PIN.
A count whose last failure is older than FORGET_AFTER starts again. Admins see and lift the locks
(/admin/keamanan)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import AuthThrottle
from ..models.time import utcnow

SIGN_IN_FREE = 5
SIGN_IN_FIRST_DELAY = timedelta(minutes=1)
SIGN_IN_MAX_DELAY = timedelta(hours=1)
TRACK_FAILURES = 5
TRACK_LOCK = timedelta(minutes=30)
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    scope: str
    free: int  # failures that lock nothing

    def lock_for(self, failures: int) -> timedelta | None:
        if failures < self.free:
            return None
        if self.scope == "track":
            return TRACK_LOCK
        return min(SIGN_IN_FIRST_DELAY * 2 ** (failures - self.free), SIGN_IN_MAX_DELAY)


SIGN_IN = Policy("sign_in", SIGN_IN_FREE)
TRACK = Policy("track", TRACK_FAILURES)


def normalise(policy: Policy, key: str) -> str:
    """The same target however it was typed: e-mail addresses lower-case, codes upper-case."""
    key = (key or "").strip()
    return (key.lower() if policy is SIGN_IN else key.upper())[:254]


def locked_until(policy: Policy, key: str, now: datetime | None = None) -> datetime | None:
    """When the target's lock ends, or None when it is not locked."""
    now = now or utcnow()
    until = db.session.scalar(
        select(AuthThrottle.locked_until).where(
            AuthThrottle.scope == policy.scope, AuthThrottle.key == normalise(policy, key)
        )
    )
    return until if until is not None and until > now else None


def record_failure(policy: Policy, key: str, now: datetime | None = None) -> datetime | None:
    """Count one more failure against the target in one statement (an upsert: concurrent failures
    from several processes all count); lock it when the policy says so. Returns the lock's end."""
    now = now or utcnow()
    key = normalise(policy, key)
    table = AuthThrottle.__table__
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(scope=policy.scope, key=key, failures=1, last_failure_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.scope, table.c.key],
        set_={
            "failures": case((table.c.last_failure_at < now - FORGET_AFTER, 1), else_=table.c.failures + 1),
            "last_failure_at": now,
        },
    ).returning(table.c.id, table.c.failures)
    row_id, failures = db.session.execute(stmt).one()
    lock = policy.lock_for(failures)
    if lock is None:
        return None
    until = now + lock
    db.session.execute(
        table.update()
        .where(table.c.id == row_id)
        .values(
            locked_until=case(
                (table.c.locked_until.is_(None) | (table.c.locked_until < until), until),
                else_=table.c.locked_until,
            )
        )
    )
    return until


def clear(policy: Policy, key: str) -> None:
    """Forget the target's failures (a successful sign-in)."""
    db.session.execute(
        delete(AuthThrottle).where(AuthThrottle.scope == policy.scope, AuthThrottle.key == normalise(policy, key))
    )


def unlock(throttle_id: int) -> bool:
    """An admin lifts a lock and forgets its failures; False when there was none."""
    return db.session.execute(delete(AuthThrottle).where(AuthThrottle.id == throttle_id)).rowcount > 0


def forget_old(now: datetime | None = None) -> int:
    """Drop counts nobody added to for FORGET_AFTER whose lock is over (they would start again)."""
    now = now or utcnow()
    return db.session.execute(
        delete(AuthThrottle).where(
            AuthThrottle.last_failure_at < now - FORGET_AFTER,
            AuthThrottle.locked_until.is_(None) | (AuthThrottle.locked_until < now),
        )
    ).rowcount
