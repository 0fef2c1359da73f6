"""Saved web pages (origin "html", via trafilatura) and scraped plain text (origin "text").

A scraped page keeps the site's chrome: navigation links, a font-size picker, "Forum", photo
captions repeated under each picture. `etl.sources.page_text` drops those lines by a documented
rule and finds the title and the date; this module turns files into Articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from etl.dates import DateError, future_reason, parse_date
from etl.records import Article, Reject, excerpt
from etl.sources.base import Item, ReadOptions, strip_suffixes
from etl.sources.encoding import decode_text, undecodable_reason
from etl.sources.page_text import clean_page, first_full_date

NO_DATE = "no date found; pass --date"

MIN_PAGE_WORDS = 10
"""Fewer words of main text means trafilatura found only leftovers ("Home", a cookie notice):
the shortest news brief is longer."""

_HTML_LANG = re.compile(rb"<html[^>]*\blang=[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z]+)?)", re.I)
_OG_LOCALE = re.compile(
    rb"<meta[^>]+property=[\"']og:locale[\"'][^>]+content=[\"']([A-Za-z_-]+)", re.I
)


def read_text(path: Path, options: ReadOptions) -> Iterator[Item]:
    """A plain-text page as one Article: chrome dropped, title and date found, or a Reject.

    The date is --date when given (the user knows it), else a date line at the top of the
    page, else the first full date in the text ("9 November 2023"), else the page is rejected.
    """
    data = _read(path, options)
    if isinstance(data, Reject):
        yield data
        return
    try:
        text, note = decode_text(data, options.encoding)
    except UnicodeDecodeError as err:
        raw = data.decode(options.encoding, "backslashreplace")
        yield _reject(path, undecodable_reason(err, options.encoding), raw)
        return
    page = clean_page(text)
    if not page.text.strip():
        yield _reject(path, "no text left after dropping page chrome", text)
        return
    when = _first_date(options.date, page.date, first_full_date(page.text))
    if isinstance(when, str):
        yield _reject(path, when, text)
        return
    yield Article(
        url=None,
        title=page.title,
        text=page.text,
        published_at=when,
        source=options.default_source(path),
        origin="text",
        locator=str(path),
        notes=(note,) if note else (),
    )


def read_html(path: Path, options: ReadOptions) -> Iterator[Item]:
    """A saved HTML page as one Article: trafilatura's main text, title, date and URL."""
    data = _read(path, options)
    if isinstance(data, Reject):
        yield data
        return
    page = extract_page(data)
    if page is None:
        yield _reject(path, "no main text found in the page", data)
        return
    when = _first_date(_metadata_date(page.date), options.date)
    if isinstance(when, str):
        yield _reject(path, when, data)
        return
    yield Article(
        url=page.url,
        title=page.title,
        text=page.text,
        published_at=when,
        source=options.source or page.site or strip_suffixes(path),
        lang=page_language(data),
        origin="html",
        locator=str(path),
    )


@dataclass(frozen=True)
class ExtractedPage:
    title: str
    text: str
    """The main text, without the headline that trafilatura repeats as its first line."""
    date: str | None
    url: str | None
    """The page's canonical URL when it declares one."""
    site: str | None


def extract_page(data: bytes, url: str | None = None) -> ExtractedPage | None:
    """Main text and metadata of an HTML page; None when it has no main text worth the name."""
    import trafilatura  # imported when a page is read: it takes about a second to import

    document = trafilatura.bare_extraction(
        data, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (document.text or "").strip() if document else ""
    if len(text.split()) < MIN_PAGE_WORDS:
        return None
    title = (document.title or "").strip() or text.split("\n", 1)[0]
    return ExtractedPage(
        title=title,
        text=_without_title(text, title),
        date=document.date,
        url=document.url or None,
        site=document.sitename or document.hostname,
    )


def page_language(data: bytes) -> str | None:
    """The page's declared language: <html lang>, else og:locale; None when it declares none."""
    head = data[:65536]
    match = _HTML_LANG.search(head) or _OG_LOCALE.search(head)
    return re.split("[-_]", match.group(1).decode("ascii"))[0].lower() if match else None


def _first_date(*candidates: datetime | None) -> datetime | str:
    """The first of the dates found, or the reject reason: NO_DATE, or a date in the future."""
    when = next((found for found in candidates if found is not None), None)
    if when is None:
        return NO_DATE
    return future_reason(when) or when


def _metadata_date(value: str | None) -> datetime | None:
    # trafilatura reports dates as YYYY-MM-DD; anything else is treated as no date
    try:
        return parse_date(value) if value else None
    except DateError:
        return None


def _without_title(text: str, title: str) -> str:
    # trafilatura repeats the headline as the first line of the text; it is the title already
    first, _, rest = text.partition("\n")
    return rest.strip() if first.strip() == title.strip() and rest.strip() else text


def _read(path: Path, options: ReadOptions) -> bytes | Reject:
    size = path.stat().st_size
    if size > options.max_text_bytes:
        limit = options.max_text_bytes / 2**20
        return Reject(str(path), str(path), f"page over {limit:g} MB ({size / 2**20:.1f} MB)")
    data = path.read_bytes()
    if options.on_bytes:
        options.on_bytes(size)
    return data


def _reject(path: Path, reason: str, raw: str | bytes) -> Reject:
    return Reject(str(path), str(path), reason, excerpt(raw))
