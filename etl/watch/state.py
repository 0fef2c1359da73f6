"""What each watched source has seen and how healthy it is, kept in the database.

It is read from the published database at the start of a source's cycle and written in the
same transaction as the cycle's articles (`load_inputs(before_publish=...)`), so a crash
loses both or neither: a cycle killed half-way is simply fetched and loaded again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

import queries
from etl import stage
from etl.database import reading_published
from etl.load import utc_now
from etl.run import RunSummary
from etl.watch.config import SourceConfig


@dataclass
class FeedState:
    """One feed URL's validators (conditional GET) and backoff."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0
    retry_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class SeenFile:
    path: str
    sha256: str
    size: int
    mtime_ns: int


@dataclass
class Known:
    """What the published database says a source has already seen."""

    feeds: dict[str, FeedState] = field(default_factory=dict)
    seen_items: Callable[[list[str]], set[str]] = lambda _keys: set()
    """Which of these feed item keys the source has already loaded."""
    files: dict[str, SeenFile] = field(default_factory=dict)
    batches_since: Callable[[str], set[str]] = lambda _since: set()
    """GDELT batch names handled at or after a name, plus the first ever: asked only once
    lastupdate.txt says where the catch-up window starts."""


@dataclass
class Delivery:
    """What one cycle of a source found: files to load and the state to publish with them."""

    files: list[Path] = field(default_factory=list)
    fmt: str = "auto"
    error: str | None = None
    """Set when the cycle failed (wholly or for some feeds); the source counts a failure."""
    notes: list[str] = field(default_factory=list)
    """Shown on the source's stderr line: '3 not modified', '1 missing (404)'."""
    last_batch: str | None = None
    feeds: list[FeedState] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    seen_files: list[SeenFile] = field(default_factory=list)
    batches: list[tuple[str, str]] = field(default_factory=list)
    """(GDELT file name, 'loaded' | 'missing')."""
    cleanup: list[Path] = field(default_factory=list)
    """Downloaded files to delete once published (or failed): the cache must not grow."""


def read_known(db_path: Path, source: str) -> Known:
    """The state of `source` in the published database (empty before its first cycle)."""
    known = Known()
    if not db_path.exists():
        return known
    with reading_published(db_path) as con:
        if queries.run("table_exists", con, table_name="source_state").empty:
            return known
        for row in queries.run("watch_feeds", con, source=source).itertuples(index=False):
            known.feeds[row.url] = FeedState(
                row.url,
                _or_none(row.etag),
                _or_none(row.last_modified),
                int(row.consecutive_failures),
                None if _or_none(row.retry_at) is None else row.retry_at.to_pydatetime(),
                _or_none(row.last_error),
            )
        for row in queries.run("watch_files", con, source=source).itertuples(index=False):
            known.files[row.path] = SeenFile(row.path, row.sha256, row.size, row.mtime_ns)
    known.batches_since = functools.partial(_batches_since, db_path, source)
    known.seen_items = functools.partial(_seen_items, db_path, source)
    return known


def _seen_items(db_path: Path, source: str, keys: list[str]) -> set[str]:
    with reading_published(db_path) as con:
        return set(queries.run("watch_items", con, source=source, item_keys=keys)["item_key"])


def _batches_since(db_path: Path, source: str, since: str) -> set[str]:
    with reading_published(db_path) as con:
        return set(queries.run("watch_batches", con, source=source, since=since)["name"])


def write_delivery(
    con: duckdb.DuckDBPyConnection,
    source: SourceConfig,
    delivery: Delivery,
    counts: RunSummary,
    attempt_at: datetime,
) -> None:
    """Record one source's cycle (health, counts, what it has now seen) on `con`, and the
    same rows in the load's stage, which is all the next load brings the spare up to date
    from (etl/stage.py)."""
    queries.execute("source_state_schema", con)
    with stage.using_stage(con):
        queries.execute("source_state_schema", con)
    queries.execute(
        "upsert_source_state",
        con,
        source=source.name,
        kind=source.kind,
        every_seconds=source.every,
        last_batch=delivery.last_batch,
        last_error=delivery.error,
        failed=delivery.error is not None,
        delivered=counts.loaded > 0,
        attempt_at=attempt_at,
    )
    queries.execute(
        "insert_source_cycle",
        con,
        source=source.name,
        error=delivery.error,
        finished_at=utc_now(),
        **counts.counts(),
    )
    for name, table in _tables(source.name, delivery, attempt_at).items():
        if table.num_rows:
            con.register(name, table)
            try:
                queries.execute(_WRITERS[name], con)
                with stage.using_stage(con):
                    queries.execute(_WRITERS[name], con)
            finally:
                con.unregister(name)
    queries.execute("stage_source_state", con, source=source.name)
    queries.execute("stage_source_cycle", con, source=source.name, run_id=counts.run_id)


_WRITERS = {
    "watch_feeds": "upsert_source_feeds",
    "watch_items": "insert_source_items",
    "watch_files": "upsert_source_files",
    "watch_batches": "insert_source_batches",
}

_TIME = pa.timestamp("us")
"""Naive UTC, as every time in the database (etl.load.utc_now)."""


_SCHEMAS = {
    "watch_feeds": pa.schema(
        {
            "source": pa.string(),
            "url": pa.string(),
            "etag": pa.string(),
            "last_modified": pa.string(),
            "last_error": pa.string(),
            "consecutive_failures": pa.int32(),
            "retry_at": _TIME,
        }
    ),
    "watch_items": pa.schema({"source": pa.string(), "item_key": pa.string(), "seen_at": _TIME}),
    "watch_files": pa.schema(
        {
            "source": pa.string(),
            "path": pa.string(),
            "sha256": pa.string(),
            "size": pa.int64(),
            "mtime_ns": pa.int64(),
            "loaded_at": _TIME,
        }
    ),
    "watch_batches": pa.schema(
        {"source": pa.string(), "name": pa.string(), "status": pa.string(), "handled_at": _TIME}
    ),
}
"""The state tables a cycle publishes, as their writers (_WRITERS) read them."""


def _tables(source: str, delivery: Delivery, at: datetime) -> dict[str, pa.Table]:
    rows = {
        "watch_feeds": [asdict(feed) for feed in delivery.feeds],
        "watch_items": [{"item_key": key, "seen_at": at} for key in delivery.items],
        "watch_files": [{**asdict(seen), "loaded_at": at} for seen in delivery.seen_files],
        "watch_batches": [
            {"name": name, "status": status, "handled_at": at} for name, status in delivery.batches
        ],
    }
    return {
        name: pa.Table.from_pylist([{"source": source, **row} for row in rows[name]], schema)
        for name, schema in _SCHEMAS.items()
    }


def source_health(db_path: Path, now: datetime) -> list[dict]:
    """Every monitored source's health row (`queries/source_health.sql`), or [] if none."""
    if not db_path.exists():
        return []
    with reading_published(db_path) as con:
        if queries.run("table_exists", con, table_name="source_state").empty:
            return []
        return queries.run("source_health", con, now=now).to_dict("records")


def _or_none(value):
    return None if value is None or pd.isna(value) else value
