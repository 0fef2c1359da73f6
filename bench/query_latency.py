"""Time every dashboard query on a database, as the dashboard runs it.

    python bench/query_latency.py --db /tmp/synthetic.duckdb

The parameters come from board/requests.py with the default filters (the whole date span,
the busiest pair) plus the heavier variants an analyst reaches in two clicks (a selected
country, the sentence window, daily buckets, the last quarter). Each query runs once to warm
up, then `--repeat` times; the table gives the median, the fastest and the slowest in ms.
The goal (issue #4) is a median of at most 100 ms at 1M articles on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402  (run as a script from anywhere)
from board import requests, state  # noqa: E402
from board.page import build_options  # noqa: E402

GOAL_MS = 100.0


def cases(con: duckdb.DuckDBPyConnection) -> list[tuple[str, requests.Request]]:
    """(variant, request) for every dashboard query."""
    options = build_options(
        queries.run("filter_options", con),
        queries.run("dashboard_status", con),
        queries.run("busiest_pair", con),
    )
    base = state.defaults(options)
    pair = base.pair or ("CHN", "USA")
    focus = pair[0]
    selected = replace(base, countries=(focus,))
    sentence = replace(base, window="sentence")
    quarter = replace(base, start=base.end - timedelta(days=91), bucket="day")
    # a language or source reads the detailed daily aggregates, not the rollups
    language = replace(base, lang=options.languages[0] if options.languages else None)
    # an origin reads the rollups, which keep origin as a key (refs #15)
    text = replace(base, origin="text")
    return [
        ("", requests.status()),
        ("", requests.filter_options()),
        ("", requests.busiest_pair()),
        ("all", requests.view_origins(base)),
        ("origin=text", requests.view_origins(text)),
        ("all", requests.overview_totals(base)),
        (f"countries={focus}", requests.overview_totals(selected)),
        (
            f"countries={focus}, sentence",
            requests.overview_totals(replace(selected, window="sentence")),
        ),
        ("all", requests.overview_top_pairs(base)),
        (
            f"countries={focus}, sentence",
            requests.overview_top_pairs(replace(selected, window="sentence")),
        ),
        ("last quarter", requests.overview_top_pairs(quarter)),
        (f"lang={language.lang}", requests.overview_top_pairs(language)),
        ("origin=text", requests.overview_top_pairs(text)),
        ("origin=text, countries", requests.overview_top_pairs(replace(text, countries=(focus,)))),
        (f"{'-'.join(pair)} week", requests.pair_timeline(base, pair)),
        (
            f"{'-'.join(pair)} day, sentence",
            requests.pair_timeline(replace(sentence, bucket="day"), pair),
        ),
        (f"{'-'.join(pair)} week, lang={language.lang}", requests.pair_timeline(language, pair)),
        (f"{'-'.join(pair)} week, origin=text", requests.pair_timeline(text, pair)),
        (f"{'-'.join(pair)}", requests.pair_summary(base, pair)),
        (f"{'-'.join(pair)}, origin=text", requests.pair_summary(text, pair)),
        (f"{'-'.join(pair)}", requests.pair_third_countries(base, pair)),
        ("top 20", requests.pair_matrix(base)),
        ("top 20, sentence", requests.pair_matrix(sentence)),
        (f"top 20, lang={language.lang}", requests.pair_matrix(language)),
        ("top 20, origin=text", requests.pair_matrix(text)),
        ("min 1", requests.network_edges(base)),
        (f"countries={focus}", requests.network_edges(selected)),
        (f"lang={language.lang}", requests.network_edges(language)),
        ("origin=text", requests.network_edges(text)),
        ("all mentions", requests.map_countries(base)),
        (f"partners of {focus}", requests.map_countries(selected)),
        ("all mentions, origin=text", requests.map_countries(text)),
        (f"pair {'-'.join(pair)}", requests.articles_list(base)),
        ("all, page 1", requests.articles_list(replace(base, scope="all"))),
        ("all, page 100", requests.articles_list(replace(base, scope="all"), page=100)),
        (f"all, lang={language.lang}", requests.articles_list(replace(language, scope="all"))),
        ("all, origin=text", requests.articles_list(replace(text, scope="all"))),
        (f"pair {'-'.join(pair)}, origin=text", requests.articles_list(text)),
        (f"countries={focus}, all", requests.articles_list(replace(selected, scope="all"))),
        (f"pair {'-'.join(pair)}, sentence", requests.articles_list(sentence)),
    ]


def time_query(
    con: duckdb.DuckDBPyConnection, name: str, params: dict, repeat: int
) -> tuple[list[float], int]:
    rows = len(queries.run(name, con, **params))
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        queries.run(name, con, **params)
        timings.append((time.perf_counter() - started) * 1000)
    return timings, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="database to time")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    args = parser.parse_args()
    con = duckdb.connect(str(args.db), read_only=True)
    articles = int(queries.run("dashboard_status", con)["articles"].iloc[0])
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    print(f"{args.db}: {articles:,} articles, DuckDB {duckdb.__version__}, {threads} threads")
    print(f"{'query':<22} {'variant':<30} {'median':>8} {'min':>8} {'max':>8} {'rows':>6}")
    slow = []
    for variant, (name, params) in cases(con):
        timings, rows = time_query(con, name, params, args.repeat)
        median = statistics.median(timings)
        flag = "" if median <= GOAL_MS else "  > goal"
        print(
            f"{name:<22} {variant[:30]:<30} {median:>8.1f} {min(timings):>8.1f} "
            f"{max(timings):>8.1f} {rows:>6}{flag}"
        )
        if median > GOAL_MS:
            slow.append(name)
    con.close()
    print(
        f"goal: median <= {GOAL_MS:.0f} ms; "
        + (f"missed by {sorted(set(slow))}" if slow else "all met")
    )


if __name__ == "__main__":
    main()
