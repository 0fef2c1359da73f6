"""Tagged articles and rejects as Arrow tables in the columns of the schema.

The loader stages these tables (etl/load.py), the Dask engine writes them to Parquet
(etl/engines), and a load's pool workers build them for the batches they tag
(`tag_as_tables`), so that what crosses from a worker to the loading process is Arrow
buffers rather than pickled Python objects (refs #20). It imports no database library:
every worker imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from etl.records import Article, Reject, TaggedArticle, ToneFields

if TYPE_CHECKING:
    from etl.tag.pipeline import TagOptions


@dataclass
class TaggedTables:
    """A tagged batch as the loader stages it: `batch_tables` of its tagged articles (their
    loaded_at unset until they are staged, `with_loaded_at`), their ids, and its rejects."""

    tables: dict[str, pa.Table]
    article_ids: list[str]
    rejects: list[Reject]


def tag_as_tables(batch: list[Article], options: TagOptions, run_id: int) -> TaggedTables:
    """Tag a batch (`tag_batch`) and return its results as tables: what a load's pool
    workers run. Pickled, Arrow tables cost ~2 ms the 512 articles to send and receive, the
    tagged articles ~57 ms, ~29 of them in the loading process (with its ~23 ms of
    `batch_tables`, which the worker now does), on Reuters-21578 with tone (refs #20)."""
    # the tagger is imported here, not with this module: the loading process stages these
    # tables and imports the tagger only after it has started the pool's server (etl/run.py)
    from etl.tag.pipeline import tag_batch

    return as_tables(tag_batch(batch, options), run_id)


def as_tables(results: list[TaggedArticle | Reject], run_id: int) -> TaggedTables:
    tagged = [r for r in results if isinstance(r, TaggedArticle)]
    return TaggedTables(
        batch_tables(tagged, run_id, None),
        [t.article.article_id for t in tagged],
        [r for r in results if isinstance(r, Reject)],
    )


def with_loaded_at(tables: dict[str, pa.Table], loaded_at: datetime) -> dict[str, pa.Table]:
    """`batch_tables` with its articles' loaded_at set."""
    articles = tables["batch_articles"]
    column = pa.array([loaded_at] * articles.num_rows, pa.timestamp("us"))
    index = articles.schema.get_field_index("loaded_at")
    return {**tables, "batch_articles": articles.set_column(index, "loaded_at", column)}


ENCODER_TONE_COLUMNS = ("tone", "tone_positive", "tone_negative", "tone_polarity", "word_count")
"""The article's tone columns: the encoder's tone, or a record's own pre-tagged tone."""
GDELT_TONE_COLUMNS = (
    "gdelt_tone",
    "gdelt_positive",
    "gdelt_negative",
    "gdelt_polarity",
    "gdelt_word_count",
)
"""GDELT's V2Tone of a GKG row: another instrument, kept apart from `tone` (refs #15)."""


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


HIGHLIGHTS = pa.list_(
    pa.struct([("country", pa.string()), ("start_offset", pa.int32()), ("end_offset", pa.int32())])
)
"""Where the pair's countries are named inside an evidence sentence."""


def batch_tables(
    tagged: list[TaggedArticle], run_id: int, loaded_at: datetime | None
) -> dict[str, pa.Table]:
    """A batch's rows under the names queries/insert_batch.sql reads them by."""
    return {
        "batch_articles": articles_table(tagged, run_id, loaded_at),
        "batch_mentions": mentions_table(tagged),
        "batch_pairs": pairs_table(tagged),
        "batch_evidence": evidence_table(tagged),
        "batch_signatures": signatures_table(tagged),
    }


def articles_table(
    tagged: list[TaggedArticle], run_id: int, loaded_at: datetime | None
) -> pa.Table:
    """One row per tagged article, in the columns of the articles table."""
    rows = [t.article for t in tagged]
    tones = [t.tone for t in tagged]
    return pa.table(
        {
            "article_id": pa.array([a.article_id for a in rows], pa.string()),
            "record_id": pa.array([a.record_id for a in rows], pa.string()),
            # each article its own story until story grouping assigns them (refs #16)
            "story_id": pa.array([a.article_id for a in rows], pa.string()),
            "run_id": pa.array([run_id] * len(rows), pa.int32()),
            "url": pa.array([a.url for a in rows], pa.string()),
            "source": pa.array([a.source for a in rows], pa.string()),
            "title": pa.array([a.title for a in rows], pa.string()),
            "text": pa.array([a.text for a in rows], pa.string()),
            "lang": pa.array([t.lang for t in tagged], pa.string()),
            "is_lang_detected": pa.array([t.lang_detected for t in tagged], pa.bool_()),
            "origin": pa.array([a.origin for a in rows], pa.string()),
            "locator": pa.array([a.locator for a in rows], pa.string()),
            "notes": pa.array(["; ".join(a.notes) or None for a in rows], pa.string()),
            **tone_columns(tones, ENCODER_TONE_COLUMNS),
            "conflict": pa.array([t.conflict for t in tagged], pa.float64()),
            **tone_columns([a.gdelt_tone for a in rows], GDELT_TONE_COLUMNS),
            "sentence_count": pa.array([t.sentence_count for t in tagged], pa.int32()),
            "country_count": pa.array([len(t.countries) for t in tagged], pa.int32()),
            "published_at": pa.array(
                [_naive_utc(a.published_at) for a in rows], pa.timestamp("us")
            ),
            "published_date": pa.array(
                [a.published_at.astimezone(UTC).date() for a in rows], pa.date32()
            ),
            "loaded_at": pa.array([loaded_at] * len(rows), pa.timestamp("us")),
        }
    )


def tone_columns(tones: list[ToneFields | None], names: tuple[str, ...]) -> dict[str, pa.Array]:
    """Tone, positive, negative, polarity and word count under the given column names."""
    tone, positive, negative, polarity, words = names
    return {
        tone: pa.array([x.tone if x else None for x in tones], pa.float64()),
        positive: pa.array([x.positive if x else None for x in tones], pa.float64()),
        negative: pa.array([x.negative if x else None for x in tones], pa.float64()),
        polarity: pa.array([x.polarity if x else None for x in tones], pa.float64()),
        words: pa.array([x.word_count if x else None for x in tones], pa.int32()),
    }


def rejects_table(rejects: list[Reject], run_id: int, rejected_at: datetime) -> pa.Table:
    """One row per rejected input row, in the columns of the rejects table."""
    return pa.table(
        {
            "run_id": pa.array([run_id] * len(rejects), pa.int32()),
            "source": pa.array([r.source for r in rejects], pa.string()),
            "locator": pa.array([r.locator for r in rejects], pa.string()),
            "reason": pa.array([r.reason for r in rejects], pa.string()),
            "raw": pa.array([r.raw for r in rejects], pa.string()),
            "rejected_at": pa.array([rejected_at] * len(rejects), pa.timestamp("us")),
        }
    )


def mentions_table(tagged: list[TaggedArticle]) -> pa.Table:
    # a pre-tagged article without text has no sentences, so its sentence counts are unknown
    rows = [
        (t.article.article_id, c, t.sentence_count is not None) for t in tagged for c in t.countries
    ]
    return pa.table(
        {
            "article_id": pa.array([i for i, _, _ in rows], pa.string()),
            "country": pa.array([c.country for _, c, _ in rows], pa.string()),
            "mention_count": pa.array([c.mention_count for _, c, _ in rows], pa.int32()),
            "first_offset": pa.array([c.first_offset for _, c, _ in rows], pa.int32()),
            "sentence_count": pa.array(
                [c.sentence_count if has_text else None for _, c, has_text in rows], pa.int32()
            ),
            "tone": pa.array([c.tone for _, c, _ in rows], pa.float64()),
        }
    )


def pairs_table(tagged: list[TaggedArticle]) -> pa.Table:
    rows = [(t.article.article_id, p) for t in tagged for p in t.pairs]
    return pa.table(
        {
            "article_id": pa.array([i for i, _ in rows], pa.string()),
            "country_a": pa.array([p.country_a for _, p in rows], pa.string()),
            "country_b": pa.array([p.country_b for _, p in rows], pa.string()),
            "sentence_count": pa.array([p.sentence_count for _, p in rows], pa.int32()),
            "tone": pa.array([p.tone for _, p in rows], pa.float64()),
            "conflict": pa.array([p.conflict for _, p in rows], pa.float64()),
        }
    )


def evidence_table(tagged: list[TaggedArticle]) -> pa.Table:
    rows = [(t.article.article_id, p, e) for t in tagged for p in t.pairs for e in p.evidence]
    return pa.table(
        {
            "article_id": pa.array([i for i, _, _ in rows], pa.string()),
            "country_a": pa.array([p.country_a for _, p, _ in rows], pa.string()),
            "country_b": pa.array([p.country_b for _, p, _ in rows], pa.string()),
            "sentence_no": pa.array([e.sentence_no for _, _, e in rows], pa.int32()),
            "sentence": pa.array([e.sentence for _, _, e in rows], pa.string()),
            "start_offset": pa.array([e.start for _, _, e in rows], pa.int32()),
            "end_offset": pa.array([e.end for _, _, e in rows], pa.int32()),
            "highlights": pa.array(
                [
                    [{"country": c, "start_offset": s, "end_offset": x} for c, s, x in e.highlights]
                    for _, _, e in rows
                ],
                HIGHLIGHTS,
            ),
        }
    )


def signatures_table(tagged: list[TaggedArticle]) -> pa.Table:
    """One row per tagged article, in the columns of the story_signatures table (refs #16)."""
    keys = [t.story for t in tagged]
    return pa.table(
        {
            "article_id": pa.array([t.article.article_id for t in tagged], pa.string()),
            "minhash": list_column([k.minhash if k else None for k in keys], pa.uint32()),
            "title_key": pa.array([k.title_key if k else None for k in keys], pa.string()),
            "is_headline_only": pa.array([bool(k and k.is_headline_only) for k in keys]),
            "url_key": pa.array([k.url_key if k else None for k in keys], pa.string()),
            "numbers_key": pa.array([k.numbers_key if k else None for k in keys], pa.string()),
            "vector": list_column(
                [k.vector if k is not None else None for k in keys], pa.float32()
            ),
        }
    )


def list_column(values: list[Sequence | None], value_type: pa.DataType) -> pa.ListArray:
    """A list column from one sequence (or None) per row, built from one flat numpy buffer.

    `pa.array` over the rows converts every element through Python: the story signatures'
    126 minhashes and 512-float vectors cost the loading process ~18 ms per 1,000 articles
    (~0.4 s of a Reuters-21578 load), ~5 ms this way (refs #20).
    """
    dtype = value_type.to_pandas_dtype()
    present = [np.asarray(v, dtype=dtype) for v in values if v is not None]
    lengths = np.fromiter((0 if v is None else len(v) for v in values), np.int32, len(values))
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.concatenate(present) if present else np.empty(0, dtype=dtype)
    return pa.ListArray.from_arrays(
        pa.array(offsets),
        pa.array(flat, value_type),
        mask=pa.array([v is None for v in values], pa.bool_()),
    )


def empty_table(table: str) -> pa.Table:
    """No rows, in the columns a load writes to `table` (a lake's empty partition, attach)."""
    epoch = datetime(1970, 1, 1)
    return {
        "articles": lambda: articles_table([], 0, epoch),
        "mentions": lambda: mentions_table([]),
        "article_pairs": lambda: pairs_table([]),
        "evidence": lambda: evidence_table([]),
        "story_signatures": lambda: signatures_table([]),
        "rejects": lambda: rejects_table([], 0, epoch),
    }[table]()
