"""Who may rewrite a database file: readers pin the file they read, a load claims its spare.

The ETL publishes by renaming a new file over the path (etl/publish.py) and later rewrites the
file it replaced, its *spare*, into the next published file instead of copying the database.
That is only safe when nobody still reads the spare. DuckDB's own lock cannot say so: it is a
POSIX record lock, which belongs to a process, not to a connection, so when a process that
reads a file opens it a second time and closes that (the dashboard's cached connection plus a
streamed CSV download), the process's lock is gone while the first connection still reads.
The load then rewrote the file under it ("Could not read enough bytes from file").

So both sides also take a BSD `flock`, which belongs to the open file and is released only
when that file is closed: a reader holds a shared one for as long as its connection lives, and
a load takes an exclusive one on the spare, without waiting, before it touches it; a load that
cannot have it copies the published file, as it did before spares existed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

Connection = TypeVar("Connection", bound=duckdb.DuckDBPyConnection)

PIN_PATIENCE_SECONDS = 10.0
"""How long a reader retries a file a load holds: a load holds the file it publishes only
from its rename to the end of the publish, so a retry finds it free or the path moved on."""

_RETRY_SECONDS = 0.01


class Unpinnable(OSError):
    """The file at the path stayed claimed by a load for longer than PIN_PATIENCE_SECONDS."""


def open_pinned(path: Path, connect: Callable[[str], Connection]) -> Connection:
    """`connect(path)`, pinned: the file it opened cannot be rewritten while the returned
    connection object lives (the pin is released when it is garbage-collected).

    Raises:
        FileNotFoundError: nothing at `path`.
        Unpinnable: a load kept the file for longer than PIN_PATIENCE_SECONDS.
        Whatever `connect` raises.
    """
    deadline = time.monotonic() + PIN_PATIENCE_SECONDS
    while True:
        descriptor = _pin(path)
        if descriptor is not None:
            try:
                con = connect(str(path))
            except BaseException:
                os.close(descriptor)
                raise
            # the path may have been published over between pinning and opening; then the
            # connection reads a file this pin does not hold
            if _names(path, descriptor):
                weakref.finalize(con, os.close, descriptor)
                return con
            con.close()
            os.close(descriptor)
        if time.monotonic() > deadline:
            raise Unpinnable(f"{path} stayed locked by a load for {PIN_PATIENCE_SECONDS:.0f} s")
        time.sleep(_RETRY_SECONDS)


@contextlib.contextmanager
def claimed(path: Path):
    """An exclusive claim on the file at `path` for the block, or None when a reader pins it
    (the caller then leaves the file alone). The claim follows the file through renames."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        yield None
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        yield descriptor
    finally:
        os.close(descriptor)


def _pin(path: Path) -> int | None:
    """A descriptor holding a shared lock on the file the path names now, or None when a load
    holds that file (retry: the path is about to name another)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    if not _names(path, descriptor):
        os.close(descriptor)
        return None
    return descriptor


def _names(path: Path, descriptor: int) -> bool:
    """Whether `path` still names the file open at `descriptor`."""
    held = os.fstat(descriptor)
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)
