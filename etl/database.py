"""Opening the ETL's databases and keeping their schema at the version this code knows."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import queries
from etl.errors import DatabaseError
from etl.search_build import build_search_postings
from published_file import open_pinned

REBUILD_HINT = (
    "restore it from a backup, or move it aside and rebuild it with "
    "`python -m etl sample` or `python -m etl load`"
)

AGGREGATES_REBUILT_AT = (3, 4, 7, 9, 10, 11, 12)
"""Schema versions whose migration ends with a rebuild of the aggregates and their macros
(queries/refresh_aggregates.sql)."""

GKG_RESCORED_AT = 4
"""The schema version whose migration re-scores GKG rows from their titles (etl/gkg_tone.py),
before the aggregates are rebuilt from the new tones."""

_DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
# duckdb reports a failed write as text ('Could not write file "x": File too large'), so the
# OS messages are matched in it
_DISK_FULL_MESSAGES = tuple(os.strerror(code) for code in _DISK_FULL_ERRNOS)


def connect_working(
    path: Path, published: Path | None = None, *, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the private working copy read-write and bring its schema up to date.

    Args:
        published: the database the working file copies, named in error messages.
        memory_limit: DuckDB's memory_limit (None: DuckDB's default, 80% of the machine).

    Raises:
        DatabaseError: the copy is not a DuckDB database, or its schema is newer than ours.
    """
    shown = published or path
    try:
        config = {"memory_limit": memory_limit} if memory_limit else {}
        con = duckdb.connect(str(path), config=config)
    except duckdb.Error as err:
        raise DatabaseError(f"cannot open {shown}: {one_line(err)}; {REBUILD_HINT}") from err
    try:
        ensure_schema(con, shown)
    except DatabaseError:
        con.close()
        raise
    return con


def connect_published(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the published database read-only (for stats and rejects reports)."""
    if not path.exists():
        raise DatabaseError(
            f"no database at {path}; build one with `python -m etl sample` or "
            "`python -m etl load FILE`, or point TENSION_DB at an existing one"
        )
    try:
        # pinned, so a load does not rewrite the file while this connection reads it
        con = open_pinned(path, lambda named: duckdb.connect(named, read_only=True))
    except (duckdb.Error, OSError) as err:
        raise DatabaseError(
            f"cannot open {path} read-only: {one_line(err)}; {REBUILD_HINT}"
        ) from err
    try:
        check_version(schema_version(con, path), path)
    except DatabaseError:
        con.close()
        raise
    except duckdb.Error as err:
        con.close()
        if not is_damaged(err):
            raise
        raise damaged(path, err) from err
    return con


@contextmanager
def reading_published(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connect_published`, closed afterwards; a damaged block met while reading is a
    DatabaseError saying what to do, not a traceback (DuckDB checks block checksums only
    when it reads a block, so opening a damaged file can succeed).
    """
    con = connect_published(path)
    try:
        yield con
    except duckdb.Error as err:
        if not is_damaged(err):
            raise
        raise damaged(path, err) from err
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Create the schema in a new database, migrate an older one, refuse a newer one.

    `queries/schema.sql` is always the latest schema; `queries/migrate_to_<N>.sql` upgrades
    a version N-1 database to N. The schema runs first, creating the tables an older version
    lacks as they are now (each table declared once, refs #12); a migration alters and fills
    the tables that were there. Migrations run on the working copy, so a failed one
    publishes nothing.
    """
    version = schema_version(con, path)
    check_version(version, path)
    if version is None:
        queries.execute("schema", con)
        refresh_aggregates(con)
        queries.execute("set_meta", con, key="schema_version", value=str(queries.SCHEMA_VERSION))
        return
    if version < queries.SCHEMA_VERSION:
        queries.execute("schema", con)
    for target in range(version + 1, queries.SCHEMA_VERSION + 1):
        queries.execute(f"migrate_to_{target}", con)
        if target == GKG_RESCORED_AT:
            from etl.gkg_tone import rescore_gkg_titles  # loads the encoder: only when needed

            rescore_gkg_titles(con)
        if target in AGGREGATES_REBUILT_AT:
            refresh_aggregates(con)
        queries.execute("set_meta", con, key="schema_version", value=str(target))


def refresh_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the aggregates, their macros and the search index from the tagged tables
    (queries/refresh_aggregates.sql, then the search postings a chunk at a time)."""
    queries.execute("refresh_aggregates", con)
    build_search_postings(con)


def schema_version(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> int | None:
    """The stored schema version, or None for a database without our schema.

    Raises:
        DatabaseError: the stored version is not a number (a damaged or foreign file).
    """
    if queries.run("table_exists", con, table_name="meta").empty:
        return None
    rows = queries.run("get_meta", con, key="schema_version")
    if rows.empty:
        return None
    value = rows["value"].iloc[0]
    try:
        return int(value)
    except ValueError:
        raise DatabaseError(
            f"{path or 'the database'} stores schema version {value!r}, not a number; "
            f"{REBUILD_HINT}"
        ) from None


def check_version(version: int | None, path: Path) -> None:
    if version is not None and version > queries.SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} has schema version {version}, newer than this code knows "
            f"({queries.SCHEMA_VERSION}); update Tension Monitor (git pull) to read it"
        )


def write_failure(err: OSError | duckdb.Error, work: Path, published: Path) -> DatabaseError | None:
    """The DatabaseError to show for a failure while writing the working copy, if expected.

    A full disk (or a file size limit) and an I/O error on the copy of a damaged database
    are expected; anything else is a bug and None is returned so the caller re-raises it.
    """
    if is_disk_full(err):
        return DatabaseError(
            f"disk full or file size limit reached while writing {work}; free space in "
            f"{work.parent} and re-run ({published} is unchanged)"
        )
    if is_damaged(err):
        return DatabaseError(
            f"I/O error on the working copy of {published}: {one_line(err)}; if {published} "
            f"is damaged, {REBUILD_HINT}"
        )
    return None


def is_disk_full(err: BaseException) -> bool:
    """Whether an OS or DuckDB error means no space is left (or a size limit was hit)."""
    if isinstance(err, OSError):
        return err.errno in _DISK_FULL_ERRNOS
    return any(message in str(err) for message in _DISK_FULL_MESSAGES)


def damaged(path: Path, err: duckdb.Error) -> DatabaseError:
    return DatabaseError(f"{path} is damaged: {one_line(err)}; {REBUILD_HINT}")


def is_damaged(err: duckdb.Error | OSError) -> bool:
    """Whether DuckDB failed to read the file itself (I/O error, a block's checksum)."""
    return isinstance(err, duckdb.IOException) or "Corrupt database file" in str(err)


def one_line(err: BaseException) -> str:
    """An error's message on one line (DuckDB's can span several)."""
    return " ".join(str(err).split())
