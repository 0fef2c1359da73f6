"""The monitor config's `[[watch]]` tables as watchlists (refs #17): read by the watcher
(etl/watch/config.py, with the rest of the config) and shown by the dashboard's Watchlists
page, which reads only these tables, so a dashboard without the ETL's modules lists them.

[[watch]]
name = "Korea-Russia"
pairs = ["PRK-RUS"]
notify = ["mailtos://alerts:{SMTP_PASSWORD}@smtp.example.org", "json://hooks.example.org/t"]
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

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


def config_watchlists(path: Path) -> tuple[Watchlist, ...]:
    """The `[[watch]]` tables of the monitor config at `path`, checked as the watcher checks
    them (its sources and [alerts] are the watcher's business).

    Raises:
        OSError: the file cannot be read.
        ValueError: not TOML, or a watch table to fix (the message names it and the key).
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{path}: not valid TOML: {err}") from None
    return watch_tables(document.get("watch", []), str(path))


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
        check_keys(table, WATCH_KEYS, label)
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
        try:
            watches.append(Watchlist(**values, origin="config").checked())
        except WatchlistError as err:
            raise ValueError(f"{label}: {err}") from None
    names = [w.name for w in watches]
    if duplicate := next((n for n in names if names.count(n) > 1), None):
        raise ValueError(f"{where}: two [[watch]] tables are named {duplicate!r}")
    return tuple(watches)


def check_keys(table: dict[str, Any], allowed: dict[str, Any], label: str) -> None:
    """Raises ValueError for a key of `table` not in `allowed` or of another type."""
    for key, value in table.items():
        if key not in allowed:
            raise ValueError(f"{label}: unknown key {key!r}; allowed: {', '.join(allowed)}")
        # bool is an int in Python: `recent_days = true` must not pass as 1
        if not isinstance(value, allowed[key]) or isinstance(value, bool):
            # the type, never the value: a notify URL written as a string holds its token,
            # and the dashboard shows this message
            raise ValueError(f"{label}: {key} has the wrong type ({type(value).__name__})")
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            raise ValueError(f"{label}: {key} must be a list of strings")
