"""Sources: read input files into Article records (or Rejects). They never touch DuckDB.

Each input format registers a reader and the file names it recognises; `read_inputs` expands
folders, detects formats and chains the readers so the loader sees one stream of records.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.errors import SourceError
from etl.records import Reject
from etl.sources.base import Item, Reader, ReadOptions, UnreadableRest
from etl.sources.encoding import check_encoding
from etl.sources.feeds import read_feed
from etl.sources.fetch import FetchError, is_url, snapshot_url
from etl.sources.files import read_csv, read_jsonl, read_parquet
from etl.sources.gkg import read_gkg
from etl.sources.json_file import read_json
from etl.sources.pages import read_html, read_text


@dataclass(frozen=True)
class Format:
    name: str
    reader: Reader
    suffixes: tuple[str, ...]
    """File-name endings that select this format in --format auto (longest match wins)."""


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> None:
    FORMATS[fmt.name] = fmt


register(Format("jsonl", read_jsonl, (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")))
# an array of records (or JSON Lines saved as .json), read item by item
register(Format("json", read_json, (".json", ".json.gz")))
register(Format("csv", read_csv, (".csv", ".tsv", ".csv.gz", ".tsv.gz")))
register(Format("parquet", read_parquet, (".parquet", ".pq")))
register(
    Format(
        "gkg",
        read_gkg,
        (".gkg.csv", ".gkg.csv.zip", ".translation.gkg.csv", ".translation.gkg.csv.zip"),
    )
)
# .xml is left to --format rss: in a folder of pages it is a sitemap more often than a feed
register(Format("rss", read_feed, (".rss", ".atom")))
register(Format("html", read_html, (".html", ".htm")))
register(Format("text", read_text, (".txt",)))


def format_names() -> list[str]:
    return ["auto", *FORMATS]


def detect_format(path: Path) -> str | None:
    """The registered format whose longest suffix ends the file name, or None."""
    name = path.name.lower()
    best: tuple[int, str | None] = (0, None)
    for fmt in FORMATS.values():
        for suffix in fmt.suffixes:
            if name.endswith(suffix) and len(suffix) > best[0]:
                best = (len(suffix), fmt.name)
    return best[1]


@dataclass(frozen=True)
class InputFile:
    path: Path
    format: str


def plan_inputs(
    paths: Iterable[Path | str], fmt: str = "auto", *, follow_symlinks: bool = False
) -> tuple[list[InputFile], list[tuple[Path, str]]]:
    """Expand folders (recursively) and pick each file's format.

    An http(s) URL is fetched once into data/cache/urls/ and read from there as a feed (or
    as --format says), so the run reads one snapshot whose size the progress bar knows.

    Returns the files to read, and the files skipped with the reason (empty, no format
    claims them, or a symlink leads outside the folder given): the CLI warns of each.

    Raises:
        SourceError: a path does not exist or a URL cannot be fetched, or --format names an
            unknown format.
    """
    if fmt != "auto" and fmt not in FORMATS:
        raise SourceError(fmt, f"unknown format; choose one of {', '.join(format_names())}")
    planned: list[InputFile] = []
    skipped: list[tuple[Path, str]] = []
    for given in paths:
        if is_url(given):
            planned.append(_snapshot(str(given), fmt))
            continue
        path = Path(given)
        if not path.exists():
            raise SourceError(path, "no such file or folder")
        files = _walk(path, follow_symlinks, skipped) if path.is_dir() else [path]
        for file in files:
            chosen = fmt if fmt != "auto" else detect_format(file)
            if chosen is None and path.is_dir():
                skipped.append((file, "unknown file type"))
            elif chosen is None:
                raise SourceError(file, "cannot tell its format from the name; pass --format")
            elif file.is_file() and file.stat().st_size == 0:
                skipped.append((file, "empty file, nothing to read"))
            else:
                planned.append(InputFile(file, chosen))
    return planned, skipped


def _snapshot(url: str, fmt: str) -> InputFile:
    chosen = "rss" if fmt == "auto" else fmt
    try:
        return InputFile(snapshot_url(url, FORMATS[chosen].suffixes), chosen)
    except FetchError as err:
        raise SourceError(url, f"cannot fetch: {err.reason}") from None


def _walk(root: Path, follow_symlinks: bool, skipped: list[tuple[Path, str]]) -> list[Path]:
    """Files under `root`, sorted; symlinks leading outside `root` only when asked."""
    real_root = root.resolve()
    found: list[Path] = []
    for folder, dirs, names in os.walk(root, followlinks=follow_symlinks):
        dirs.sort()
        for name in sorted(names):
            file = Path(folder) / name
            if name.startswith(".") or not file.is_file():
                continue
            if not follow_symlinks and not file.resolve().is_relative_to(real_root):
                skipped.append((file, "symlink leads outside the folder; pass --follow-symlinks"))
                continue
            found.append(file)
    return found


def read_inputs(files: Iterable[InputFile], options: ReadOptions) -> Iterator[Item]:
    """All records of all files, in order.

    A file whose rest cannot be read (corrupt gzip, decompression bomb) ends in one reject
    for that rest; the rows before it stay, and the next file is read.
    """
    for file in files:
        try:
            yield from FORMATS[file.format].reader(file.path, options)
        except UnreadableRest as err:
            yield Reject(str(file.path), str(file.path), err.reason, "")


__all__ = [
    "FORMATS",
    "Format",
    "InputFile",
    "Item",
    "ReadOptions",
    "check_encoding",
    "detect_format",
    "format_names",
    "plan_inputs",
    "read_inputs",
    "register",
]
