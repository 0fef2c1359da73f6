"""Showing untrusted text (titles, sentences, URLs, query-string values) safely.

Article text comes from whatever an analyst scraped, so it is never rendered as HTML
(refs issue #7 item 5): it reaches markdown only through `escape_markdown`, which
backslash-escapes every ASCII punctuation character (CommonMark allows that for all of them),
so no tag, link, image, directive (`:red[...]`) or formula (`$...$`) can form from it.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_WHITESPACE = re.compile(r"\s+")

SAFE_URL_SCHEMES = ("http", "https")
"""Links go only to the web: no javascript:, data:, file: or relative links."""

HIGHLIGHT = ":orange-background[**{}**]"
"""How a country name is marked in an evidence sentence."""

SEARCH_HIGHLIGHT = ":blue-background[**{}**]"
"""How a match of the search (`q`) is marked in a title or a sentence (refs #18)."""

_WORD = re.compile(r"[^\W_]+")


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
    return highlight_spans(sentence, term_spans(sentence, terms))


def term_spans(sentence: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where each case-insensitive whole-word occurrence of a term is, longest terms first."""
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return []
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    return [(match.start(), match.end()) for match in pattern.finditer(sentence)]


def highlight_spans(
    sentence: str, spans: Iterable[tuple[int, int]], marker: str = HIGHLIGHT
) -> str:
    """The escaped sentence with the given character spans marked (spans from the tagger,
    so "Kremlin" or "Korea Utara" are marked as it read them); a span may carry its own
    marker as a third item (a search match). Overlapping spans keep the first."""
    pieces = []
    last = 0
    for span in sorted(spans):
        start, end = span[0], span[1]
        shown = span[2] if len(span) > 2 else marker
        if start < last or end <= start or end > len(sentence):
            continue
        pieces.append(_escape(_WHITESPACE.sub(" ", sentence[last:start])))
        pieces.append(shown.format(_escape(_WHITESPACE.sub(" ", sentence[start:end]))))
        last = end
    pieces.append(_escape(_WHITESPACE.sub(" ", sentence[last:])))
    return "".join(pieces).strip()


def search_spans(
    text: str, phrases: Iterable[tuple[tuple[str, ...], bool]]
) -> list[tuple[int, int, str]]:
    """Where `text` holds a search's words or phrases, as (start, end, SEARCH_HIGHLIGHT).

    `phrases` are (normalised words, last word is a prefix), as the index matched them:
    the text's words are compared folded the same way (lower case, accents stripped), so
    "armee" marks "armée" and "korea utara" marks "Korea Utara"."""
    words = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    found = []
    for phrase, prefix in phrases:
        size = len(phrase)
        for at in range(len(words) - size + 1):
            window = [word for _, _, word in words[at : at + size]]
            last_ok = window[-1].startswith(phrase[-1]) if prefix else window[-1] == phrase[-1]
            if last_ok and window[:-1] == list(phrase[:-1]):
                found.append((words[at][0], words[at + size - 1][1], SEARCH_HIGHLIGHT))
    return found


def fold(word: str) -> str:
    """A word lower-cased with its accents stripped, as the search index keeps words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _escape(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", text)
