"""Appending to and verifying the per-request hash chains."""

from sqlalchemy import select

from ..extensions import db
from ..models import Event, Request
from ..models.event import GENESIS, verify_chain
from ..models.time import utcnow


def append_event(request, actor, trigger, from_state, to_state, *, comment=None, data=None, now=None) -> Event:
    """Add the next event of `request`'s chain. The caller holds the request's write lock."""
    seq, prev = (request.version + 1, request.chain_head) if request.chain_head else (1, GENESIS)
    event = Event(
        request_id=request.id,
        seq=seq,
        actor_id=actor.id if actor else None,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
        created_at=now or utcnow(),
        prev_hash=prev,
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    request.version = seq  # the version is the event count (see models/request.py)
    request.chain_head = event.hash
    return event


def broken_chains() -> list[tuple[Request, str]]:
    """Every request whose chain does not verify, with what is wrong (streams request by request)."""
    broken = []
    for request in db.session.scalars(select(Request).order_by(Request.id)):
        events = list(db.session.scalars(select(Event).where(Event.request_id == request.id).order_by(Event.seq)))
        problem = verify_chain(events)
        if problem is None and events and events[-1].seq != request.version:
            problem = f"version {request.version} but {events[-1].seq} events"
        if problem is None and events and events[-1].hash != request.chain_head:
            problem = "the trail does not end at the request's chain head"
        if problem is None and not events:
            problem = "no events"
        if problem:
            broken.append((request, problem))
    return broken
