"""Time helpers: one notion of "now" for the whole app."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives naive datetimes back)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local_today():
    """Today's date in Vietnam (UTC+7, no daylight saving), the date documents carry."""
    from datetime import timedelta, timezone
    return datetime.now(timezone(timedelta(hours=7))).date()
