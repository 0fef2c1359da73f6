"""Polite HTTP for the sources that fetch (feeds, pages, GDELT): one User-Agent, timeouts,
retries for transient failures, a size cap, and a cache folder under data/cache/ (git-ignored).

Stdlib urllib only: fetching a file or a page does not justify a heavier client.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

from etl.settings import REPO_ROOT

USER_AGENT = "TensionMonitor/0.1 (+https://github.com/tension-monitor/tension-monitor)"
"""Says who is asking and where to read about it, so site owners can tell us apart."""

CACHE_DIR = REPO_ROOT / "data" / "cache"
"""Downloads and URL snapshots; data/cache/ is git-ignored."""

TIMEOUT_SECONDS = 30.0
"""Per connect/read; GDELT's 15-minute files are a few MB, pages far less."""

RETRIES = 3
"""Attempts for transient failures (timeouts, 5xx, dropped connections); 4xx is final."""

BACKOFF_SECONDS = 1.0
"""Wait before the second attempt, doubled for each further one."""

MAX_RESPONSE_BYTES = 64 * 2**20
"""A response larger than this is refused: no feed, page or GKG zip comes near it."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FetchError(Exception):
    """A URL could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Fetched:
    """A conditional GET's answer, with the validators to send next time."""

    body: bytes | None
    """None: 304 Not Modified."""
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Fetcher:
    """How to fetch: tests shorten the timeout and the backoff."""

    timeout: float = TIMEOUT_SECONDS
    retries: int = RETRIES
    backoff: float = BACKOFF_SECONDS
    max_bytes: int = MAX_RESPONSE_BYTES
    user_agent: str = USER_AGENT

    def get(self, url: str, on_bytes: Callable[[int], None] | None = None) -> bytes:
        """The body of a 200 response.

        Raises:
            FetchError: a 4xx at once, anything transient after the last retry.
        """
        return self._get(url, on_bytes, {})[0]

    def get_if_changed(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """A conditional GET: the body, or None when the server answers 304 Not Modified.

        Raises:
            FetchError: as `get`.
        """
        asked = (("If-None-Match", etag), ("If-Modified-Since", last_modified))
        try:
            body, headers = self._get(url, None, {name: value for name, value in asked if value})
        except FetchError as err:
            if err.status == 304:
                return Fetched(None, etag, last_modified)
            raise
        return Fetched(body, headers.get("ETag"), headers.get("Last-Modified"))

    def _get(
        self, url: str, on_bytes: Callable[[int], None] | None, headers: dict[str, str]
    ) -> tuple[bytes, Message]:
        attempt = 1
        while True:
            try:
                return self._get_once(url, on_bytes, headers)
            except FetchError as err:
                transient = err.status is None or err.status >= 500 or err.status == 429
                if not transient or attempt >= self.retries:
                    raise
            time.sleep(self.backoff * 2 ** (attempt - 1))
            attempt += 1

    def _get_once(
        self, url: str, on_bytes: Callable[[int], None] | None, headers: dict[str, str]
    ) -> tuple[bytes, Message]:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, **headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(url, f"response of {int(declared)} bytes is over the limit")
                body = _read_capped(response, url, self.max_bytes, on_bytes)
                received = response.headers
        except urllib.error.HTTPError as err:
            raise FetchError(url, f"HTTP {err.code} {err.reason}", err.code) from None
        except (
            urllib.error.URLError,
            http.client.HTTPException,
            TimeoutError,
            ConnectionError,
        ) as err:
            reason = getattr(err, "reason", err)
            raise FetchError(url, f"network error: {reason}") from None
        if declared and declared.isdigit() and len(body) != int(declared):
            # a dropped connection can end the body early without an exception
            raise FetchError(url, f"truncated response: {len(body)} of {declared} bytes")
        return body, received


def _read_capped(
    response, url: str, max_bytes: int, on_bytes: Callable[[int], None] | None
) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read(1 << 16):
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(url, f"response over {max_bytes / 2**20:g} MB")
        chunks.append(chunk)
        if on_bytes:
            on_bytes(len(chunk))
    return b"".join(chunks)


def is_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def snapshot_url(url: str, suffixes: tuple[str, ...], fetcher: Fetcher | None = None) -> Path:
    """Fetch a URL into CACHE_DIR/urls/ and return the file, named after the URL.

    The file ends with the URL's own suffix when it is one of `suffixes` (the format's), else
    with the first of them, so the reader recognises it (a .gkg.csv.zip stays a zip). Each load
    takes a fresh snapshot, so a changing feed is re-read; the file stays as the record of
    exactly what was loaded.

    Raises:
        FetchError: the URL could not be fetched.
    """
    body = (fetcher or Fetcher()).get(url)
    target = CACHE_DIR / "urls" / snapshot_name(url, suffixes)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(body)
    partial.replace(target)
    return target


def snapshot_name(url: str, suffixes: tuple[str, ...]) -> str:
    """'https://news.example.org/world.rss?x=1' -> '1a2b3c4d-news.example.org-world.rss'."""
    parts = urlsplit(url)
    path = parts.path.lower()
    own = [suffix for suffix in suffixes if path.endswith(suffix)]
    suffix = max(own, key=len) if own else suffixes[0]
    stem = parts.path[: len(parts.path) - len(suffix)] if own else parts.path
    readable = _UNSAFE.sub("-", f"{parts.hostname or ''}{stem}").strip("-")[:80]
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    return f"{digest}-{readable}{suffix}"
