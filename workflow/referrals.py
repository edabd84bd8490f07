"""The organisation a file is referred to (Process.referral; legal aid: the OBH), read from the
request's events: the input of the last referring transition, unless a refusal came after it."""

from sqlalchemy import select

from .extensions import db
from .models import Event
from .processes import PROCESSES


def referred_to(request) -> str | None:
    """The name of the organisation holding the file now, or None. Sees an event appended in
    this transaction and not yet flushed too (notices are written inside fire())."""
    referral = PROCESSES[request.process].referral
    if referral is None:
        return None
    triggers = referral.by + referral.ended_by
    pending = [e for e in db.session.new if isinstance(e, Event) and e.request_id == request.id]
    stored = db.session.scalar(
        select(Event)
        .where(Event.request_id == request.id, Event.trigger.in_(triggers))
        .order_by(Event.seq.desc())
        .limit(1)
    )
    candidates = [e for e in (*pending, stored) if e is not None and e.trigger in triggers]
    if not candidates:
        return None
    last = max(candidates, key=lambda e: e.seq)
    return (last.data or {}).get(referral.input) if last.trigger in referral.by else None
