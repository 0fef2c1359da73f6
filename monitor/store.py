"""The small writable store beside the published database: watchlists, alerts, deliveries,
and the audit trail of signed-in users (refs #19).

SQLite in WAL mode (refs #17): several dashboard sessions and the watcher read and write
it at once, each write one short transaction, waiting up to `BUSY_SECONDS` for another
writer. It is never the published DuckDB file, which the dashboard only reads. Its SQL is in
queries/store/*.sql, one statement per file, every value bound.

A dashboard call passes the signed-in `Requester` (None when sign-in is off) and the store
applies monitor/team.py's rules to it: a user sees and changes only what is theirs to, and
each change is audited in the transaction that makes it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from monitor import team
from monitor.team import AuditEvent, Requester, WatchlistAccessError
from monitor.watchlist import Watchlist, WatchlistError, channel_label

__all__ = ["Store", "Watchlist", "WatchlistError", "channel_label", "store_path"]

STORE_ENV = "TENSION_STORE"
"""Environment variable naming the store; default: beside the database, `<db>.store.sqlite`."""

SQL_DIR = Path(__file__).resolve().parent.parent / "queries" / "store"

BUSY_SECONDS = 10.0
"""How long a write waits for another writer's transaction (they last milliseconds)."""


def store_path(db_path: Path) -> Path:
    """`$TENSION_STORE`, else `<db>.store.sqlite` beside the published database."""
    named = os.environ.get(STORE_ENV)
    return Path(named) if named else db_path.with_suffix(".store.sqlite")


