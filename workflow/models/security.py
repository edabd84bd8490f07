"""What keeps accounts safe beyond the password: the sessions a user has open, and the counts of
failed attempts that throttle sign-in per account and lock a tracking code (both stored, so they
hold across processes and servers)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .time import utcnow
from .user import User

THROTTLE_SCOPES = ("sign_in", "track")


class UserSession(db.Model):
    """A signed-in browser. The cookie carries a random key; only its SHA-256 is stored here. A
    session whose row is gone (ended by its user, by a password change, by deactivation) or that
    has been idle too long no longer signs anyone in."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship()


class AuthThrottle(db.Model):
    """Failed attempts against one target: an e-mail address typed at sign-in (whether or not it
    has an account, so the lock tells nothing), or a tracking code typed at /track. Past a few
    failures the target is locked until `locked_until`, whoever tries."""

    __tablename__ = "auth_throttles"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        CheckConstraint(f"scope IN {THROTTLE_SCOPES!r}", name="scope"),
        Index("ix_auth_throttles_locked_until", "locked_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(254))
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column()
