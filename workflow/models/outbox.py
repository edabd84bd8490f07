"""E-mails waiting to be sent, written in the same transaction as the transition they report, and
reads of sensitive personal data (UU 27/2022)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .notice_text import NoticeText
from .time import utcnow


class OutboxMessage(NoticeText, db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # stored_body, context, body: NoticeText

    # One text attachment at most (a meeting invitation's .ics): name, MIME type, content.
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_type: Mapped[str | None] = mapped_column(String(120))
    attachment: Mapped[str | None] = mapped_column(Text)
    # An issued document attached as its PDF (the undangan rapat with the invitation): read from
    # the document store when the message is sent, so the PDF rendered after the commit goes out.
    issued_document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"))
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
