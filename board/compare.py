"""Comparisons (refs #18): the focus pair beside other pairs (`compare`) and beside itself in
a second period (`compare_start`, `compare_end`), as series of the pair timeline.

The series are overlaid on one shared axis, not drawn as small multiples: the question is
"which is higher, and when", read straight across one axis; up to seven lines stay apart in
colour, and a hover lists every series at that point. A second period is read on days since
its own start, so 2023 and 2024 lie on top of each other. Pure functions: the view
(board/views/pair.py) runs the queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from board import measures
from board.state import Filters, Options, comparison_period

TABLE_COLUMNS = [
    "pair",
    "pair_name",
    "period_start",
    "period_end",
    "bucket",
    "days_since_start",
    "is_partial",
    "measure",
    "numerator",
    "denominator",
    "value",
    "mean_tone",
    "conflict_share",
]
"""The CSV: one row per series (a pair in a period) per bucket."""


@dataclass(frozen=True)
class Series:
    pair: tuple[str, str]
    start: date
    end: date
    name: str
    """The legend's name: the pair, and its period when two periods are drawn."""

    @property
    def period(self) -> tuple[tuple[str, str], date, date]:
        """(pair, start, end), as board/requests.py takes a series."""
        return self.pair, self.start, self.end


def series(filters: Filters, options: Options) -> list[Series]:
    """The focus pair, then each compared pair, over [start, end]; then the focus pair over
    the comparison period, if any."""
    pairs = [filters.pair, *(pair for pair in filters.compare if pair != filters.pair)]
    second = comparison_period(filters)

    def name(pair: tuple[str, str], start: date, end: date) -> str:
        shown = " – ".join(options.name(code) for code in pair)
        return f"{shown}, {start} to {end}" if second else shown

    main = (filters.start, filters.end)
    drawn = [Series(pair, *main, name(pair, *main)) for pair in pairs]
    if second:
        drawn.append(Series(filters.pair, *second, name(filters.pair, *second)))
    return drawn


def split(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """The rows of a pair_timeline query, one frame per series in the order asked."""
    return [
        part.drop(columns="series_no").reset_index(drop=True)
        for _, part in frame.groupby("series_no", sort=True)
    ]


def relative(filters: Filters) -> bool:
    """Whether the series share an axis of days since their start (two periods) or of dates."""
    return comparison_period(filters) is not None


def table(timelines: list[tuple[Series, pd.DataFrame]], measure: str, label: str) -> pd.DataFrame:
    """The timelines of the series (pair_timeline rows) as one table in TABLE_COLUMNS."""
    parts = []
    for shown, frame in timelines:
        buckets = pd.to_datetime(frame["bucket"])
        part = measures.with_measure(frame, measure, label).assign(
            pair="-".join(shown.pair),
            pair_name=shown.name,
            period_start=shown.start,
            period_end=shown.end,
            bucket=buckets,
            # a week or month cut by the start begins before it: a few days below zero
            days_since_start=(buckets - pd.Timestamp(shown.start)).dt.days,
        )
        parts.append(part[TABLE_COLUMNS])
    return pd.concat(parts, ignore_index=True)
