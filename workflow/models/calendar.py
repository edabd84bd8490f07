"""Admin overrides on top of the national holiday calendar."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .time import utcnow


class HolidayOverride(db.Model):
    """A day the office closes ad hoc (working=False), or a listed holiday it works (working=True)."""

    __tablename__ = "holiday_overrides"
    __table_args__ = (UniqueConstraint("office_id", "day", name="uq_holiday_overrides_office_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    day: Mapped[date] = mapped_column()
    working: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
