"""Time every dashboard query on a database, as the dashboard runs it.

    python bench/query_latency.py --db /tmp/synthetic.duckdb

The parameters come from board/requests.py with the default filters (the whole date span,
the busiest pair) plus the heavier variants an analyst reaches in two clicks (a selected
country, the sentence window, daily buckets, the last quarter). Each query runs once to warm
up, then `--repeat` times; the table gives the median, the fastest and the slowest in ms, and
the median CPU ms of this process (DuckDB's threads included), which other jobs on a shared
machine disturb less than the wall. `--only pair_timeline ...` times only those queries.
The goal (issue #4) is a median of at most 100 ms at 1M articles on 2 cores.

The measures (issue #18) are columns of the same queries (pair_timeline computes the share of
either and the index beside the count), so their rows are those queries; the overview ranked
by the share of either has its own rows. The pair view with a comparison runs one
pair_timeline for every series: the `compare` row times it for the busiest pair, the next 6
pairs and a second period a year earlier (8 series).

With `--search`, every view's queries run again under full-text searches (issue #18, on a
database with texts: `gen_synthetic.py --text-words 600`), as the dashboard runs them: the
search is matched once (`match`); then for each view, on a new cursor, its scope
(`search_scope`, queries/search_scope.sql; the dashboard keeps it for the next queries) and
its queries, each first making tables of the scope's views it reads (board/search.py), so
that each view pays what it would as the first render under a new search: the match, the
scope and its queries (the `= view` rows). The goal is a median of 300 ms. Each row gives
the median wall ms, CPU ms (this process, DuckDB's threads included) and waited ms: how
long this process's threads were ready to run but waited for a core (Linux's run delay,
/proc/self/task/*/schedstat; nan elsewhere), which is what other jobs on a shared machine
add to the wall (refs #18).

With `--views`, the overview and the pair view are timed whole, as a first render runs
them (each distinct request once: the page's cache answers a second asking): their queries
and their spike judgement (board/spikes.py), once as the dashboard
judges now (counts from the daily aggregates, sources and stories for the buckets still in
play) and once over the article-level pair_activity, as it judged before (refs #17): the
ratio is against that baseline, measured in the same run. Goal: 100 ms per view.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta
from functools import partial
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402  (run as a script from anywhere)
from board import compare, data, requests, search, settings, spikes, state  # noqa: E402
from board.page import build_options  # noqa: E402
from monitor.spikes import detect  # noqa: E402

GOAL_MS = 100.0
SEARCH_GOAL_MS = 300.0
SEARCHES = (
    "troops",
    "troops OR pasukan OR soldats",
    '"korea utara"',
    "sanction*",
    "blockade -tariffs",
    "(missile OR rudal) AND nuclear",
)
"""A word, an OR of three languages, a phrase, a prefix, an exclusion, parentheses; the
synthetic texts draw these words from Zipf's law among common words (gen_synthetic.py)."""


def defaults(
    con: duckdb.DuckDBPyConnection, unit: str | None = None
) -> tuple[state.Options, state.Filters]:
    """The data's options and the page's default filters, as the dashboard builds them;
    `unit` overrides the default unit (stories once a story holds copies, refs #16)."""
    options = build_options(
        queries.run("filter_options", con),
        queries.run("dashboard_status", con),
        queries.run("busiest_pair", con),
    )
    filters = state.defaults(options)
    return options, replace(filters, unit=unit) if unit else filters


