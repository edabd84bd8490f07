"""`workflow tick`: fire the timers that ran out (deemed withdrawn, overdue escalation) as the
system. Safe from cron on several servers at once: each request is locked (PostgreSQL: FOR UPDATE
SKIP LOCKED; SQLite: the write lock) and re-checked under the lock, so each expiry fires once."""

import logging
from datetime import timedelta

from sqlalchemy import select

from ..actors import SYSTEM
from ..engine.errors import HarmoniError
from ..extensions import db
from ..models import Request
from ..models.time import local_date, utcnow
from .transitions import fire

log = logging.getLogger(__name__)


def lock_unless_taken(request_id: int) -> Request | None:
    """The request, locked for this transaction and read afresh; None when another server's tick
    holds it (it skips rather than waits) or it is gone. Cron runs tick on every server."""
    return db.session.scalar(
        select(Request)
        .where(Request.id == request_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )


def tick(now=None) -> list[tuple[int, str]]:
    """Fire every due timer once; return (request id, trigger) for each fired."""
    now = now or utcnow()
    # An office's local day is never more than one day ahead of UTC: a cheap first filter.
    horizon = (now + timedelta(days=1)).date()
    candidates = db.session.scalars(
        select(Request.id).where(Request.timer_due_on.is_not(None), Request.timer_due_on < horizon).order_by(Request.id)
    ).all()
    db.session.rollback()
    fired = []
    for request_id in candidates:
        request = lock_unless_taken(request_id)
        today = local_date(now, request.office.timezone) if request else None
        if request is None or request.timer_due_on is None or request.timer_due_on >= today:
            db.session.rollback()  # taken by another server, already fired, or not due yet
            continue
        trigger = request.timer_trigger
        try:
            fire(request, trigger, SYSTEM, version=request.version, now=now)
            db.session.commit()  # commits itself: one transaction per timer, a failure undoes no other
            fired.append((request_id, trigger))
            log.info("timer %s fired on request %s", trigger, request_id)
        except HarmoniError as error:  # e.g. a guard: log it and go on with the others
            db.session.rollback()
            log.warning("timer %s on request %s not fired: %s", trigger, request_id, error)
    return fired
