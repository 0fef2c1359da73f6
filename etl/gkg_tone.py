"""Re-scoring GKG rows from their stored titles when a database upgrades to schema 4.

Before schema 4 a GKG row's `tone` was GDELT's V2Tone; migrate_to_4.sql moves it to the
gdelt_* columns and this step gives the row the encoder's title tone, scored by the same
tagging function as a newly loaded GKG row, so an upgraded database needs no `--retag` and
no GKG files kept around (refs #15).
"""

from __future__ import annotations

from itertools import islice

import duckdb
import pyarrow as pa

import queries
from etl.records import Article
from etl.tag.pipeline import TagOptions, tag_batch

BATCH = 512
"""Titles scored per encoder call: a whole batch's sentences go in one call (etl/tag/tone.py)."""


def rescore_gkg_titles(con: duckdb.DuckDBPyConnection) -> int:
    """Score every stored GKG title with the encoder; returns the number of rows scored."""
    rows = queries.run("gkg_titles", con).itertuples(index=False)
    scored = 0
    while batch := list(islice(rows, BATCH)):
        tones = _title_tones(batch)
        con.register("gkg_tones", tones)
        try:
            queries.execute("set_gkg_tones", con)
        finally:
            con.unregister("gkg_tones")
        scored += len(batch)
    return scored


def _title_tones(batch: list) -> pa.Table:
    # a title-only, pre-tagged article: tagging scores its title and leaves the countries alone
    articles = [
        Article(
            url=None,
            title=row.title,
            text="",
            published_at=row.published_at,
            source=row.source,
            lang=row.lang,
            origin="gkg",
            countries={},
            article_id=row.article_id,
        )
        for row in batch
    ]
    tagged = tag_batch(articles, TagOptions())
    return pa.table(
        {
            "article_id": pa.array([t.article.article_id for t in tagged], pa.string()),
            "tone": pa.array([t.tone.tone if t.tone else None for t in tagged], pa.float64()),
            "word_count": pa.array(
                [t.tone.word_count if t.tone else None for t in tagged], pa.int32()
            ),
        }
    )
