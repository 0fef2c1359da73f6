"""The digest of a period (refs #17): the pairs that rose most against their baseline (with
a sparkline that needs no browser), every watch hit, and each watched pair's new stories
with one evidence sentence each. Built once as data, rendered as Markdown or HTML."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import pandas as pd

from etl.alerts.check import activity, in_unit, unit_of
from etl.alerts.message import pair_name, pair_url, story_evidence
from monitor.spikes import SpikeSettings
from monitor.store import Watchlist
from monitor.units import COUNTED

TOP_RISERS = 10
"""Pairs listed under "rose most": a screen of a mail."""
STORIES_PER_PAIR = 10
SPARK_DAYS = 28
"""Days in each sparkline, ending with the period."""
BARS = "▁▂▃▄▅▆▇█"


@dataclass
class Riser:
    pair: tuple[str, str]
    name: str
    count: int
    """In the digest's unit."""
    expected: float
    z: float
    sparkline: str
    url: str


@dataclass
class Digest:
    start: date
    end: date
    unit: str = "article"
    """What the risers count: as the dashboard and the alerts (etl.alerts.check.unit_of)."""
    risers: list[Riser] = field(default_factory=list)
    hits: list[dict] = field(default_factory=list)
    stories: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Pair name -> its stories of the period, one evidence sentence each."""


def build(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    watches: list[Watchlist],
    hits: list[dict],
    base_url: str,
    *,
    only_watched: bool = False,
) -> Digest:
    """The digest of the days [start, end]; `only_watched` limits the risers to the
    watches' countries and pairs (digest --watch)."""
    import queries

    baseline_days = SpikeSettings().baseline_days
    unit = unit_of(queries.run("dashboard_status", con))
    countries = sorted({c for w in watches for p in (*w.pairs, *w.countries) for c in p.split("-")})
    rises = queries.run(
        "pair_rises",
        con,
        start=start,
        end=end,
        baseline_start=start - timedelta(days=baseline_days),
        countries=countries if only_watched else [],
        unit=unit,
    )
    days = (end - start).days + 1
    expected = (rises["baseline_count"] / baseline_days * days).clip(lower=days / baseline_days)
    rises = rises.assign(expected=expected, z=(rises["period_count"] - expected) / expected**0.5)
    top = rises.sort_values(["z", "period_count"], ascending=False).head(TOP_RISERS)
    digest = Digest(start, end, unit, hits=hits)
    spark = _sparklines(con, list(top["country_a"] + "-" + top["country_b"]), end, unit)
    for row in top.to_dict("records"):
        pair = (row["country_a"], row["country_b"])
        digest.risers.append(
            Riser(pair, row["pair_name"], int(row["period_count"]), float(row["expected"]),
                  float(row["z"]), spark.get(pair, ""), pair_url(base_url, pair, end, None, None))
        )  # fmt: skip
    watched = dict.fromkeys(
        [tuple(p.split("-")) for w in watches for p in w.pairs]
        + [(h["country_a"], h["country_b"]) for h in hits]
    )
    for pair in watched:
        stories = story_evidence(con, pair, start, end, None, None, STORIES_PER_PAIR)
        digest.stories[pair_name(con, pair)] = stories
    return digest


def _sparklines(con: duckdb.DuckDBPyConnection, pairs: list[str], end: date, unit: str) -> dict:
    """Pair -> its count per day (in `unit`) over the SPARK_DAYS days ending `end`, as block
    bars."""
    if not pairs:
        return {}
    start = end - timedelta(days=SPARK_DAYS - 1)
    frame = activity(con, Watchlist("digest", pairs=tuple(pairs)), start, end)
    days = pd.date_range(start, end, freq="D")
    lines = {}
    for (a, b), rows in frame.groupby(["country_a", "country_b"]):
        by_day = in_unit(rows, unit).set_index(pd.to_datetime(rows["day"]))["count"]
        counts = by_day.reindex(days, fill_value=0).tolist()
        lines[(a, b)] = sparkline(counts)
    return lines


def sparkline(counts: list[int]) -> str:
    """'▁▁▂▁█': one block per value, scaled to the largest (all ▁ when all are 0)."""
    top = max(counts, default=0)
    if top == 0:
        return BARS[0] * len(counts)
    return "".join(BARS[math.ceil(c / top * (len(BARS) - 1))] for c in counts)


def to_markdown(digest: Digest) -> str:
    lines = [f"# Tension Monitor digest, {digest.start} to {digest.end}", "", "## Rose most"]
    lines += [
        "",
        f"| pair | {COUNTED[digest.unit]} | expected | z | last 28 days |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in digest.risers:
        lines.append(
            f"| [{_md(r.name)}]({r.url}) | {r.count} | {r.expected:.1f} | {r.z:.1f} | "
            f"{r.sparkline} |"
        )
    lines += ["", "## Watch hits", ""]
    lines += [
        f"- **{_md(h['watch_name'])}**: {h['country_a']}-{h['country_b']} on {h['day']}: "
        f"{_md(h['why'])} ([view]({h['url']}))"
        for h in digest.hits
    ] or ["No watch fired."]
    lines += ["", "## Watched pairs: new stories"]
    for name, stories in digest.stories.items():
        lines += ["", f"### {_md(name)}", ""]
        lines += [
            f'- "{_md(s["sentence"])}" ({_md(s["source"])}) {s["url"] or ""}'.rstrip()
            for s in stories.to_dict("records")
        ] or ["No new story."]
    return "\n".join(lines) + "\n"


def to_html(digest: Digest) -> str:
    """HTML for mail clients: inline styles only, no script, every value escaped."""
    e = html.escape
    rows = "".join(
        f'<tr><td><a href="{e(r.url)}">{e(r.name)}</a></td><td>{r.count}</td>'
        f"<td>{r.expected:.1f}</td><td>{r.z:.1f}</td>"
        f'<td style="font-family:monospace">{e(r.sparkline)}</td></tr>'
        for r in digest.risers
    )
    hits = (
        "".join(
            f"<li><b>{e(h['watch_name'])}</b>: {e(h['country_a'])}-{e(h['country_b'])} on "
            f'{e(h["day"])}: {e(h["why"])} (<a href="{e(h["url"])}">view</a>)</li>'
            for h in digest.hits
        )
        or "<li>No watch fired.</li>"
    )
    stories = "".join(
        f"<h3>{e(name)}</h3><ul>"
        + (
            "".join(
                f"<li>“{e(s['sentence'])}” ({e(s['source'])})"
                + (f' <a href="{e(s["url"])}">link</a>' if s["url"] else "")
                + "</li>"
                for s in frame.to_dict("records")
            )
            or "<li>No new story.</li>"
        )
        + "</ul>"
        for name, frame in digest.stories.items()
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Tension Monitor digest</title>'
        '</head><body style="font-family:Arial,sans-serif">'
        f"<h1>Tension Monitor digest, {digest.start} to {digest.end}</h1>"
        '<h2>Rose most</h2><table border="1" cellpadding="4" style="border-collapse:collapse">'
        f"<tr><th>pair</th><th>{COUNTED[digest.unit]}</th><th>expected</th><th>z</th>"
        "<th>last 28 days</th></tr>"
        f"{rows}</table><h2>Watch hits</h2><ul>{hits}</ul>"
        f"<h2>Watched pairs: new stories</h2>{stories}</body></html>"
    )


def _md(text: str) -> str:
    """Text safe in a Markdown table cell or list item."""
    return str(text).replace("|", "\\|").replace("\n", " ")
