"""What `attach` costs and buys: native tables against views over the lake's Parquet files.

    .venv/bin/python bench/lake_attach.py --articles 500000 [--fragments 8]

Builds a synthetic database (bench/gen_synthetic.py), writes it as a lake in the layout of
etl/engines/lake.py twice: compacted (one file per date and table, what `load --engine dask`
keeps) and fragmented (--fragments files per date and table, what a lake without compaction
collects, e.g. one file per split). Then for each: `attach` native and `attach --as-views`,
timing the attach and the database size, and every dashboard query as
bench/query_latency.py runs it (median of --repeat runs).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_synthetic import generate  # noqa: E402  (a sibling script)
from query_latency import cases, time_query  # noqa: E402

from etl.engines.attach import attach_lake  # noqa: E402
from etl.engines.lake import Lake  # noqa: E402
from etl.settings import Settings  # noqa: E402

CHILDREN = ("mentions", "article_pairs", "evidence")


def write_lake(db: Path, lake: Path, fragments: int) -> None:
    """The database's dated tables as hive partitions by published_date, `fragments` files
    per partition, plus its runs (through the lake's own writer)."""
    con = duckdb.connect(str(db), read_only=True)
    dated = {"articles": "select *, hash(article_id) % $n as fragment from articles"}
    for child in CHILDREN:
        dated[child] = (
            f"select c.*, a.published_date, hash(c.article_id) % $n as fragment "
            f"from {child} as c inner join articles as a using (article_id)"
        )
    for table, select in dated.items():
        target = lake / table
        lake.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"copy ({select.replace('$n', str(fragments))}) to '{target}' "
            "(format parquet, compression zstd, partition_by (published_date, fragment))"
        )
        _flatten(target)
    runs = con.sql("select * from ingest_runs").to_arrow_table()
    con.close()
    for row in runs.to_pylist():
        Lake(str(lake)).write_run(row)


def _flatten(table_folder: Path) -> None:
    """published_date=D/fragment=F/data_0.parquet -> published_date=D/part-F.parquet."""
    for fragment in sorted(table_folder.glob("*/fragment=*")):
        for number, data in enumerate(sorted(fragment.glob("*.parquet"))):
            data.rename(fragment.parent / f"part-{fragment.name.split('=')[1]}-{number}.parquet")
        fragment.rmdir()


def measure(lake: Path, db: Path, views: bool, repeat: int) -> tuple[float, float, dict]:
    """(attach seconds, database MB, {query: median ms}) for one attach mode."""
    started = time.perf_counter()
    attach_lake(Lake(str(lake)), Settings(db_path=db), as_views=views)
    seconds = time.perf_counter() - started
    con = duckdb.connect(str(db), read_only=True)
    medians = {}
    for variant, (name, params) in cases(con):
        timings, _ = time_query(con, name, params, repeat)
        medians[f"{name} {variant}".strip()] = statistics.median(timings)
    con.close()
    return seconds, db.stat().st_size / 2**20, medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500_000)
    parser.add_argument("--fragments", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lake_attach-"))
    source = folder / "synthetic.duckdb"
    with duckdb.connect(str(source)) as con:
        generate(con, args.articles)
    results = {}
    for layout, fragments in (("compacted", 1), ("fragmented", args.fragments)):
        lake = folder / layout
        write_lake(source, lake, fragments)
        files = sum(1 for _ in lake.glob("*/*/*.parquet"))
        days = sum(1 for _ in (lake / "articles").iterdir())
        print(f"{layout}: {files} files, {days} days, {fragments} file(s) per date and table")
        for views in (False, True):
            mode = "views" if views else "native"
            results[(layout, mode)] = measure(
                lake, folder / f"{layout}-{mode}.duckdb", views, args.repeat
            )
    _report(results, args.articles)
    shutil.rmtree(folder)


def _report(results: dict, articles: int) -> None:
    columns = list(results)
    print(f"\n{articles:,} synthetic articles")
    print(f"{'':44}" + "".join(f"{layout[:10] + ' ' + mode:>20}" for layout, mode in columns))
    print(f"{'attach (s)':44}" + "".join(f"{results[c][0]:>20.1f}" for c in columns))
    print(f"{'database (MB)':44}" + "".join(f"{results[c][1]:>20.1f}" for c in columns))
    for query in results[columns[0]][2]:
        print(f"{query[:44]:44}" + "".join(f"{results[c][2][query]:>20.1f}" for c in columns))
    totals = [sum(results[c][2].values()) for c in columns]
    print(f"{'all queries, sum of medians (ms)':44}" + "".join(f"{t:>20.0f}" for t in totals))


if __name__ == "__main__":
    main()
