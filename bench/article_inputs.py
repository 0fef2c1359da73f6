"""Numbered JSONL article records, each naming two countries: the input of load benchmarks
and of the tests that load many articles (refs #12).

    write_articles(path, 1000, prefix="run1", countries=COUNTRIES, published=lambda i: ...)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

TEXT = "Officials from {a} met {b} envoys. Trade was discussed. "
"""A sentence naming both countries: every article is a pair at the sentence level."""


def write_articles(
    path: Path,
    count: int,
    *,
    prefix: str,
    countries: Sequence[str],
    published: Callable[[int], str],
    text: str = TEXT,
    repeat: int = 3,
    source: Callable[[int], str] | None = None,
) -> Path:
    """Write `count` English articles to `path` and return it.

    Args:
        prefix: makes the urls, so the same prefix gives the same articles (duplicates).
        countries: article i names countries[i] and another, so that pairs vary.
        published: article i's date or time, as a record gives it.
        text: formatted with the countries (`a`, `b`) and the prefix, then repeated.
        source: article i's source; the file name when None.
    """
    n = len(countries)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            a, b = countries[i % n], countries[(i + 1 + i // n) % n]
            record = {
                "url": f"https://example.org/{prefix}/{i}",
                "published": published(i),
                "lang": "en",
                "title": f"{a} and {b}, item {i}",
                "text": text.format(a=a, b=b, prefix=prefix) * repeat,
            }
            if source is not None:
                record["source"] = source(i)
            handle.write(json.dumps(record) + "\n")
    return path
