"""A feed source: one or many RSS/Atom feeds, fetched politely and loaded item by item once.

Each feed is fetched with a conditional GET (ETag / Last-Modified), so an unchanged feed
costs a 304 and no body. Items already loaded (by id, else link) are dropped before anything
else happens, so their pages are never fetched again. The new items are written to an Atom
file that the ordinary feed reader loads (origin "rss", its dates, rejects and locators).
With `fetch_full` a new item's page is fetched, at most `per_host_per_minute` pages per host
(items over the budget wait for a later cycle); a page that fails is retried in later
cycles and, after PAGE_ATTEMPTS failures, the item is loaded from the feed's own text.
A failing feed is retried after its interval doubled per consecutive failure, capped at
`max_backoff`, while the source's other feeds go on.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from etl.sources.feeds import entry_date, html_to_text, item_text
from etl.sources.fetch import FetchError
from etl.sources.pages import extract_page
from etl.watch.config import SourceConfig
from etl.watch.context import WatchContext
from etl.watch.state import Delivery, FeedState, Known

PAGE_ATTEMPTS = 3
"""Failed page fetches (fetch_full) before an item is loaded from its feed text instead."""

RATE_WINDOW = timedelta(minutes=1)

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def item_key(entry: dict[str, Any]) -> str:
    """A feed item's identity: its id, else its link, else a hash of title and date."""
    for key in ("id", "link"):
        if entry.get(key):
            return str(entry[key])
    text = f"{entry.get('title', '')}|{entry.get('published', entry.get('updated', ''))}"
    return "sha1:" + hashlib.sha1(text.encode("utf-8")).hexdigest()


def find_new(source: SourceConfig, known: Known, ctx: WatchContext) -> Delivery:
    """Fetch the source's feeds that are due; the Delivery holds an Atom file per changed feed."""
    delivery = Delivery(fmt="rss")
    failures: list[str] = []
    counts = {"not modified": 0, "backing off": 0, "new items": 0, "deferred": 0}
    for number, url in enumerate(source.urls):
        state = known.feeds.get(url) or FeedState(url)
        if state.retry_at is not None and state.retry_at > ctx.now():
            counts["backing off"] += 1
            failures.append(f"{url}: {state.last_error}")
            continue
        try:
            fetched = ctx.fetcher.get_if_changed(url, state.etag, state.last_modified)
        except FetchError as err:
            delivery.feeds.append(_failed(state, err.reason, source, ctx))
            failures.append(f"{url}: {err.reason}")
            continue
        delivery.feeds.append(FeedState(url, fetched.etag, fetched.last_modified))
        if fetched.body is None:
            counts["not modified"] += 1
            continue
        written, deferred = _new_items(fetched.body, url, number, source, known, ctx, delivery)
        counts["new items"] += written
        counts["deferred"] += deferred
        if deferred:
            # keep the old validators: a 304 next time would hide the items left for later
            delivery.feeds[-1] = FeedState(url, state.etag, state.last_modified)
    delivery.notes = [f"{value} {name}" for name, value in counts.items() if value]
    if failures:
        delivery.error = f"{len(failures)} of {len(source.urls)} feeds failing; {failures[0]}"
    return delivery


def _failed(state: FeedState, reason: str, source: SourceConfig, ctx: WatchContext) -> FeedState:
    failures = state.consecutive_failures + 1
    wait = min(source.every * 2 ** (failures - 1), source.max_backoff)
    return FeedState(
        state.url,
        state.etag,
        state.last_modified,
        failures,
        ctx.now() + timedelta(seconds=wait),
        reason,
    )


def _new_items(
    body: bytes,
    url: str,
    number: int,
    source: SourceConfig,
    known: Known,
    ctx: WatchContext,
    delivery: Delivery,
) -> tuple[int, int]:
    """Write the feed's unseen items to an Atom file; (items written, items deferred)."""
    import feedparser  # imported when a feed is read: most runs never read one

    parsed = feedparser.parse(body)
    if not parsed.entries:
        reason = "not a readable feed" if parsed.bozo else "feed has no items"
        delivery.feeds[-1] = _failed(known.feeds.get(url) or FeedState(url), reason, source, ctx)
        return 0, 0
    feed = parsed.feed
    entries, deferred = [], 0
    seen = known.seen_items([item_key(entry) for entry in parsed.entries])
    for entry in parsed.entries:
        key = item_key(entry)
        if key in seen or key in delivery.items:
            continue
        text = item_text(entry)
        if source.fetch_full:
            fetched = _page_text(entry, key, source, ctx)
            if fetched is None:
                deferred += 1
                continue
            text = fetched or text
        entries.append((entry, text))
        delivery.items.append(key)
    if entries:
        path = ctx.folder(source.name) / f"{number:04d}-{_host(url)}.atom"
        write_atom(path, feed, entries, fallback_source=_host(url))
        delivery.files.append(path)
        delivery.cleanup.append(path)
    return len(entries), deferred


def _page_text(entry: dict[str, Any], key: str, source: SourceConfig, ctx: WatchContext):
    """The item page's main text; '' to load the feed text instead; None to try later."""
    link = entry.get("link")
    if not link:
        return ""
    host = _host(link)
    now = ctx.now()
    recent = [t for t in ctx.page_times.get(host, []) if t > now - RATE_WINDOW]
    ctx.page_times[host] = recent
    if len(recent) >= source.per_host_per_minute:
        return None
    recent.append(now)
    try:
        body = ctx.page_fetcher.get(link)
    except FetchError:
        attempts = ctx.page_attempts.get((source.name, key), 0) + 1
        ctx.page_attempts[(source.name, key)] = attempts
        return "" if attempts >= PAGE_ATTEMPTS else None
    page = extract_page(body, link)
    return page.text if page else ""


def write_atom(
    path: Path, feed: dict[str, Any], entries: list[tuple[dict, str]], fallback_source: str
) -> None:
    """An Atom feed of `entries` (with their text) that `etl.sources.feeds` reads back."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _sub(root, "title", feed.get("title") or fallback_source)
    channel_lang = feed.get("language")
    for entry, text in entries:
        node = ET.SubElement(root, f"{{{ATOM}}}entry")
        lang = (entry.get("title_detail") or {}).get("language") or channel_lang
        if lang:
            node.set(XML_LANG, lang)
        _sub(node, "id", item_key(entry))
        _sub(node, "title", _title(entry))
        if entry.get("link"):
            ET.SubElement(node, f"{{{ATOM}}}link", href=entry["link"])
        published = entry_date(entry)
        if published is not None:
            value = published.isoformat() if isinstance(published, datetime) else published
            _sub(node, "published", value)
        _sub(node, "content", text).set("type", "text")
        outlet = (entry.get("source") or {}).get("title") or feed.get("title")
        _sub(ET.SubElement(node, f"{{{ATOM}}}source"), "title", outlet or fallback_source)
    partial = path.with_name(path.name + ".part")
    ET.ElementTree(root).write(partial, encoding="utf-8", xml_declaration=True)
    partial.replace(path)


def _title(entry: dict[str, Any]) -> str:
    title = entry.get("title", "")
    html = "html" in (entry.get("title_detail") or {}).get("type", "")
    return html_to_text(title) if html else title.strip()


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    node.text = text
    return node


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "feed").lower()
