"""Stage tagged articles and rejects for the (working copy of the) DuckDB database.

The loader stages tagged articles as Arrow tables with the columns of the schema
(etl/tables.py), which the Dask engine (etl/engines) writes to Parquet.

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

from collections.abc import Iterable
from datetime import datetime

import duckdb
import pyarrow as pa

import queries
from etl import clock
from etl.records import Reject
from etl.tables import TaggedTables, rejects_table, with_loaded_at


def utc_now() -> datetime:
    """Now as the database stores times: naive UTC."""
    return clock.utc_now().replace(tzinfo=None)


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

    def write_tables(self, batch: TaggedTables, *, now: bool = False) -> list[str]:
        """Stage a tagged batch's articles (its rejects are `write_rejects`'): they wait, as
        Arrow tables, until `stage_articles` articles do (or `now`), then all are written in
        one transaction (`flush` writes the rest).

        Returns:
            The ids of the articles this call wrote: none while the batch waits.
        """
        if batch.article_ids:
            self._waiting.append(with_loaded_at(batch.tables, utc_now()))
            self._waiting_ids += batch.article_ids
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
        with registered(self.con, **tables), transaction(self.con):
            queries.execute("insert_batch", self.con)
        written, self._waiting, self._waiting_ids = self._waiting_ids, [], []
        return written

    def write_rejects(self, rejects: list[Reject]) -> None:
        if not rejects:
            return
        table = rejects_table(rejects, self.run_id, utc_now())
        with registered(self.con, batch_rejects=table), transaction(self.con):
            queries.execute("insert_rejects", self.con)


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


class transaction:
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
