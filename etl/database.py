"""Opening the ETL's databases and keeping their schema at the version this code knows."""

from __future__ import annotations

from pathlib import Path

import duckdb

import queries
from etl.errors import DatabaseError


def connect_working(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the private working copy read-write and bring its schema up to date."""
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as err:
        raise DatabaseError(f"cannot open {path}: {err}") from err
    ensure_schema(con, path)
    return con


def connect_published(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the published database read-only (for stats and rejects reports)."""
    if not path.exists():
        raise DatabaseError(
            f"no database at {path}; build one with `python -m etl sample` or "
            "`python -m etl load FILE`, or point TENSION_DB at an existing one"
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        raise DatabaseError(f"cannot open {path} read-only: {err}") from err
    check_version(schema_version(con), path)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create the schema in a new database, migrate an older one, refuse a newer one."""
    version = schema_version(con)
    check_version(version, path)
    if version is None:
        queries.execute("schema", con)
        queries.execute("set_meta", con, key="schema_version", value=str(queries.SCHEMA_VERSION))
        return
    for target in range(version + 1, queries.SCHEMA_VERSION + 1):
        queries.execute(f"migrate_to_{target}", con)
        queries.execute("set_meta", con, key="schema_version", value=str(target))


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The stored schema version, or None for a database without our schema."""
    if queries.run("table_exists", con, table_name="meta").empty:
        return None
    rows = queries.run("get_meta", con, key="schema_version")
    return int(rows["value"].iloc[0]) if not rows.empty else None


def check_version(version: int | None, path: Path) -> None:
    if version is not None and version > queries.SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} has schema version {version}, newer than this code knows "
            f"({queries.SCHEMA_VERSION}); update Tension Monitor (git pull) to read it"
        )
