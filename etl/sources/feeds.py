"""RSS and Atom feeds as Articles (origin "rss"), read with feedparser.

Each item gives title, link, date and its summary or content, HTML stripped to text. With
`--fetch-full` the item's page is fetched and its main text extracted with trafilatura; an item
whose page cannot be fetched becomes a Reject and the rest of the feed still loads.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from etl.records import Reject
from etl.sources.base import Item, ReadOptions
from etl.sources.fetch import Fetcher, FetchError
from etl.sources.fields import article_from_record
from etl.sources.pages import extract_page

MAX_FEED_BYTES = 64 * 2**20
"""A feed file larger than this is refused unread; real feeds are kilobytes to a few MB."""

FETCH_DELAY_SECONDS = 1.0
"""Pause between two page fetches (--fetch-full): a feed's items often share one host."""

PAGE_FETCHER = Fetcher(timeout=20.0, retries=2)
"""Pages fail fast: one slow site must not hold up a whole feed."""

LENIENT_NOTE = "feed is not well-formed XML; read leniently"
NO_DATE = "no date; pass --date"

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "blockquote",
        "section",
        "article",
        "pre",
        "hr",
        "figcaption",
        "header",
        "footer",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def read_feed(path: Path, options: ReadOptions) -> Iterator[Item]:
    """One Article or Reject per feed item; a file feedparser cannot read at all is one Reject."""
    import feedparser  # imported when a feed is read: most runs never read one

    size = path.stat().st_size
    if size > MAX_FEED_BYTES:
        yield Reject(str(path), str(path), f"feed file over {MAX_FEED_BYTES / 2**20:g} MB")
        return
    parsed = feedparser.parse(path.read_bytes())
    if options.on_bytes:
        options.on_bytes(size)
    if not parsed.entries:
        reason = f"not a readable feed: {parsed.get('bozo_exception', 'no items')}"
        yield Reject(str(path), str(path), reason if parsed.bozo else "feed has no items")
        return
    pages = _PagePacer(options.fetch_full)
    notes = (LENIENT_NOTE,) if parsed.bozo else ()
    for number, entry in enumerate(parsed.entries, 1):
        locator = f"{path}:item {number}"
        yield entry_to_item(entry, parsed.feed, path, locator, options, pages, notes)


def entry_to_item(
    entry: Mapping[str, Any],
    feed: Mapping[str, Any],
    path: Path,
    locator: str,
    options: ReadOptions,
    pages: _PagePacer | None = None,
    notes: tuple[str, ...] = (),
) -> Item:
    """A feed item as an Article, or a Reject naming what is missing or what failed."""
    record = {
        "id": entry.get("id"),
        "url": entry.get("link"),
        "title": _detail_text(entry, "title"),
        "published_at": entry_date(entry),
        "text": item_text(entry),
        "source": (entry.get("source") or {}).get("title") or feed.get("title"),
        "lang": _language(entry, feed),
    }
    record["published_at"] = record["published_at"] or options.date
    if record["published_at"] is None:
        return _reject(record, path, locator, NO_DATE)
    if options.fetch_full and pages is not None:
        failure = _fetch_full_text(record, pages)
        if failure:
            return _reject(record, path, locator, failure)
    return article_from_record(record, path, locator, options, origin="rss", notes=notes)


def entry_date(entry: dict[str, Any]) -> datetime | str | None:
    """The item's publication time (its update time when it has no other), UTC.

    feedparser's `*_parsed` fields are UTC; when it could not parse a date the raw string is
    returned so that the loader's own date parser gets a chance, or names it in the reject.
    """
    for key in ("published", "updated", "created"):
        # dict.get: feedparser's own get answers "updated" with "published" (and warns)
        parsed = dict.get(entry, f"{key}_parsed")
        if parsed:
            return datetime(*parsed[:6], tzinfo=UTC)
        if dict.get(entry, key):
            return str(dict.get(entry, key))
    return None


def item_text(entry: Mapping[str, Any]) -> str:
    """The longest of the item's content blocks, else its summary, as plain text."""
    blocks = [c for c in entry.get("content") or () if c.get("value")]
    if blocks:
        block = max(blocks, key=lambda c: len(c["value"]))
        return _as_text(block["value"], block.get("type", "text/html"))
    detail = entry.get("summary_detail") or {}
    return _as_text(entry.get("summary", ""), detail.get("type", "text/html"))


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, one paragraph per block element."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    paragraphs = (_SPACES.sub(" ", line).strip() for line in "".join(collector.parts).split("\n"))
    return "\n\n".join(p for p in paragraphs if p)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


class _PagePacer:
    """Fetches item pages one at a time, at least FETCH_DELAY_SECONDS apart."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._last = 0.0

    def page_text(self, url: str) -> str | None:
        """Main text of the page, or None when trafilatura finds none.

        Raises:
            FetchError: the page could not be fetched.
        """
        wait = self._last + FETCH_DELAY_SECONDS - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            body = PAGE_FETCHER.get(url)
        finally:
            self._last = time.monotonic()
        page = extract_page(body, url)
        return page.text if page else None


def _fetch_full_text(record: dict[str, Any], pages: _PagePacer) -> str | None:
    """Replace the record's text by its page's main text; the reject reason on failure.

    A failed fetch rejects the item rather than loading its summary: the summary would take
    the article's id, and a later run that can reach the page would skip it as a duplicate.
    """
    url = record["url"]
    if not url:
        return "no link to fetch (--fetch-full)"
    try:
        text = pages.page_text(url)
    except FetchError as err:
        return f"--fetch-full: could not fetch {url}: {err.reason}"
    if not text or not text.strip():
        return f"--fetch-full: no main text found at {url}"
    record["text"] = text
    return None


def _detail_text(entry: Mapping[str, Any], key: str) -> str:
    detail = entry.get(f"{key}_detail") or {}
    return _as_text(entry.get(key, ""), detail.get("type", "text/plain"))


def _as_text(value: str, content_type: str) -> str:
    if "html" in content_type:
        return html_to_text(value)
    return value.strip()


def _language(entry: Mapping[str, Any], feed: Mapping[str, Any]) -> str | None:
    # Atom's xml:lang lands on the text constructs; RSS has one <language> for the feed
    for detail in (entry.get("title_detail"), entry.get("summary_detail")):
        if detail and detail.get("language"):
            return detail["language"]
    return feed.get("language")


def _reject(record: dict[str, Any], path: Path, locator: str, reason: str) -> Reject:
    raw = json.dumps(record, ensure_ascii=False, default=str)
    return Reject(str(path), locator, reason, raw, record_id=record.get("id"))
