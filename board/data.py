"""Reading the published database: one read-only connection, cached query results.

The ETL publishes a new database with an atomic `os.replace`, so the file at the path can
change under a running dashboard. Its identity (device, inode, mtime, size) is part of every
cache key: the first interaction after a publish opens the new file and re-runs the
queries, while sessions still holding the old connection finish on the old file.

DuckDB keeps one database instance per path in a process, so connecting to the same path
again would hand back the *old* file. Each connection is therefore an in-memory database
that ATTACHes the file read-only, which opens whatever the path names now.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import streamlit as st

import queries
from board import search, settings
from published_file import open_pinned

CATALOG = "tension"
"""Name the attached database gets inside the connection."""

QUERY_CACHE_ENTRIES = 512
"""Query results kept in memory: a few views x filter combinations x published files."""

SCOPED_SEARCHES = 8
"""Searches whose scope (queries/search_scope.sql) stays built on a cursor of its own: a
page's queries, and the next filters' under the same search, share it."""


class DataUnavailable(Exception):
    """The database cannot be read; the message says what to do."""


@dataclass(frozen=True)
class Database:
    path: Path
    identity: tuple[int, int, int, int]
    """(device, inode, mtime in ns, size): changes whenever a new file is published."""


@dataclass(frozen=True)
class Result:
    """A query's rows together with what produced them, for the SQL expander."""

    name: str
    params: dict[str, Any]
    frame: pd.DataFrame = field(repr=False)

    @property
    def sql(self) -> str:
        """The query's SQL, preceded by the search scope it ran in (refs #18)."""
        text, _ = search.split(self.params)
        if text is None:
            return queries.sql(self.name)
        return f"-- search: {text}\n{search.scope_sql()}\n\n{queries.sql(self.name)}"


def open_database(path: Path | None = None) -> Database:
    """The published database, checked to be readable by this version of the dashboard.

    Raises:
        DataUnavailable: missing file, not a DuckDB file, newer schema, or no aggregates.
    """
    path = path or settings.db_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataUnavailable(
            f"No database at {path}. Build the sample with `make run` (or `python -m etl "
            "sample`), load your own with `python -m etl load FILE`, or point TENSION_DB at "
            "an existing database."
        ) from None
    database = Database(path, (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size))
    _check_schema(database)
    return database


def run(database: Database, name: str, params: dict[str, Any] | None = None) -> Result:
    """Run queries/<name>.sql with bound `params`, cached per published file."""
    params = params or {}
    frame = _cached_query(str(database.path), database.identity, name, params)
    return Result(name, params, frame)


