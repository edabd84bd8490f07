"""The global audit chain: every event of every request, linked in commit order.

The per-request chains (models/event.py) show that a request's trail was not edited, but not that a
whole request, or a request's last events with its state, were not removed. The global chain links
every event once, in the order the transactions committed, so removing anything leaves a gap or a
broken link; signed checkpoints of its head (operations/audit_anchor.py), kept outside the database,
show that it was not rebuilt.

Links are added when a transaction commits (the `before_commit` hook below), not when an event is
appended: the head row is then the last lock the transaction takes, so it cannot deadlock with the
request, counter or meeting locks taken before it, and it is held only while the transaction commits.
"""

import hashlib

from sqlalchemy import ForeignKey, Integer, String, bindparam, cast, func, insert, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .event import GENESIS, Event

HEAD_ID = 1
_PENDING = "harmoni.audit_pending_events"


class AuditLink(db.Model):
    """One event's place in the global chain (append-only, like events)."""

    __tablename__ = "audit_chain"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # 1, 2, 3 ... over all events
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(db.Model):
    """The newest link (one row): taking it under lock serialises the linking of commits."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def link_hash(prev: str, seq: int, event_hash: str) -> str:
    """A link covers the previous link, its position and the event's own hash (which covers its content)."""
    return hashlib.sha256(f"{prev}|{seq}|{event_hash}".encode()).hexdigest()


def _link_one_statement(dialect: str):
    """INSERT the link that follows the head, computed from the head row in the same statement:
    SHA-256 of "prev|seq|event hash" as link_hash() computes it (PostgreSQL's sha256(); on SQLite
    link_hash itself, registered on each connection as harmoni_link_hash, workflow/__init__.py)."""
    stmt = _LINK_ONE.get(dialect)
    if stmt is None:
        head = AuditHead.__table__
        seq = head.c.seq + 1
        event_hash = bindparam("event_hash", type_=String)
        if dialect == "postgresql":
            text = head.c.hash + "|" + cast(seq, String) + "|" + event_hash
            digest = func.encode(func.sha256(func.convert_to(text, "UTF8")), "hex")
        else:
            digest = func.harmoni_link_hash(head.c.hash, seq, event_hash, type_=String)
        read = select(seq, cast(bindparam("event_id", type_=Integer), Integer), digest).where(head.c.id == HEAD_ID)
        if dialect == "postgresql":
            read = read.with_for_update()  # the head's lock, held until commit, as in the two-statement path
        # RETURNING: whether the link was written (no head row: none), which rowcount does not tell on
        # psycopg for an INSERT ... SELECT
        link = AuditLink.__table__
        stmt = _LINK_ONE[dialect] = insert(link).from_select(["seq", "event_id", "hash"], read).returning(link.c.seq)
    return stmt


_LINK_ONE: dict[str, object] = {}


def link_events(connection, events: list[tuple[int, str]]) -> None:
    """Append (event id, event hash) pairs, in order, to the global chain on `connection`.

    One event (a transition's commit): one statement, the link computed from the head row read
    under its lock (PostgreSQL: FOR UPDATE, held until commit; SQLite: the write transaction holds
    the database already). Several: two statements, the head read under its lock, then the links
    inserted. Either way a trigger (migration f2a6c8e4d1b3) moves the head to each new link in
    the same statement.
    """
    if len(events) == 1:
        (event_id, event_hash) = events[0]
        statement = _link_one_statement(connection.dialect.name)
        if connection.execute(statement, {"event_id": event_id, "event_hash": event_hash}).first() is not None:
            return
    head = AuditHead.__table__
    read = select(head.c.seq, head.c.hash).where(head.c.id == HEAD_ID)
    if connection.dialect.name == "postgresql":
        read = read.with_for_update()
    row = connection.execute(read).one_or_none()
    if row is None:  # a database made without the migrations' head row (never in production)
        connection.execute(insert(head).values(id=HEAD_ID, seq=0, hash=GENESIS))
        row = (0, GENESIS)
    last_seq, prev = row
    links = []
    for seq, (event_id, event_hash) in enumerate(events, start=last_seq + 1):
        prev = link_hash(prev, seq, event_hash)
        links.append({"seq": seq, "event_id": event_id, "hash": prev})
    connection.execute(insert(AuditLink.__table__), links)


@sa_event.listens_for(Session, "after_flush")
def _remember_new_events(session, flush_context):
    new = [obj for obj in session.new if isinstance(obj, Event)]
    if new:
        session.info.setdefault(_PENDING, []).extend(new)


@sa_event.listens_for(Session, "before_commit")
def _link_new_events(session):
    if any(isinstance(obj, Event) for obj in session.new):
        session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    # events flushed inside a savepoint that was rolled back are no longer persistent
    events = sorted((e for e in pending if inspect(e).persistent), key=lambda e: e.id)
    if events:
        link_events(session.connection(), [(e.id, e.hash) for e in events])


@sa_event.listens_for(Session, "after_rollback")
def _forget_new_events(session):
    session.info.pop(_PENDING, None)
