"""Stage tagged articles and rejects for the (working copy of the) DuckDB database.

The `*_table` converters turn tagged articles into Arrow tables with the columns of the
schema; the Dask engine (etl/engines) writes the same tables to Parquet.

A run's rows go to its stage (etl/stage.py), which is applied to the database at the end
of the run (etl/stage.py's STAGED_TABLES names each staged table and how it is applied).
Write mode per table, declared here rather than implied by the code:
- articles: merge on article_id. New ids are inserted; an id already present is a duplicate
  and left alone, unless the run re-tags (--retag), which replaces it.
- mentions, article_pairs, evidence, story_signatures: owned by their article; written and
  replaced with it.
- stories: the rows of every story a run's articles joined or started, replaced whole
  (etl/story_load.py); articles.story_id is set on the staged articles before they apply.
- rejects: append, one row per rejected input row, tagged with the run id.
- ingest_runs: append one row per run, completed when the run finishes.
- countries: replaced from the gazetteer on every run.
- daily aggregates, rollups, pair_articles, country_articles: merged with the signed rows of
  what the run added and replaced (etl/stage.py's AGGREGATES); rebuilt whole only by
  queries/refresh_aggregates.sql (new database, migration, attach).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

import queries
from etl import clock
from etl.records import Reject, TaggedArticle, ToneFields

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


def utc_now() -> datetime:
    """Now as the database stores times: naive UTC."""
    return clock.utc_now().replace(tzinfo=None)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


STAGE_ARTICLES = 4096
"""Tagged articles staged per transaction. Every commit to the stage writes and syncs its
log, and small ones add up: staging Reuters-21578 in 84 commits of 256 cost the loading
process ~3.0 CPU s, 4,096 at a time ~1.6 s, and half the waiting on the disk (refs #20).
What waits is Arrow, ~4 KB an article with its story signature. A crash loses nothing by
waiting: the stage is applied only when the run ends."""


class Loader:
    """Stages one run's batches, several batches to a transaction."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, run_id: int, stage_articles: int = STAGE_ARTICLES
    ) -> None:
        self.con = con
        self.run_id = run_id
        self.stage_articles = stage_articles
        self._waiting: list[dict[str, pa.Table]] = []
        self._waiting_ids: list[str] = []

    def existing_ids(self, ids: Iterable[str], *, this_run_only: bool = False) -> set[str]:
        """Which of these article ids are already in the database or staged (or, for a
        re-tagging run, were already staged by this run); ids still waiting in the loader
        are not staged yet."""
        table = pa.table({"article_id": pa.array(list(ids), pa.string())})
        with registered(self.con, batch_ids=table):
            if this_run_only:
                found = queries.run("existing_article_ids_in_run", self.con)
            else:
                found = queries.run("existing_article_ids", self.con)
        return set(found["article_id"])

    def write(self, tagged: list[TaggedArticle], *, now: bool = False) -> list[str]:
        """Stage a batch of tagged articles with their mentions, pairs and evidence: it waits,
        as Arrow tables, until `stage_articles` articles do (or `now`), then all are written
        in one transaction (`flush` writes the rest).

        Returns:
            The ids of the articles this call wrote: none while the batch waits.
        """
        if tagged:
            self._waiting.append(batch_tables(tagged, self.run_id, utc_now()))
            self._waiting_ids += [t.article.article_id for t in tagged]
        if len(self._waiting_ids) < self.stage_articles and not now:
            return []
        return self.flush()

    def flush(self) -> list[str]:
        """Write the waiting articles in one transaction; their ids."""
        if not self._waiting:
            return []
        tables = {
            name: pa.concat_tables([batch[name] for batch in self._waiting])
            for name in self._waiting[0]
        }
        with registered(self.con, **tables), _transaction(self.con):
            queries.execute("insert_batch", self.con)
        written, self._waiting, self._waiting_ids = self._waiting_ids, [], []
        return written

    def write_rejects(self, rejects: list[Reject]) -> None:
        if not rejects:
            return
        table = rejects_table(rejects, self.run_id, utc_now())
        with registered(self.con, batch_rejects=table), _transaction(self.con):
            queries.execute("insert_rejects", self.con)


def batch_tables(
    tagged: list[TaggedArticle], run_id: int, loaded_at: datetime
) -> dict[str, pa.Table]:
    """A batch's rows under the names queries/insert_batch.sql reads them by."""
    return {
        "batch_articles": articles_table(tagged, run_id, loaded_at),
        "batch_mentions": mentions_table(tagged),
        "batch_pairs": pairs_table(tagged),
        "batch_evidence": evidence_table(tagged),
        "batch_signatures": signatures_table(tagged),
    }


def articles_table(tagged: list[TaggedArticle], run_id: int, loaded_at: datetime) -> pa.Table:
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


def write_countries(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the countries table (names and flags for the dashboard) from the gazetteer."""
    from etl.tag.countries import country_table

    rows = country_table()
    table = pa.table(
        {
            "country": [r["iso3"] for r in rows],
            "iso2": [r["iso2"] for r in rows],
            "name": [r["name"] for r in rows],
            "flag": [r["flag"] for r in rows],
        }
    )
    with registered(con, batch_countries=table):
        queries.execute("replace_countries", con)


HIGHLIGHTS = pa.list_(
    pa.struct([("country", pa.string()), ("start_offset", pa.int32()), ("end_offset", pa.int32())])
)
"""Where the pair's countries are named inside an evidence sentence."""


class registered:
    """Expose Arrow tables to SQL under fixed names for the duration of a block."""

    def __init__(self, con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> None:
        self.con = con
        self.tables = tables

    def __enter__(self) -> None:
        for name, table in self.tables.items():
            self.con.register(name, table)

    def __exit__(self, *exc: object) -> None:
        for name in self.tables:
            self.con.unregister(name)


class _transaction:
    """BEGIN ... COMMIT, or ROLLBACK and re-raise."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def __enter__(self) -> None:
        self.con.begin()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.con.commit()
        else:
            self.con.rollback()
