"""The dashboard's spike input (counts from the daily aggregates, sources and stories only
for the buckets still in play) flags exactly what the article-level pair_activity flags
(refs #17), on a hand-made database with wire copies and cooldowns."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from board import requests, settings, spikes, state
from etl.database import refresh_aggregates
from monitor.spikes import detect
from tests.tiny_db import ANY_FILTERS

FIRST = date(2024, 1, 1)
WIRE_COPIES = date(2024, 2, 10)
"""10 articles from 3 sources, all copies of one wire story: fails only on stories (10: the
day rule's minimum count)."""
BURST = date(2024, 2, 11)
"""The next day, 10 stories from 3 sources: a spike, since the copies started no cooldown."""
LASTING = date(2024, 2, 12)
"""11 more stories: meets the rule, but within the burst's cooldown."""
ONE_OUTLET = date(2024, 2, 22)
"""10 stories from one source: fails only on sources."""
SECOND_BURST = date(2024, 2, 23)
"""10 stories from 3 sources, the next day: a spike."""
PAIRS = ["PRK-RUS", "PRK-USA"]


def article_rows() -> list[tuple]:
    """(article_id, day, source, story_id or None, pair, sentence_count)."""
    rows = []
    for i in range(0, (WIRE_COPIES - FIRST).days, 2):
        day = FIRST + timedelta(days=i)
        rows.append((f"q{i}", day, ("wire-a", "wire-b")[i % 4 // 2], None, "PRK-RUS", i % 3))
    for n in range(10):
        source = ("wire-a", "wire-b", "wire-c")[n % 3]
        rows.append((f"c{n}", WIRE_COPIES, source, "c0", "PRK-RUS", 1))
        # the same copies name PRK-USA too: a burst of one story there
        rows.append((f"u{n}", WIRE_COPIES, source, "u0", "PRK-USA", 1))
    for day, count, sources in ((BURST, 10, 3), (LASTING, 11, 3), (ONE_OUTLET, 10, 1)) + (
        (SECOND_BURST, 10, 3),
    ):
        for n in range(count):
            source = ("wire-a", "wire-b", "wire-c")[n % sources]
            rows.append((f"{day:%m%d}-{n}", day, source, None, "PRK-RUS", n % 2))
    return rows


def build(path: Path) -> Path:
    con = duckdb.connect(str(path))
    queries.execute("schema", con)
    queries.execute("set_meta", con, key="schema_version", value=str(queries.SCHEMA_VERSION))
    con.execute(
        "insert into ingest_runs (run_id, started_at, finished_at, read, loaded) "
        "values (1, ?, ?, 0, 0)",
        [datetime(2024, 3, 1), datetime(2024, 3, 1)],
    )
    for article, day, source, story, pair, sentences in article_rows():
        moment = datetime.combine(day, datetime.min.time())
        con.execute(
            """
            insert into articles (
                article_id, story_id, run_id, url, source, title, text, lang, origin,
                sentence_count, country_count, published_at, published_date, loaded_at
            ) values (?, ?, 1, ?, ?, 'Title', 'Text.', 'en', 'file', 3, 2, ?, ?, ?)
            """,
            [article, story, f"https://x.example/{article}", source, moment, day, moment],
        )
        a, b = pair.split("-")
        con.execute(
            "insert into article_pairs values (?, ?, ?, ?, null, null)", [article, a, b, sentences]
        )
    refresh_aggregates(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def spike_con(tmp_path_factory: pytest.TempPathFactory):
    con = duckdb.connect(str(build(tmp_path_factory.mktemp("spikes") / "s.duckdb")), read_only=True)
    yield con
    con.close()


def article_level(con, filters: state.Filters, bucket: str) -> pd.DataFrame:
    """What the detector flagged before: pair_activity's every bucket, as the alerts read."""
    name, params = requests.pair_bucket_counts(filters, PAIRS, bucket)
    # pair_activity (the alerts' input) counts articles: it has no unit (refs #16)
    del params["pairs"], params["unit"]
    activity = queries.run("pair_activity", con, **params, pairs=PAIRS, countries=[], keywords=[])
    first_day = queries.run("dashboard_status", con)["first_day"].iloc[0]
    rules = spikes.spike_settings(lambda name, params: queries.run(name, con, **params), filters)
    return detect(
        spikes.keyed(activity), filters.start, filters.end, rules, bucket,
        pd.Timestamp(first_day).date(), PAIRS,
    ).rename(columns={"key": "pair"})  # fmt: skip


def filters_for(**changes) -> state.Filters:
    chosen = {**ANY_FILTERS, "start": date(2024, 2, 1), "end": date(2024, 2, 29), **changes}
    return state.Filters(**chosen)


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
@pytest.mark.parametrize("window", ["article", "sentence"])
def test_the_dashboard_flags_what_the_article_level_input_flags(spike_con, window, bucket):
    filters = filters_for(window=window)
    asked = []

    def run_query(name, params):
        asked.append((name, params))
        return queries.run(name, spike_con, **params)

    now = spikes.judged(run_query, filters, PAIRS, bucket)
    before = article_level(spike_con, filters, bucket)
    columns = ["pair", "day", "count", "is_spike", "why"]
    pd.testing.assert_frame_equal(now[columns], before[columns])
    flagged = now[now["is_spike"]]
    # where it flags, it names the same sources and stories
    assert list(flagged["sources"]) == list(before[before["is_spike"]]["sources"])
    assert list(flagged["stories"]) == list(before[before["is_spike"]]["stories"])
    # the articles were read only for the buckets the counts left in play, never all of them
    voiced = [len(params["buckets"]) for name, params in asked if name == "pair_bucket_voices"]
    assert sum(voiced) < (now["count"] > 0).sum()


def test_copies_of_one_story_start_no_cooldown_and_a_lasting_burst_is_flagged_once(spike_con):
    now = spikes.judged(
        lambda name, params: queries.run(name, spike_con, **params), filters_for(), PAIRS, "day"
    )
    flagged = now[now["is_spike"]]
    assert list(zip(flagged["pair"], flagged["day"], strict=True)) == [
        ("PRK-RUS", BURST),
        ("PRK-RUS", SECOND_BURST),
    ]
    assert flagged["why"].iloc[0].startswith("10 articles, 10 stories from 3 sources vs ")
    days = now.set_index(["pair", "day"])
    # the copies and the one outlet met every rule but stories or sources: counted, not flagged
    assert days.loc[("PRK-RUS", WIRE_COPIES), ["count", "sources", "stories"]].tolist() == [
        10,
        3,
        1,
    ]
    assert days.loc[("PRK-USA", WIRE_COPIES), ["sources", "stories"]].tolist() == [3, 1]
    assert days.loc[("PRK-RUS", ONE_OUTLET), ["sources", "stories"]].tolist() == [1, 10]
    # a quiet day's sources and stories are never read
    assert pd.isna(days.loc[("PRK-RUS", date(2024, 2, 2)), "stories"])


def test_a_language_or_source_filter_reads_the_detailed_aggregates_the_same_way(spike_con):
    for changes in ({"source": "wire-a"}, {"lang": "en"}, {"origin": "text"}):
        filters = filters_for(**changes)
        now = spikes.judged(
            lambda name, params: queries.run(name, spike_con, **params), filters, PAIRS, "day"
        )
        before = article_level(spike_con, replace(filters), "day")
        assert list(now["is_spike"]) == list(before["is_spike"]), changes


def test_one_outlets_burst_is_a_spike_when_the_filters_hold_only_that_outlet(spike_con):
    def judged(filters):
        flags = spikes.judged(
            lambda name, params: queries.run(name, spike_con, **params), filters, PAIRS, "day"
        )
        return flags[flags["is_spike"]].set_index(["pair", "day"])["why"]

    # the data hold three outlets: one outlet's 10 stories are not the world noticing
    assert ("PRK-RUS", ONE_OUTLET) not in judged(filters_for()).index
    # filtered to that outlet, two sources cannot be asked for; the why says one
    alone = judged(filters_for(source="wire-a"))
    assert alone[("PRK-RUS", ONE_OUTLET)].startswith("10 articles, 10 stories from 1 source vs ")
    assert settings.SPIKES.min_sources == 2


def test_a_watchlist_on_one_source_alerts_on_that_outlets_burst(spike_con):
    from etl.alerts.check import find_hits
    from monitor.store import Watchlist

    days = (ONE_OUTLET, ONE_OUTLET)
    everyone = Watchlist("all", pairs=("PRK-RUS",))
    one_outlet = Watchlist("wire-a", pairs=("PRK-RUS",), source="wire-a")
    assert find_hits(spike_con, [everyone], *days) == []
    [hit] = find_hits(spike_con, [one_outlet], *days)
    assert (hit.pair, hit.day, hit.articles) == (("PRK", "RUS"), ONE_OUTLET, 10)
    assert "from 1 source vs" in hit.why


@pytest.mark.parametrize("bucket", ["day", "week", "month"])
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"window": "sentence"},
        {"source": "wire-b"},
        {"lang": "en", "window": "sentence"},
        # an origin chosen reads pair_articles, the others the story days and pair_daily
        {"origin": "text"},
        {"origin": "text", "window": "sentence", "source": "wire-a"},
    ],
)
def test_every_cells_voices_are_what_the_article_level_input_counts(spike_con, bucket, changes):
    # the whole weeks and months of the data, so that no bucket is cut by the period
    filters = filters_for(start=FIRST, end=date(2024, 3, 31), **changes)
    _, params = requests.pair_bucket_counts(filters, PAIRS, bucket)
    del params["pairs"], params["unit"]
    params["start"] = filters.start
    activity = queries.run(
        "pair_activity", spike_con, **params, pairs=PAIRS, countries=[], keywords=[]
    )
    cells = spikes.keyed(activity)
    name, params = requests.pair_bucket_voices(filters, cells, bucket)
    voices = queries.run(name, spike_con, **params)
    columns = ["country_a", "country_b", "day", "articles", "sources", "stories"]
    expected = activity[columns].sort_values(columns[:3]).reset_index(drop=True)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(voices[columns], expected, check_dtype=False)
