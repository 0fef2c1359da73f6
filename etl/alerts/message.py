"""What an alert says: the pair, its count against the baseline and why, up to three
evidence sentences (one per story, with source and link), and the link to the exact view."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import duckdb
import pandas as pd

import queries
from etl.alerts.check import Hit
from monitor.spikes import SpikeSettings

VIEW_DAYS = SpikeSettings().baseline_days
"""The linked pair view shows the day and its baseline, by day."""


def pair_url(base: str, pair: tuple[str, str], day: date, lang: str | None, source: str | None):
    """The dashboard's pair view of the day and its baseline (the URL names are a contract)."""
    params = {
        "view": "pair",
        "pair": "-".join(pair),
        "start": (day - timedelta(days=VIEW_DAYS)).isoformat(),
        "end": day.isoformat(),
        "bucket": "day",
    }
    params |= {k: v for k, v in (("lang", lang), ("source", source)) if v}
    return f"{base.rstrip('/')}/?{urlencode(params)}"


def pair_name(con: duckdb.DuckDBPyConnection, pair: tuple[str, str]) -> str:
    """'North Korea – Russia', codes where the database has no name."""
    names = queries.run("country_names", con, codes=list(pair))
    named = dict(zip(names["country"], names["name"], strict=True))
    return " – ".join(named.get(code, code) for code in pair)


def story_evidence(
    con: duckdb.DuckDBPyConnection,
    pair: tuple[str, str],
    start: date,
    end: date,
    lang: str | None,
    source: str | None,
    row_limit: int,
) -> pd.DataFrame:
    return queries.run(
        "pair_story_evidence",
        con,
        country_a=pair[0],
        country_b=pair[1],
        start=start,
        end=end,
        lang=lang,
        source=source,
        row_limit=row_limit,
    )


def compose(con: duckdb.DuckDBPyConnection, hit: Hit, base_url: str, evidence: int):
    """(title, body, url) of the alert for `hit`, in plain text."""
    watch = hit.watch
    name = pair_name(con, hit.pair)
    url = pair_url(base_url, hit.pair, hit.day, watch.lang, watch.source)
    stories = story_evidence(con, hit.pair, hit.day, hit.day, watch.lang, watch.source, evidence)
    lines = [f"Why: {hit.why}.", "", "Evidence (one sentence per story):"]
    for number, row in enumerate(stories.to_dict("records"), 1):
        link = f" {row['url']}" if row["url"] else ""
        lines.append(f'{number}. "{row["sentence"]}" ({row["source"]}){link}')
    lines += ["", f"Open the view: {url}", f"Watchlist: {watch.name}"]
    title = f"Tension Monitor: {name} spiked on {hit.day.isoformat()}"
    return title, "\n".join(lines), url
