"""What every reader shares: its options, how it opens files, how it reports progress."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from etl.errors import SourceError
from etl.records import Article, Reject
from etl.settings import MAX_UNZIPPED_BYTES
from etl.sources.encoding import AUTO

Item = Article | Reject
Reader = Callable[[Path, "ReadOptions"], Iterator[Item]]


class UnreadableRest(SourceError):
    """The rest of a file cannot be read (corrupt compressed data, decompression bomb).

    Raised from inside a reader; `read_inputs` turns it into one reject for the rest of the
    file, so the rows already read stay loaded and the run goes on.
    """


@dataclass(frozen=True)
class ReadOptions:
    """Per-run reading options, set from the CLI (see etl/settings.py for the defaults)."""

    max_text_bytes: int
    max_line_bytes: int
    source: str | None = None
    """--source NAME: the outlet name for records that carry none."""
    on_bytes: Callable[[int], None] | None = None
    """Called with the number of input bytes consumed since the last call (progress bar)."""
    date: datetime | None = None
    """--date: publication date for inputs that carry none (text pages, undated feed items)."""
    encoding: str = AUTO
    """--encoding: auto (UTF-8, else Windows-1252, see etl.sources.encoding) or a codec."""
    fetch_full: bool = False
    """--fetch-full: fetch each feed item's page for its full text."""
    follow_symlinks: bool = False
    """Follow symlinks that lead outside a folder given as input."""
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES
    """--max-unzipped-mb: stop reading a compressed file that expands past this."""

    def default_source(self, path: Path) -> str:
        return self.source or strip_suffixes(path)


def strip_suffixes(path: Path) -> str:
    """'news.2024.jsonl.gz' -> 'news.2024': the file's name without its format suffixes."""
    name = path.name
    for suffix in (".gz", ".zip"):
        name = name.removesuffix(suffix)
    stem, dot, _ = name.rpartition(".")
    return stem if dot else name


class RawSlice(io.RawIOBase):
    """A raw file's bytes from its current position, at most `length` of them (None: to its
    end), each read reported to `on_bytes` (progress bars count bytes on disk)."""

    def __init__(
        self,
        raw: BinaryIO,
        length: int | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__()
        self._raw = raw
        self._left = length
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left is not None:
            if self._left <= 0:
                return 0
            buffer = memoryview(buffer)[: self._left]
        count = self._raw.readinto(buffer)
        if self._left is not None:
            self._left -= count
        if self._on_bytes and count:
            self._on_bytes(count)
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class _GuardedUnzip(io.RawIOBase):
    """Decompressed bytes of a gzip stream, capped, with corrupt data reported as such.

    Raises:
        UnreadableRest: past `limit` decompressed bytes, or on truncated/corrupt gzip data.
    """

    def __init__(self, unzipped: gzip.GzipFile, path: Path, limit: int) -> None:
        super().__init__()
        self._unzipped = unzipped
        self._path = path
        self._limit = limit
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        # read1 hands over each inflated piece at once, so the rows before a corrupt spot
        # are read rather than lost with a half-filled buffer
        try:
            data = self._unzipped.read1(len(buffer))
        except (EOFError, gzip.BadGzipFile, zlib.error) as err:
            raise UnreadableRest(self._path, f"corrupt gzip data ({err})") from err
        count = len(data)
        buffer[:count] = data
        self._total += count
        if self._total > self._limit:
            raise UnreadableRest(
                self._path,
                f"expands to over {size_text(self._limit)} when decompressed (a decompression "
                "bomb?); the rest of the file is skipped, raise --max-unzipped-mb if it is genuine",
            )
        return count


@contextmanager
def open_binary(
    path: Path,
    on_bytes: Callable[[int], None] | None = None,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
) -> Iterator[BinaryIO]:
    """Open a file for buffered byte reading, transparently gunzipping `.gz` files.

    Progress counts bytes on disk, so it matches the file sizes the bar was sized with.
    A `.gz` file is read through a guard: see `_GuardedUnzip`.
    """
    counted = io.BufferedReader(RawSlice(path.open("rb", buffering=0), on_bytes=on_bytes), 1 << 16)
    with counted:
        if path.suffix == ".gz":
            with gzip.GzipFile(fileobj=counted, mode="rb") as unzipped:
                guarded = _GuardedUnzip(unzipped, path, max_unzipped_bytes)
                yield io.BufferedReader(guarded, 1 << 16)
        else:
            yield counted


def lines(stream: BinaryIO, max_line_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, line) with line endings removed; None for an over-long line.

    An over-long line is consumed in chunks and never held in memory as a whole.
    """
    line_no = 0
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        line_no += 1
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            _skip_rest_of_line(stream, max_line_bytes)
            yield line_no, None
            continue
        yield line_no, line.rstrip(b"\r\n")


def _skip_rest_of_line(stream: BinaryIO, chunk: int) -> None:
    while True:
        part = stream.readline(chunk)
        if not part or part.endswith(b"\n"):
            return


MB_SHOWN_FROM = 100_000
"""Smaller sizes are shown in bytes: nobody passes --max-line-mb 0.01."""


def size_text(count: int) -> str:
    """'16 MB', '0.25 MB' or '1000 bytes': sizes as the --max-*-mb options set them."""
    if count < MB_SHOWN_FROM:
        return f"{count} bytes"
    return f"{round(count / 2**20, 3):g} MB"
