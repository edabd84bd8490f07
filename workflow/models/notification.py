"""In-app notifications: one row per user and event, written in the transaction of what it
reports (like the outbox), shown under the bell in the top bar."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from ..engine.definition import N_
from ..extensions import db
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
}
# Which kinds a role can receive (the settings page shows only these).
KINDS_BY_ROLE = {
    "drafter": ("status", "meeting"),
    "officer": ("new_file", "assignment", "due_soon", "overdue", "meeting"),
    "head": ("new_file", "assignment", "due_soon", "overdue", "meeting"),
    "admin": (),
}


class Notification(db.Model):
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

    link: Mapped[str] = mapped_column(String(300))  # a path inside Harmoni: where the next step is taken
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
