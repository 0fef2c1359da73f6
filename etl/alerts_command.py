"""`python -m etl alerts` and the watcher's alerts pass: the monitor config's watchlists and
the store's, checked and delivered (refs #17)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from etl.alerts.run import AlertsReport, run_alerts
from etl.alerts.settings import AlertSettings
from etl.watch.config import MonitorConfig, load_config
from monitor.store import Store, store_path


def monitor_config(path: Path | None) -> MonitorConfig | None:
    """The config at `path`; None when no path was given and monitor.toml does not exist.

    Raises:
        ConfigError: the file cannot be used (the message names the line).
    """
    if path is None:
        default = Path("monitor.toml")
        return load_config(default, need_sources=False) if default.exists() else None
    return load_config(path, need_sources=False)


def alerts_pass(
    db_path: Path,
    config: MonitorConfig | None,
    *,
    dry_run: bool = False,
    say: Callable[[str], None],
) -> AlertsReport:
    """Check and deliver, then say one summary line."""
    settings = config.alerts if config else AlertSettings()
    watches = list(config.watches) if config else []
    report = run_alerts(
        db_path, Store(store_path(db_path)), watches, settings, dry_run=dry_run, say=say
    )
    if not dry_run:
        say(
            f"alerts: {len(report.hits)} spikes on watched pairs, {report.new} new alerts, "
            f"{report.sent} deliveries sent, {report.failed} failed"
        )
    return report
