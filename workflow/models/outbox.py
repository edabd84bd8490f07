"""E-mails waiting to be sent, written in the same transaction as the transition they report, and
reads of sensitive personal data (UU 27/2022)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .time import utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # The text: stored when written (older rows, mail to the public) or once rendered; a notice of a
    # transition is written with its `context` only and rendered when shown or sent (`body`).
    stored_body: Mapped[str | None] = mapped_column("body", Text)
    context: Mapped[dict | None] = mapped_column(JSON)

    @hybrid_property
    def body(self) -> str:
        """The text, rendered from `context` in the recipient's language when not stored."""
        if self.stored_body is None and self.context is not None:
            from ..operations.notifications import render_notice  # the templates live with the operations

            return render_notice(self.context)
        return self.stored_body

    @body.inplace.setter
    def _body_setter(self, value: str | None) -> None:
        self.stored_body = value

    @body.inplace.expression
    @classmethod
    def _body_expression(cls):
        return cls.stored_body

    # One text attachment at most (a meeting invitation's .ics): name, MIME type, content.
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_type: Mapped[str | None] = mapped_column(String(120))
    attachment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A sender claims a message until this moment before it talks to SMTP: another sender
    # leaves it alone meanwhile, so it goes out once.
    claimed_until: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column(index=True)


class AccessLog(db.Model):
    """Who saw which sensitive fields of which request, and when. Append-only."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    fields: Mapped[list] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(String(60))  # e.g. "page", "api"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