def cases(
    con: duckdb.DuckDBPyConnection, unit: str | None = None
) -> list[tuple[str, requests.Request]]:
    """(variant, request) for every dashboard query, in `unit` (None: the default)."""
    options, base = defaults(con, unit)
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
        # several countries' articles with text are looked up in articles, one's are not
        (
            f"countries={','.join(pair)}, sentence",
            requests.overview_totals(replace(base, countries=pair, window="sentence")),
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
        ("share_either", requests.overview_top_pairs(replace(base, measure="share_either"))),
        (
            f"share_either, countries={focus}",
            requests.overview_top_pairs(replace(selected, measure="share_either")),
        ),
        (f"{'-'.join(pair)} week", requests.pair_timeline(base, pair)),
        (f"compare: {state.MAX_COMPARED + 2} series, week", compare_request(con, unit)),
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


def compare_request(con: duckdb.DuckDBPyConnection, unit: str | None = None) -> requests.Request:
    """The pair view's timelines with a comparison: the busiest pair, the next MAX_COMPARED
    pairs of the overview and the busiest pair a year earlier, in one query."""
    options, base = defaults(con, unit)
    name, params = requests.overview_top_pairs(base, row_limit=state.MAX_COMPARED + 1)
    top = queries.run(name, con, **params)
    pairs = tuple(zip(top["country_a"], top["country_b"], strict=True))
    filters = replace(
        base,
        pair=pairs[0],
        compare=pairs[1:],
        compare_start=base.start - timedelta(days=365),
        compare_end=base.end - timedelta(days=365),
    )
    return requests.pair_timelines(filters, [s.period for s in compare.series(filters, options)])


def search_cases(con: duckdb.DuckDBPyConnection) -> list[tuple[str, requests.Request]]:
    """(variant, request) for each view's queries under the default filters."""
    _, base = defaults(con)
    pair = base.pair or ("CHN", "USA")
    return [
        ("overview", requests.overview_totals(base)),
        ("overview", requests.overview_top_pairs(base)),
        ("pair", requests.pair_timeline(base, pair)),
        ("pair", requests.pair_summary(base, pair)),
        ("pair", requests.pair_third_countries(base, pair)),
        ("matrix", requests.pair_matrix(base)),
        ("network", requests.network_edges(base)),
        ("map", requests.map_countries(base)),
        ("articles", requests.articles_list(base)),
        ("articles", requests.articles_list(replace(base, scope="all"))),
    ]


def time_searches(con: duckdb.DuckDBPyConnection, repeat: int) -> list[str]:
    """Print each search's match, then for each view its scope and its queries on a new
    cursor, as the first render after a new search runs them (each query making tables of
    the scope's views it reads, board/search.py), and the view's total (match + scope + its
    queries); the views over the goal. Each row gives the median wall ms, the median CPU
    ms of this process (DuckDB's threads included), which other jobs on a shared machine
    disturb less, and the median ms its threads waited for a core."""
    slow = []
    views: dict[str, list[requests.Request]] = {}
    for view, request in search_cases(con):
        views.setdefault(view, []).append(request)
    for text in SEARCHES:
        match_ms, docs = _median_ms(repeat, partial(search.matching_docs, con, text))
        print(_row("match", text, match_ms, len(docs)))
        for view, view_requests in views.items():
            steps, rows = _first_view_ms(con, docs, view_requests, repeat)
            names = ["search_scope", *(name for name, _ in view_requests)]
            for name, step_ms, step_rows in zip(names, steps, [len(docs), *rows], strict=True):
                print(_row(name, f"{view}: {text}", step_ms, step_rows))
            total = tuple(match_ms[i] + sum(step[i] for step in steps) for i in range(3))
            print(
                _row(f"= {view} view", text, total, 0) + _over(total[0], SEARCH_GOAL_MS, slow, view)
            )
    return slow


def _first_view_ms(
    con: duckdb.DuckDBPyConnection, docs, view_requests: list[requests.Request], repeat: int
) -> tuple[list[tuple[float, float, float]], list[int]]:
    """(median wall ms, median CPU ms, median ms waited for a core) of a view's scope, then
    of each of its queries, each run on a new cursor after a warm-up: what the first render
    after a new search pays; and each query's rows."""
    timings: list[list[tuple[float, float, float]]] = []
    for _ in range(repeat + 1):
        cursor = con.cursor()
        cursor.execute(f"use {data.CATALOG}")
        step_ms, _ = _timed(partial(search.scope, cursor, docs))
        timings.append([step_ms])
        rows = []
        for name, params in view_requests:
            step_ms, count = _timed(partial(_prepared_rows, cursor, name, params))
            timings[-1].append(step_ms)
            rows.append(count)
        cursor.close()
    medians = [
        tuple(statistics.median(run[i] for run in step) for i in range(3))
        for step in zip(*timings[1:], strict=True)
    ]
    return medians, rows


def _timed(run):
    """((wall ms, CPU ms, ms waited for a core) of `run`, its result)."""
    started, started_cpu, started_wait = time.perf_counter(), time.process_time(), core_wait_ms()
    result = run()
    return (
        (time.perf_counter() - started) * 1000,
        (time.process_time() - started_cpu) * 1000,
        core_wait_ms() - started_wait,
    ), result


def core_wait_ms() -> float:
    """How long this process's threads have been ready to run but waiting for a core, in
    ms summed over them (the run delay Linux keeps per thread; a thread that ended no longer
    counts); nan where /proc has no schedstat."""
    waited = 0
    tasks = list(Path("/proc/self/task").glob("*/schedstat"))
    for task in tasks:
        try:
            waited += int(task.read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the thread ended between the listing and the read
    return waited / 1e6 if tasks else math.nan


def _prepared_rows(cursor: duckdb.DuckDBPyConnection, name: str, params: dict) -> int:
    search.prepare(cursor, name, params)
    return len(queries.run(name, cursor, **params))


def view_cases(con: duckdb.DuckDBPyConnection) -> list[tuple[str, state.Filters]]:
    """(variant, filters) for each view timed whole: the defaults, a sentence window, the
    last quarter by day and a language (the detailed aggregates)."""
    options, base = defaults(con)
    language = options.languages[0] if options.languages else None
    return [
        ("defaults", base),
        ("sentence", replace(base, window="sentence")),
        ("last quarter, day", replace(base, start=base.end - timedelta(days=91), bucket="day")),
        (f"lang={language}", replace(base, lang=language)),
    ]


def overview_view(run_query: spikes.Runner, filters: state.Filters, judge) -> None:
    """The overview's queries (board/views/overview.py, board/page.py) and its spike flags."""
    for request in (requests.status(), requests.view_origins(filters)):
        run_query(*request)
    run_query(*requests.overview_totals(filters))
    top = run_query(*requests.overview_top_pairs(filters))
    judge(run_query, filters, list(top["country_a"] + "-" + top["country_b"]), "day")


def pair_view(run_query: spikes.Runner, filters: state.Filters, judge) -> None:
    """The pair view's queries (board/views/pair.py, board/page.py) and its spike flags."""
    pair = filters.pair or ("CHN", "USA")
    for request in (requests.status(), requests.view_origins(filters)):
        run_query(*request)
    run_query(*requests.pair_timeline(filters, pair))
    judge(run_query, filters, ["-".join(pair)], filters.bucket)
    run_query(*requests.pair_summary(filters, pair))
    run_query(*requests.pair_third_countries(filters, pair))


def judged_before(
    run_query: spikes.Runner, filters: state.Filters, pairs: list[str], bucket: str
) -> None:
    """The spike judgement as it was before refs #17's fast input: the detector over the
    article-level pair_activity (what the alerts still read), every bucket's sources and
    stories counted."""
    _, params = requests.pair_bucket_counts(filters, pairs, bucket)
    # pair_activity (the alerts' input) counts articles: it has no unit (refs #16)
    del params["unit"]
    activity = run_query("pair_activity", {**params, "countries": [], "keywords": []})
    first_day = run_query(*requests.status())["first_day"].iloc[0]
    detect(
        spikes.keyed(activity), filters.start, filters.end, settings.SPIKES, bucket,
        first_day.date(), pairs,
    )  # fmt: skip


def time_views(con: duckdb.DuckDBPyConnection, repeat: int) -> list[str]:
    """Print each view's median wall and CPU ms judged before and now, and the ratios; the
    views over the goal now. CPU (this process, DuckDB's threads included) says more than
    wall time on a machine other jobs share."""
    slow = []
    for variant, filters in view_cases(con):
        for view, render in (("overview", overview_view), ("pair", pair_view)):
            # before and now alternate, so that a change in the machine's load hits both
            timed = _wall_cpu_ms(
                repeat,
                partial(first_render, con, render, filters, judged_before),
                partial(first_render, con, render, filters, spikes.judged),
            )
            (before, before_cpu), (now, now_cpu) = timed
            print(
                f"{view:<9} {variant[:20]:<20} {before:>7.1f} {now:>7.1f} {before / now:>6.2f}x"
                f" {before_cpu:>8.1f} {now_cpu:>7.1f} {before_cpu / now_cpu:>6.2f}x"
                + _over(now, GOAL_MS, slow, view)
            )
    return slow


def first_render(con: duckdb.DuckDBPyConnection, render, filters: state.Filters, judge) -> None:
    """`render` the view as a first render runs it: each distinct request once, since the
    page's cache answers the judgement's second asking of the status (board/spikes.py)."""
    answered: dict[str, object] = {}

    def run_query(name: str, params: dict):
        key = f"{name} {sorted(params.items())!r}"
        if key not in answered:
            answered[key] = _run(con, name, params)
        return answered[key]

    render(run_query, filters, judge)


def _over(ms: float, goal: float, slow: list[str], name: str) -> str:
    """'  > goal' when `ms` misses the goal (and `name` joins `slow`), else ''."""
    if ms <= goal:
        return ""
    slow.append(name)
    return "  > goal"


def _verdict(goal: float, slow: list[str], per: str = "") -> str:
    return f"goal: median <= {goal:.0f} ms{per}; " + (
        f"missed by {sorted(set(slow))}" if slow else "all met"
    )


def _wall_cpu_ms(repeat: int, *runs) -> list[tuple[float, float]]:
    """(median wall ms, median CPU ms) of each of `runs`, each warmed up once, then run in
    turn `repeat` times."""
    for run in runs:
        run()
    wall: list[list[float]] = [[] for _ in runs]
    cpu: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for index, run in enumerate(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            run()
            wall[index].append((time.perf_counter() - started) * 1000)
            cpu[index].append((time.process_time() - started_cpu) * 1000)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(wall, cpu, strict=True)]


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict):
    return queries.run(name, con, **params)


def _median_ms(repeat: int, run):
    """((median wall ms, median CPU ms, median ms waited for a core) over `repeat` runs
    after a warm-up, the last run's result)."""
    result = run()
    timings = []
    for _ in range(repeat):
        timing, result = _timed(run)
        timings.append(timing)
    return tuple(statistics.median(t[i] for t in timings) for i in range(3)), result


def _row(name: str, variant: str, median: tuple[float, float, float], rows: int) -> str:
    """A --search row: name, variant, median wall, CPU and waited ms, rows."""
    wall, cpu, waited = median
    return f"{name:<22} {variant[:30]:<30} {wall:>8.1f} {cpu:>8.1f} {waited:>8.1f} {rows:>8}"


def time_query(
    con: duckdb.DuckDBPyConnection, name: str, params: dict, repeat: int, cpu: list | None = None
) -> tuple[list[float], int]:
    """The wall ms of `repeat` runs after a warm-up, and the rows; with `cpu`, each run's CPU
    ms of this process (DuckDB's threads included) appended to it."""
    rows = len(queries.run(name, con, **params))
    timings = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        queries.run(name, con, **params)
        timings.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return timings, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="database to time")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument(
        "--search", action="store_true", help="time the views under full-text searches instead"
    )
    parser.add_argument(
        "--views",
        action="store_true",
        help="time the overview and the pair view whole, spike judgement before and now",
    )
    parser.add_argument(
        "--unit",
        choices=state.UNITS,
        help="count articles or stories (refs #16); the dashboard's default when left out",
    )
    parser.add_argument(
        "--only", nargs="+", metavar="QUERY", help="time only these queries (e.g. pair_timeline)"
    )
    args = parser.parse_args()
    # the dashboard's own read-only connection: the search scope names its catalog
    con = data.connect_read_only(str(args.db))
    articles = int(queries.run("dashboard_status", con)["articles"].iloc[0])
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    print(f"{args.db}: {articles:,} articles, DuckDB {duckdb.__version__}, {threads} threads")
    if args.views:
        print(
            f"{'view':<9} {'variant':<20} {'before':>7} {'now':>7} {'ratio':>7}"
            f" {'cpu before':>8} {'cpu now':>7} {'ratio':>7}"
        )
        slow = time_views(con, args.repeat)
        con.close()
        print(_verdict(GOAL_MS, slow, " per view"))
        return
    if args.search:
        print(f"{'query':<22} {'search':<30} {'median':>8} {'cpu':>8} {'waited':>8} {'rows':>8}")
        slow = time_searches(con, args.repeat)
        con.close()
        print(_verdict(SEARCH_GOAL_MS, slow))
        return
    # the CPU median beside the wall's: other jobs on a shared machine disturb it less
    print(
        f"{'query':<22} {'variant':<30} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8} {'rows':>6}"
    )
    slow = []
    for variant, (name, params) in cases(con, args.unit):
        if args.only and name not in args.only:
            continue
        cpu: list[float] = []
        timings, rows = time_query(con, name, params, args.repeat, cpu)
        median = statistics.median(timings)
        print(
            f"{name:<22} {variant[:30]:<30} {median:>8.1f} {min(timings):>8.1f} "
            f"{max(timings):>8.1f} {statistics.median(cpu):>8.1f} {rows:>6}"
            + _over(median, GOAL_MS, slow, name)
        )
    con.close()
    print(_verdict(GOAL_MS, slow))


if __name__ == "__main__":
    main()