@cache
def statement(name: str) -> str:
    """The text of queries/store/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


_MADE: set[Path] = set()
"""The stores this process has made or checked the tables of: a reader then only connects.
Every connection taking the write lock to make the tables would have queued each read
behind the one writer, which WAL is there to avoid."""


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
            if self.path not in _MADE:
                _make(con)
                _MADE.add(self.path)
            yield con

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as con, _immediate(con):
            yield con

    def _write(self, query: str, /, **params: Any) -> list[sqlite3.Row]:
        with self._transaction() as con:
            return con.execute(statement(query), params).fetchall()

    def _read(self, query: str, /, **params: Any) -> list[sqlite3.Row]:
        with self._connect() as con:
            return con.execute(statement(query), params).fetchall()

    def save_watchlist(self, watchlist: Watchlist, who: Requester | None = None) -> Watchlist:
        """Create, or replace, the requester's watchlist of that name (owned by them; by
        `watchlist.owner` when sign-in is off).

        Raises:
            WatchlistError: no name, a bad pair or country, a password in a notify URL, a
                name another user's watchlist has.
        """
        owner = watchlist.owner if who is None else who.email
        return self._save(replace(watchlist, owner=owner), who, creating=True)

    def update_watchlist(self, watchlist: Watchlist, who: Requester | None) -> Watchlist:
        """Change the watchlist of `watchlist.owner` and name; only its owner shares or
        unshares it.

        Raises:
            WatchlistError: as `save_watchlist`.
            WatchlistAccessError: it does not exist or is not the requester's to change.
        """
        return self._save(watchlist, who, creating=False)

    def _save(self, watchlist: Watchlist, who: Requester | None, creating: bool) -> Watchlist:
        saved = watchlist.checked()
        values = asdict(saved)
        del values["origin"]
        for key in ("pairs", "countries", "keywords", "notify"):
            values[key] = json.dumps(list(values[key]))
        with self._transaction() as con:
            if con.execute(statement("watchlist_name_owners"), _key(saved)).fetchall():
                raise WatchlistError(
                    f"the name {saved.name!r} is taken by a watchlist that is not yours: "
                    "choose another"
                )
            existing = _owned(con, saved.owner, saved.name)
            if not creating:
                _check_may_change(who, existing, saved.name)
                if who is not None and who.email != saved.owner:
                    values["is_shared"] = existing.is_shared
            con.execute(statement("save_watchlist"), {**values, "now": _now()})
            action = team.WATCHLIST_EDIT if existing else team.WATCHLIST_CREATE
            _audit(con, who, action, saved.owner, saved.name)
        return replace(saved, is_shared=bool(values["is_shared"]))

    def watchlists(self) -> list[Watchlist]:
        """Every watchlist saved from the dashboard, by name: the watcher's and the digest's
        list, whoever owns them."""
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
                bool(row["is_shared"]),
            )
            for row in self._read("list_watchlists")
        ]

    def visible_watchlists(self, who: Requester | None) -> list[Watchlist]:
        """The watchlists the requester may see, by name (every one when sign-in is off)."""
        return [w for w in self.watchlists() if who is None or who.may_see(w)]

    def delete_watchlist(self, name: str, owner: str = "", who: Requester | None = None) -> None:
        """Delete the watchlist of that owner and name.

        Raises:
            WatchlistAccessError: it does not exist or is not the requester's to delete.
        """
        with self._transaction() as con:
            _check_may_change(who, _owned(con, owner, name), name)
            con.execute(statement("delete_watchlist"), {"owner": owner, "name": name})
            _audit(con, who, team.WATCHLIST_DELETE, owner, name)

    def record_audit(self, event: AuditEvent) -> None:
        """Add a row to the audit trail, timed now (UTC)."""
        self._write("record_audit", **asdict(event), now=_now())

    def audit_trail(
        self,
        who: Requester | None,
        since: str = "",
        user_email: str = "",
        action: str = "",
        row_limit: int = 500,
    ) -> list[dict[str, Any]]:
        """Audit rows newest first, at or after `since` (ISO time), of one user or action
        ('' for any).

        Raises:
            WatchlistAccessError: the requester is not an admin.
        """
        if who is None or not who.is_admin:
            raise WatchlistAccessError("the audit trail is for the admins of [tension] admins")
        return [
            dict(row)
            for row in self._read(
                "audit_trail",
                since=since,
                user_email=user_email,
                action=action,
                row_limit=row_limit,
            )
        ]

    def audited_users(self) -> list[str]:
        """Every address with a row in the audit trail."""
        return [row["user_email"] for row in self._read("audit_users")]

    def has_fired(self, watch_name: str, pair: tuple[str, str], day: str) -> bool:
        rows = self._read(
            "alert_fired", watch_name=watch_name, country_a=pair[0], country_b=pair[1], day=day
        )
        return bool(rows)

    def record_alert(self, channels: tuple[str, ...], **alert: Any) -> int | None:
        """Record an alert and a pending delivery per channel in one transaction; None
        when this watch already fired for the pair that day."""
        now = _now()
        with self._transaction() as con:
            row = con.execute(statement("record_alert"), {**alert, "now": now}).fetchone()
            if row is not None:
                for channel in channels:
                    params = {"alert_id": row[0], "channel": channel, "now": now}
                    con.execute(statement("add_delivery"), params)
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

    def history(
        self, since: str = "", row_limit: int = 500, who: Requester | None = None
    ) -> list[dict[str, Any]]:
        """Alerts x channels, newest first, created at or after `since` (ISO time); with a
        requester, only the alerts of watchlists they may see."""
        rows = self._read(
            "alert_history",
            since=since,
            row_limit=row_limit,
            everyone=who is None,
            viewer="" if who is None else who.email,
        )
        return [dict(row) for row in rows]


def _key(watchlist: Watchlist) -> dict[str, str]:
    return {"owner": watchlist.owner, "name": watchlist.name}


def _owned(con: sqlite3.Connection, owner: str, name: str) -> Watchlist | None:
    """Who owns the stored watchlist of that owner and name, and whether it is shared."""
    row = con.execute(statement("find_watchlist"), {"owner": owner, "name": name}).fetchone()
    if row is None:
        return None
    return Watchlist(name, owner=row["owner"], is_shared=bool(row["is_shared"]))


def _check_may_change(who: Requester | None, existing: Watchlist | None, name: str) -> None:
    if existing is None or (who is not None and not who.may_see(existing)):
        # the same answer for a private watchlist of another user: its name is not theirs to
        # learn
        raise WatchlistAccessError(f"there is no watchlist {name!r} for you to change")
    if who is not None and not who.may_change(existing):
        raise WatchlistAccessError(
            f"only its owner {existing.owner or '(the team)'} or an admin may change the "
            f"watchlist {name!r}"
        )


def _audit(
    con: sqlite3.Connection, who: Requester | None, action: str, owner: str, name: str
) -> None:
    """The audit row of a watchlist change, in the change's transaction (none without
    sign-in: there is nobody to name)."""
    if who is not None:
        event = who.event(action, team.watchlist_target(who, owner, name))
        con.execute(statement("record_audit"), {**asdict(event), "now": _now()})


@contextmanager
def _immediate(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed at the end, rolled back on any exception."""
    con.execute("begin immediate")
    try:
        yield
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _make(con: sqlite3.Connection) -> None:
    """The store's tables, made if missing (and the sharing columns of an older store)."""
    _use_wal(con)
    # the tables in one write transaction: in the rollback journal a new file starts in,
    # two connections each reading then writing the schema can deadlock, which SQLite
    # answers with "database is locked" at once instead of waiting; BEGIN IMMEDIATE takes
    # the write lock first, with the busy timeout
    con.executescript(f"begin immediate;\n{statement('schema')}\ncommit;")
    columns = {row["name"] for row in con.execute(statement("watchlists_columns"))}
    if "is_shared" not in columns:
        _add_sharing(con)


def _use_wal(con: sqlite3.Connection) -> None:
    """Switch a new store to WAL, waiting up to `BUSY_SECONDS` for other connections.

    Two connections switching a new file at once each hold the read lock the other's switch
    must wait out; SQLite breaks that deadlock by answering one "database is locked" at once,
    without the busy timeout (12 % of four sessions opening a new store together did), so the
    loser tries again once the winner's switch is done.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            con.execute(statement("journal_mode"))
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _add_sharing(con: sqlite3.Connection) -> None:
    """Add `is_shared` to a store made before #19, once however many connections race."""
    with _immediate(con):
        columns = {row["name"] for row in con.execute(statement("watchlists_columns"))}
        if "is_shared" not in columns:
            con.execute(statement("add_watchlist_sharing"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
