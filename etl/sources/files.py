"""Readers for article files: JSON Lines, CSV/TSV and Parquet, streamed record by record."""

from __future__ import annotations

import csv
import io
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
    decode,
    lines,
    open_binary,
    size_text,
)
from etl.sources.fields import REPLACEMENT_NOTE, article_from_record

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
        text, replaced = decode(line)
        if not text.strip():
            continue
        yield _jsonl_record(text, replaced, path, locator, options)


def _jsonl_record(
    text: str, replaced: bool, path: Path, locator: str, options: ReadOptions
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
    if not isinstance(record, dict):
        kind = type(record).__name__
        return Reject(str(path), locator, f"not a JSON object (got {kind})", text)
    return article_from_record(
        record,
        source_path=str(path),
        locator=locator,
        default_source=options.default_source(path),
        max_text_bytes=options.max_text_bytes,
        notes=(REPLACEMENT_NOTE,) if replaced else (),
    )


def read_csv(path: Path, options: ReadOptions) -> Iterator[Item]:
    """A header row, then one record per row; `.tsv` files are tab-separated."""
    delimiter = "\t" if path.name.removesuffix(".gz").endswith(".tsv") else ","
    csv.field_size_limit(options.max_line_bytes)
    with open_binary(path, options.on_bytes, options.max_unzipped_bytes) as stream:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        header = _header(reader)
        if header is None:
            return
        yield from csv_rows(reader, header, path, options)


def _header(reader: csv.reader) -> list[str] | None:
    for row in reader:
        if any(cell.strip() for cell in row):
            return [cell.strip() for cell in row]
    return None


def csv_rows(reader, header: list[str], path: Path, options: ReadOptions) -> Iterator[Item]:
    """The rows after the header; `reader.line_num` names them (the Dask engine passes a
    reader over a byte range of the file whose line_num counts from the range's first line)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield Reject(str(path), f"{path}:{reader.line_num}", f"malformed CSV: {err}", "")
            continue
        if not any(cell.strip() for cell in row):
            continue
        # the first of duplicated header names wins, like the first spelling in FIELD_NAMES
        record: dict[str, str] = {}
        for name, cell in zip(header, row, strict=False):
            record.setdefault(name, cell)
        yield article_from_record(
            record,
            source_path=str(path),
            locator=f"{path}:{reader.line_num}",
            default_source=options.default_source(path),
            max_text_bytes=options.max_text_bytes,
        )


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
            yield article_from_record(
                record,
                source_path=str(path),
                locator=f"{path}:row {row_no}",
                default_source=options.default_source(path),
                max_text_bytes=options.max_text_bytes,
            )
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


__all__ = ["read_csv", "read_jsonl", "read_parquet"]
