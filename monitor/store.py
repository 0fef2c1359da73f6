"""The small writable store beside the published database: watchlists, alerts, deliveries.

SQLite in WAL mode (refs #17): several dashboard sessions and the watcher read and write
it at once, each write one short transaction, waiting up to `BUSY_SECONDS` for another
writer. It is never the published DuckDB file, which the dashboard only reads. Its SQL is in
queries/store/*.sql, one statement per file, every value bound.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from monitor.spikes import SENSITIVITY

STORE_ENV = "TENSION_STORE"
"""Environment variable naming the store; default: beside the database, `<db>.store.sqlite`."""

SQL_DIR = Path(__file__).resolve().parent.parent / "queries" / "store"

BUSY_SECONDS = 10.0
"""How long a write waits for another writer's transaction (they last milliseconds)."""

_PAIR = re.compile(r"^[A-Z]{3}-[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
# a password written into a URL (scheme://user:password@host) rather than a {PLACEHOLDER}
_INLINE_PASSWORD = re.compile(r"^[a-z0-9+.-]+://[^/@:{}]+:(?!\{[A-Z0-9_]+\}@)[^/@]+@", re.I)


class WatchlistError(ValueError):
    """A watchlist that cannot be saved; the message says which field to fix."""


@dataclass(frozen=True)
class Watchlist:
    name: str
    pairs: tuple[str, ...] = ()
    """'PRK-RUS', the codes in order (country_a < country_b)."""
    countries: tuple[str, ...] = ()
    """Every pair naming one of these is watched."""
    lang: str | None = None
    source: str | None = None
    keywords: tuple[str, ...] = ()
    sensitivity: str = "normal"
    notify: tuple[str, ...] = ()
    """apprise URLs; secrets as {NAME} placeholders (see etl/alerts/deliver.py)."""
    owner: str = ""
    origin: str = field(default="dashboard", compare=False)
    """Where it was defined: 'dashboard' (this store) or 'config' (the monitor config)."""

    def checked(self) -> Watchlist:
        """This watchlist with its pairs put in order, or WatchlistError naming the fault."""
        name = self.name.strip()
        if not name:
            raise WatchlistError("a watchlist needs a name")
        pairs = tuple(dict.fromkeys("-".join(sorted(p.upper().split("-"))) for p in self.pairs))
        if bad := [p for p in pairs if not _PAIR.match(p) or p[:3] == p[4:]]:
            raise WatchlistError(f"{bad[0]!r} is not a pair of two ISO-3 codes like 'PRK-RUS'")
        countries = tuple(dict.fromkeys(c.upper() for c in self.countries))
        if bad := [c for c in countries if not _COUNTRY.match(c)]:
            raise WatchlistError(f"{bad[0]!r} is not an ISO-3 country code")
        if not pairs and not countries:
            raise WatchlistError(f"watchlist {name!r} needs at least one pair or country")
        if self.sensitivity not in SENSITIVITY:
            raise WatchlistError(f"sensitivity must be one of {', '.join(SENSITIVITY)}")
        if bad := [url for url in self.notify if _INLINE_PASSWORD.match(url)]:
            scheme = bad[0].split("://")[0]
            raise WatchlistError(
                f"a {scheme}:// URL holds a password: write it as {{NAME}} and put NAME in "
                "the environment or the secrets file"
            )
        keywords = tuple(k.strip() for k in self.keywords if k.strip())
        return Watchlist(
            name, pairs, countries, self.lang or None, self.source or None, keywords,
            self.sensitivity, tuple(self.notify), self.owner, self.origin,
        )  # fmt: skip


def channel_label(url: str) -> str:
    """'json://hooks.example.org' for any notify URL: what logs and pages show of a channel,
    never its user, password, path or query (where tokens live)."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}" if rest else scheme


def store_path(db_path: Path) -> Path:
    """`$TENSION_STORE`, else `<db>.store.sqlite` beside the published database."""
    named = os.environ.get(STORE_ENV)
    return Path(named) if named else db_path.with_suffix(".store.sqlite")


@cache
def statement(name: str) -> str:
    """The text of queries/store/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


class Store:
    """The store at `path`, created on first use; one connection per call, closed after."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        con.row_factory = sqlite3.Row
        with closing(con):
            con.executescript(statement("schema"))
            yield con

    def _write(self, query: str, /, **params: Any) -> list[sqlite3.Row]:
        with self._connect() as con:
            con.execute("begin immediate")
            try:
                rows = con.execute(statement(query), params).fetchall()
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
            return rows

    def _read(self, query: str, /, **params: Any) -> list[sqlite3.Row]:
        with self._connect() as con:
            return con.execute(statement(query), params).fetchall()

    def save_watchlist(self, watchlist: Watchlist) -> Watchlist:
        """Create or replace the watchlist of that owner and name.

        Raises:
            WatchlistError: no name, a bad pair or country, a password in a notify URL.
        """
        saved = watchlist.checked()
        values = asdict(saved)
        del values["origin"]
        for key in ("pairs", "countries", "keywords", "notify"):
            values[key] = json.dumps(list(values[key]))
        self._write("save_watchlist", **values, now=_now())
        return saved

    def watchlists(self) -> list[Watchlist]:
        """Every watchlist saved from the dashboard, by name."""
        return [
            Watchlist(
                row["name"],
                tuple(json.loads(row["pairs"])),
                tuple(json.loads(row["countries"])),
                row["lang"],
                row["source"],
                tuple(json.loads(row["keywords"])),
                row["sensitivity"],
                tuple(json.loads(row["notify"])),
                row["owner"],
            )
            for row in self._read("list_watchlists")
        ]

    def delete_watchlist(self, name: str, owner: str = "") -> None:
        self._write("delete_watchlist", owner=owner, name=name)

    def has_fired(self, watch_name: str, pair: tuple[str, str], day: str) -> bool:
        rows = self._read(
            "alert_fired", watch_name=watch_name, country_a=pair[0], country_b=pair[1], day=day
        )
        return bool(rows)

    def record_alert(self, channels: tuple[str, ...], **alert: Any) -> int | None:
        """Record an alert and a pending delivery per channel in one transaction; None
        when this watch already fired for the pair that day."""
        now = _now()
        with self._connect() as con:
            con.execute("begin immediate")
            try:
                row = con.execute(statement("record_alert"), {**alert, "now": now}).fetchone()
                if row is not None:
                    for channel in channels:
                        params = {"alert_id": row[0], "channel": channel, "now": now}
                        con.execute(statement("add_delivery"), params)
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        return None if row is None else int(row[0])

    def pending_deliveries(self, max_attempts: int) -> list[dict[str, Any]]:
        return [dict(row) for row in self._read("pending_deliveries", max_attempts=max_attempts)]

    def update_delivery(
        self, alert_id: int, channel: str, status: str, tries: int, error: str | None
    ) -> None:
        self._write(
            "update_delivery",
            alert_id=alert_id,
            channel=channel,
            status=status,
            tries=tries,
            last_error=error,
            now=_now(),
        )

    def history(self, since: str = "", row_limit: int = 500) -> list[dict[str, Any]]:
        """Alerts x channels, newest first, created at or after `since` (ISO time)."""
        return [dict(row) for row in self._read("alert_history", since=since, row_limit=row_limit)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
