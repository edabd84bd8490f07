"""Harmonisation meetings: one meeting covers one or more requests."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import Side
from .organisation import Office
from .request import Request
from .time import utcnow
from .user import User

MEETING_STATUSES = ("scheduled", "held", "cancelled")
PARTICIPANT_SIDES = Side.values()

meeting_requests = Table(
    "meeting_requests",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id"), primary_key=True),
    Column("request_id", ForeignKey("requests.id"), primary_key=True, index=True),
)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint(f"status IN {MEETING_STATUSES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(index=True)  # naive UTC
    duration_minutes: Mapped[int] = mapped_column(default=180)
    place: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    status_reason: Mapped[str | None] = mapped_column(Text)  # why it was rescheduled or cancelled
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    office: Mapped[Office] = relationship()
    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    requests: Mapped[list[Request]] = relationship(secondary=meeting_requests, order_by=Request.id)
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="meeting", order_by="Participant.position_order", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class Participant(db.Model):
    """An invitee: from the office, the applicant organisation or the DPRD; attendance recorded later."""

    __tablename__ = "meeting_participants"
    __table_args__ = (CheckConstraint(f"side IN {PARTICIPANT_SIDES!r}", name="side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))  # jabatan
    institution: Mapped[str] = mapped_column(String(200))
    side: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    position_order: Mapped[int] = mapped_column(default=0)
    attended: Mapped[bool | None] = mapped_column()  # None: not recorded yet

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
