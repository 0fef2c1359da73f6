"""The monitor config's `[[watch]]` tables and its `[alerts]` table (refs #17).

[[watch]]
name = "Korea-Russia"
pairs = ["PRK-RUS"]
notify = ["mailtos://alerts:{SMTP_PASSWORD}@smtp.example.org", "json://hooks.example.org/t"]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.alerts.settings import AlertSettings
from monitor.store import Watchlist, WatchlistError

WATCH_KEYS = {
    "name": str,
    "pairs": list,
    "countries": list,
    "lang": str,
    "source": str,
    "keywords": list,
    "sensitivity": str,
    "notify": list,
}
ALERT_KEYS = {
    "dashboard_url": str,
    "recent_days": int,
    "secrets_file": str,
    "attempts": int,
    "backoff_seconds": (int, float),
    "max_attempts": int,
}


def watch_tables(tables: Any, where: str) -> tuple[Watchlist, ...]:
    """The `[[watch]]` tables as checked watchlists.

    Raises:
        ValueError: a message naming the watch and the key to fix.
    """
    if not isinstance(tables, list):
        raise ValueError(f"{where}: write watchlists as [[watch]] tables")
    watches = []
    for index, table in enumerate(tables, 1):
        label = f"{where}: [[watch]] #{index} ({table.get('name', 'no name')!r})"
        _check_keys(table, WATCH_KEYS, label)
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
        try:
            watches.append(Watchlist(**values, origin="config").checked())
        except WatchlistError as err:
            raise ValueError(f"{label}: {err}") from None
    names = [w.name for w in watches]
    if duplicate := next((n for n in names if names.count(n) > 1), None):
        raise ValueError(f"{where}: two [[watch]] tables are named {duplicate!r}")
    return tuple(watches)


def alerts_table(table: Any, where: str, base: Path) -> AlertSettings:
    """The `[alerts]` table; a relative secrets_file is relative to the config file."""
    if not isinstance(table, dict):
        raise ValueError(f"{where}: [alerts] must be a table")
    _check_keys(table, ALERT_KEYS, f"{where}: [alerts]")
    values = dict(table)
    if "secrets_file" in values:
        values["secrets_file"] = base / Path(values["secrets_file"]).expanduser()
    if "backoff_seconds" in values:
        values["backoff_seconds"] = float(values["backoff_seconds"])
    return AlertSettings(**values)


def _check_keys(table: dict[str, Any], allowed: dict[str, Any], label: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise ValueError(f"{label}: unknown key {key!r}; allowed: {', '.join(allowed)}")
        # bool is an int in Python: `recent_days = true` must not pass as 1
        if not isinstance(value, allowed[key]) or isinstance(value, bool):
            raise ValueError(f"{label}: {key} has the wrong type ({value!r})")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise ValueError(f"{label}: {key} must be a list of strings")
