"""`python -m etl attach LAKE`: publish a DuckDB database over a Parquet lake.

The database gets the usual schema, the lake's rows, the countries table and the daily
aggregates (queries/refresh_aggregates.sql), and is published atomically like a local load,
so the dashboard reads it unchanged. Two ways to hold the dated tables:

- native (default): copied into DuckDB tables. Fastest queries; the file holds every
  article's text, and it is a snapshot: attach again after a load.
- views (--as-views): articles, mentions, article_pairs and evidence become views over the
  lake's files; the file holds only the aggregates, runs and rejects. Queries on those four
  tables read Parquet (pruned by date for articles), and the dashboard's host needs to reach
  the lake (for S3: DuckDB's httpfs extension and credentials, see the README).

A local lake is read by DuckDB itself; any other URL is read through pyarrow and fsspec (the
lake's storage options), so a native attach from S3 needs no DuckDB extension.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

import queries
from etl import publish
from etl.database import connect_working, refresh_aggregates
from etl.engines.lake import DATE_COLUMN, DATED_TABLES, Lake
from etl.errors import DatabaseError
from etl.load import write_countries
from etl.settings import Settings
from etl.story_load import attach_stories
from etl.tables import empty_table


@dataclass
class AttachSummary:
    articles: int
    runs: int
    views: bool

    def line(self) -> str:
        kind = "views over the lake" if self.views else "tables loaded from the lake"
        return f"attached {self.articles} articles from {self.runs} runs ({kind})"


def attach_lake(
    lake: Lake,
    settings: Settings,
    *,
    as_views: bool = False,
    say: Callable[[str], None] | None = None,
) -> AttachSummary:
    """Publish `settings.db_path` as a database over (or loaded from) `lake`.

    Raises:
        LakeError: the lake cannot be reached, or nothing was loaded there.
        LockedError: another ETL run holds the database.
        DatabaseError: DuckDB cannot read the lake (for views over S3: httpfs missing).
    """
    lake.check(create=False)
    with (
        publish.exclusive_lock(settings.db_path, wait=settings.wait_for_lock, say=say),
        publish.working_copy(settings.db_path, fresh=True) as work,
    ):
        con = connect_working(work, published=settings.db_path)
        try:
            _fill(con, lake, as_views)
            articles = con.execute("select count(*) from articles").fetchone()[0]
            runs = con.execute("select count(*) from ingest_runs").fetchone()[0]
            con.execute("checkpoint")
        finally:
            con.close()
    return AttachSummary(articles, runs, as_views)


def _fill(con: duckdb.DuckDBPyConnection, lake: Lake, as_views: bool) -> None:
    dated = {table: lake.files(table) for table in DATED_TABLES}
    if as_views:
        # a view cannot be updated: the stories of its articles live in a table it joins
        queries.execute("article_stories_schema", con)
        for table, files in dated.items():
            if files:
                _replace_by_view(con, lake, table)
        attach_stories(con, as_views=True)
    else:
        for table, files in dated.items():
            _expose(con, f"lake_{table}", _relation(con, lake, table, files, DATE_COLUMN))
        queries.execute("insert_lake_tables", con)
        # stories are assigned over the whole lake at once: a window's articles may lie in
        # several partitions, written by different workers (refs #16)
        attach_stories(con, as_views=False)
    _expose(con, "lake_rejects", _relation(con, lake, "rejects", lake.files("rejects"), "run_id"))
    con.register("lake_ingest_runs", lake.runs())
    queries.execute("insert_lake_runs", con)
    write_countries(con)
    refresh_aggregates(con)
    queries.execute("set_meta", con, key="lake", value=lake.url)
    queries.execute("set_meta", con, key="lake_mode", value="views" if as_views else "native")


def _relation(con, lake: Lake, table: str, files: list[str], partition: str):
    """A table's rows with its hive partition column: DuckDB reads a local lake itself,
    pyarrow (through fsspec) any other, and an empty table stands in for no files."""
    if not files:
        return _empty(table)
    if lake.is_local:
        return con.read_parquet(files, hive_partitioning=True)
    partitioning = ds.partitioning(pa.schema([_PARTITION_FIELDS[partition]]), flavor="hive")
    return ds.dataset(
        files,
        filesystem=lake.fs,
        format="parquet",
        partitioning=partitioning,
        partition_base_dir=f"{lake.root}/{table}",
    )


def _expose(con, name: str, relation) -> None:
    if isinstance(relation, duckdb.DuckDBPyRelation):
        relation.create_view(name, replace=True)
    else:
        con.register(name, relation)


def _replace_by_view(con: duckdb.DuckDBPyConnection, lake: Lake, table: str) -> None:
    """Drop the schema's table and create a view of the same columns over the lake.

    A view cannot bind parameters, so the file pattern is written into the view as an
    escaped string literal; the table name comes from DATED_TABLES, never from input.
    """
    columns = [f"lake.{row[0]}" for row in con.execute(f"describe {table}").fetchall()]
    if f"lake.{DATE_COLUMN}" not in columns:
        columns.append(f"lake.{DATE_COLUMN}")  # kept so that a query on the view can prune by date
    pattern = _literal(lake.uri(f"{lake.root}/{table}/*/*.parquet"))
    source = f"read_parquet({pattern}, hive_partitioning = true) as lake"
    if table == "articles":
        # the lake's articles have no story yet: attach assigns them (refs #16)
        columns[columns.index("lake.story_id")] = (
            "coalesce(article_stories.story_id, lake.article_id) as story_id"
        )
        source += " left join article_stories using (article_id)"
    con.execute(f"drop table {table}")
    try:
        con.execute(f"create view {table} as select {', '.join(columns)} from {source}")
    except duckdb.Error as err:
        raise DatabaseError(
            f"DuckDB cannot read {lake.url} for views: {err}; for s3:// it needs the httpfs "
            "extension and credentials (README, 'Scaling out'), or attach without --as-views"
        ) from err


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_PARTITION_FIELDS = {DATE_COLUMN: (DATE_COLUMN, pa.date32()), "run_id": ("run_id", pa.int32())}

# tables a lake keeps without the date column it partitions the others by
_UNDATED = ("articles", "rejects")


def _empty(table: str) -> pa.Table:
    empty = empty_table(table)
    return empty if table in _UNDATED else _dated(empty)


def _dated(table: pa.Table) -> pa.Table:
    return table.append_column(DATE_COLUMN, pa.array([], pa.date32()))


__all__ = ["AttachSummary", "attach_lake"]
