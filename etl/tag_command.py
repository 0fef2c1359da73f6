"""`python -m etl tag`: tag records without loading them, one JSON object per record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from etl.records import Reject, TaggedArticle
from etl.settings import Settings
from etl.sources import ReadOptions, plan_inputs, read_inputs
from etl.tag.pipeline import TagOptions, tag_batch

STDIN = Path("/dev/stdin")
BATCH = 64
"""Records tagged together: small, so output starts promptly on a pipe."""


def tag_records(path: str, fmt: str, *, with_tone: bool = True) -> Iterator[str]:
    """Yield one JSON line per input record: its tags, or the reason it was rejected."""
    settings = Settings()
    if path == "-":
        files, _ = plan_inputs([STDIN], "jsonl" if fmt == "auto" else fmt)
    else:
        files, _ = plan_inputs([Path(path)], fmt)
    options = ReadOptions(settings.max_article_bytes, settings.max_line_bytes)
    items = read_inputs(files, options)
    tag_options = TagOptions(with_tone=with_tone, evidence_per_pair=settings.evidence_per_pair)
    while chunk := list(islice(items, BATCH)):
        articles = [item for item in chunk if not isinstance(item, Reject)]
        tagged = iter(tag_batch(articles, tag_options))
        for item in chunk:
            result = item if isinstance(item, Reject) else next(tagged)
            yield json.dumps(as_json(result), ensure_ascii=False)


def as_json(result: TaggedArticle | Reject) -> dict[str, Any]:
    if isinstance(result, Reject):
        return {"id": result.record_id, "locator": result.locator, "rejected": result.reason}
    article = result.article
    return {
        "id": article.record_id,
        "article_id": article.article_id,
        "lang": result.lang,
        "countries": [c.country for c in result.countries],
        "mentions": [
            {"country": m.country, "surface": m.surface, "start": m.start, "end": m.end}
            for m in result.mentions
        ],
        "pairs": [
            {
                "a": p.country_a,
                "b": p.country_b,
                "sentences": p.sentence_count,
                "tone": _round(p.tone),
                "conflict": _round(p.conflict),
            }
            for p in result.pairs
        ],
        "tone": _round(result.tone.tone) if result.tone else None,
        "conflict": _round(result.conflict),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
