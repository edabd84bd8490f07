"""A user's sessions and API tokens, and the changes that must end them.

Every signed-in browser has a row in `user_sessions` (the cookie holds a random key, the row its
SHA-256) and the account's `session_generation` in its Flask-Login id. A session counts only while
both hold: its row exists and has not been idle for longer than PERMANENT_SESSION_LIFETIME, and
the generation is the account's current one. So:
- signing out ends this session's row;
- ending a session (account page) deletes its row;
- signing out everywhere, a password change and deactivation bump the generation and delete every
  row, which ends even a copied cookie; a password change also revokes every API token.
Operations here mutate and flush; the view commits."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload, with_expression
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db, read_only_request
from ..models import ApiToken, Notification, User, UserSession
from ..models.time import utcnow

# last_seen_at / last_used_at are written at most this often: not a write on every page
TOUCH_EVERY = timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def idle_limit() -> timedelta:
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=lifetime)


def start_session(user: User, *, user_agent: str, address: str) -> str:
    """A new session row for `user`; returns the key for the cookie (its only clear copy)."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            user=user,
            key_hash=_digest(key),
            created_at=now,
            last_seen_at=now,
            user_agent=(user_agent or "")[:300],
            address=(address or "")[:64],
        )
    )
    # sessions idle past the limit sign nobody in: their rows go when their user signs in again
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.last_seen_at < now - idle_limit())
    )
    db.session.flush()
    return key


# The signed-in user's unread notifications (index ix_notifications_user_read), a column of the user's row.
UNREAD = (
    select(func.count())
    .where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .correlate(User)
    .scalar_subquery()
)


def session_user(alternative_id: str, key: str | None) -> tuple[User, UserSession] | None:
    """The user and session row a cookie stands for, or None when the session has ended: no such
    row, idle too long, another generation, or the account inactive."""
    user_id, _, generation = (alternative_id or "").partition(":")
    if not (user_id.isdecimal() and generation.isdecimal() and key):
        return None  # an id from before session generations, or no session key: sign in again
    found = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_hash == _digest(key), User.id == int(user_id))
        .options(
            joinedload(User.office),  # every page needs the office's day and time zone
            with_expression(User.unread_notifications, UNREAD),  # and the bell its count
        )
    ).first()
    if found is None:
        return None
    user, row = found
    now = utcnow()
    if user.session_generation != int(generation) or not user.active or row.last_seen_at < now - idle_limit():
        return None
    touch(row, "last_seen_at", now)
    return user, row


def touch(row, column: str, now: datetime) -> None:
    """Record that a session or token was used, at most every TOUCH_EVERY. A read-only request
    writes through a connection of its own (its transaction stays read-only; see create_app); a
    change under way writes in its own transaction."""
    seen = getattr(row, column)
    if seen is not None and now - seen < TOUCH_EVERY:
        return
    if read_only_request():
        with db.engine.begin() as connection:
            connection.execute(update(type(row)).where(type(row).id == row.id).values({column: now}))
        set_committed_value(row, column, now)  # known, and nothing left for the session to flush
    else:
        setattr(row, column, now)


def end_session(user: User, session_id: int) -> bool:
    """End one of `user`'s sessions; False when it is not theirs or already ended."""
    return (
        db.session.execute(
            delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
        ).rowcount  # type: ignore[attr-defined]  # a CursorResult
        > 0
    )


def end_other_sessions(user: User, keep_id: int) -> int:
    """End every session of `user` but this one; returns how many ended."""
    return db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.id != keep_id)
    ).rowcount  # type: ignore[attr-defined]  # a CursorResult


def end_all_sessions(user: User) -> None:
    """End every session of `user`, copied cookies included: a new generation, no rows."""
    user.session_generation += 1
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.flush()


def revoke_tokens(user: User) -> int:
    return db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount  # type: ignore[attr-defined]  # a CursorResult


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; False when it is not theirs or already gone."""
    return db.session.execute(delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)).rowcount > 0  # type: ignore[attr-defined]  # a CursorResult


def change_password(user: User, password: str) -> None:
    """A new password ends every session and revokes every API token: whoever knew the old one
    keeps nothing it opened. (The caller checks the password against passwords.py first.)"""
    user.set_password(password)
    end_all_sessions(user)
    revoke_tokens(user)


def set_active(user: User, active: bool) -> None:
    """Deactivating ends every session at once (tokens of inactive users are refused anyway)."""
    if user.active and not active:
        end_all_sessions(user)
    user.active = active


def issue_token(user: User, *, label: str = "", days: int | None = None) -> str:
    """A new API token for `user`, valid HARMONI_API_TOKEN_DAYS (or `days`); its only clear copy."""
    token = ApiToken.issue(user, days=days or current_app.config["API_TOKEN_DAYS"], label=label)
    db.session.flush()
    return token


def sessions_of(user: User) -> list[UserSession]:
    """The user's live sessions, the most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.last_seen_at >= utcnow() - idle_limit())
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def tokens_of(user: User) -> list[ApiToken]:
    """The user's API tokens, expired ones included (they are listed to be removed), newest first."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