class _Cursors:
    """Cursors on one connection, each lent to one query at a time.

    The cached connection is shared by every session's thread, so each query runs on a
    cursor; a cursor is a connection of its own (its `use`, its temporary macros), so
    cursors are kept and reused rather than set up again for every query (refs #12).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._idle: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        self._guard = threading.Lock()
        self._scoped: OrderedDict[str, _Scoped] = OrderedDict()

    @contextmanager
    def lend(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            cursor = self._idle.get_nowait()
        except queue.Empty:
            cursor = self._con.cursor()
            cursor.execute(f"use {CATALOG}")
        try:
            yield cursor
        finally:
            self._idle.put(cursor)

    @contextmanager
    def scoped(
        self, text: str, docs: Callable[[], np.ndarray]
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """The cursor in the scope of the search `text` (whose matches `docs` gives), built
        on first use and kept for the next queries (refs #18); one query at a time."""
        with self._guard:
            entry = self._scoped.pop(text, None) or _Scoped(threading.Lock())
            self._scoped[text] = entry
            evicted = [
                self._scoped.popitem(last=False)[1]
                for _ in range(len(self._scoped) - SCOPED_SEARCHES)
            ]
        for old in evicted:
            old.close()
        with entry.lock:
            if entry.cursor is None:
                cursor = self._con.cursor()
                cursor.execute(f"use {CATALOG}")
                search.scope(cursor, docs())
                entry.cursor = cursor
            yield entry.cursor


@dataclass
class _Scoped:
    """A search's cursor, its scope's stand-in tables on it, and who holds it."""

    lock: threading.Lock
    cursor: duckdb.DuckDBPyConnection | None = None

    def close(self) -> None:
        with self.lock:
            if self.cursor is not None:
                self.cursor.close()
                self.cursor = None


# one entry: a superseded file is let go (once its last query ends) as soon as the next is
# opened, so the ETL can bring it up to date as its spare instead of copying (etl/publish.py)
@st.cache_resource(max_entries=1, show_spinner=False)
def _connection(path: str, identity: tuple[int, int, int, int]) -> _Cursors:
    """One read-only connection per published file; `identity` only keys the cache."""
    return _Cursors(connect_read_only(path))


def connect_read_only(
    path: str, memory_limit: str | None = None, spill_to: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A new connection reading the file at `path` read-only (the caller closes it).

    `memory_limit` (DuckDB's form, '256MB') caps this connection's memory; a sort beyond it
    spills to files in `spill_to`. Both are settings of the code, never user input.

    Raises:
        DataUnavailable: the file cannot be opened.
    """
    config = {"memory_limit": memory_limit} if memory_limit else {}
    if spill_to is not None:
        config["temp_directory"] = str(spill_to)

    def attach(named: str) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:", config=config)
        try:
            con.execute(f"attach $path as {CATALOG} (read_only)", {"path": named})
        except duckdb.Error:
            con.close()
            raise
        return con

    try:
        # pinned, so the ETL does not rewrite the file while this connection reads it
        con = open_pinned(Path(path), attach)
    except (duckdb.Error, OSError) as err:
        raise DataUnavailable(f"Cannot open {path} read-only: {err}") from err
    con.execute(f"use {CATALOG}")
    # the dashboard only runs the fixed files in queries/; this keeps them to this database
    con.execute("set enable_external_access = false")
    return con


@st.cache_data(max_entries=QUERY_CACHE_ENTRIES, show_spinner=False)
def search_phrases(database: Database, text: str) -> list[tuple[tuple[str, ...], bool]]:
    """The words and phrases of a search a match shows, as board.text.search_spans takes them.

    Raises:
        search.SearchError: the query cannot be read (the page checks it first).
    """
    with _connection(str(database.path), database.identity).lend() as cursor:
        matcher = search.Matcher(cursor)
        node = search.parse(text, matcher.normalise)
    return [(words.words, words.prefix) for words in search.highlight_terms(node)]


def check_search(database: Database, text: str) -> None:
    """Raises search.SearchError when `text` cannot be read as a search."""
    _matching_docs(str(database.path), database.identity, text)


def run_uncached(database: Database, name: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run a query without keeping its result: for downloads of every matching row, which
    can be far larger than what a page shows."""
    return _query(str(database.path), database.identity, name, params)


@st.cache_data(max_entries=QUERY_CACHE_ENTRIES, show_spinner=False)
def _cached_query(
    path: str, identity: tuple[int, int, int, int], name: str, params: dict[str, Any]
) -> pd.DataFrame:
    return _query(path, identity, name, params)


def _query(
    path: str, identity: tuple[int, int, int, int], name: str, params: dict[str, Any]
) -> pd.DataFrame:
    text, own = search.split(params)
    if text is None:
        with _connection(path, identity).lend() as cursor:
            return queries.run(name, cursor, **own)
    with _connection(path, identity).scoped(
        text, lambda: _matching_docs(path, identity, text)
    ) as cursor:
        search.prepare(cursor, name, own)
        return queries.run(name, cursor, **own)


@st.cache_data(max_entries=QUERY_CACHE_ENTRIES, show_spinner=False)
def _matching_docs(path: str, identity: tuple[int, int, int, int], text: str) -> np.ndarray:
    """The doc numbers a search matches, computed once for every query of a page.

    Raises:
        search.SearchError: the query cannot be read (the page checks it first).
    """
    with _connection(path, identity).lend() as cursor:
        return search.matching_docs(cursor, text)


def _check_schema(database: Database) -> None:
    def has_table(table_name: str) -> bool:
        return not run(database, "table_exists", {"table_name": table_name}).frame.empty

    if not (has_table("meta") and has_table("daily_totals")):
        raise DataUnavailable(
            f"{database.path} is not a Tension Monitor database with daily aggregates. "
            "Rebuild it with the ETL (`python -m etl sample` or `python -m etl load FILE`)."
        )
    version = run(database, "get_meta", {"key": "schema_version"}).frame
    if not version.empty and int(version["value"].iloc[0]) > queries.SCHEMA_VERSION:
        raise DataUnavailable(
            f"{database.path} has schema version {version['value'].iloc[0]}, newer than this "
            f"dashboard knows ({queries.SCHEMA_VERSION}); update Tension Monitor (git pull)."
        )
    if not version.empty and int(version["value"].iloc[0]) < queries.SCHEMA_VERSION:
        # the queries call the aggregates' macros as this version defines them (refs #15)
        raise DataUnavailable(
            f"{database.path} has schema version {version['value'].iloc[0]}, older than this "
            f"dashboard reads ({queries.SCHEMA_VERSION}); the next `python -m etl load` "
            "upgrades it (about a CPU minute per 100,000 GDELT rows, whose tones it re-scores)."
        )
