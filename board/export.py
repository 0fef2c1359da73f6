"""CSV downloads: exactly the rows a view shows, safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to
Excel and LibreOffice (OWASP "CSV injection"), so such text cells get a leading apostrophe.
Numbers are left as numbers: a negative tone is data, not a formula.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from board.state import Filters, to_query

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"

_FILE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_FILE_NAME_PART_CHARS = 60


def neutralise(value: object) -> object:
    """A text value that a spreadsheet would evaluate, prefixed so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return NEUTRALISER + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised (lists are joined with ' | ')."""
    safe = frame.copy()
    for column in safe.columns:
        if _is_numeric_or_temporal(safe[column]):
            continue
        safe[column] = safe[column].map(_cell)
    return safe


def csv_chunk(frame: pd.DataFrame, first: bool) -> bytes:
    """One frame's part of a CSV streamed frame by frame, with the header (and BOM) when it
    is the first: the chunks of frames one after the other are the same bytes as `to_csv` of
    them all concatenated, so a download of any size streams through memory."""
    text = neutralised(frame).to_csv(index=False, header=first, lineterminator="\r\n")
    return text.encode("utf-8-sig" if first else "utf-8")


def url(table: str, filters: Filters) -> str:
    """The streamed download of every row of `table` (see board/stream.py), relative to the
    page, for the filters in its query string."""
    return f"export/{table}.csv?{urlencode(to_query(filters))}"


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a BOM, so Excel reads accents right) of the neutralised frame.

    Rows end in CRLF (RFC 4180): the csv module then quotes every cell holding a CR or LF.
    With LF endings a bare CR stayed unquoted, readers ended the row there and the text
    after it started a new, un-neutralised row (found by tests/etl/test_fuzz_export.py).
    """
    return neutralised(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def file_name(view: str, filters: Filters, part: str = "") -> str:
    """`tension-<view>[-<part>]-<start>_<end>[-<filters>].csv`, file-name-safe characters only.

    `part` names the table when a view offers several (the pair's timeline and its third
    countries).
    """
    parts = [
        "tension",
        view,
        part,
        f"{filters.start.isoformat()}_{filters.end.isoformat()}",
        "+".join(filters.countries),
        _pair_part(view, filters, part),
        f"lang-{filters.lang}" if filters.lang else "",
        f"source-{filters.source}" if filters.source else "",
        f"origin-{filters.origin}" if filters.origin != "all" else "",
        # a searched CSV holds only the matches: its name says so (refs #18)
        f"q-{filters.q}" if filters.q else "",
        filters.window,
        filters.measure,
        filters.bucket if view == "pair" else "",
        f"min{filters.min_articles}" if filters.min_articles > 1 else "",
    ]
    safe = [_FILE_NAME_UNSAFE.sub("_", p)[:_FILE_NAME_PART_CHARS].strip("_") for p in parts if p]
    return "-".join(p for p in safe if p) + ".csv"


def _pair_part(view: str, filters: Filters, part: str) -> str:
    """The pair, when it filtered the rows and `part` does not name it already."""
    pair = "-".join(filters.pair) if filters.pair else ""
    filtered = view == "pair" or (view == "articles" and filters.scope == "pair")
    return pair if filtered and pair not in part else ""


def _is_numeric_or_temporal(column: pd.Series) -> bool:
    return (
        pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    ) or pd.api.types.is_datetime64_any_dtype(column)


def _cell(value: object) -> object:
    if isinstance(value, list | tuple | np.ndarray):
        value = " | ".join("" if item is None else str(item) for item in list(value))
    return neutralise(value)
