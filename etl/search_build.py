"""The full rebuild's search postings, built a chunk of articles at a time (refs #18).

queries/refresh_aggregates.sql creates `search_postings` empty; this appends the postings of
CHUNK_ARTICLES articles at a time, each chunk sorted by word. One sort of every posting (423M
rows at 1M articles with news-sized texts) spills under the ETL's memory limit and cost 1.4
times the CPU per article of the chunks, which sort in memory. It is the layout a database
kept by `load` and `watch` has already (each load appends its own articles' postings sorted
by word), and the searches find a word's rows in it by the row groups' min/max.
"""

from __future__ import annotations

import duckdb

import queries

CHUNK_ARTICLES = 20_000
"""Articles whose postings are sorted at once: about 8.5M rows for news-sized texts (600
words), which sort in memory under the ETL's 1 GB limit (35,000 articles' still do, 50,000
articles' spill). At 1M articles, chunks of 50,000 cost 2.5 % more CPU for a 6 % smaller
index and 20 runs of each word instead of 50, which searches matched no faster
(bench/search_index.py, bench/query_latency.py, README "How search works")."""


def build_search_postings(
    con: duckdb.DuckDBPyConnection, chunk_articles: int = CHUNK_ARTICLES
) -> None:
    """Fill the empty `search_postings` from `articles` and `search_docs`, sorting the
    postings of `chunk_articles` articles at a time."""
    kind = queries.run("relation_type", con, table_name="articles")["table_type"]
    if kind.iloc[0] == "VIEW":
        # attach --views: a view over the lake's files has no rowid to take chunks by
        queries.execute("insert_search_postings", con)
        return
    chunks = queries.run("search_postings_chunks", con, chunk_articles=chunk_articles)
    for first_row, rows_end in chunks.itertuples(index=False):
        queries.execute(
            "insert_search_postings_chunk", con, first_row=int(first_row), rows_end=int(rows_end)
        )
