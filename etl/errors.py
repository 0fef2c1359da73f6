"""The ETL's exception family: every message names the input and says what to do."""

from __future__ import annotations


class EtlError(Exception):
    """An expected, fatal failure: the CLI prints its message on one line and exits 1."""


class SourceError(EtlError):
    """An input that cannot be read at all (as opposed to a bad row, which is a Reject)."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):
        # rebuilt from its two arguments, so it crosses a process pool or a Dask worker intact
        return (type(self), (self.path, self.reason))


class LockedError(EtlError):
    """Another ETL run holds the database lock."""


class DatabaseError(EtlError):
    """The database is missing, unreadable, or of a schema version this code does not know."""
