"""One alerts pass: check every watchlist on the recent days, record each new hit once in
the store with a pending delivery per channel, then deliver what is pending (refs #17).

Idempotent: the store keeps at most one alert per watch, pair and day, so a pass repeated
by every watch cycle re-sends nothing; a delivery that failed is retried by the next pass
until `max_attempts`, and stays in the history as failed after that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from etl import clock
from etl.alerts.check import Hit, find_hits, recent_days
from etl.alerts.deliver import load_secrets, send
from etl.alerts.message import compose
from etl.alerts.settings import AlertSettings
from etl.database import reading_published
from monitor.store import Store, Watchlist, channel_label


@dataclass
class AlertsReport:
    hits: list[Hit] = field(default_factory=list)
    new: int = 0
    sent: int = 0
    failed: int = 0


def run_alerts(
    db_path: Path,
    store: Store,
    watches: list[Watchlist],
    settings: AlertSettings,
    *,
    dry_run: bool = False,
    say: Callable[[str], None] = lambda _line: None,
    sleep: Callable[[float], None] = time.sleep,
) -> AlertsReport:
    """Check `watches` plus the store's watchlists; with `dry_run`, only say what would fire.

    Raises:
        DatabaseError: no published database, or one this version cannot read.
    """
    every = [*watches, *store.watchlists()]
    first, last = recent_days(clock.utc_now().date(), settings.recent_days)
    report = AlertsReport()
    with reading_published(db_path) as con:
        report.hits = find_hits(con, every, first, last)
        for hit in report.hits:
            fired = store.has_fired(hit.watch.name, hit.pair, hit.day.isoformat())
            if dry_run:
                state = "already sent" if fired else "would fire"
                say(f"{state}: {_line(hit)}")
                continue
            if fired:
                continue
            title, body, url = compose(con, hit, settings.dashboard_url, settings.evidence)
            alert_id = store.record_alert(
                hit.watch.notify,
                owner=hit.watch.owner,
                watch_name=hit.watch.name,
                country_a=hit.pair[0],
                country_b=hit.pair[1],
                day=hit.day.isoformat(),
                articles=hit.articles,
                expected=hit.expected,
                why=hit.why,
                url=url,
                message=f"{title}\n\n{body}",
            )
            if alert_id is not None:
                report.new += 1
                say(f"alert: {_line(hit)}")
    if not dry_run:
        deliver_pending(store, settings, report, say, sleep)
    return report


def deliver_pending(
    store: Store,
    settings: AlertSettings,
    report: AlertsReport,
    say: Callable[[str], None],
    sleep: Callable[[float], None],
) -> None:
    """Send every delivery not yet sent, each with its retries, and record the outcome."""
    for delivery in store.pending_deliveries(settings.max_attempts):
        channel = delivery["channel"]
        secrets = load_secrets([channel], settings.secrets_file)
        title, _, body = delivery["message"].partition("\n\n")
        outcome = send(
            channel,
            title,
            body,
            secrets,
            attempts=min(settings.attempts, settings.max_attempts - delivery["attempts"]),
            backoff_seconds=settings.backoff_seconds,
            sleep=sleep,
        )
        status = "sent" if outcome.ok else "failed"
        store.update_delivery(delivery["alert_id"], channel, status, outcome.tries, outcome.error)
        report.sent += outcome.ok
        report.failed += not outcome.ok
        detail = f" after {outcome.tries} tries" if outcome.tries > 1 else ""
        reason = f": {outcome.error}" if outcome.error else ""
        say(
            f"alert {delivery['alert_id']} ({delivery['watch_name']}) to "
            f"{channel_label(channel)}: {status}{detail}{reason}"
        )


def _line(hit: Hit) -> str:
    return f"{hit.watch.name}: {'-'.join(hit.pair)} on {hit.day.isoformat()}: {hit.why}"
