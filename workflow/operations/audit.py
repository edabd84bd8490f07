"""Appending to and verifying the audit trail: the per-request hash chains and the global chain."""

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditHead, AuditLink, Event, Request
from ..models.audit_chain import HEAD_ID, link_hash
from ..models.event import GENESIS, verify_chain
from ..models.time import utcnow


def append_event(request, actor, trigger, from_state, to_state, *, comment=None, data=None, now=None) -> Event:
    """Add the next event of `request`'s chain. The caller holds the request's write lock.
    (The event joins the global chain when the transaction commits: models/audit_chain.py.)"""
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


def request_problem(request: Request, events: list[Event]) -> str | None:
    """What is wrong with one request's trail (events ordered by seq), or None.

    The chain must be intact, each event must start where the previous one ended, and the request
    must stand where its trail ends: same state, version and chain head. A state changed in the
    database without an event, or events cut off the end, fail here."""
    if not events:
        return "no events"
    problem = verify_chain(events)
    if problem:
        return problem
    for before, after in zip(events, events[1:], strict=False):
        if after.from_state != before.to_state:
            return f"event {after.id}: starts in {after.from_state!r}, the previous one ended in {before.to_state!r}"
    last = events[-1]
    if last.seq != request.version:
        return f"version {request.version} but {last.seq} events"
    if last.hash != request.chain_head:
        return "the trail does not end at the request's chain head"
    if last.to_state != request.state:
        return f"state {request.state!r} but the trail ends in {last.to_state!r}"
    return None


def broken_chains() -> list[tuple[Request, str]]:
    """Every request whose trail does not verify, with what is wrong (streams request by request)."""
    broken = []
    for request in db.session.scalars(select(Request).order_by(Request.id)):
        events = list(db.session.scalars(select(Event).where(Event.request_id == request.id).order_by(Event.seq)))
        problem = request_problem(request, events)
        if problem:
            broken.append((request, problem))
    return broken


def global_chain_problems(wanted: frozenset[int] = frozenset()) -> tuple[list[str], dict[int, str]]:
    """(What is wrong with the global chain, the link hash at each `wanted` seq: 0 is the genesis.)

    Every event has one link; links run 1, 2, 3 ... without a gap (a deleted request or event
    leaves one); each link's hash covers the previous link and its event's hash; the head row
    ends where the links end."""
    problems: list[str] = []
    hashes: dict[int, str] = {0: GENESIS}
    prev, expected = GENESIS, 1
    rows = db.session.execute(
        select(AuditLink.seq, AuditLink.hash, Event.id, Event.hash)
        .join(Event, Event.id == AuditLink.event_id)
        .order_by(AuditLink.seq)
        .execution_options(yield_per=2000)
    )
    for seq, hash_, event_id, event_hash in rows:
        if seq != expected:
            problems.append(f"global chain: links {expected} to {seq - 1} are missing")
        if hash_ != link_hash(prev, seq, event_hash):
            problems.append(f"global chain: link {seq} (event {event_id}) does not match")
        if seq in wanted:
            hashes[seq] = hash_
        prev, expected = hash_, seq + 1
    count = expected - 1
    events = db.session.scalar(select(func.count()).select_from(Event))
    linked = db.session.scalar(select(func.count()).select_from(AuditLink))
    if events != linked:
        problems.append(f"global chain: {events} events but {linked} links")
    head = db.session.get(AuditHead, HEAD_ID)
    if head is None or (head.seq, head.hash) != (count, prev):
        problems.append(f"global chain: the head does not match the last link ({count})")
    return problems, hashes
