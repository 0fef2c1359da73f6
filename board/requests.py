"""Which query each part of the page runs, with which bound parameters.

Pure functions from the filter state to `(query name, parameters)`, shared by the views
and by bench/query_latency.py, so the benchmark times exactly what the dashboard asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from board import search, settings
from board.state import Filters, previous_period
from monitor.spikes import lead_start

Request = tuple[str, dict[str, Any]]

PERIOD = ("start", "end")


def status() -> Request:
    return "dashboard_status", {}


def view_origins(filters: Filters) -> Request:
    return "view_origins", _coverage(filters)


def filter_options() -> Request:
    return "filter_options", {}


def busiest_pair() -> Request:
    return "busiest_pair", {}


def overview_totals(filters: Filters) -> Request:
    return "overview_totals", {**_selection(filters), "min_articles": filters.min_articles}


def overview_top_pairs(filters: Filters, row_limit: int | None = settings.TOP_PAIRS) -> Request:
    """`row_limit` None: every pair (the CSV), as for the other listings below."""
    return "overview_top_pairs", {
        **_coverage(filters),
        "prev_start": previous_period(filters),
        "countries": list(filters.countries),
        "window": filters.window,
        "min_articles": filters.min_articles,
        "row_limit": row_limit,
        "measure": filters.measure,
        "unit": filters.unit,
    }


def pair_timeline(filters: Filters, pair: tuple[str, str]) -> Request:
    """The pair's timeline over the filters' period: `pair_timelines` of one series."""
    return pair_timelines(filters, [(pair, filters.start, filters.end)])


def pair_timelines(
    filters: Filters, series: Sequence[tuple[tuple[str, str], date, date]]
) -> Request:
    """The timelines of several (pair, start, end) series in one query (refs #18): the focus
    pair's and those compared with it (board/compare.py), each numbered from 1."""
    # each series has its own period: the coverage without the filters' dates
    coverage = {key: value for key, value in _coverage(filters).items() if key not in PERIOD}
    return "pair_timeline", {
        **coverage,
        "series": [
            {"country_a": pair[0], "country_b": pair[1], "period_start": start, "period_end": end}
            for pair, start, end in series
        ],
        "span_start": min(start for _, start, _ in series),
        "span_end": max(end for _, _, end in series),
        "window": filters.window,
        "unit": filters.unit,
        "bucket": filters.bucket,
        "rolling_buckets": settings.ROLLING_BUCKETS[filters.bucket],
        "index_buckets": settings.INDEX_BASELINE_BUCKETS[filters.bucket],
    }


def pair_bucket_counts(filters: Filters, pairs: list[str], bucket: str) -> Request:
    """The spike detector's counts for `pairs` ('PRK-RUS'), with the baseline's lead."""
    return "pair_bucket_counts", {
        **_coverage(filters),
        "start": lead_start(filters.start, settings.SPIKES, bucket),
        "pairs": pairs,
        "window": filters.window,
        "unit": filters.unit,
        "bucket": bucket,
    }


def pair_bucket_voices(filters: Filters, cells: pd.DataFrame, bucket: str) -> Request:
    """The distinct sources and stories of the detector's `cells` (`key` 'PRK-RUS', `day`
    the bucket's first day): the detector's `voices` (monitor/spikes.py)."""
    coverage = {k: v for k, v in _coverage(filters).items() if k not in ("start", "end")}
    return "pair_bucket_voices", {
        **coverage,
        "pairs": list(cells["key"]),
        "buckets": [day.date() for day in pd.to_datetime(cells["day"])],
        "window": filters.window,
        "bucket": bucket,
    }


def pair_summary(filters: Filters, pair: tuple[str, str]) -> Request:
    return "pair_summary", {
        **_coverage(filters),
        **_pair(pair),
        "window": filters.window,
        "unit": filters.unit,
    }


def pair_third_countries(
    filters: Filters, pair: tuple[str, str], row_limit: int | None = settings.THIRD_COUNTRIES
) -> Request:
    return "pair_third_countries", {
        **_coverage(filters),
        **_pair(pair),
        "window": filters.window,
        "unit": filters.unit,
        "row_limit": row_limit,
    }


def pair_matrix(filters: Filters) -> Request:
    return "pair_matrix", {
        **_selection(filters),
        # lift divides by what the countries' volumes predict, which are kept in articles
        "unit": "article" if filters.cell == "lift" else filters.unit,
        "top_n": settings.MATRIX_COUNTRIES,
    }


def network_edges(filters: Filters, row_limit: int | None = settings.NETWORK_EDGES) -> Request:
    return "network_edges", {
        **_selection(filters),
        "min_articles": filters.min_articles,
        "row_limit": row_limit,
    }


def map_countries(filters: Filters) -> Request:
    focus = filters.countries[0] if filters.countries else None
    # a focus's partners are pairs, counted in the unit; a country's own coverage (the map
    # without a focus) is kept in articles only (refs #16)
    name = "map_partner_stories" if focus and filters.unit == "story" else "map_countries"
    return name, {**_coverage(filters), "focus": focus, "window": filters.window}


def articles_list(
    filters: Filters, page: int = 1, row_limit: int | None = settings.ARTICLES_PER_PAGE
) -> Request:
    """One page of `row_limit` articles; `row_limit` None: every article (the CSV)."""
    pair = filters.pair if filters.scope == "pair" else None
    return "articles_list", {
        **_coverage(filters),
        "countries": list(filters.countries),
        "country_a": pair[0] if pair else None,
        "country_b": pair[1] if pair else None,
        "window": filters.window,
        "unit": filters.unit,
        "row_limit": row_limit,
        "row_offset": (page - 1) * (row_limit or 0),
    }


def _coverage(filters: Filters) -> dict[str, Any]:
    return {
        "start": filters.start,
        "end": filters.end,
        "lang": filters.lang,
        "source": filters.source,
        # null counts every origin, as a null language or source does
        "origin": None if filters.origin == "all" else filters.origin,
        # the search narrows every view to its matches (board/search.py); left out without
        # one, so a request without a search is what it was
        **({search.PARAM: filters.q} if filters.q else {}),
    }


def _selection(filters: Filters) -> dict[str, Any]:
    """The coverage, the selected countries, the co-occurrence window and the unit."""
    return {
        **_coverage(filters),
        "countries": list(filters.countries),
        "window": filters.window,
        "unit": filters.unit,
    }


def _pair(pair: tuple[str, str]) -> dict[str, str]:
    return {"country_a": pair[0], "country_b": pair[1]}
