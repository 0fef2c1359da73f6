"""`python -m etl digest`: a period's digest to stdout, a file, or the watchlists' channels."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import apprise

from etl import clock
from etl.alerts import digest as digests
from etl.alerts.deliver import load_secrets, send
from etl.alerts.settings import AlertSettings
from etl.database import reading_published
from etl.watch.config import MonitorConfig, parse_interval
from monitor.store import Store, channel_label, store_path


def digest_command(
    db_path: Path,
    config: MonitorConfig | None,
    since: str,
    watch: str | None,
    out: Path | None,
    notify: bool,
    *,
    say: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """Build the digest; return the Markdown to print when there is no `out` file.

    Raises:
        ValueError: a bad --since, an unknown --watch or an --out that is not .html or .md.
    """
    period = timedelta(seconds=parse_interval(since))
    if out is not None and out.suffix.lower() not in (".html", ".htm", ".md"):
        raise ValueError(f"--out {out}: name a .html or .md file")
    settings = config.alerts if config else AlertSettings()
    store = Store(store_path(db_path))
    watches = [*(config.watches if config else ()), *store.watchlists()]
    if watch is not None:
        watches = [w for w in watches if w.name == watch]
        if not watches:
            raise ValueError(f"no watchlist named {watch!r} in the config or the store")
    now = clock.utc_now()
    start = now - period
    names = {w.name for w in watches}
    hits = [
        h for h in _alerts(store, start.isoformat(timespec="seconds")) if h["watch_name"] in names
    ]
    with reading_published(db_path) as con:
        digest = digests.build(
            con, start.date(), now.date(), watches, hits, settings.dashboard_url,
            only_watched=watch is not None,
        )  # fmt: skip
    markdown, page = digests.to_markdown(digest), digests.to_html(digest)
    if out is not None:
        out.write_text(page if out.suffix.lower() != ".md" else markdown, encoding="utf-8")
        say(f"digest written to {out}")
    if notify:
        _notify(watches, page, settings, say, sleep)
    return markdown if out is None else None


def _alerts(store: Store, since: str) -> list[dict]:
    """One row per alert (its deliveries folded), newest first."""
    seen: dict[int, dict] = {}
    for row in store.history(since=since):
        seen.setdefault(row["alert_id"], row)
    return list(seen.values())


def _notify(watches, page: str, settings: AlertSettings, say, sleep) -> None:
    """The HTML digest to every channel of the watches (email gets a plain-text part too)."""
    for channel in dict.fromkeys(c for w in watches for c in w.notify):
        outcome = send(
            channel,
            "Tension Monitor digest",
            page,
            load_secrets([channel], settings.secrets_file),
            attempts=settings.attempts,
            backoff_seconds=settings.backoff_seconds,
            body_format=apprise.NotifyFormat.HTML,
            sleep=sleep,
        )
        status = "sent" if outcome.ok else f"failed: {outcome.error}"
        say(f"digest to {channel_label(channel)}: {status}")
