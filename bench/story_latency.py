"""The story unit's cost (issue #16): every dashboard query in the article unit against a
baseline checkout's, and in the story unit, interleaved on one database.

    git archive main | tar -x -C /tmp/base
    python bench/gen_synthetic.py --articles 1000000 --out /tmp/syn1m.duckdb
    python bench/story_latency.py --db /tmp/syn1m.duckdb --base /tmp/base

Each query of bench/query_latency.py's cases runs on three read-only connections to the
same file, one after the other, `--repeat` times: the baseline's SQL (its queries/ folder)
and this tree's in the article unit, then the baseline's and this tree's in the story unit
(a baseline without $unit counts articles there; one without the story unit's query, the
article unit's). Taking turns spreads a machine shared with other work over them alike, so
the ratios mean more than the milliseconds. The table gives the median CPU ms of this
process (DuckDB's threads included, which other jobs disturb less than the wall) and the
ratios to the baseline in each unit. `--only overview_top_pairs ...` times only those
queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402  (run as a script from anywhere)
from bench.query_latency import cases  # noqa: E402
from board import data  # noqa: E402

UNITS = ("article", "story")


def connect(db: Path, query_dir: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with the dashboard macros of `query_dir` created on it."""
    con = data.connect_read_only(str(db))
    con.execute((query_dir / f"{queries.MACROS}.sql").read_text(encoding="utf-8"))
    return con


def timed(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> float:
    """CPU milliseconds of this process to run `sql` with the parameters it names and
    fetch every row."""
    used = {name: params[name] for name in queries.parameters(sql)}
    started = time.process_time()
    con.execute(sql, used).fetchall()
    return (time.process_time() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="database to time")
    parser.add_argument("--base", type=Path, required=True, help="baseline checkout")
    parser.add_argument("--repeat", type=int, default=7, help="timed turns per query")
    parser.add_argument(
        "--only", nargs="+", metavar="QUERY", help="time only these queries (e.g. pair_timeline)"
    )
    args = parser.parse_args()
    base = connect(args.db, args.base / "queries")
    here = connect(args.db, queries.QUERY_DIR)
    by_unit = {unit: cases(here, unit) for unit in UNITS}
    print(
        f"{'query':<22} {'variant':<30} {'base':>7} {'article':>8} {'ratio':>6} "
        f"{'base st':>8} {'story':>7} {'ratio':>6}"
    )
    ratios, story_ratios = [], []
    # the story unit may ask another query (the map of a focus: map_partner_stories)
    for (variant, (name, article)), (_, (story_name, story)) in zip(*by_unit.values(), strict=True):
        if args.only and name not in args.only and story_name not in args.only:
            continue
        sql = queries.sql(name)
        story_sql = queries.sql(story_name)
        base_sql = (args.base / "queries" / f"{name}.sql").read_text(encoding="utf-8")
        base_story = args.base / "queries" / f"{story_name}.sql"
        base_story_sql = base_story.read_text(encoding="utf-8") if base_story.exists() else base_sql
        turns = {"base": [], "article": [], "base_story": [], "story": []}
        for turn in range(args.repeat + 1):
            timings = (
                timed(base, base_sql, article),
                timed(here, sql, article),
                timed(base, base_story_sql, story),
                timed(here, story_sql, story),
            )
            if turn:  # the first turn warms up
                for kind, ms in zip(turns, timings, strict=True):
                    turns[kind].append(ms)
        medians = {kind: statistics.median(ms) for kind, ms in turns.items()}
        ratio = medians["article"] / medians["base"]
        story_ratio = medians["story"] / medians["base_story"]
        ratios.append(ratio)
        story_ratios.append(story_ratio)
        print(
            f"{name:<22} {variant[:30]:<30} {medians['base']:>7.1f} {medians['article']:>8.1f} "
            f"{ratio:>6.2f} {medians['base_story']:>8.1f} {medians['story']:>7.1f} "
            f"{story_ratio:>6.2f}"
        )
    print(f"article unit / base: median ratio {statistics.median(ratios):.2f}")
    print(f"story unit / base's story unit: median ratio {statistics.median(story_ratios):.2f}")


if __name__ == "__main__":
    main()
