"""Which watchlists fire: each watched pair's recent days judged by the one spike detector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

import queries
from monitor.spikes import SpikeSettings, detect, for_sources, lead_start, with_sensitivity
from monitor.store import Watchlist
from monitor.units import COUNTED, default_unit


@dataclass(frozen=True)
class Hit:
    """A watch's pair flagged on a day."""

    watch: Watchlist
    pair: tuple[str, str]
    day: date
    articles: int
    """The day's articles, whatever the unit judged."""
    expected: float
    """In the unit judged: stories once some story holds copies (`unit_of`)."""
    why: str


def recent_days(today: date, days: int) -> tuple[date, date]:
    """The first and last day checked: `days` days ending today."""
    return today - timedelta(days=days - 1), today


def find_hits(
    con: duckdb.DuckDBPyConnection,
    watches: list[Watchlist],
    first: date,
    last: date,
    spikes: SpikeSettings | None = None,
    unit: str | None = None,
) -> list[Hit]:
    """Every (watch, pair, day) of [first, last] the detector flags, in watch order; `unit`
    ('article' | 'story') is what it counts, by default the dashboard's (`unit_of`)."""
    hits = []
    status = queries.run("dashboard_status", con)
    first_day = status["first_day"].iloc[0]
    data_start = None if pd.isna(first_day) else pd.Timestamp(first_day).date()
    unit = unit or unit_of(status)
    sources = int((queries.run("filter_options", con)["dimension"] == "source").sum())
    for watch in watches:
        judged_by = for_sources(
            with_sensitivity(spikes or SpikeSettings(), watch.sensitivity),
            1 if watch.source else sources,
        )
        frame = activity(con, watch, lead_start(first, judged_by), last)
        for (a, b), rows in frame.groupby(["country_a", "country_b"], sort=True):
            judged = detect(
                in_unit(rows, unit), first, last, judged_by, data_start=data_start, unit=unit
            )
            articles = dict(zip(pd.to_datetime(rows["day"]).dt.date, rows["articles"], strict=True))
            for row in judged[judged["is_spike"]].to_dict("records"):
                count = int(articles[row["day"]])
                hits.append(Hit(watch, (a, b), row["day"], count, row["expected"], row["why"]))
    return hits


def unit_of(status: pd.DataFrame) -> str:
    """What the alerts and the digest count, as the dashboard does by default (refs #16,
    #17): stories once some story holds copies (dashboard_status's has_stories), articles
    before, when both count the same."""
    return default_unit(bool(status["has_stories"].iloc[0]))


def in_unit(activity: pd.DataFrame, unit: str) -> pd.DataFrame:
    """pair_activity's rows with the detector's `count`: the day's distinct stories in the
    story unit (each story once a day, as the dashboard's story counts), else its articles."""
    return activity.assign(count=activity[COUNTED[unit]])


def activity(con: duckdb.DuckDBPyConnection, watch: Watchlist, start: date, end: date):
    """The detector's input for a watch's pairs: articles, sources, stories per pair-day."""
    return queries.run(
        "pair_activity",
        con,
        pairs=list(watch.pairs),
        countries=list(watch.countries),
        start=start,
        end=end,
        lang=watch.lang,
        source=watch.source,
        origin=None,
        window="article",
        bucket="day",
        keywords=list(watch.keywords),
    )
