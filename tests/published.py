"""Reading a database file the ETL published, the way the dashboard opens it: read-only."""

from __future__ import annotations

from pathlib import Path

import duckdb


def fetch(db: Path, sql: str) -> list[tuple]:
    """The rows `sql` returns on the published file `db`."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()
