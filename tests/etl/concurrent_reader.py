"""A dashboard-style reader for the concurrency tests: query the published file in a loop.

    python tests/etl/concurrent_reader.py DB STOP_FILE

Alternates the dashboard's way (board/data.py: one in-memory connection per published file,
found by the file's identity, that ATTACHes it read-only; a cursor per query) with a fresh
connection per query (which, closing, drops the process's DuckDB lock on the file: the pin in
published_file.py must hold it instead), runs the real `dashboard_status` query and counts the articles, until
STOP_FILE exists. Prints one JSON object: reads, failures, article counts seen in order.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import queries  # noqa: E402  (run as a script)
from board.data import DataUnavailable, connect_read_only  # noqa: E402


class DashboardStyle:
    """One attached connection per published file, reopened when the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity: tuple[int, ...] | None = None
        self.con: duckdb.DuckDBPyConnection | None = None

    def count(self) -> int:
        stat = self.path.stat()
        identity = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if identity != self.identity or self.con is None:
            if self.con is not None:
                self.con.close()
            self.con = attached(self.path)
            self.identity = identity
        cursor = self.con.cursor()
        try:
            cursor.execute("use tension")
            return read_counts(cursor)
        finally:
            cursor.close()


def attached(path: Path) -> duckdb.DuckDBPyConnection:
    """The dashboard's own connection (board/data.py), pinned as the dashboard pins it."""
    return connect_read_only(str(path))


def fresh_count(path: Path) -> int:
    con = attached(path)
    try:
        return read_counts(con)
    finally:
        con.close()


def read_counts(con: duckdb.DuckDBPyConnection) -> int:
    status = queries.run("dashboard_status", con)
    articles = con.execute("select count(*) from articles").fetchone()[0]
    if int(status["articles"].iloc[0]) != articles:
        raise AssertionError(f"status says {status['articles'].iloc[0]}, table has {articles}")
    return articles


@contextmanager
def reading_throughout(db: Path, stop: Path) -> Iterator[dict]:
    """Run this reader in its own process for the block; the dict gets its JSON result."""
    result: dict = {}
    reader = subprocess.Popen(
        [sys.executable, __file__, str(db), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield result
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    if reader.returncode != 0:
        raise AssertionError(f"the reader failed: {err}")
    result.update(json.loads(out))


def main() -> None:
    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    dashboard = DashboardStyle(path)
    reads, failures, counts = 0, [], []
    while not stop.exists():
        for read in (dashboard.count, lambda: fresh_count(path)):
            try:
                count = read()
            except (duckdb.Error, OSError, AssertionError, DataUnavailable) as err:
                failures.append(" ".join(str(err).split())[:200])
                continue
            reads += 1
            if not counts or counts[-1] != count:
                counts.append(count)
    print(json.dumps({"reads": reads, "failures": failures, "counts": counts}))


if __name__ == "__main__":
    main()
