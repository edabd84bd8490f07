"""In-app notifications: one row per user and event, written in the transaction of what it
reports (like the outbox), shown under the bell in the top bar."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..engine.definition import N_
from ..extensions import db
from .notice_text import NoticeText
from .time import utcnow

# The kinds a user may turn e-mail off for (the in-app list always keeps them). Labels for the
# settings page; which transition notifies under which kind is declared with the processes.
NOTIFICATION_KINDS = {
    "status": N_("Perubahan status permohonan"),
    "meeting": N_("Undangan dan perubahan jadwal rapat"),
    "new_file": N_("Berkas baru atau diajukan kembali"),
    "assignment": N_("Penugasan perancang"),
    "due_soon": N_("Tenggat besok"),
    "overdue": N_("Melewati tenggat"),
    "approval": N_("Persetujuan berita acara"),
}
# Which kinds a role can receive (the settings page shows only these).
KINDS_BY_ROLE = {
    "drafter": ("status", "meeting"),
    "officer": ("new_file", "assignment", "due_soon", "overdue", "meeting", "approval"),
    "head": ("new_file", "assignment", "due_soon", "overdue", "meeting", "approval"),
    "admin": (),
}


class Notification(NoticeText, db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # `workflow tick` writes a reminder once per file, kind and day: the key says which, and
        # the constraint refuses a second even if two ticks raced past every other check.
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300))  # in the user's language
    # stored_body, context, body: NoticeText

    link: Mapped[str] = mapped_column(String(300))  # a path inside Harmoni: where the next step is taken
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
