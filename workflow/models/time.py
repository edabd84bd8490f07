from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Naive UTC, the one form stored in every database (SQLite keeps no time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_date(moment: datetime, timezone: str) -> date:
    """The office's calendar day at a stored (naive UTC) moment."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()


# Indonesia's own names for its three time zones (CLDR gives only "+0800" and the like)
ZONES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def local_clock(moment: datetime, timezone: str) -> tuple[date, str]:
    """The office's day and wall-clock time at a stored moment, e.g. (2026-12-04, "09.30 WITA")."""
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    return local.date(), f"{local:%H.%M} {ZONES.get(timezone, '')}".strip()
