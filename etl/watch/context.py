"""What every source's cycle shares: the fetcher, the clock, where downloads go."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from etl.load import utc_now
from etl.sources.fetch import CACHE_DIR, Fetcher

WATCH_CACHE = CACHE_DIR / "watch"
"""Per-source downloads (feed snapshots, GDELT batches), deleted once published."""

WATCH_FETCHER = Fetcher(timeout=20.0, retries=2, backoff=2.0)
"""One slow or failing server must not hold up the other sources for long."""


@dataclass
class WatchContext:
    fetcher: Fetcher = WATCH_FETCHER
    page_fetcher: Fetcher = WATCH_FETCHER
    cache: Path = WATCH_CACHE
    now: Callable[[], datetime] = utc_now
    """Wall-clock UTC time; tests move it to reach backoff deadlines and rate windows."""
    page_attempts: dict[tuple[str, str], int] = field(default_factory=dict)
    """(source, item) -> failed page fetches so far (fetch_full), kept while running."""
    page_times: dict[str, list[datetime]] = field(default_factory=dict)
    """Host -> when its recent pages were fetched: the per-host rate limit."""

    def folder(self, source: str) -> Path:
        folder = self.cache / source
        folder.mkdir(parents=True, exist_ok=True)
        return folder
