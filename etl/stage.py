"""A load's changes, staged in a small DuckDB file and applied to a database (issue #13).

A load writes its new articles (with their mentions, pairs and evidence), rejects and run
into a stage file attached as `stage`, then applies the stage to the working database:
base rows inserted, the aggregates merged with the signed rows of what was added and
replaced (queries/apply_stage.sql). The stage is kept after publishing, so the next load
can bring the previous published file (the spare, see etl/publish.py) up to date by
applying it there too, instead of copying the whole database.

Each published file carries a `publish_id`; a stage records the id it produces and the id
of the database it applies to (`base_publish_id`), so a stage is only ever applied to the
exact file it was made against.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

import queries
from etl.load import transaction, write_countries

CATALOG = "stage"
"""Name of the attached stage inside the working connection (the queries use it)."""

STAGED_TABLES = {
    "articles": "append",
    "mentions": "append",
    "article_pairs": "append",
    "evidence": "append",
    "rejects": "append",
    "ingest_runs": "upsert",
    "story_signatures": "append",
    "stories": "upsert",
}
"""The tables whose rows a load stages, each with how its staged rows join the database:
`append` (queries/append_staged_rows.sql) or `upsert` (upsert_staged_rows.sql). A table
the ETL starts to fill is one line here, or the next publish, which applies the stage to
the spare, loses its rows (refs #12)."""

ARTICLE_TABLES = (
    "story_signatures",
    "evidence",
    "article_pairs",
    "mentions",
    "articles",
    "pair_articles",
    "country_articles",
    "search_docs",
)
"""The tables whose rows belong to an article (keyed by article_id): a re-tagging stage
deletes the replaced articles' rows from each (queries/delete_replaced_rows.sql), so their
staged rows are all new. Appending story signatures rather than upserting them took that step
of the apply of a Reuters-21578 load from ~0.8 s to ~0.2 s (refs #20)."""

AGGREGATES = (
    "daily_totals",
    "country_daily",
    "pair_daily",
    "country_daily_all",
    "country_monthly_all",
    "country_yearly_all",
    "pair_daily_all",
    "pair_monthly_all",
    "pair_yearly_all",
)
"""The aggregates a stage merges its signed rows into (queries/merge_aggregate.sql), each
from the temp table delta_<name> that queries/apply_stage.sql makes."""


STORY_DAYS = {
    "story_days": ("touched_story_counts", False),
    "pair_story_days": ("touched_pair_story_counts", False),
    "story_facet_days": ("touched_story_counts", True),
    "pair_story_facet_days": ("touched_pair_story_counts", True),
}
"""The story days a stage rebuilds for the stories it touches (queries/replace_story_days.sql,
refs #16): table -> the touched stories' day counts it is made from (apply_stage.sql), and
whether by language and source."""


def start(con: duckdb.DuckDBPyConnection, path: Path, *, replaces: bool) -> None:
    """Attach a new, empty stage at `path` to the working connection.

    Args:
        replaces: the load re-tags, so its articles replace loaded ones.
    """
    con.execute(f"attach $path as {CATALOG}", {"path": str(path)})
    # the stage gets the real schema, defaults included: a column a newer schema adds with
    # a default must get it in rows the load stages, not an explicit null
    with using_stage(con):
        queries.execute("schema", con)
    base = _meta(con, "get_meta", "publish_id")
    queries.execute("set_stage_meta", con, key="base_publish_id", value=base or "")
    queries.execute("set_stage_meta", con, key="publish_id", value=uuid.uuid4().hex)
    queries.execute("set_stage_meta", con, key="replaces", value="true" if replaces else "")


@contextmanager
def using_stage(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Unqualified table names mean the attached stage's tables inside the block: a writer
    that must reach the spare too (the watcher's state) runs its queries here as well."""
    home = con.execute("select current_database()").fetchone()[0]
    con.execute(f"use {CATALOG}")
    try:
        yield
    finally:
        con.execute(f"use {_identifier(home)}")


def finish(
    con: duckdb.DuckDBPyConnection, run_id: int, *, story_free: StoryFree | None = None
) -> None:
    """Record the finished run in the stage, apply the stage here and detach it.

    Args:
        story_free: what no story id decides, being applied by `alongside_stories`.
    """
    queries.execute("stage_run", con, run_id=run_id)
    apply(con, story_free=story_free)
    con.execute(f"detach {CATALOG}")


STORY_FREE_TABLES = ("story_signatures", "mentions", "article_pairs", "evidence", "rejects")
"""Staged tables (all appended) whose rows no story id decides: with the search index's rows
(queries/apply_stage_search.sql) what a load can apply while it assigns the stories."""


class StoryFree:
    """`STORY_FREE_TABLES` and the search index's rows, being applied and committed on a
    cursor of its own in a thread (`alongside_stories`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._cursor = con.cursor()
        self._failed: list[BaseException] = []
        self._thread = threading.Thread(target=self._apply, daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Return once the rows are committed; raise what failed instead (once)."""
        self.join()
        if self._failed:
            raise self._failed.pop()

    def join(self) -> None:
        self._thread.join()
        self._cursor.close()

    def _apply(self) -> None:
        try:
            self._cursor.begin()
            try:
                for table in STORY_FREE_TABLES:
                    queries.execute(
                        "append_staged_rows", self._cursor, identifiers={"table": table}
                    )
                queries.execute("apply_stage_search", self._cursor)
            except BaseException:
                self._cursor.rollback()
                raise
            self._cursor.commit()
        # whatever it is, `wait` re-raises it in the loading thread
        except BaseException as err:  # noqa: BLE001
            self._failed.append(err)


@contextmanager
def alongside_stories(con: duckdb.DuckDBPyConnection) -> Iterator[StoryFree | None]:
    """Apply what no story id decides (`STORY_FREE_TABLES`, the search index's rows) on a
    cursor of its own, in a thread, while the block assigns the stories and applies the rest
    of the stage (`finish(..., story_free=...)` with what it yields, None where it does not).

    Story assignment at the end of a load is Python holding the GIL on one core, and these
    rows (~1.5 s of a Reuters-21578 load's serial tail, DuckDB on both cores: the search
    postings, the 512-float story vectors) wait for no story, so the two overlap (refs #20).
    Assignment compares with loaded articles only, which these rows do not add, and the rest
    of the apply reads none of them but the search documents' (see `apply`). They are
    committed to the working file apart from the rest of the stage, which is safe there
    only: the file is private until published, and removed if the load fails. A catch-up
    (the spare) and a re-tagging stage, whose rows must follow the deletion of the replaced
    ones, apply everything in `apply`'s one transaction.
    """
    if _meta(con, "get_stage_meta", "replaces"):
        yield None
        return
    story_free = StoryFree(con)
    try:
        yield story_free
    finally:
        story_free.join()
    story_free.wait()


def apply(con: duckdb.DuckDBPyConnection, *, story_free: StoryFree | None = None) -> None:
    """Apply the attached stage to the database `con` has open, in one transaction.

    Args:
        story_free: leave out what it applies, and commit the rest of the stage before
            waiting for it: the search documents' story ids then follow in a transaction of
            their own, one that sees those documents.
    """
    with transaction(con):
        _apply_staged(con, story_free_apart=story_free is not None)
        if story_free is None:
            queries.execute("apply_stage_search", con)
            queries.execute("set_search_story_ids", con)
    if story_free is None:
        return
    # the rest of the stage (~0.7 s of a Reuters-21578 load) was applied while the search
    # rows were built, not after them (refs #20)
    story_free.wait()
    with transaction(con):
        queries.execute("set_search_story_ids", con)


def _apply_staged(con: duckdb.DuckDBPyConnection, *, story_free_apart: bool) -> None:
    """The stage's rows but the search index's; none of `STORY_FREE_TABLES`' if apart."""
    write_countries(con)
    if _meta(con, "get_stage_meta", "replaces"):
        queries.execute("replace_staged_articles", con)
        for table in ARTICLE_TABLES:
            queries.execute("delete_replaced_rows", con, identifiers={"table": table})
    for table, mode in STAGED_TABLES.items():
        if story_free_apart and table in STORY_FREE_TABLES:
            continue
        # a stage kept by an older version lacks the tables added since (stories, #16)
        if not queries.run("stage_table_exists", con, table_name=table).empty:
            queries.execute(f"{mode}_staged_rows", con, identifiers={"table": table})
    queries.execute("apply_stage", con)
    for table, (counts, by_facet) in STORY_DAYS.items():
        slots = {"table": table, "counts": counts}
        queries.execute("replace_story_days", con, identifiers=slots, by_facet=by_facet)
    for table in AGGREGATES:
        key = tuple(queries.run("aggregate_key", con, table_name=table)["column_name"])
        queries.execute("merge_aggregate", con, identifiers={"table": table, "key": key})
    if not queries.run("stage_table_exists", con, table_name="source_state").empty:
        queries.execute("source_state_schema", con)
        queries.execute("apply_stage_sources", con)


def catch_up(con: duckdb.DuckDBPyConnection, stage: Path, published_id: str | None) -> bool:
    """Apply a kept stage to `con`'s database if it turns exactly that file into the
    published one (`published_id`); False, with nothing changed, when it does not.
    """
    current = _meta(con, "get_meta", "publish_id")
    con.execute(f"attach $path as {CATALOG} (read_only)", {"path": str(stage)})
    try:
        fits = (
            current is not None
            and _meta(con, "get_stage_meta", "base_publish_id") == current
            and _meta(con, "get_stage_meta", "publish_id") == published_id
        )
        if fits:
            apply(con)
    finally:
        con.execute(f"detach {CATALOG}")
    return fits


def publish_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id of the published version `con` has open (None before issue #13's stages)."""
    return _meta(con, "get_meta", "publish_id")


def _identifier(name: str) -> str:
    """A catalog name DuckDB gave (from a file name) as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _meta(con: duckdb.DuckDBPyConnection, query: str, key: str) -> str | None:
    rows = queries.run(query, con, key=key)
    return None if rows.empty or rows["value"].iloc[0] == "" else str(rows["value"].iloc[0])
