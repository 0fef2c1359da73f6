"""A small news world for the watcher's tests and its soak benchmark, served on 127.0.0.1.

GDELT's v2 folder (`lastupdate.txt`, zipped GKG batches rewritten from the six real records
of tests/fixtures/gkg/ with new ids, times and URLs per batch), RSS feeds whose items can be
added over time, and the items' pages. Everything is written to a folder served by
tests/etl/local_http.py, which answers conditional GETs with 304.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).parents[1] / "fixtures"
GKG_EXCERPT = FIXTURES / "gkg" / "excerpt-20230702153000.gkg.csv"
GKG_LINES = GKG_EXCERPT.read_text(encoding="utf-8").splitlines()
BATCH = timedelta(minutes=15)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


class World:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.gdelt = root / "gdeltv2"
        self.feeds = root / "feeds"
        self.pages = root / "pages"
        for folder in (self.gdelt, self.feeds, self.pages):
            folder.mkdir(parents=True, exist_ok=True)
        self.items: dict[str, list[dict]] = {}
        self._tick = 0

    def gdelt_batch(self, moment: datetime, translation: bool = False, copies: int = 1) -> str:
        """Write the batch of `moment` (the six fixture records `copies` times, each made new
        with its own id, time and URL); its file name."""
        name = f"{stamp(moment)}.{'translation.' if translation else ''}gkg.csv.zip"
        lines = []
        for number, line in enumerate(GKG_LINES * copies):
            fields = line.split("\t")
            fields[0] = f"{stamp(moment)}-{'T' if translation else ''}{number}"
            fields[1] = stamp(moment)
            fields[4] = f"{fields[4]}/{name}" + (f"/{number}" if copies > 1 else "")
            lines.append("\t".join(fields))
        with zipfile.ZipFile(self.gdelt / name, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name.removesuffix(".zip"), "".join(f"{x}\n" for x in lines))
        return name

    def announce(self, moment: datetime, base: str, translation: bool = False) -> None:
        """Point lastupdate(-translation).txt at the batch of `moment`, as GDELT does."""
        name = f"{stamp(moment)}.{'translation.' if translation else ''}gkg.csv.zip"
        path = self.gdelt / name
        body = path.read_bytes() if path.exists() else b""
        line = f"{len(body)} {hashlib.md5(body).hexdigest()} {base}/gdeltv2/{name}\n"
        export = line.replace(".gkg.csv.zip", ".export.CSV.zip")
        target = "lastupdate-translation.txt" if translation else "lastupdate.txt"
        (self.gdelt / target).write_text(export + line, encoding="utf-8")

    def add_items(self, feed: str, base: str, *items: dict) -> None:
        """Add items ({'id', 'title', 'text'?, 'published', 'page'?}) and rewrite the feed."""
        for item in items:
            if item.get("page"):
                (self.pages / f"{item['id']}.html").write_text(item["page"], encoding="utf-8")
        self.items.setdefault(feed, []).extend(items)
        self._write_feed(feed, base)

    def _write_feed(self, feed: str, base: str) -> None:
        entries = "".join(_rss_item(item, base) for item in reversed(self.items[feed]))
        path = self.feeds / f"{feed}.rss"
        path.write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{feed}</title>'
            f"<language>en</language>{entries}</channel></rss>",
            encoding="utf-8",
        )
        # a distinct mtime per rewrite: ETag and Last-Modified change even within a second
        self._tick += 1
        moment = 1_700_000_000 + self._tick
        os.utime(path, ns=(moment * 10**9, moment * 10**9))


def _rss_item(item: dict, base: str) -> str:
    text = f"<description>{escape(item['text'])}</description>" if item.get("text") else ""
    return (
        f"<item><guid>{item['id']}</guid><title>{escape(item['title'])}</title>"
        f"<link>{base}/pages/{item['id']}.html</link>{text}"
        f"<pubDate>{format_datetime(item['published'])}</pubDate></item>"
    )


def page(title: str, paragraphs: list[str]) -> str:
    """An article page with enough text for trafilatura to find its main text."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{escape(title)}</title></head><body><article><h1>"
        f"{escape(title)}</h1>{body}</article></body></html>"
    )
