"""The ETL's one clock: every "now" (run times, the future-date check) is read here, so a test
pins it in one place (monkeypatch `etl.clock.utc_now`)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
