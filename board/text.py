"""Showing untrusted text (titles, sentences, URLs, query-string values) safely.

Article text comes from whatever an analyst scraped, so it is never rendered as HTML
(refs issue #7 item 5): it reaches markdown only through `escape_markdown`, which
backslash-escapes every ASCII punctuation character (CommonMark allows that for all of them),
so no tag, link, image, directive (`:red[...]`) or formula (`$...$`) can form from it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_WHITESPACE = re.compile(r"\s+")

SAFE_URL_SCHEMES = ("http", "https")
"""Links go only to the web: no javascript:, data:, file: or relative links."""

HIGHLIGHT = ":orange-background[**{}**]"
"""How a country name is marked in an evidence sentence."""


def two_decimals(value: float) -> str:
    """`value` to two decimals, without the "-0.00" a tiny negative rounds to."""
    shown = f"{value:.2f}"
    return "0.00" if shown == "-0.00" else shown


def escape_markdown(text: str, limit: int | None = None) -> str:
    """`text` as markdown that displays literally, on one line, optionally shortened."""
    flat = _WHITESPACE.sub(" ", text).strip()
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return _escape(flat)


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host, else None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_URL_SCHEMES or not parts.hostname:
        return None
    # characters that would end a markdown link target or break out of it are encoded
    return quote(candidate, safe=":/?#[]@!$&'*+,;=%~-._")


def markdown_link(text: str, url: object) -> str:
    """An escaped markdown link, or just the escaped text when the URL is not http(s)."""
    target = safe_url(url)
    label = escape_markdown(text) or escape_markdown(str(target or ""))
    if target is None:
        return label
    return f"[{label}]({target})"


def highlight(sentence: str, terms: Iterable[str]) -> str:
    """The escaped sentence with every case-insensitive whole-word occurrence of a term marked."""
    flat = _WHITESPACE.sub(" ", sentence).strip()
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return escape_markdown(flat)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    pieces = []
    last = 0
    for match in pattern.finditer(flat):
        pieces.append(_escape(flat[last : match.start()]))
        pieces.append(HIGHLIGHT.format(_escape(match.group(0))))
        last = match.end()
    pieces.append(_escape(flat[last:]))
    return "".join(pieces)


def highlight_spans(sentence: str, spans: Iterable[tuple[int, int]]) -> str:
    """The escaped sentence with the given character spans marked (spans from the tagger,
    so "Kremlin" or "Korea Utara" are marked as it read them)."""
    pieces = []
    last = 0
    for start, end in sorted(spans):
        if start < last or end <= start or end > len(sentence):
            continue
        pieces.append(_escape(_WHITESPACE.sub(" ", sentence[last:start])))
        pieces.append(HIGHLIGHT.format(_escape(_WHITESPACE.sub(" ", sentence[start:end]))))
        last = end
    pieces.append(_escape(_WHITESPACE.sub(" ", sentence[last:])))
    return "".join(pieces).strip()


def _escape(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", text)
