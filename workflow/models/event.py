"""The audit trail: append-only events, each hash-chained to the previous one of its request."""

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .time import utcnow
from .user import User

GENESIS = "0" * 64


class AppendOnlyError(RuntimeError):
    pass


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("request_id", "seq", name="uq_events_request_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    seq: Mapped[int] = mapped_column()  # 1, 2, 3 ... per request; equals the request's version after it
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    trigger: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()

    def compute_hash(self) -> str:
        """SHA-256 over every recorded field and the previous hash, in a canonical JSON form."""
        payload = {
            "request_id": self.request_id,
            "seq": self.seq,
            "actor_id": self.actor_id,
            "trigger": self.trigger,
            "from": self.from_state,
            "to": self.to_state,
            "comment": self.comment,
            "data": self.data or {},
            "at": self.created_at.isoformat(timespec="microseconds"),
            "prev": self.prev_hash,
        }
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


# No ORM path rewrites or removes an event, one by one or in bulk.
# (On PostgreSQL a trigger refuses it in plain SQL too; see the initial migration.)
@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AppendOnlyError("audit events are append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state):
    if (state.is_update or state.is_delete) and state.bind_mapper is not None and state.bind_mapper.class_ is Event:
        raise AppendOnlyError("audit events are append-only")


def verify_chain(events: list[Event]) -> str | None:
    """None if the events (ordered by seq) form an intact chain, else what is wrong."""
    prev = GENESIS
    for expected_seq, ev in enumerate(events, start=1):
        if ev.seq != expected_seq:
            return f"event {ev.id}: seq {ev.seq}, expected {expected_seq}"
        if ev.prev_hash != prev:
            return f"event {ev.id}: broken link to the previous event"
        if ev.compute_hash() != ev.hash:
            return f"event {ev.id}: content does not match its hash"
        prev = ev.hash
    return None
