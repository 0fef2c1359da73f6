"""Cut input files into Dask partitions ("splits") that read exactly like the whole file.

A plain JSONL or CSV file bigger than the split size is cut into byte ranges that start on a
record boundary; every other file (gzip, Parquet, GKG, feeds, pages) is one split read by its
registered reader. A record belongs to the split in which it starts, and its locator keeps
the line number it has in the whole file, so rejects read the same as with --engine local.

Finding the boundaries reads the file once (counting newlines for JSONL; parsing for CSV,
whose quoted fields may hold newlines, so a line boundary is not always a record boundary).
That scan runs on a worker, one task per large file, and costs far less than tagging.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from etl.sources import InputFile, Item, ReadOptions, read_inputs
from etl.sources.base import RawSlice
from etl.sources.encoding import DecodedLines
from etl.sources.files import csv_rows, file_delimiter, jsonl_lines

SPLIT_BYTES = 64 * 2**20
"""Target input bytes per split: ~16k 4 KB articles, tens of seconds of tagging per task, so
Dask's per-task overhead vanishes while a cluster still balances the load."""

SCAN_BLOCK_BYTES = 8 * 2**20
"""Bytes read at a time while counting the newlines of a JSONL file."""

SPLITTABLE = ("jsonl", "csv")


# csv reads a file opened with newline="", which also ends a line at a bare carriage return;
# the boundary scan splits lines the same way so its line numbers agree
@dataclass(frozen=True)
class Boundary:
    """Where a split starts: a byte offset on a record boundary and that record's line."""

    offset: int
    line: int


@dataclass(frozen=True)
class Split:
    index: int
    """Position in the run's input order: the first copy of a duplicated article wins."""
    path: Path
    format: str
    start: int = 0
    end: int | None = None
    """None: the whole file, read by the format's registered reader."""
    first_line: int = 1
    header: tuple[str, ...] = ()
    """CSV column names (the header line precedes the first split)."""


def is_splittable(file: InputFile, split_bytes: int) -> bool:
    """Plain (uncompressed) JSONL and CSV files larger than one split."""
    if file.format not in SPLITTABLE or file.path.name.endswith(".gz"):
        return False
    return file.path.stat().st_size > split_bytes


def scan_boundaries(
    file: InputFile, split_bytes: int, max_line_bytes: int
) -> tuple[list[Boundary], tuple[str, ...]]:
    """The split boundaries of a large JSONL/CSV file, and the CSV header (runs on a worker)."""
    if file.format == "csv":
        return _csv_boundaries(file.path, split_bytes, max_line_bytes)
    return _line_boundaries(file.path, split_bytes), ()


def make_splits(
    files: list[InputFile], scanned: dict[int, tuple[list[Boundary], tuple[str, ...]]]
) -> list[Split]:
    """Splits in input order; `scanned` maps a file's position to its scanned boundaries."""
    splits: list[Split] = []
    for position, file in enumerate(files):
        if position not in scanned:
            splits.append(Split(len(splits), file.path, file.format))
            continue
        bounds, header = scanned[position]
        size = file.path.stat().st_size
        ends = [b.offset for b in bounds[1:]] + [size]
        for bound, end in zip(bounds, ends, strict=True):
            splits.append(
                Split(len(splits), file.path, file.format, bound.offset, end, bound.line, header)
            )
    return splits


def read_split(split: Split, options: ReadOptions) -> Iterator[Item]:
    """The records of one split, in file order, with whole-file locators."""
    if split.end is None:
        yield from read_inputs([InputFile(split.path, split.format)], options)
        return
    with split.path.open("rb") as raw:
        raw.seek(split.start)
        stream = io.BufferedReader(RawSlice(raw, split.end - split.start), 1 << 16)
        if split.format == "jsonl":
            yield from jsonl_lines(stream, split.path, options, split.first_line)
            return
        csv.field_size_limit(options.max_line_bytes)
        text = DecodedLines(stream, options.encoding)
        reader = _NumberedFrom(csv.reader(text, delimiter=_delimiter(split.path)), split.first_line)
        yield from csv_rows(reader, list(split.header), split.path, options, text)


def _line_boundaries(path: Path, split_bytes: int) -> list[Boundary]:
    """A boundary at the first line start at or after every `split_bytes` bytes."""
    bounds = [Boundary(0, 1)]
    size = path.stat().st_size
    cut = split_bytes
    newlines_before = 0
    position = 0
    with path.open("rb") as raw:
        while block := raw.read(SCAN_BLOCK_BYTES):
            # a line starts right after a newline; the first at or after `cut` is the boundary
            while cut < size and (found := block.find(b"\n", max(cut - 1 - position, 0))) >= 0:
                start = position + found + 1
                if start >= size:
                    break
                line = newlines_before + block.count(b"\n", 0, found + 1) + 1
                bounds.append(Boundary(start, line))
                cut = start + split_bytes
            newlines_before += block.count(b"\n")
            position += len(block)
    return bounds


def _csv_boundaries(
    path: Path, split_bytes: int, max_line_bytes: int
) -> tuple[list[Boundary], tuple[str, ...]]:
    """Boundaries after whole records (never right after a malformed one), and the header."""
    csv.field_size_limit(max_line_bytes)
    size = path.stat().st_size
    with path.open("rb") as raw:
        lines = _CountedLines(raw)
        reader = csv.reader(lines, delimiter=_delimiter(path))
        header = _header(reader)
        if header is None:
            return [Boundary(0, 1)], ()
        bounds = [Boundary(lines.offset, lines.count + 1)]
        cut = lines.offset + split_bytes
        while True:
            try:
                next(reader)
            except StopIteration:
                break
            except csv.Error:
                continue
            if cut <= lines.offset < size:
                bounds.append(Boundary(lines.offset, lines.count + 1))
                cut = lines.offset + split_bytes
    return bounds, header


def _header(reader) -> tuple[str, ...] | None:
    # as etl.sources.files.read_csv: the first row with a non-blank cell names the columns
    for row in reader:
        if any(cell.strip() for cell in row):
            return tuple(cell.strip() for cell in row)
    return None


def _delimiter(path: Path) -> str:
    # sniffed from the header as the local engine does, so both read a file alike
    return file_delimiter(path)


class _CountedLines(DecodedLines):
    """Decoded lines for csv.reader, counting the lines and bytes handed out so far."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(raw)
        self.offset = 0
        self.count = 0

    def _next_line(self) -> bytes:
        piece = super()._next_line()
        self.offset += len(piece)
        self.count += 1
        return piece


class _NumberedFrom:
    """A csv reader whose line_num counts from `first_line` (a split's place in the file)."""

    def __init__(self, reader, first_line: int) -> None:
        self._reader = reader
        self._before = first_line - 1

    def __iter__(self) -> _NumberedFrom:
        return self

    def __next__(self) -> list[str]:
        return next(self._reader)

    @property
    def line_num(self) -> int:
        return self._reader.line_num + self._before


__all__ = ["Boundary", "Split", "is_splittable", "make_splits", "read_split"]
