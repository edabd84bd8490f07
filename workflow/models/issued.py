"""Official documents Harmoni issues (berita acara, result letters, the office's other letters):
numbered, rendered once, stored under their SHA-256, verifiable by a public code.

A letter prepared by an officer's action waits for the head's (or the delegate's) approval first
(`status` awaiting_approval): it has its content (`payload`) but no number and no code, so a letter
refused takes nothing from the gapless series. Approval numbers, codes and issues it."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..vocabulary import LetterStatus
from .organisation import Office
from .request import Request
from .time import utcnow
from .user import User

ISSUED_KINDS = (
    "berita_acara",
    "result_letter",
    "undangan_rapat",
    "pengembalian_berkas",
    "hasil_akhir",
)  # hasil_akhir: after an accepted correction
ISSUED_STATUSES = LetterStatus.values()


class IssuedDocument(db.Model):
    __tablename__ = "issued_documents"
    __table_args__ = (
        CheckConstraint(f"kind IN {ISSUED_KINDS!r}", name="kind"),
        CheckConstraint(f"status IN {ISSUED_STATUSES!r}", name="status"),
        # numbered and coded exactly when issued: the series holds no letter that was not
        CheckConstraint("(status = 'issued') = (number IS NOT NULL AND code IS NOT NULL)", name="numbered_when_issued"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    # the meeting an undangan rapat invites to (its e-mails go out once the letter is issued)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24), default=LetterStatus.ISSUED, index=True)
    number: Mapped[str | None] = mapped_column(String(120))  # given at approval
    code: Mapped[str | None] = mapped_column(String(32), unique=True)  # the public verification code
    title: Mapped[str] = mapped_column(String(1000))
    # Everything the template needs, frozen at issue: rendering reads nothing else.
    payload: Mapped[dict] = mapped_column(JSON)
    # when issued (while awaiting approval: when it was prepared)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who prepared it
    # the head's (or the delegate's) decision; the audit trail keeps every one, these the last
    approved_at: Mapped[datetime | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf_of: Mapped[str | None] = mapped_column(String(200))  # "a.n." whom a delegate approved
    sent_back_at: Mapped[datetime | None] = mapped_column()
    sent_back_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_back_comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # set once rendered
    size: Mapped[int | None] = mapped_column()
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"))

    office: Mapped[Office] = relationship()
    request: Mapped[Request] = relationship()
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    sent_back_by: Mapped[User | None] = relationship(foreign_keys=[sent_back_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_issued(self) -> bool:
        return self.status == LetterStatus.ISSUED
