"""The alerts' knobs: the monitor config's `[alerts]` table, each with its default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AlertSettings:
    dashboard_url: str = "http://localhost:8501/"
    """The dashboard's base URL: every alert links to its exact view under it."""
    recent_days: int = 2
    """Days checked, ending today (UTC, by etl.clock): today and yesterday. Older days never
    alert, so loading an archive does not page anyone."""
    secrets_file: Path | None = None
    """A TOML file of NAME = "value" filling the {NAME} placeholders of notify URLs (the
    environment wins); neither is ever written to the store, the database or a log."""
    attempts: int = 3
    """Tries per delivery in one run, with `backoff_seconds` doubling between them."""
    backoff_seconds: float = 2.0
    max_attempts: int = 12
    """Tries over all runs: a delivery still failing after them stays recorded as failed."""
    evidence: int = 3
    """Evidence sentences in an alert, one per story."""
