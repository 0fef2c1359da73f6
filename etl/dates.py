"""Publication dates from whatever a source carries, always returned in UTC."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

from etl import clock

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
"""Dates outside this window are data errors (epoch milliseconds read as seconds, year 0001),
not news; fixed bounds keep the verdict independent of the clock."""

FUTURE_SLACK = timedelta(days=1)
"""A publication date may lead our clock by this much (a feed in UTC+14, a clock a little
slow); more is a data error that would move the dashboard's end date years ahead."""

ACCEPTED_FORMS = (
    "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM], RFC 2822 (Tue, 16 Sep 2025 08:00:00 +0000), "
    "YYYYMMDD[HHMMSS] or epoch seconds"
)

_EPOCH = re.compile(r"^-?\d{9,11}(\.\d+)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$")


class DateError(ValueError):
    """The value is not a date we can read; the message is the reject reason."""


def parse_date(value: object) -> datetime:
    """Read ISO 8601, RFC 2822, GDELT's YYYYMMDDHHMMSS or epoch seconds; naive means UTC.

    Raises:
        DateError: with a reason fit for the rejects table.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DateError("missing date")
    parsed = _parse_any(value)
    if parsed is None:
        raise DateError(f"unparseable date {_show(value)}; accepted: {ACCEPTED_FORMS}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if not EARLIEST <= parsed < LATEST:
        raise DateError(f"date out of range {_show(value)} (expected 1900-2099)")
    return parsed


def parse_published(value: object) -> datetime:
    """A publication date: `parse_date`, and not more than FUTURE_SLACK ahead of now.

    Raises:
        DateError: as `parse_date`, or "date in the future: 2031-01-01".
    """
    published = parse_date(value)
    if reason := future_reason(published):
        raise DateError(reason)
    return published


def future_reason(published: datetime) -> str | None:
    """The reject reason for a publication date too far ahead of `etl.clock`, else None."""
    if published > clock.utc_now() + FUTURE_SLACK:
        return f"date in the future: {published.date().isoformat()}"
    return None


def _parse_any(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    return _from_compact(text) or _from_iso(text) or _from_rfc2822(text)


def _from_epoch(seconds: float) -> datetime | None:
    # compared before any float conversion: JSON integers can be too big for a float
    if abs(seconds) > 1e11 or not math.isfinite(seconds):
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def _from_compact(text: str) -> datetime | None:
    match = _COMPACT.match(text)
    if not match:
        return None
    parts = [int(p) for p in match.groups() if p is not None]
    try:
        return datetime(*parts)
    except ValueError:
        return None


def _from_iso(text: str) -> datetime | None:
    candidate = text.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _from_rfc2822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _show(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"
