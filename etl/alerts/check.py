"""Which watchlists fire: each watched pair's recent days judged by the one spike detector."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

import queries
from monitor.spikes import SpikeSettings, detect, for_sources, lead_start, with_sensitivity
from monitor.store import Watchlist


@dataclass(frozen=True)
class Hit:
    """A watch's pair flagged on a day."""

    watch: Watchlist
    pair: tuple[str, str]
    day: date
    articles: int
    expected: float
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
) -> list[Hit]:
    """Every (watch, pair, day) of [first, last] the detector flags, in watch order."""
    hits = []
    first_day = queries.run("dashboard_status", con)["first_day"].iloc[0]
    data_start = None if pd.isna(first_day) else pd.Timestamp(first_day).date()
    sources = int((queries.run("filter_options", con)["dimension"] == "source").sum())
    for watch in watches:
        judged_by = for_sources(
            with_sensitivity(spikes or SpikeSettings(), watch.sensitivity),
            1 if watch.source else sources,
        )
        frame = activity(con, watch, lead_start(first, judged_by), last)
        for (a, b), rows in frame.groupby(["country_a", "country_b"], sort=True):
            counts = rows.rename(columns={"articles": "count"})
            judged = detect(counts, first, last, judged_by, data_start=data_start)
            for row in judged[judged["is_spike"]].to_dict("records"):
                hits.append(
                    Hit(watch, (a, b), row["day"], row["count"], row["expected"], row["why"])
                )
    return hits


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
