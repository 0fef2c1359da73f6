"""Publish a database atomically: the ETL never writes the file the dashboard reads.

Under an exclusive lock file the ETL prepares a private working file, writes there,
checkpoints and closes it, then `os.replace`s it over the published path. A crash at any
moment leaves the published file exactly as it was; the next run removes the stale working
file. DuckDB allows one writer or many readers per file (and a read-write open blocks even
read-only opens), which is why readers never share a file with a writer.

The working file costs what the load adds, not what the database holds (issue #13): each
publish keeps the file it replaces as a hard-linked *spare*, together with the load's stage
(etl/stage.py). The next load renames the spare to its working file and applies the kept
stage, which makes it the published database again, instead of copying the whole file. When
that is not possible (no spare yet, a crash in between, a reader still holding the spare, a
stage made against another file) it copies the published file as before. Readers say they
still hold a file through published_file.py, since DuckDB's own lock cannot.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

import queries
from etl.database import (
    connect_working,
    is_disk_full,
    reading_published,
    schema_version,
    write_failure,
)
from etl.errors import DatabaseError, LockedError
from etl.faults import crash_point
from etl.stage import catch_up, publish_id
from published_file import claimed

LOCK_POLL_SECONDS = 0.5
"""How often a waiting run retries the lock: short enough to start promptly, cheap enough
to poll for hours behind a long load."""


HOLDER_WAIT_SECONDS = 0.5
"""How long a run that finds the lock taken waits for the holder's pid to appear in it."""
HOLDER_POLL_SECONDS = 0.005


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.lock")


def work_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.work")


def spare_path(db_path: Path) -> Path:
    """The previously published file, kept to become the next working file."""
    return db_path.with_name(f".{db_path.name}.spare")


def stage_path(db_path: Path) -> Path:
    """The last load's stage: what turns the spare into the published file."""
    return db_path.with_name(f".{db_path.name}.stage")


def new_stage_path(db_path: Path) -> Path:
    """The stage the running load writes."""
    return db_path.with_name(f".{db_path.name}.stage.new")


