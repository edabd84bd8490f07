"""Users, their roles, and API tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, bindparam, select, text
from sqlalchemy.orm import Mapped, joinedload, mapped_column, query_expression, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..vocabulary import ACCOUNT_ROLES, OFFICE_ROLES, STAFF
from .organisation import Office, Organisation
from .time import utcnow

ROLES = tuple(r.value for r in ACCOUNT_ROLES)


def hash_secret(secret: str) -> str:
    """The stored hash of a password or PIN, made with the configured PASSWORD_HASH_METHOD
    (werkzeug's scrypt at its default cost; the tests' configuration lowers the cost)."""
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


def dummy_hash() -> str:
    """A hash to check against when there is nothing to check (an unknown address, an unknown
    tracking code), so that the answer takes as long as a real check. Made like every real hash
    (the configured method and cost), once per process and method, when first needed."""
    return _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


dummy_hash.cache_clear = _dummy_hash.cache_clear  # type: ignore[attr-defined]


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
        # A drafter always belongs to one applicant organisation; staff never do.
        CheckConstraint("(role = 'drafter') = (organisation_id IS NOT NULL)", name="drafter_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))  # jabatan, e.g. "Perancang Ahli Muda"
    nip: Mapped[str | None] = mapped_column(String(32))  # civil-servant number, printed under a signature
    role: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # The language chosen with the switch in the top bar, kept for what is written to the user
    # outside their session (notifications, e-mail).
    language: Mapped[str] = mapped_column(String(8), default="id", server_default="id")
    # Notification kinds this user wants no e-mail for (the in-app list keeps them).
    email_opt_out: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # Part of every session's id (Flask-Login's alternative id): bumping it ends every session at
    # once (sign out everywhere, a password change, deactivation), even a copied cookie.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    office: Mapped[Office] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    # The bell's count, read with the user when a browser session is loaded (operations/accounts.py,
    # session_user); None when the row was loaded without it.
    unread_notifications: Mapped[int | None] = query_expression()

    def get_id(self) -> str:
        """Flask-Login's alternative id: the account and its session generation."""
        return f"{self.id}:{self.session_generation}"

    def set_password(self, password: str) -> None:
        # scrypt with a random salt (werkzeug's default; PASSWORD_HASH_METHOD)
        self.password_hash = hash_secret(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def check_no_password(password: str) -> bool:
        """The work of check_password() for an address that has no account, so that a sign-in
        takes as long whether the account exists or not (160 ms against 9 ms told them apart)."""
        check_password_hash(dummy_hash(), password)
        return False

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_staff(self) -> bool:
        """The office's staff who work on requests (officers and heads; vocabulary.STAFF)."""
        return self.role in STAFF

    @property
    def is_office_account(self) -> bool:
        """An account of the office rather than of an applicant: staff and admins."""
        return self.role in OFFICE_ROLES

    def __repr__(self):
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is stored, so a leaked database leaks no token. It expires
    (HARMONI_API_TOKEN_DAYS) and is revoked by deleting its row."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, *, days: int = 90, label: str = "") -> str:
        """Create a token for `user`, valid for `days`; return the only copy of its clear text."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        db.session.add(
            cls(
                user=user,
                token_hash=cls.digest(token),
                label=label,
                created_at=now,
                expires_at=now + timedelta(days=days),
            )
        )
        return token

    @classmethod
    def valid(cls, token: str) -> "ApiToken | None":
        """The token row for the clear text `token` when it may be used (not expired, its user
        active), else None."""
        row = db.session.scalar(_token_statement(), {"token_hash": cls.digest(token), "now": utcnow()})
        return row if row is not None and row.user.active else None


@lru_cache(maxsize=1)
def _token_statement():
    """ApiToken.valid's read, built once (a built statement keeps its SQL cache key: every API call
    neither rebuilds nor re-keys it), the hash and the time bound at each call."""
    return (
        select(ApiToken)
        .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.expires_at > bindparam("now"))
        # every call needs the user and the office's day and time zone
        .options(joinedload(ApiToken.user).joinedload(User.office))
    )
