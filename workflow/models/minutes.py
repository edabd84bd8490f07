"""Minutes (berita acara) of a request's harmonisation meeting: draft (editable, every save kept)
-> awaiting approval (locked; finalised by an officer, decided by the head or the delegate) -> final
(numbered, issued, locked). Sent back, they are a draft again. A correction after finalising is a new
revision that supersedes the old."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import Aspect, Conclusion, MinutesStatus
from .request import Request
from .time import utcnow
from .user import User

MINUTES_STATUSES = MinutesStatus.values()
CONCLUSIONS = Conclusion.values()
ASPECTS = Aspect.values()


class LockedError(RuntimeError):
    pass


class Minutes(db.Model):
    __tablename__ = "minutes"
    __table_args__ = (
        UniqueConstraint("request_id", "revision", name="uq_minutes_request_revision"),
        CheckConstraint(f"status IN {MINUTES_STATUSES!r}", name="status"),
        CheckConstraint(f"conclusion IS NULL OR conclusion IN {CONCLUSIONS!r}", name="conclusion"),
        # the approvers' list (operations/minutes.awaiting_approval, on every head's dashboard):
        # found from the few minutes awaiting approval, not by reading every request of the office
        Index("ix_minutes_status", "status", "finalised_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    revision: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(24), default="draft")
    conclusion: Mapped[str | None] = mapped_column(String(32))
    correction_deadline: Mapped[date | None] = mapped_column()
    notes: Mapped[str | None] = mapped_column(Text)
    application_letter_number: Mapped[str | None] = mapped_column(String(120))
    application_letter_date: Mapped[date | None] = mapped_column()
    legal_basis: Mapped[str | None] = mapped_column(Text)
    signatories: Mapped[list] = mapped_column(JSON, default=list)  # [{name, position, side}]
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column()
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the head's (or the delegate's) decision; the audit trail keeps every one, these the last
    approved_at: Mapped[datetime | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_back_at: Mapped[datetime | None] = mapped_column()
    sent_back_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_back_comment: Mapped[str | None] = mapped_column(Text)  # shown to the officer in the editor
    issued_document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id"))

    request: Mapped[Request] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    finalised_by: Mapped[User | None] = relationship(foreign_keys=[finalised_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    sent_back_by: Mapped[User | None] = relationship(foreign_keys=[sent_back_by_id])
    findings: Mapped[list["Finding"]] = relationship(
        back_populates="minutes", order_by="Finding.position", cascade="all, delete-orphan"
    )
    history: Mapped[list["MinutesSnapshot"]] = relationship(order_by="MinutesSnapshot.id")
    issued_document = relationship("IssuedDocument", foreign_keys=[issued_document_id])

    __mapper_args__ = {"version_id_col": version}


class Finding(db.Model):
    """One finding of the conceptual review, by aspect, optionally tied to an article."""

    __tablename__ = "minutes_findings"
    __table_args__ = (CheckConstraint(f"aspect IN {ASPECTS!r}", name="aspect"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    aspect: Mapped[str] = mapped_column(String(32))
    article: Mapped[str | None] = mapped_column(String(120))  # e.g. "Pasal 5 ayat (2)"
    finding: Mapped[str] = mapped_column(Text)
    agreed_change: Mapped[str | None] = mapped_column(Text)

    minutes: Mapped[Minutes] = relationship(back_populates="findings")


class MinutesSnapshot(db.Model):
    """What a draft looked like after each save: the revisions of a draft are kept."""

    __tablename__ = "minutes_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    content: Mapped[dict] = mapped_column(JSON)


# Minutes past the draft are locked. Awaiting approval, only the decision may be recorded (approved:
# numbered and issued; sent back: a draft again, with the comment); final, only the status may move
# on (final -> superseded).
DECISION = frozenset(
    {
        "status",
        "version",
        "issued_document_id",
        "approved_at",
        "approved_by_id",
        "approved_by",
        "sent_back_at",
        "sent_back_by_id",
        "sent_back_by",
        "sent_back_comment",
    }
)


@event.listens_for(Minutes, "before_update")
def _refuse_changing_final_minutes(mapper, connection, target):
    state = inspect(target)
    was = state.attrs.status.history.deleted
    was = was[0] if was else target.status
    if was == "draft":
        return
    allowed = DECISION if was == "awaiting_approval" else {"status", "version"}
    changed = {a.key for a in state.attrs if a.history.has_changes()} - allowed
    if changed:
        raise LockedError(f"{was} minutes are locked ({', '.join(sorted(changed))})")
