"""Official documents Harmoni issues (berita acara, result letters): numbered, rendered once,
stored under their SHA-256, verifiable by a public code."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
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


class IssuedDocument(db.Model):
    __tablename__ = "issued_documents"
    __table_args__ = (CheckConstraint(f"kind IN {ISSUED_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(32), unique=True)  # the public verification code
    title: Mapped[str] = mapped_column(String(1000))
    # Everything the template needs, frozen at issue: rendering reads nothing else.
    payload: Mapped[dict] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # set once rendered
    size: Mapped[int | None] = mapped_column()
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"))

    office: Mapped[Office] = relationship()
    request: Mapped[Request] = relationship()
    issued_by: Mapped[User] = relationship()
