"""The spike flags of the pair view and the overview: the one detector (monitor/spikes.py)
over the counts of the daily aggregates (pair_bucket_counts), with the sources and stories of
the few buckets still in play (pair_bucket_voices); the alerts use the same detector over
pair_activity (refs #17)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

import queries
from board import requests, settings
from board.data import Database, connect_read_only, run
from board.state import Filters
from monitor.spikes import SpikeSettings, detect, for_sources

Runner = Callable[[str, dict[str, Any]], pd.DataFrame]
"""Runs a named query with its parameters: the page's cache, or a download's own connection."""


def cached(database: Database) -> Runner:
    return lambda name, params: run(database, name, params).frame


def spike_settings(run_query: Runner, filters: Filters) -> SpikeSettings:
    """The detector's settings for these filters: a filter on one source, or data from one
    source, cannot ask for two (monitor.spikes.for_sources)."""
    if filters.source:
        return for_sources(settings.SPIKES, 1)
    values = run_query(*requests.filter_options())
    return for_sources(settings.SPIKES, int((values["dimension"] == "source").sum()))


def judged(run_query: Runner, filters: Filters, pairs: list[str], bucket: str) -> pd.DataFrame:
    """One row per pair x bucket of the period: count, expected, is_spike, why."""
    first_day = run_query(*requests.status())["first_day"].iloc[0]
    data_start = None if pd.isna(first_day) else pd.Timestamp(first_day).date()
    counts = keyed(run_query(*requests.pair_bucket_counts(filters, pairs, bucket)))

    def voices(cells: pd.DataFrame) -> pd.DataFrame:
        return keyed(run_query(*requests.pair_bucket_voices(filters, cells, bucket)))

    rules = spike_settings(run_query, filters)
    judged = detect(
        counts, filters.start, filters.end, rules, bucket, data_start, pairs, voices, filters.unit
    )
    return judged.rename(columns={"key": "pair"})


def keyed(activity: pd.DataFrame) -> pd.DataFrame:
    """Pair rows (country_a, country_b, day, articles, ...) as the detector's series rows
    (key 'PRK-RUS', day, count, ...)."""
    key = activity["country_a"] + "-" + activity["country_b"]
    return activity.assign(key=key).rename(columns={"articles": "count"})


def timeline(database: Database, filters: Filters, frame: pd.DataFrame) -> pd.DataFrame:
    """The pair timeline with each bucket's spike flag and why."""
    flags = judged(cached(database), filters, ["-".join(filters.pair)], filters.bucket)
    by_bucket = flags.set_index(pd.to_datetime(flags["day"]))
    buckets = pd.to_datetime(frame["bucket"])
    return frame.assign(
        is_spike=buckets.map(by_bucket["is_spike"]).fillna(False).astype(bool),
        spike_why=[by_bucket["why"].get(b, "") for b in buckets],
    )


def top_pairs(run_query: Runner, filters: Filters, frame: pd.DataFrame) -> pd.DataFrame:
    """The top pairs, each flagged when a day of the period is a spike, with the latest
    spike's day and why."""
    if frame.empty:
        return frame.assign(is_spike=pd.Series(dtype=bool), spike_why=pd.Series(dtype=str))
    pairs = list(frame["country_a"] + "-" + frame["country_b"])
    flags = judged(run_query, filters, pairs, "day")
    spikes = flags[flags["is_spike"]].sort_values("day").groupby("pair").last()
    why = (spikes["day"].astype(str) + ": " + spikes["why"]).to_dict()
    keys = frame["country_a"] + "-" + frame["country_b"]
    return frame.assign(is_spike=keys.isin(why.keys()), spike_why=[why.get(k, "") for k in keys])


def download_top_pairs(database: Database, filters: Filters, frame: pd.DataFrame) -> pd.DataFrame:
    """`top_pairs` for a chunk of a CSV download, on a connection of its own: the streamed
    download runs outside a page's script, where Streamlit's caches would wait forever."""
    con = connect_read_only(str(database.path))
    try:
        return top_pairs(lambda name, params: queries.run(name, con, **params), filters, frame)
    finally:
        con.close()
