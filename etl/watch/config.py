"""The monitor configuration (`monitor.example.toml`): sources, each with an interval.

Errors name the key and its line, on one line, so a typo in a file of a few hundred feeds is
found at once; the CLI exits 2 on them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.alerts.settings import AlertSettings
from etl.sources import format_names
from etl.sources.gdelt_download import BASE_URL
from etl.watch.watch_config import alerts_table
from monitor.store import Watchlist
from monitor.watchlists import watch_tables

KINDS = ("gdelt", "feed", "folder")

COMMON_KEYS = {"name", "kind", "every"}
KIND_KEYS: dict[str, set[str]] = {
    "gdelt": {"url", "translation", "catch_up"},
    "feed": {"url", "urls", "fetch_full", "per_host_per_minute", "max_backoff"},
    "folder": {"path", "format"},
}
"""The keys each kind accepts; anything else is a typo to report, not to ignore."""

CATCH_UP_BATCHES = 96
"""GDELT batches fetched after downtime: one day of 15-minute batches."""

PAGES_PER_HOST_PER_MINUTE = 6
"""fetch_full: pages fetched from one host per minute, polite to a news site."""

MAX_BACKOFF = "1h"
"""A failing feed is retried after its interval, doubled per failure, at most this long."""

_INTERVAL = re.compile(r"^\s*(\d+)\s*(s|sec|min|m|h|hour|d|day)s?\s*$")
_UNIT_SECONDS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400}
_UNIT_SECONDS["day"] = 86400
_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    every: float
    """Seconds between the starts of two cycles of this source."""
    urls: tuple[str, ...] = ()
    """gdelt: the base URL; feed: one or many feed URLs."""
    path: Path | None = None
    """folder: the folder other tools drop files into (read, never modified)."""
    translation: bool = False
    catch_up: int = CATCH_UP_BATCHES
    fetch_full: bool = False
    per_host_per_minute: int = PAGES_PER_HOST_PER_MINUTE
    max_backoff: float = 3600.0
    format: str = "auto"


@dataclass(frozen=True)
class MonitorConfig:
    path: Path
    sources: tuple[SourceConfig, ...]
    watches: tuple[Watchlist, ...] = ()
    """The `[[watch]]` tables (refs #17); the dashboard's watchlists are in the store."""
    alerts: AlertSettings = AlertSettings()


def parse_interval(value: Any) -> float:
    """'15min', '1h', '30s', '2d' -> seconds.

    Raises:
        ValueError: not a positive whole number of s, min, h or d.
    """
    match = _INTERVAL.match(value) if isinstance(value, str) else None
    if not match or int(match[1]) == 0:
        raise ValueError(f"{value!r} is not an interval; write e.g. '30s', '15min', '1h', '1d'")
    return float(int(match[1]) * _UNIT_SECONDS[match[2]])


def load_config(path: Path, *, need_sources: bool = True) -> MonitorConfig:
    """Read and check a monitor configuration; `need_sources` False for the alerts and
    digest commands, which need only its watchlists.

    Raises:
        ConfigError: unreadable file, bad TOML, unknown key, bad value or duplicate name.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(
            f"{path}: cannot read: {err.strerror}; copy monitor.example.toml or pass --config"
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    where = _Lines(path, text)
    for key in document:
        if key not in ("source", "watch", "alerts"):
            raise ConfigError(
                f"{where.top(key)}: unknown key {key!r}; expected [[source]], [[watch]] "
                "and [alerts] tables"
            )
    tables = document.get("source", [])
    if not isinstance(tables, list) or (need_sources and not tables):
        raise ConfigError(f"{path}: no [[source]] tables; see monitor.example.toml")
    try:
        watches = watch_tables(document.get("watch", []), str(path))
        alerts = alerts_table(document.get("alerts", {}), str(path), path.parent)
    except ValueError as err:
        raise ConfigError(str(err)) from None
    sources = tuple(_source(table, index, where) for index, table in enumerate(tables))
    seen: dict[str, int] = {}
    for index, source in enumerate(sources):
        if source.name in seen:
            raise ConfigError(
                f"{where.key(index, 'name')}: duplicate source name {source.name!r} "
                f"(first at line {where.line(seen[source.name], 'name')})"
            )
        seen[source.name] = index
    return MonitorConfig(path, sources, watches, alerts)


def _source(table: dict[str, Any], index: int, where: _Lines) -> SourceConfig:
    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{where.key(index, key)}: {message}")

    for key in ("name", "kind"):
        if key not in table:
            raise ConfigError(f"{where.table(index)}: [[source]] needs {key!r}")
    name, kind = table["name"], table["kind"]
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "name must be a non-empty string")
    if kind not in KINDS:
        raise fail("kind", f"kind {kind!r} is not one of {', '.join(KINDS)}")
    # unknown keys first: a misspelt `every` is reported as the typo it is
    for key in table:
        if key not in COMMON_KEYS | KIND_KEYS[kind]:
            allowed = ", ".join(sorted(COMMON_KEYS | KIND_KEYS[kind]))
            raise fail(key, f"unknown key {key!r} for kind {kind!r}; allowed: {allowed}")
    if "every" not in table:
        raise ConfigError(f"{where.table(index)}: [[source]] needs 'every'")
    try:
        every = parse_interval(table["every"])
        options = _KIND_OPTIONS[kind](table)
    except _BadValue as err:
        raise fail(err.key, err.message) from None
    except ValueError as err:
        raise fail("every", f"every: {err}") from None
    return SourceConfig(name=name, kind=kind, every=every, **options)


class _BadValue(Exception):
    def __init__(self, key: str, message: str) -> None:
        self.key, self.message = key, message


def _typed(table: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = table.get(key, default)
    # bool is an int in Python: `catch_up = true` must not pass as 1
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _BadValue(key, f"{key} must be {kind.__name__}, got {value!r}")
    if kind is int and value < 1:
        raise _BadValue(key, f"{key} must be at least 1, got {value}")
    return value


def _gdelt_options(table: dict[str, Any]) -> dict[str, Any]:
    return {
        "urls": (_typed(table, "url", str, BASE_URL),),
        "translation": _typed(table, "translation", bool, False),
        "catch_up": _typed(table, "catch_up", int, CATCH_UP_BATCHES),
    }


def _feed_options(table: dict[str, Any]) -> dict[str, Any]:
    if ("url" in table) == ("urls" in table):
        raise _BadValue("name", 'a feed source needs url = "..." or urls = [...], not both')
    urls = [table["url"]] if "url" in table else table["urls"]
    key = "url" if "url" in table else "urls"
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise _BadValue(key, f"{key} must be a URL or a non-empty list of URLs")
    if bad := [u for u in urls if not u.lower().startswith(("http://", "https://"))]:
        raise _BadValue(key, f"not an http(s) URL: {bad[0]!r}")
    if len(set(urls)) != len(urls):
        raise _BadValue(key, "the same feed URL is listed twice")
    try:
        backoff = parse_interval(table.get("max_backoff", MAX_BACKOFF))
    except ValueError as err:
        raise _BadValue("max_backoff", f"max_backoff: {err}") from None
    return {
        "urls": tuple(urls),
        "fetch_full": _typed(table, "fetch_full", bool, False),
        "per_host_per_minute": _typed(table, "per_host_per_minute", int, PAGES_PER_HOST_PER_MINUTE),
        "max_backoff": backoff,
    }


def _folder_options(table: dict[str, Any]) -> dict[str, Any]:
    if "path" not in table:
        raise _BadValue("name", 'a folder source needs path = "..."')
    fmt = _typed(table, "format", str, "auto")
    if fmt not in format_names():
        raise _BadValue("format", f"format {fmt!r} is not one of {', '.join(format_names())}")
    return {"path": Path(_typed(table, "path", str, "")).expanduser(), "format": fmt}


_KIND_OPTIONS = {"gdelt": _gdelt_options, "feed": _feed_options, "folder": _folder_options}


class _Lines:
    """Finds the line of a key in the TOML text: tomllib keeps no positions."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.headers = [
            number
            for number, line in enumerate(self.lines, 1)
            if (match := _TABLE_HEADER.match(line)) and match[1] == "source"
        ]

    def table(self, index: int) -> str:
        line = self.headers[index] if index < len(self.headers) else None
        return f"{self.path}, line {line}" if line else str(self.path)

    def key(self, index: int, key: str) -> str:
        line = self.line(index, key)
        return f"{self.path}, line {line}" if line else self.table(index)

    def top(self, key: str) -> str:
        for number, line in enumerate(self.lines, 1):
            if (match := _TABLE_HEADER.match(line)) and match[1] == key:
                return f"{self.path}, line {number}"
        first = self.headers[0] if self.headers else len(self.lines) + 1
        for number in range(1, first):
            if re.match(rf"^\s*{re.escape(key)}\s*=", self.lines[number - 1]):
                return f"{self.path}, line {number}"
        return str(self.path)

    def line(self, index: int, key: str) -> int | None:
        if index >= len(self.headers):
            return None
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(self.headers[index] + 1, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return self.headers[index]
