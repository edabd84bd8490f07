from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Naive UTC, the one form stored in every database (SQLite keeps no time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_date(moment: datetime, timezone: str) -> date:
    """The office's calendar day at a stored (naive UTC) moment."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()
