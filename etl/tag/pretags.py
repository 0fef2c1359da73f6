"""Pre-tagged countries resolved to ISO-3 codes before a record is tagged (`resolve_pretags`).

The loading process resolves them while it reads, before it drops duplicates; apart from
etl/tag/pipeline.py so that it does so without importing the tagger (refs #20).
"""

from __future__ import annotations

from dataclasses import replace

from etl.records import Article, Reject
from etl.tag.countries import to_iso3


def resolve_pretags(article: Article) -> Article | Reject:
    """The article with its pre-tagged countries as ISO-3 codes, or a Reject naming the first
    it cannot resolve. The loader calls it before dropping duplicates, so a rejected copy of
    a URL never hides a valid one."""
    if not article.is_pretagged:
        return article
    counts: dict[str, int] = {}
    for name, count in (article.countries or {}).items():
        code = to_iso3(name)
        if code is None:
            return Reject(
                article.locator.rsplit(":", 1)[0],
                article.locator,
                f"unknown country {name!r} in countries",
                article.title or article.text,
                record_id=article.record_id,
            )
        counts[code] = counts.get(code, 0) + count
    return replace(article, countries=counts)
