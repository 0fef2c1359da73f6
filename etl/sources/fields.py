"""Turn one loosely-named input record (a JSON object, a CSV row) into an Article or a Reject."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from etl.dates import DateError, parse_published
from etl.records import Article, Reject, ToneFields, storable
from etl.sources.base import ReadOptions, size_text
from etl.sources.encoding import decode_text

FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "published_at": (
        "published_at",
        "published",
        "date",
        "pubDate",
        "pubdate",
        "datetime",
        "timestamp",
        "time",
        "seendate",
    ),
    "text": ("text", "body", "content", "maintext", "article"),
    "title": ("title", "headline"),
    "url": ("url", "link", "href"),
    "source": ("source", "outlet", "domain", "publisher"),
    "lang": ("lang", "language"),
    "record_id": ("id", "record_id", "guid"),
    "countries": ("countries", "country_codes"),
    "tone": ("tone",),
}
"""Accepted spellings per field, first match wins; matching ignores case."""

REPLACEMENT_NOTE = "invalid UTF-8 replaced"
NOTHING_TO_TAG = "no title, no text and no pre-tagged countries"

MAX_MENTION_COUNT = 1_000_000
"""No article names a country a million times; a bigger pre-tagged count is a data error
(and 1e308 would overflow the database's integer column, found by fuzzing, refs #7)."""


REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": FIELD_NAMES["published_at"],
    "text": FIELD_NAMES["text"] + FIELD_NAMES["title"] + FIELD_NAMES["countries"],
}
"""A table (CSV) needs one column of each group: without it, no row can be an article."""


def missing_columns(header: list[str]) -> str | None:
    """The reject reason for every row of a table whose header lacks a required column."""
    found = {name.strip().lower() for name in header}
    lacking = [
        group
        for group, names in REQUIRED_COLUMNS.items()
        if not found & {name.lower() for name in names}
    ]
    if not lacking:
        return None
    shown = ", ".join(repr(name) for name in header[:20]) + (", ..." if len(header) > 20 else "")
    return f"no {' or '.join(lacking)} column; columns found: {shown}"


def spellings(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's keys by their stripped, lower-cased spelling (what `pick` matches)."""
    return {str(key).strip().lower(): key for key in record}


def pick(record: Mapping[str, Any], field: str, keys: dict[str, Any]) -> Any:
    """The value of the first present spelling of `field` in `record`, else None.

    Args:
        keys: `spellings(record)`, built once per record rather than once per field (it was
            a third of reading a record, refs #20).
    """
    for name in FIELD_NAMES[field]:
        key = keys.get(name.lower())
        if key is not None and record[key] is not None:
            return record[key]
    return None


def article_from_record(
    record: Mapping[str, Any],
    path: Path,
    locator: str,
    options: ReadOptions,
    *,
    origin: str = "file",
    notes: tuple[str, ...] = (),
) -> Article | Reject:
    """Map tolerant field names of a record read from the input file `path` onto an Article
    (the outlet and text limit from the run's `options`), or say precisely why the row is
    rejected."""
    keys = spellings(record)

    def value(field: str) -> Any:
        return pick(record, field, keys)

    def reject(reason: str) -> Reject:
        return Reject(
            source=str(path),
            locator=locator,
            reason=reason,
            raw=_raw(record),
            record_id=_record_id(value("record_id")),
        )

    try:
        published_at = parse_published(value("published_at"))
    except DateError as err:
        return reject(str(err))
    title = _text(value("title"))
    text = _text(value("text"))
    size = len(text.encode("utf-8", "replace"))
    if size > options.max_text_bytes:
        return reject(f"text over {size_text(options.max_text_bytes)} ({size / 2**20:.1f} MB)")
    try:
        countries = parse_countries(value("countries"))
        tone = parse_tone(value("tone"))
    except ValueError as err:
        return reject(str(err))
    # a headline is an article: feeds, alerts and wire briefs often carry nothing else, refs #14
    if not text.strip() and not title.strip() and countries is None:
        return reject(NOTHING_TO_TAG)
    if any("\ufffd" in part for part in (title, text)) and REPLACEMENT_NOTE not in notes:
        notes = (*notes, REPLACEMENT_NOTE)
    return Article(
        url=_url(value("url")),
        title=title,
        text=text,
        published_at=published_at,
        source=_text(value("source")).strip() or options.default_source(path),
        lang=_lang(value("lang")),
        origin=origin,
        locator=locator,
        record_id=_record_id(value("record_id")),
        countries=countries,
        tone=tone,
        notes=notes,
    )


def parse_countries(value: Any) -> dict[str, int] | None:
    """Pre-tagged countries as given (codes or names, resolved to ISO-3 by tagging).

    Accepts a list, a `;`/`,`-separated string, or a mapping of country -> mention count.
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        items = [(str(k).strip(), _count(v)) for k, v in value.items()]
    elif isinstance(value, list | tuple):
        items = [(_text(v).strip(), 1) for v in value]
    elif isinstance(value, str):
        separator = ";" if ";" in value else ","
        items = [(part.strip(), 1) for part in value.split(separator)]
    else:
        raise ValueError(
            f"countries must be a list or a ;-separated string, got {type(value).__name__}"
        )
    counts: dict[str, int] = {}
    for name, count in items:
        if name:
            counts[name] = counts.get(name, 0) + count
    return counts


def parse_tone(value: Any) -> ToneFields | None:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        value = value.get("tone")
    try:
        tone = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"tone is not a number: {str(value)[:40]!r}") from None
    if not math.isfinite(tone):
        raise ValueError(f"tone is not a finite number: {value!r}")
    return ToneFields(tone=tone)


def _count(value: Any) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"country mention count is not a number: {str(value)[:40]!r}") from None
    if count > MAX_MENTION_COUNT:
        raise ValueError(f"country mention count over {MAX_MENTION_COUNT:,}")
    return max(count, 1)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return storable(value).replace("\x00", "")
    if isinstance(value, bytes):
        return decode_text(value)[0].replace("\x00", "")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _url(value: Any) -> str | None:
    url = _text(value).strip()
    return url or None


def _lang(value: Any) -> str | None:
    lang = _text(value).strip().lower().replace("_", "-")
    return lang.split("-")[0][:8] or None


def _record_id(value: Any) -> str | None:
    record_id = _text(value).strip()
    return record_id or None


def _raw(record: Mapping[str, Any]) -> str:
    try:
        return json.dumps(record, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(record)
