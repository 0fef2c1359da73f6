"""The story unit (issue #16): `unit=story` counts distinct stories in every count and share.

Counts are asserted by hand on the tiny database with a wire copy (tests/tiny_db.py,
`build_story_db`: PRK-RUS is 6 articles in 4 stories, the year 9 articles in 7 stories), and
against distinct counts over the base tables for filters that cut stories in two.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import queries
from board import requests, state
from board.page import build_options
from tests.test_dashboard import (  # noqa: F401
    DASHBOARD,
    TIMEOUT,
    main_module_restored,
    plotly_figures,
    shown_text,
)
from tests.tiny_db import ANY_FILTERS, build_story_db, build_tiny_db

PAIR = ("PRK", "RUS")


@pytest.fixture(scope="module")
def story_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_story_db(tmp_path_factory.mktemp("stories") / "stories.duckdb")


@pytest.fixture
def story_con(story_db: Path):
    con = duckdb.connect(str(story_db), read_only=True)
    yield con
    con.close()


def filters(**changed) -> state.Filters:
    return state.Filters(**{**ANY_FILTERS, "unit": "story", **changed})


def run(con: duckdb.DuckDBPyConnection, request: requests.Request) -> pd.DataFrame:
    name, params = request
    return queries.run(name, con, **params)


def pair_row(frame: pd.DataFrame, pair: tuple[str, str] = PAIR) -> pd.Series:
    return frame.set_index(["country_a", "country_b"]).loc[pair]


def test_top_pairs_count_a_wire_copy_and_its_next_day_once(story_con):
    top = run(story_con, requests.overview_top_pairs(filters()))
    prk_rus = pair_row(top)
    # a1, a2 and a9 are one story; a3, a4, a8 three more
    assert (prk_rus["articles"], prk_rus["article_count"]) == (4, 6)
    assert prk_rus["total_articles"] == 7
    assert prk_rus["share_per_mille"] == pytest.approx(1000 * 4 / 7)
    # the article unit reads no story table: no article_count beside the articles
    articles = pair_row(run(story_con, requests.overview_top_pairs(filters(unit="article"))))
    assert (articles["articles"], articles["total_articles"]) == (6, 9)
    assert pd.isna(articles["article_count"])


def test_the_sentence_window_counts_stories_naming_both_in_one_sentence(story_con):
    prk_rus = pair_row(run(story_con, requests.overview_top_pairs(filters(window="sentence"))))
    # a1's story and a8; out of the 6 stories with text (a4 is a GDELT row)
    assert (prk_rus["articles"], prk_rus["total_articles"]) == (2, 6)


def test_a_period_starting_inside_a_story_counts_it_once_and_in_the_previous_period(story_con):
    chosen = filters(start=date(2024, 1, 11), end=date(2024, 6, 30))
    prk_rus = pair_row(run(story_con, requests.overview_top_pairs(chosen)))
    # a2 (Jan 11) carries a1's story into the period; Jan 10 (a1, a9) is the previous one
    assert (prk_rus["articles"], prk_rus["previous_articles"]) == (4, 1)
    assert (prk_rus["total_articles"], prk_rus["previous_total_articles"]) == (7, 1)


STORY_CUTS = [
    {},
    {"start": date(2024, 1, 11)},
    {"end": date(2024, 1, 10)},
    {"start": date(2024, 2, 6), "end": date(2024, 3, 3)},
    {"window": "sentence"},
    {"lang": "en"},
    {"source": "antara"},
    {"origin": "gdelt"},
    {"lang": "id", "window": "sentence"},
    {"lang": "en", "source": "wire-a"},
    {"lang": "id", "start": date(2024, 1, 11)},
    {"source": "wire-a", "start": date(2024, 1, 11), "window": "sentence"},
    {"source": "antara", "end": date(2024, 1, 10)},
]
"""Filters that cut the stories differently: periods starting and ending inside a1's story,
a language or source that keeps part of it (story days by language and source), both, and
a period cutting those, an origin."""


def distinct_stories(con: duckdb.DuckDBPyConnection, chosen: state.Filters) -> dict:
    """Each pair's distinct stories and the period's, straight from the articles."""
    where = (
        "a.published_date between $start and $end "
        "and ($lang is null or a.lang = $lang) and ($source is null or a.source = $source) "
        "and ($origin is null or (a.origin = 'gkg') = ($origin = 'gdelt'))"
    )
    params = {
        "start": chosen.start,
        "end": chosen.end,
        "lang": chosen.lang,
        "source": chosen.source,
        "origin": None if chosen.origin == "all" else chosen.origin,
    }
    in_window = "p.sentence_count > 0" if chosen.window == "sentence" else "true"
    with_text = "a.sentence_count is not null" if chosen.window == "sentence" else "true"
    pairs = con.execute(
        f"select p.country_a, p.country_b, count(distinct a.story_id) from article_pairs p "
        f"join articles a using (article_id) where {where} and {in_window} group by all",
        params,
    ).fetchall()
    [(total,)] = con.execute(
        f"select count(distinct a.story_id) from articles a where {where} and {with_text}",
        params,
    ).fetchall()
    return {"pairs": {(a, b): n for a, b, n in pairs}, "total": total}


@pytest.mark.parametrize("minimum", [1, 2])
@pytest.mark.parametrize("changed", STORY_CUTS)
def test_the_totals_count_the_pairs_with_the_minimum_of_stories(story_con, changed, minimum):
    # at a minimum of 1 the totals count the pairs with articles (the rollups), above it the
    # pairs' stories: both what the ranking, which counts every pair's stories, lists
    chosen = filters(**changed, min_articles=minimum)
    expected = distinct_stories(story_con, chosen)["pairs"]
    ranked = run(story_con, requests.overview_top_pairs(chosen, row_limit=None))
    totals = run(story_con, requests.overview_totals(chosen)).iloc[0]
    assert totals["pairs"] == len(ranked)
    assert totals["pairs"] == sum(stories >= minimum for stories in expected.values())


@pytest.mark.parametrize("changed", STORY_CUTS)
def test_story_counts_equal_distinct_stories_of_the_articles(story_con, changed):
    chosen = filters(**changed)
    expected = distinct_stories(story_con, chosen)
    top = run(story_con, requests.overview_top_pairs(chosen, row_limit=None))
    shown = {(row.country_a, row.country_b): row.articles for row in top.itertuples()}
    assert shown == expected["pairs"]
    if not top.empty:
        assert top["total_articles"].iloc[0] == expected["total"]
    totals = run(story_con, requests.overview_totals(chosen)).iloc[0]
    assert totals["pairs"] == len(expected["pairs"])
    summary = run(story_con, requests.pair_summary(chosen, PAIR)).iloc[0]
    assert summary["articles"] == expected["pairs"].get(PAIR, 0)
    edges = run(story_con, requests.network_edges(chosen, row_limit=None))
    assert {(r.country_a, r.country_b): r.articles for r in edges.itertuples()} == expected["pairs"]
    matrix = run(story_con, requests.pair_matrix(chosen))
    cells = {(r.country_a, r.country_b): r.articles for r in matrix.itertuples() if r.articles}
    # the matrix's axis holds every country of the tiny database
    assert cells == expected["pairs"]
    assert (matrix["total_articles"] == expected["total"]).all()
    timeline = run(story_con, requests.pair_timeline(replace(chosen, bucket="month"), PAIR))
    # a1's story runs in January only: the months' stories add up to the period's
    assert timeline["articles"].fillna(0).sum() == expected["pairs"].get(PAIR, 0)


def test_a_language_and_a_source_count_only_the_stories_of_their_articles(story_con):
    both = pair_row(
        run(story_con, requests.overview_top_pairs(filters(lang="en", source="wire-a")))
    )
    # a1 and its next-day copy a2 are one story, a8 another; ANTARA's Indonesian a9 is out
    assert (both["articles"], both["article_count"], both["total_articles"]) == (2, 3, 2)
    # from Jan 11 the Indonesian stories are a3 only: a9 ran on Jan 10, a2 is in English
    later = filters(lang="id", start=date(2024, 1, 11))
    assert pair_row(run(story_con, requests.overview_top_pairs(later)))["articles"] == 1
    # a2 carries a1's story into the period for wire-a, whose copy on Jan 10 is outside it
    wire = filters(source="wire-a", start=date(2024, 1, 11), bucket="month")
    timeline = run(story_con, requests.pair_timeline(wire, PAIR)).set_index("bucket")
    assert timeline.loc[pd.Timestamp("2024-01-01"), ["articles", "total_articles"]].tolist() == [
        1,
        1,
    ]


def test_compared_series_count_the_stories_of_their_own_period(story_con):
    # two series share the year, a third starts on Feb 6: its February holds a4 only, the
    # others' a3 and a4 (each period's stories are counted once for the series sharing it)
    series = [
        (PAIR, date(2024, 1, 1), date(2024, 12, 31)),
        (("CHN", "PHL"), date(2024, 1, 1), date(2024, 12, 31)),
        (PAIR, date(2024, 2, 6), date(2024, 12, 31)),
    ]
    timelines = run(story_con, requests.pair_timelines(filters(bucket="month"), series))
    february = timelines[timelines["bucket"] == pd.Timestamp("2024-02-01")].set_index("series_no")
    assert february["total_articles"].to_dict() == {1: 2, 2: 2, 3: 1}
    assert february["articles"].to_dict() == {1: 2, 2: 0, 3: 1}
    january = timelines[timelines["bucket"] == pd.Timestamp("2024-01-01")].set_index("series_no")
    assert january["total_articles"].to_dict() == {1: 1, 2: 1}


def test_the_overview_totals_count_the_stories_of_the_articles(story_con):
    totals = run(story_con, requests.overview_totals(filters())).iloc[0]
    assert (totals["stories"], totals["articles"]) == (7, 9)
    chosen = run(story_con, requests.overview_totals(filters(countries=("RUS",)))).iloc[0]
    # a1, a2, a3, a4, a8, a9 name Russia: 4 stories
    assert (chosen["stories"], chosen["articles"]) == (4, 6)


def test_the_pair_summary_has_stories_articles_and_sources_per_story(story_con):
    summary = run(story_con, requests.pair_summary(filters(), PAIR)).iloc[0]
    assert (summary["articles"], summary["article_count"]) == (4, 6)
    # a1's story was carried by wire-a and antara, the other three by one source each
    assert summary["sources_per_story"] == pytest.approx(5 / 4)


@pytest.mark.parametrize(
    "changed,sources_per_story",
    [
        # a1's story: wire-a and antara; a3, a4, a8 one source each
        ({}, 5 / 4),
        # Jan 10 holds a1 (wire-a) and its copy a9 (antara): one story, two sources
        ({"end": date(2024, 1, 10)}, 2.0),
        # from Jan 11 a1's story is a2 alone (wire-a)
        ({"start": date(2024, 1, 11)}, 1.0),
        # a1's story (wire-a, antara) and a8 in one sentence: 3 sources of 2 stories
        ({"window": "sentence"}, 3 / 2),
        # in English a1's story is wire-a's (a1, a2) only
        ({"lang": "en"}, 1.0),
    ],
)
def test_the_overview_ranks_each_pair_with_its_sources_per_story(
    story_con, changed, sources_per_story
):
    chosen = filters(**changed)
    ranked = pair_row(run(story_con, requests.overview_top_pairs(chosen)))
    assert ranked["sources_per_story"] == pytest.approx(sources_per_story)
    summary = run(story_con, requests.pair_summary(chosen, PAIR)).iloc[0]
    assert summary["sources_per_story"] == pytest.approx(sources_per_story)
    articles = run(story_con, requests.overview_top_pairs(replace(chosen, unit="article")))
    assert articles["sources_per_story"].isna().all()


@pytest.mark.parametrize("changed", STORY_CUTS)
def test_the_overview_and_the_pair_view_agree_on_sources_per_story(story_con, changed):
    chosen = filters(**changed)
    # every pair, not only the ranked ones: the CSV's rows
    top = run(story_con, requests.overview_top_pairs(chosen, row_limit=None))
    for row in top.itertuples():
        pair = (row.country_a, row.country_b)
        summary = run(story_con, requests.pair_summary(chosen, pair)).iloc[0]
        assert row.sources_per_story == pytest.approx(summary["sources_per_story"]), pair


def test_a_daily_timeline_counts_a_story_on_each_day_it_runs(story_con):
    chosen = filters(start=date(2024, 1, 9), end=date(2024, 1, 12), bucket="day")
    timeline = run(story_con, requests.pair_timeline(chosen, PAIR)).set_index("bucket")
    days = [pd.Timestamp(day) for day in ("2024-01-09", "2024-01-10", "2024-01-11")]
    assert list(timeline.loc[days, "articles"]) == [0, 1, 1]
    assert list(timeline.loc[days, "article_count"]) == [0, 2, 1]
    assert list(timeline.loc[days, "total_articles"]) == [0, 1, 1]


def assert_a1_holds_its_two_copies(listing: pd.DataFrame) -> None:
    first = listing.set_index("article_id").loc["a1"]
    assert first["copies"] == 2
    assert list(first["copy_sources"]) == ["antara", "wire-a"]
    assert list(first["copy_urls"]) == [
        "https://antara.example.id/a9",
        "https://news.example.org/a2",
    ]


def test_the_articles_list_folds_a_story_into_its_first_article(story_con):
    listing = run(story_con, requests.articles_list(filters()))
    assert list(listing["article_id"]) == ["a8", "a4", "a3", "a1"]
    assert (listing["total_rows"] == 4).all()
    assert_a1_holds_its_two_copies(listing)
    everything = run(story_con, requests.articles_list(filters(scope="all"), row_limit=None))
    assert len(everything) == 7


@pytest.mark.parametrize("countries", [("RUS",), ("PRK", "RUS")])
def test_the_stories_of_selected_countries_fold_their_copies_once(story_con, countries):
    # every PRK-RUS article names both countries: a second selected one must not double them
    chosen = filters(scope="all", countries=countries)
    listing = run(story_con, requests.articles_list(chosen, row_limit=None))
    assert list(listing["article_id"]) == ["a8", "a4", "a3", "a1"]
    assert (listing["total_rows"] == 4).all()
    # (the links of copies found through country_articles come from the articles)
    assert_a1_holds_its_two_copies(listing)
    page = run(story_con, requests.articles_list(chosen, page=2, row_limit=3))
    assert (list(page["article_id"]), list(page["copies"])) == (["a1"], [2])
    articles = run(story_con, requests.articles_list(replace(chosen, unit="article")))
    assert list(articles["article_id"]) == ["a8", "a4", "a3", "a2", "a9", "a1"]
    assert (articles["total_rows"] == 6).all()


def test_a_story_matched_by_a_copy_alone_is_shown_by_that_copy(story_con):
    # a2 is the only article of a1's story naming the United States
    listing = run(story_con, requests.articles_list(filters(scope="all", countries=("USA",))))
    shown = listing.set_index("article_id")
    assert list(shown.index) == ["a6", "a2"]
    assert shown.loc["a2", "copies"] == 0


@pytest.mark.parametrize(
    "changed",
    [{}, {"start": date(2024, 1, 11)}, {"lang": "en"}, {"source": "wire-a"}, {"origin": "gdelt"}],
)
def test_each_page_of_stories_over_dates_is_its_slice_of_the_whole_list(story_con, changed):
    # a page over dates alone groups only the stories first running on its newest days
    # (story days, refs #16); the whole list (the CSV, no limit) groups every article's
    chosen = filters(scope="all", **changed)
    whole = run(story_con, requests.articles_list(chosen, row_limit=None))
    for page in range(1, 5):
        shown = run(story_con, requests.articles_list(chosen, page=page, row_limit=2))
        expected = whole.iloc[(page - 1) * 2 : page * 2]
        assert list(shown["article_id"]) == list(expected["article_id"])
        assert list(shown["copies"]) == list(expected["copies"])
        assert (shown["total_rows"] == len(whole)).all()


def test_the_third_page_of_two_stories_cuts_at_their_first_day(story_con):
    # newest first: a8, a7, a6, a5, a4, a3, then a1's story (a1, a9 and a2 folded)
    third = run(story_con, requests.articles_list(filters(scope="all"), page=3, row_limit=2))
    assert list(third["article_id"]) == ["a4", "a3"]
    last = run(story_con, requests.articles_list(filters(scope="all"), page=4, row_limit=2))
    assert list(last["article_id"]) == ["a1"] and list(last["copies"]) == [2]
    # a page of all 7 starts on Jan 10; a2, on Jan 11 where no story starts, is still a copy
    every = run(story_con, requests.articles_list(filters(scope="all"), row_limit=7))
    assert every.set_index("article_id").loc["a1", "copies"] == 2
    # from Jan 11, a1's story first runs in the period with a2, its only article there
    later = filters(scope="all", start=date(2024, 1, 11))
    seventh = run(story_con, requests.articles_list(later, page=7, row_limit=1))
    assert (list(seventh["article_id"]), list(seventh["copies"])) == (["a2"], [0])
    assert (seventh["total_rows"] == 7).all()


def test_the_default_unit_is_stories_once_a_story_holds_copies(story_con, tmp_path):
    def default_unit(con: duckdb.DuckDBPyConnection) -> str:
        options = build_options(
            queries.run("filter_options", con),
            queries.run("dashboard_status", con),
            queries.run("busiest_pair", con),
        )
        return state.from_query({}, options)[0].unit

    assert default_unit(story_con) == "story"
    single = duckdb.connect(str(build_tiny_db(tmp_path / "tiny.duckdb")), read_only=True)
    try:
        assert default_unit(single) == "article"
    finally:
        single.close()


def test_the_unit_round_trips_through_the_url_and_refuses_the_share_of_either():
    options = state.Options(
        None, None, {"PRK": "North Korea (PRK)"}, (), (), None, has_stories=True
    )
    chosen, notices = state.from_query({"unit": "article"}, options)
    assert (chosen.unit, notices) == ("article", [])
    assert state.to_query(chosen)["unit"] == "article"
    assert state.from_query(state.to_query(chosen), options) == (chosen, [])
    either, notices = state.from_query({"measure": "share_either"}, options)
    assert either.unit == "article"
    assert notices == ["The share of either is counted in articles: showing articles."]


def open_stories(story_db: Path, monkeypatch: pytest.MonkeyPatch, **query: str) -> AppTest:
    monkeypatch.setenv("TENSION_DB", str(story_db))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.query_params.update(query)
    return at.run()


def test_the_overview_shows_stories_and_articles_side_by_side(story_db, monkeypatch):
    at = open_stories(story_db, monkeypatch)
    assert not at.exception
    assert at.metric[0].label == "Stories"
    assert at.metric[0].value == "7"
    table = at.dataframe[0].value.set_index("pair_name")
    assert table.loc["North Korea – Russia", ["stories", "articles"]].tolist() == [4, 6]
    assert table.loc["North Korea – Russia", "sources_per_story"] == pytest.approx(1.25)
    articles = open_stories(story_db, monkeypatch, unit="article")
    assert (articles.metric[0].label, articles.metric[0].value) == ("Articles", "9")
    assert not {"stories", "sources_per_story"} & set(articles.dataframe[0].value)


def test_the_pair_view_shows_stories_and_sources_per_story(story_db, monkeypatch):
    at = open_stories(story_db, monkeypatch, view="pair", pair="PRK-RUS")
    assert not at.exception
    metrics = {metric.label: metric.value for metric in at.metric}
    assert (metrics["Stories"], metrics["Sources per story"]) == ("4", "1.25")


def test_the_pair_chart_and_spike_rule_say_they_count_stories(story_db, monkeypatch):
    # the title said "stories per month" while the axis still said "Articles"
    at = open_stories(story_db, monkeypatch, view="pair", pair="PRK-RUS", bucket="month")
    volume = plotly_figures(at)[0]
    assert "stories per month" in volume["layout"]["title"]["text"]
    assert volume["layout"]["yaxis"]["title"]["text"] == "Stories"
    # and the spike rule's minimum count is of stories
    assert "with at least 5 stories, 2x the expected count" in shown_text(at)
    articles = open_stories(story_db, monkeypatch, view="pair", pair="PRK-RUS", unit="article")
    assert plotly_figures(articles)[0]["layout"]["yaxis"]["title"]["text"] == "Articles"
    # (by day here, whose minimum is the 10, refs #17)
    assert "with at least 10 articles, 2x the expected count" in shown_text(articles)


def test_the_articles_view_folds_the_copies_of_a_story(story_db, monkeypatch):
    at = open_stories(story_db, monkeypatch, view="articles", pair="PRK-RUS")
    assert not at.exception
    assert "Stories 1–4 of 4 naming North Korea – Russia" in shown_text(at)
    # labels are escaped markdown (source names are untrusted text): read them as rendered
    folded = [e.label.replace("\\", "") for e in at.expander if "copies" in e.label]
    assert folded == ["+2 copies: antara, wire-a"]
    # one evidence sentence per story: a1's first, not a2's or a9's (their copies)
    text = shown_text(at)
    assert "shipped shells to" in text
    assert "thanked" not in text
    assert "mengirim peluru" not in text


def test_the_csvs_carry_stories_and_articles_side_by_side(story_db, monkeypatch):
    from tests.test_dashboard_stream import download

    monkeypatch.setenv("TENSION_DB", str(story_db))
    status, _, chunks = download("top-pairs", "view=overview")
    assert status == 200
    rows = {
        row["pair_name"]: row
        for row in csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig")))
    }
    prk_rus = rows["North Korea – Russia"]
    assert (prk_rus["stories"], prk_rus["articles"], prk_rus["total_stories"]) == ("4", "6", "7")
    assert float(prk_rus["sources_per_story"]) == pytest.approx(1.25)
    assert prk_rus["measure"] == "Stories naming both"
    _, _, chunks = download("top-pairs", "view=overview&unit=article")
    header = b"".join(chunks).decode("utf-8-sig").splitlines()[0].split(",")
    assert not {"stories", "sources_per_story"} & set(header)
    assert {"articles", "total_articles"} <= set(header)


def test_the_spike_detector_counts_stories_in_the_story_unit(story_con):
    chosen = filters(start=date(2024, 1, 11), end=date(2024, 3, 31))
    counts = run(story_con, requests.pair_bucket_counts(chosen, ["PRK-RUS"], "week"))
    weeks = {pd.Timestamp(row.day): row.articles for row in counts.itertuples()}
    # a1's story (a1 and a9 on Jan 10, a2 on Jan 11) is one story in its week
    assert weeks[pd.Timestamp("2024-01-08")] == 1
    assert weeks[pd.Timestamp("2024-02-05")] == 2
    articles = run(
        story_con, requests.pair_bucket_counts(replace(chosen, unit="article"), ["PRK-RUS"], "week")
    )
    assert articles.set_index("day")["articles"].loc[pd.Timestamp("2024-01-08")] == 3


@pytest.mark.parametrize("view", ["overview", "pair", "matrix", "network", "map", "articles"])
def test_every_view_opens_in_the_story_unit(story_db, monkeypatch, view):
    at = open_stories(story_db, monkeypatch, view=view, pair="PRK-RUS", cell="count")
    assert not at.exception
    assert at.query_params["unit"] == "story"


def test_the_network_and_matrix_say_they_count_stories(story_db, monkeypatch):
    network = open_stories(story_db, monkeypatch, view="network")
    assert "edge width the pair's stories naming both" in shown_text(network)
    matrix = open_stories(story_db, monkeypatch, view="matrix")
    assert "Cells: stories naming both." in shown_text(matrix)
    lift = open_stories(story_db, monkeypatch, view="matrix", cell="lift")
    assert "Lift is counted in articles" in shown_text(lift)


def test_the_sidebar_minimum_names_what_the_unit_counts(story_db, monkeypatch):
    # it said "Minimum articles per pair" while the pairs were filtered by their stories
    at = open_stories(story_db, monkeypatch)
    assert at.number_input(key="min").label == "Minimum stories per pair"
    articles = open_stories(story_db, monkeypatch, unit="article")
    assert articles.number_input(key="min").label == "Minimum articles per pair"


def test_third_countries_count_the_pairs_stories_naming_them(story_con):
    third = run(story_con, requests.pair_third_countries(filters(), PAIR)).set_index("country")
    # a2 (USA) is a copy in a1's story, a8 (UKR) a story of its own: each 1 of 4 stories
    assert third.loc["USA", ["articles", "article_count", "pair_articles"]].tolist() == [1, 1, 4]
    assert third.loc["UKR", "share_pct"] == pytest.approx(25.0)
    articles = run(story_con, requests.pair_third_countries(filters(unit="article"), PAIR))
    usa = articles.set_index("country").loc["USA"]
    assert (usa["articles"], usa["pair_articles"]) == (1, 6) and pd.isna(usa["article_count"])


def test_the_pair_views_third_countries_say_they_are_of_stories(story_db, monkeypatch):
    from tests.test_dashboard_stream import download

    at = open_stories(story_db, monkeypatch, view="pair", pair="PRK-RUS")
    assert "Third countries in the same stories" in [h.value for h in at.subheader]
    monkeypatch.setenv("TENSION_DB", str(story_db))
    _, _, chunks = download("third-countries", "view=pair&pair=PRK-RUS")
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    usa = next(row for row in rows if row["country"] == "USA")
    assert (usa["stories"], usa["articles"], usa["pair_stories"]) == ("1", "1", "4")


def test_the_map_of_a_focus_counts_its_partners_stories(story_con):
    chosen = filters(countries=("PRK",))
    partners = run(story_con, requests.map_countries(chosen)).set_index("country")
    # RUS: a1's story (a1, a2, a9), a3, a4, a8; USA: a2, a copy in a1's story; of 7 stories
    assert partners.loc[["RUS", "USA"], "articles"].tolist() == [4, 1]
    assert (partners["total_articles"] == 7).all()
    assert partners["either_articles"].isna().all()
    articles = run(story_con, requests.map_countries(replace(chosen, unit="article")))
    assert articles.set_index("country").loc["RUS", "articles"] == 6
    # without a focus the map counts each country's articles: its stories are not kept
    mentions = run(story_con, requests.map_countries(filters())).set_index("country")
    assert (mentions.loc["RUS", "articles"], mentions["total_articles"].iloc[0]) == (6, 9)


def test_the_map_says_what_it_counts_in_the_story_unit(story_db, monkeypatch):
    focus = open_stories(story_db, monkeypatch, view="map", countries="PRK")
    assert not focus.exception
    assert "Stories naming North Korea" in shown_text(focus)
    assert "counts articles" not in shown_text(focus)
    mentions = open_stories(story_db, monkeypatch, view="map")
    assert "The map of mentions counts articles" in shown_text(mentions)
