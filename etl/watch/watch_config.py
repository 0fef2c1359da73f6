"""The monitor config's `[alerts]` table (refs #17); its `[[watch]]` tables are read by
monitor/watchlists.py, which the dashboard shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.alerts.settings import AlertSettings
from monitor.watchlists import check_keys

ALERT_KEYS = {
    "dashboard_url": str,
    "recent_days": int,
    "secrets_file": str,
    "attempts": int,
    "backoff_seconds": (int, float),
    "max_attempts": int,
}


def alerts_table(table: Any, where: str, base: Path) -> AlertSettings:
    """The `[alerts]` table; a relative secrets_file is relative to the config file."""
    if not isinstance(table, dict):
        raise ValueError(f"{where}: [alerts] must be a table")
    check_keys(table, ALERT_KEYS, f"{where}: [alerts]")
    values = dict(table)
    if "secrets_file" in values:
        values["secrets_file"] = base / Path(values["secrets_file"]).expanduser()
    if "backoff_seconds" in values:
        values["backoff_seconds"] = float(values["backoff_seconds"])
    return AlertSettings(**values)
