"""Stable article ids, so that re-loading the same article never creates a second row."""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "ref_src"}
)
"""Query parameters that only say how a reader arrived; `utm_*` is matched by prefix."""

_DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonical_url(url: str) -> str:
    """The URL with scheme/host lower-cased, no fragment, no default port, no tracking params.

    >>> canonical_url("HTTPS://Example.COM:443/a?utm_source=x&id=2#top")
    'https://example.com/a?id=2'

    A URL that does not parse (bad IPv6 host, port out of range) is its own canonical form.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def normalised_content(title: str, text: str) -> str:
    """Title and text folded so that whitespace and case differences do not change the id."""
    joined = unicodedata.normalize("NFKC", f"{title}\n{text}").casefold()
    # str.split() splits at exactly the characters regex \s matches (str.isspace), in a
    # third of the time of re.sub(r"\s+", " ", ...).strip() on wire text (refs #20)
    return " ".join(joined.split())


def article_id_for(url: str | None, title: str, text: str, fallback: str = "") -> str:
    """A 16-hex-digit id: hash of the canonical URL, else of the normalised title and text.

    `fallback` identifies records with neither URL nor text (pre-tagged rows): without it
    they would all share the id of the empty string.
    """
    if url:
        key = "url:" + canonical_url(url)
    elif content := normalised_content(title, text):
        key = "content:" + content
    else:
        key = "record:" + fallback
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