@contextlib.contextmanager
def exclusive_lock(
    db_path: Path, *, wait: bool, say: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the database's ETL lock; wait for it (saying so once) or fail fast.

    The OS releases a flock when its process dies, so a killed run never leaves it stuck.

    Raises:
        LockedError: when `wait` is False and another run holds the lock.
    """
    _ensure_writable_folder(db_path.parent)
    _create_lock_file(lock_path(db_path))
    with open(lock_path(db_path), "a+") as handle:
        if not _try_lock(handle):
            holder = _holder(handle)
            if not wait:
                raise LockedError(
                    f"another ETL run{holder} is writing {db_path}; wait for it or drop --no-wait"
                )
            (say or _stderr)(f"waiting for another ETL run{holder} to finish with {db_path} ...")
            while not _try_lock(handle):
                time.sleep(LOCK_POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def working_copy(
    db_path: Path, *, fresh: bool = False, memory_limit: str | None = None
) -> Iterator[Path]:
    """A private working file equal to the published database; published on clean exit.

    Call inside `exclusive_lock`. The caller must close every connection to the working file
    before the block ends. A caller that staged its changes at `new_stage_path` gets that
    stage kept with a spare for the next load. On an exception the working file is removed
    and nothing is published.

    Raises:
        DatabaseError: the disk filled up, or the copy of a damaged database failed to read.
    """
    work = work_path(db_path)
    for stale in (work, new_stage_path(db_path), _new_spare_path(db_path)):
        _remove_database_files(stale)
    # held until the working file is published, so no reader can pin it half-written
    with claimed(spare_path(db_path)) as spare_claim:
        reused = (
            spare_claim is not None
            and db_path.exists()
            and not fresh
            and _reuse_spare(db_path, work, memory_limit)
        )
        if db_path.exists() and not fresh and not reused:
            _copy(db_path, work)
        _discard_spare(db_path)
        crash_point("copy")
        try:
            yield work
        except (OSError, duckdb.Error) as err:
            _remove_database_files(work)
            failure = write_failure(err, work, db_path)
            if failure is None:
                raise
            raise failure from err
        except BaseException:
            _remove_database_files(work)
            raise
        publish(work, db_path)


def publish(work: Path, db_path: Path) -> None:
    """Atomically replace `db_path` by the closed, checkpointed file `work`; keep the file
    it replaces as the spare when the load left a stage that brings it up to date."""
    wal = work.with_name(work.name + ".wal")
    if wal.exists():
        raise DatabaseError(f"{work} still has a write-ahead log; close it before publishing")
    _fsync(work)
    staged = new_stage_path(db_path).exists() and db_path.exists()
    if staged:
        _fsync(new_stage_path(db_path))
        os.link(db_path, _new_spare_path(db_path))
    crash_point("publish")
    os.replace(work, db_path)
    crash_point("published")
    if staged:
        os.replace(new_stage_path(db_path), stage_path(db_path))
        os.replace(_new_spare_path(db_path), spare_path(db_path))
    _remove_database_files(new_stage_path(db_path))
    _fsync_folder(db_path.parent)


def _reuse_spare(db_path: Path, work: Path, memory_limit: str | None) -> bool:
    """Make the spare the working file and apply the kept stage; False if it cannot be.

    Call with the spare claimed (published_file.claimed): a reader that still pins it would
    see it rewritten under its connection."""
    spare, stage = spare_path(db_path), stage_path(db_path)
    if not (spare.exists() and stage.exists() and _has_publish_id(spare)):
        return False
    os.replace(spare, work)
    try:
        with reading_published(db_path) as published:
            published_id = publish_id(published)
        con = connect_working(work, published=db_path, memory_limit=memory_limit)
        try:
            caught_up = catch_up(con, stage, published_id)
            con.execute("checkpoint")
        finally:
            con.close()
    # the spare is only a shortcut: whatever keeps it from being used (a reader that does not
    # pin, so DuckDB refuses to lock it; a damaged or migrated file), copying is right
    except (duckdb.Error, DatabaseError):
        caught_up = False
    if not caught_up:
        _remove_database_files(work)
    return caught_up


def _has_publish_id(spare: Path) -> bool:
    """Whether the spare was published by a load that stages (so a stage can fit it); a
    file of an older schema would only be migrated to find out that none does (and schema
    4's migration re-scores every GKG title, refs #15)."""
    try:
        con = duckdb.connect(str(spare), read_only=True)
    except duckdb.Error:
        return False
    try:
        return schema_version(con) == queries.SCHEMA_VERSION and publish_id(con) is not None
    except (duckdb.Error, DatabaseError):
        return False
    finally:
        con.close()


def _discard_spare(db_path: Path) -> None:
    for path in (spare_path(db_path), stage_path(db_path)):
        _remove_database_files(path)


def _new_spare_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.spare.new")


def _copy(source: Path, target: Path) -> None:
    try:
        shutil.copyfile(source, target)
    except OSError as err:
        _remove_database_files(target)
        if is_disk_full(err):
            raise write_failure(err, target, source) from err
        raise DatabaseError(f"cannot copy {source} to {target}: {err.strerror}") from err


def _remove_database_files(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


def _ensure_writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DatabaseError(f"cannot create the data folder {folder}: {err.strerror}") from err
    if not os.access(folder, os.W_OK):
        raise DatabaseError(
            f"the data folder {folder} is read-only; make it writable or set TENSION_DB "
            "to a path in a writable folder"
        )


def _create_lock_file(path: Path) -> None:
    try:
        path.touch()
    except OSError as err:
        raise DatabaseError(
            f"cannot create the lock file {path}: {err.strerror}; make {path.parent} "
            "writable or set TENSION_DB to a path in a writable folder"
        ) from err


def _try_lock(handle) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(handle) -> str:
    """' (pid N)' naming the run that holds the lock, '' when the file names none.

    The holder writes its pid just after it takes the lock, so a run that finds the lock
    taken can read the file in between (two runs started at once do, now and then): it reads
    again for up to HOLDER_WAIT_SECONDS before saying no pid.
    """
    deadline = time.monotonic() + HOLDER_WAIT_SECONDS
    while True:
        handle.seek(0)
        pid = handle.read().strip()
        if pid.isdigit() or time.monotonic() >= deadline:
            return f" (pid {pid})" if pid.isdigit() else ""
        time.sleep(HOLDER_POLL_SECONDS)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
