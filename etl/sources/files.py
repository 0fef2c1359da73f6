"""Readers for article files: JSON Lines, CSV/TSV and Parquet, streamed record by record."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from etl.records import Reject
from etl.sources.base import (
    Item,
    ReadOptions,
    UnreadableRest,
    lines,
    open_binary,
    size_text,
)
from etl.sources.encoding import AUTO, DecodedLines, decode_text, undecodable_reason
from etl.sources.fields import article_from_record, missing_columns

PARQUET_BATCH_ROWS = 1024
"""Rows per Parquet read: bounded memory for any file size."""


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[Item]:
    """One record per non-blank line; each line becomes an Article or a Reject."""
    with open_binary(path, options.on_bytes, options.max_unzipped_bytes) as stream:
        yield from jsonl_lines(stream, path, options)


def jsonl_lines(
    stream: BinaryIO, path: Path, options: ReadOptions, first_line: int = 1
) -> Iterator[Item]:
    """The records of a stream of JSONL lines whose first line is line `first_line` of `path`.

    The Dask engine passes byte ranges of a file that start on a line, so both engines read
    a line, and name it in locators, alike.
    """
    for line_no, line in lines(stream, options.max_line_bytes):
        locator = f"{path}:{line_no + first_line - 1}"
        if line is None:
            reason = f"line over {size_text(options.max_line_bytes)}"
            yield Reject(str(path), locator, reason, "")
            continue
        try:
            text, note = decode_text(line, options.encoding)
        except UnicodeDecodeError as err:
            raw = line.decode(options.encoding, "backslashreplace")
            yield Reject(str(path), locator, undecodable_reason(err, options.encoding), raw)
            continue
        if not text.strip():
            continue
        yield _jsonl_record(text, note, path, locator, options)


def _jsonl_record(
    text: str, note: str | None, path: Path, locator: str, options: ReadOptions
) -> Item:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as err:
        return Reject(
            str(path),
            locator,
            f"invalid JSON: {err.msg.removesuffix(' at')} at column {err.colno}",
            text,
        )
    except RecursionError:
        return Reject(str(path), locator, "invalid JSON: nested too deeply", text)
    except ValueError as err:
        # an integer longer than sys.get_int_max_str_digits(), found by fuzzing, refs #7
        return Reject(str(path), locator, f"invalid JSON: {err}", text)
    return json_record(record, text, path, locator, options, (note,) if note else ())


def json_record(
    record: object,
    raw: str,
    path: Path,
    locator: str,
    options: ReadOptions,
    notes: tuple[str, ...] = (),
) -> Item:
    """A parsed JSON value as an Article, or a Reject when it is not an object or not one."""
    if not isinstance(record, dict):
        kind = type(record).__name__
        return Reject(str(path), locator, f"not a JSON object (got {kind})", raw)
    return article_from_record(record, path, locator, options, notes=notes)


DELIMITERS = (",", ";", "\t", "|")
"""What --format csv sniffs: the delimiter that splits the header into the most columns."""


def read_csv(path: Path, options: ReadOptions) -> Iterator[Item]:
    """A header row, then one record per row, split by the delimiter the header uses."""
    csv.field_size_limit(options.max_line_bytes)
    with open_binary(path, options.on_bytes, options.max_unzipped_bytes) as stream:
        decoded = DecodedLines(stream, options.encoding)
        header_line = _first_nonblank(decoded)
        if header_line is None:
            return
        delimiter = sniff_delimiter(header_line, default_delimiter(path))
        reader = csv.reader(itertools.chain([header_line], decoded), delimiter=delimiter)
        header = _header(reader)
        if header is None:
            return
        decoded.take()
        yield from csv_rows(reader, header, path, options, decoded)


def file_delimiter(path: Path, encoding: str = AUTO) -> str:
    """The delimiter of a CSV file, sniffed from its first non-blank line."""
    with open_binary(path) as stream:
        header_line = _first_nonblank(DecodedLines(stream, encoding))
    return sniff_delimiter(header_line or "", default_delimiter(path))


def default_delimiter(path: Path) -> str:
    """Tab for .tsv files, else comma: what a header with a single column is split by."""
    return "\t" if path.name.removesuffix(".gz").endswith(".tsv") else ","


def sniff_delimiter(header_line: str, default: str) -> str:
    """The delimiter of DELIMITERS that splits the header line into the most columns.

    The header is the surest evidence: column names seldom hold a delimiter, while a
    text cell holds commas and semicolons alike. Ties and a one-column header keep `default`.
    """
    best, most = default, _column_count(header_line, default)
    for delimiter in DELIMITERS:
        count = _column_count(header_line, delimiter)
        if count > most:
            best, most = delimiter, count
    return best


def _column_count(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:  # a quoted header cell that spans lines: no evidence either way
        return 0


def _header(reader) -> list[str] | None:
    for row in reader:
        if any(cell.strip() for cell in row):
            return [cell.strip() for cell in row]
    return None


def _first_nonblank(lines: Iterator[str]) -> str | None:
    for line in lines:
        if line.strip():
            return line
    return None


def csv_rows(
    reader, header: list[str], path: Path, options: ReadOptions, decoded: DecodedLines | None = None
) -> Iterator[Item]:
    """The rows after the header; `reader.line_num` names them (the Dask engine passes a
    reader over a byte range of the file whose line_num counts from the range's first line).

    `decoded`, the lines under `reader`, tells which rows were not UTF-8. A header without a
    date or text column rejects every row, naming the columns that were found.
    """
    missing = missing_columns(header)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield Reject(str(path), f"{path}:{reader.line_num}", f"malformed CSV: {err}", "")
            continue
        notes, problem = decoded.take() if decoded else ((), None)
        if not any(cell.strip() for cell in row):
            continue
        locator = f"{path}:{reader.line_num}"
        if missing or problem:
            yield Reject(str(path), locator, missing or problem, _raw_row(row))
            continue
        # the first of duplicated header names wins, like the first spelling in FIELD_NAMES
        record: dict[str, str] = {}
        for name, cell in zip(header, row, strict=False):
            record.setdefault(name, cell)
        yield article_from_record(record, path, locator, options, notes=notes)


def _raw_row(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return out.getvalue()


def read_parquet(path: Path, options: ReadOptions) -> Iterator[Item]:
    """Row groups read in bounded batches; columns use the same tolerant names as JSONL."""
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        yield Reject(str(path), str(path), f"unreadable Parquet file: {err}", "")
        return
    row_no = 0
    for records in _parquet_batches(parquet, path):
        for record in records:
            row_no += 1
            yield article_from_record(record, path, f"{path}:row {row_no}", options)
    if options.on_bytes:
        options.on_bytes(path.stat().st_size)


def _parquet_batches(parquet: pq.ParquetFile, path: Path) -> Iterator[list[dict]]:
    """The file's rows in bounded batches of dicts.

    Raises:
        UnreadableRest: a corrupt page, or a string column holding invalid UTF-8 (found by
            fuzzing, refs #7); the rows before it are kept.
    """
    batches = parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS)
    while True:
        try:
            records = next(batches).to_pylist()
        except StopIteration:
            return
        except (pa.ArrowException, OSError, UnicodeDecodeError) as err:
            detail = " ".join(str(err).split())
            raise UnreadableRest(path, f"unreadable Parquet data: {detail}") from err
        yield records


__all__ = ["read_csv", "read_jsonl", "read_parquet", "sniff_delimiter"]
