"""Build the full-text search index of a database and report its speed and size (refs #18).

    python bench/search_index.py --db /tmp/syn1m.duckdb      # a copy is indexed, not the file

Rebuilds the index tables (`search_docs`, `search_postings`, `search_doc_mentions`,
`search_doc_pairs`) on a copy of the database with the statements
of queries/refresh_aggregates.sql and the postings a chunk of articles at a time as
etl/search_build.py appends them (the ETL's full rebuild: `sample`, `attach`, migrations; a
load's apply step runs the same macros over its new articles only). `--chunk-articles N`
sets the chunk (0: every article in one sort, the rebuild before chunks). The speed is articles
per CPU second (all of DuckDB's threads counted), i.e. per core; the goal is 5,000. The size
is that of a DuckDB file holding only the index tables, against the whole database's. The
CPU of the postings statement alone is given per article too: a load's stage apply runs it
over the load's new articles (queries/apply_stage.sql). `--keep PATH` keeps the indexed copy
(with the schema version of this code), e.g. to time searches on it. `--stage N` times
instead the postings statement alone over the newest N articles, as a load's stage apply
runs it (in memory: a load's batch fits), median of 3 runs in CPU µs per article; run it in
two checkouts in turn to compare them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402  (run as a script from anywhere)
from etl.search_build import CHUNK_ARTICLES, build_search_postings  # noqa: E402

GOAL_PER_CORE = 5_000
INDEX_TABLES = ("search_docs", "search_postings", "search_doc_mentions", "search_doc_pairs")
INDEX_STATEMENTS = tuple(f"create or replace table {table}" for table in INDEX_TABLES)


def index_sql(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The statements of refresh_aggregates.sql that build the index, as they are there,
    after its macros (so a database built by an older version is indexed as now)."""
    statements = con.extract_statements(queries.sql("refresh_aggregates"))
    macros = [s.query for s in statements if "create or replace macro search_" in s.query]
    tables = [s.query for s in statements if any(start in s.query for start in INDEX_STATEMENTS)]
    return macros + tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="database to index (a copy)")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit (the ETL's)")
    parser.add_argument("--keep", type=Path, help="keep the indexed copy at this path")
    parser.add_argument("--stage", type=int, help="time the postings of N articles only")
    parser.add_argument(
        "--chunk-articles",
        type=int,
        default=CHUNK_ARTICLES,
        help="articles whose postings are sorted at once (0: all of them)",
    )
    args = parser.parse_args()
    if args.stage:
        time_stage(args.db, args.stage, args.memory_limit)
        return
    with tempfile.TemporaryDirectory(dir=args.db.parent) as scratch:
        copy = Path(scratch) / "copy.duckdb"
        shutil.copy(args.db, copy)
        con = duckdb.connect(str(copy), config={"memory_limit": args.memory_limit})
        articles = con.execute("select count(*) from articles").fetchone()[0]
        threads = con.execute("select current_setting('threads')").fetchone()[0]
        wall, postings_cpu = time.perf_counter(), 0.0
        cpu = _cpu_seconds()
        for statement in index_sql(con):
            started = _cpu_seconds()
            con.execute(statement)
            if "table search_postings" in statement:
                if args.chunk_articles:
                    build_search_postings(con, args.chunk_articles)
                else:
                    queries.execute("insert_search_postings", con)
                postings_cpu = _cpu_seconds() - started
        con.execute("checkpoint")
        cpu, wall = _cpu_seconds() - cpu, time.perf_counter() - wall
        postings, terms = con.execute(
            "select count(*), count(distinct term) from search_postings"
        ).fetchone()
        index_file = Path(scratch) / "index.duckdb"
        con.execute(f"attach '{index_file}' as index_only")
        for table in INDEX_TABLES:
            con.execute(f"create table index_only.{table} as from {table}")
        con.execute("detach index_only")
        if args.keep:
            queries.execute(
                "set_meta", con, key="schema_version", value=str(queries.SCHEMA_VERSION)
            )
        con.close()
        if args.keep:
            shutil.move(copy, args.keep)
        database_mb = args.db.stat().st_size / 1e6
        index_mb = index_file.stat().st_size / 1e6
    rate = articles / cpu
    chunks = f"chunks of {args.chunk_articles:,} articles" if args.chunk_articles else "one sort"
    print(
        f"{args.db}: {articles:,} articles, DuckDB {duckdb.__version__}, {threads} threads, "
        f"postings in {chunks}"
    )
    print(
        f"index build: {wall:.1f} s wall, {cpu:.1f} s CPU: {rate:,.0f} articles per CPU second "
        f"(goal {GOAL_PER_CORE:,}: {'met' if rate >= GOAL_PER_CORE else 'missed'})"
    )
    print(
        f"postings statement: {postings_cpu:.1f} s CPU, "
        f"{1e6 * postings_cpu / articles:,.0f} µs CPU per article"
    )
    print(
        f"index: {postings:,} postings of {terms:,} words; {index_mb:,.0f} MB alone, "
        f"{100 * index_mb / database_mb:.0f}% of the {database_mb:,.0f} MB database"
    )


def time_stage(db: Path, articles: int, memory_limit: str) -> None:
    """Print the postings statement's CPU per article over the newest `articles` of `db`."""
    con = duckdb.connect(config={"memory_limit": memory_limit})
    con.execute(f"attach '{db}' as source (read_only)")
    con.execute(
        "create table stage_articles as from source.articles order by published_at desc limit $n",
        {"n": articles},
    )
    for statement in index_sql(con):
        if "create or replace macro" in statement:
            con.execute(statement)
    con.execute("create table stage_docs as from search_docs_rows('stage_articles', 0)")
    runs = []
    for _ in range(3):
        started = _cpu_seconds()
        con.execute(
            "create or replace table postings as "
            "from search_postings_rows('stage_docs', 'stage_articles')"
        )
        runs.append(1e6 * (_cpu_seconds() - started) / articles)
    rows = con.execute("select count(*) from postings").fetchone()[0]
    con.close()
    print(
        f"{db}: postings of the newest {articles:,} articles ({rows:,} rows): "
        f"{statistics.median(runs):,.0f} µs CPU per article (median of 3)"
    )


def _cpu_seconds() -> float:
    """This process's CPU seconds, DuckDB's threads included."""
    times = os.times()
    return times.user + times.system


if __name__ == "__main__":
    main()
