"""The dashboard's queries, run with the parameters the dashboard builds, on real databases.

Values are asserted on the hand-written tiny database (tests/tiny_db.py), where every count
is known; every query also runs on `sample_db`, built by the real ETL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pytest

import queries
from board import requests, state
from board.page import build_options
from etl.database import refresh_aggregates
from tests.tiny_db import ANY_FILTERS, FORMULA_TITLE, SCRIPT_TITLE, build_tiny_db

DASHBOARD_QUERIES = {
    "dashboard_status": {"articles", "first_day", "last_day", "last_run_at"},
    "filter_options": {"dimension", "value", "label", "articles"},
    "busiest_pair": {"country_a", "country_b", "articles"},
    "overview_totals": {"articles", "text_articles", "countries", "pairs", "languages"},
    "overview_top_pairs": {
        "country_a",
        "country_b",
        "pair_name",
        "articles",
        "total_articles",
        "share_per_mille",
        "previous_articles",
        "change",
        "mean_tone",
        "conflict_share",
        "not_measured_articles",
    },
    "pair_bucket_counts": {"country_a", "country_b", "day", "articles"},
    "pair_bucket_voices": {"country_a", "country_b", "day", "articles", "sources", "stories"},
    "pair_timeline": {
        "bucket",
        "articles",
        "total_articles",
        "share_per_mille",
        "rolling_articles",
        "mean_tone",
        "conflict_share",
        "not_measured_articles",
    },
    "pair_summary": {"articles", "not_measured_articles", "mean_tone", "conflict_share"},
    "pair_third_countries": {"country", "country_name", "articles", "pair_articles", "share_pct"},
    "pair_matrix": {"country_a", "country_b", "articles", "volume_a", "expected", "lift"},
    "network_edges": {"country_a", "country_b", "articles", "volume_a", "volume_b"},
    "map_countries": {"country", "country_name", "articles", "total_articles", "share_per_mille"},
    "articles_list": {"published_at", "title", "url", "pair_sentences", "evidence", "total_rows"},
}


@pytest.fixture(scope="module")
def tiny_con(tmp_path_factory: pytest.TempPathFactory):
    path = build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def default_filters(con: duckdb.DuckDBPyConnection, **changes) -> state.Filters:
    options = build_options(
        queries.run("filter_options", con),
        queries.run("dashboard_status", con),
        queries.run("busiest_pair", con),
    )
    return replace(state.defaults(options), **changes)


def dashboard_requests(filters: state.Filters) -> list[requests.Request]:
    pair = filters.pair or ("PRK", "RUS")
    return [
        requests.status(),
        requests.filter_options(),
        requests.busiest_pair(),
        requests.overview_totals(filters),
        requests.overview_top_pairs(filters),
        requests.pair_timeline(filters, pair),
        requests.pair_bucket_counts(filters, ["-".join(pair)], filters.bucket),
        requests.pair_bucket_voices(
            filters, pd.DataFrame({"key": ["-".join(pair)], "day": [filters.start]}), filters.bucket
        ),
        requests.pair_summary(filters, pair),
        requests.pair_third_countries(filters, pair),
        requests.pair_matrix(filters),
        requests.network_edges(filters),
        requests.map_countries(filters),
        requests.articles_list(filters),
    ]


def test_every_dashboard_query_is_exercised_here():
    names = {name for name, _ in dashboard_requests(state.Filters(**ANY_FILTERS))}
    assert names == set(DASHBOARD_QUERIES)


@pytest.mark.parametrize("window", ["article", "sentence"])
def test_every_dashboard_query_runs_on_the_etl_sample_with_its_columns(sample_con, window):
    filters = default_filters(sample_con, window=window)
    for name, params in dashboard_requests(filters):
        frame = queries.run(name, sample_con, **params)
        assert DASHBOARD_QUERIES[name] <= set(frame.columns), name


def test_overview_counts_each_pair_once_with_numerator_and_denominator(tiny_con):
    top = run(tiny_con, requests.overview_top_pairs(default_filters(tiny_con)))
    first = top.iloc[0]
    assert (first["country_a"], first["country_b"], first["articles"]) == ("PRK", "RUS", 5)
    assert first["pair_name"] == "North Korea – Russia"
    assert first["total_articles"] == 8
    assert first["share_per_mille"] == pytest.approx(625.0)
    # the data starts in this period: nothing to compare with
    assert top["previous_articles"].isna().all() and top["change"].isna().all()
    assert set(zip(top["country_a"], top["country_b"], strict=True)) == {
        ("PRK", "RUS"),
        ("PRK", "USA"),
        ("RUS", "USA"),
        ("CHN", "PHL"),
        ("PRK", "UKR"),
        ("RUS", "UKR"),
    }


def test_sentence_window_counts_text_articles_and_reports_gdelt_rows_as_not_measured(tiny_con):
    top = run(tiny_con, requests.overview_top_pairs(default_filters(tiny_con, window="sentence")))
    prk_rus = top[(top["country_a"] == "PRK") & (top["country_b"] == "RUS")].iloc[0]
    # a1, a2 and a8 name both in one sentence; a3 never does; a4 has no text at all
    assert prk_rus["articles"] == 3
    assert prk_rus["total_articles"] == 7
    assert prk_rus["not_measured_articles"] == 1
    # pairs never in one sentence drop out instead of showing a zero
    assert ("PRK", "USA") not in set(zip(top["country_a"], top["country_b"], strict=True))


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"countries": ("CHN",)}, {("CHN", "PHL"): 1}),
        ({"lang": "id"}, {("PRK", "RUS"): 1}),
        ({"source": "wire-c"}, {("CHN", "PHL"): 1}),
        ({"start": date(2024, 3, 1), "end": date(2024, 3, 31), "min_articles": 1}, None),
        ({"min_articles": 2}, {("PRK", "RUS"): 5}),
    ],
)
def test_overview_filters_change_the_pairs(tiny_con, changes, expected):
    top = run(tiny_con, requests.overview_top_pairs(default_filters(tiny_con, **changes)))
    found = dict(
        zip(zip(top["country_a"], top["country_b"], strict=True), top["articles"], strict=True)
    )
    if expected is None:
        # march: a5 (CHN-PHL) and a8 (PRK-RUS, PRK-UKR, RUS-UKR), one article each
        assert found == {("CHN", "PHL"): 1, ("PRK", "RUS"): 1, ("PRK", "UKR"): 1, ("RUS", "UKR"): 1}
    else:
        assert found == expected


def test_overview_compares_with_the_previous_period_of_equal_length(tiny_con):
    march = default_filters(tiny_con, start=date(2024, 2, 4), end=date(2024, 3, 31))
    top = run(tiny_con, requests.overview_top_pairs(march))
    prk_rus = top[(top["country_a"] == "PRK") & (top["country_b"] == "RUS")].iloc[0]
    # the previous period (2023-12-09 .. 2024-02-03) holds a1 and a2
    assert (prk_rus["articles"], prk_rus["previous_articles"], prk_rus["change"]) == (3, 2, 1)


def test_overview_totals_describe_the_filtered_coverage(tiny_con):
    totals = run(tiny_con, requests.overview_totals(default_filters(tiny_con))).iloc[0]
    assert (totals["articles"], totals["text_articles"], totals["countries"]) == (8, 7, 6)
    assert (totals["pairs"], totals["languages"], totals["sources"]) == (6, 3, 4)


@pytest.mark.parametrize(
    "changes,articles,text_articles",
    [
        # a1, a2, a3, a4, a8 name Russia; a4 is a GDELT row without text
        ({"countries": ("RUS",)}, 5, 4),
        ({"countries": ("RUS",), "lang": "en"}, 4, 3),
        # a2 names both: counted once (the sum of each country's would say 6 with text)
        ({"countries": ("PRK", "USA")}, 6, 5),
        ({"countries": ("PRK", "USA"), "source": "wire-a"}, 3, 3),
        # a1, a2 and a8 name two or three of them, a4 has no text
        ({"countries": ("PRK", "RUS", "USA")}, 6, 5),
        ({"countries": ("PRK", "RUS", "UKR", "USA")}, 6, 5),
    ],
)
def test_overview_totals_count_the_selected_countries_articles_with_text(
    tiny_con, changes, articles, text_articles
):
    chosen = default_filters(tiny_con, window="sentence", **changes)
    totals = run(tiny_con, requests.overview_totals(chosen)).iloc[0]
    assert (totals["articles"], totals["text_articles"]) == (articles, text_articles)


def test_pair_timeline_has_every_bucket_and_marks_unmeasured_ones(tiny_con):
    filters = default_filters(tiny_con, bucket="month")
    article = run(tiny_con, requests.pair_timeline(filters, ("PRK", "RUS")))
    assert list(article["bucket"].astype(str)) == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert list(article["articles"]) == [2, 2, 1]
    assert list(article["total_articles"]) == [2, 2, 4]
    # the data runs from 2024-01-10 to 2024-03-04: January and March are cut short
    assert list(article["is_partial"]) == [True, False, True]
    sentence = run(
        tiny_con, requests.pair_timeline(replace(filters, window="sentence"), ("PRK", "RUS"))
    )
    assert list(sentence["articles"]) == [2, 0, 1]
    assert list(sentence["not_measured_articles"]) == [0, 1, 0]
    assert sentence["mean_tone"].iloc[0] == pytest.approx(-3.0)


def test_a_bucket_without_any_text_is_not_measured_rather_than_zero(tiny_con):
    # 2024-02-06 holds only the GDELT row a4
    filters = default_filters(
        tiny_con, window="sentence", bucket="day", start=date(2024, 2, 6), end=date(2024, 2, 6)
    )
    day = run(tiny_con, requests.pair_timeline(filters, ("PRK", "RUS"))).iloc[0]
    assert pd.isna(day["articles"])
    assert day["not_measured_articles"] == 1


def test_a_partial_first_bucket_is_marked_as_such():
    # 2024-01-01 is a Monday: a range starting on Sunday 2024-01-07 cuts its first week to a
    # single day, which the chart draws faint
    con = _timeline_tables([0] * 6 + [1] + [2] * 7 + [10] * 7)
    filters = state.Filters(
        **{**ANY_FILTERS, "start": date(2024, 1, 7), "end": date(2024, 1, 21), "bucket": "week"}
    )
    frame = run(con, requests.pair_timeline(filters, ("PRK", "RUS")))
    assert list(frame["articles"]) == [1, 14, 70]
    assert list(frame["is_partial"]) == [True, False, False]


def test_third_countries_are_shares_of_the_pairs_articles(tiny_con):
    third = run(tiny_con, requests.pair_third_countries(default_filters(tiny_con), ("PRK", "RUS")))
    assert set(zip(third["country"], third["articles"], strict=True)) == {("UKR", 1), ("USA", 1)}
    assert set(third["pair_articles"]) == {5}
    assert list(third["share_pct"]) == pytest.approx([20.0, 20.0])


def test_matrix_lift_divides_the_count_by_what_volumes_predict(tiny_con):
    filters = default_filters(tiny_con, countries=("PRK", "RUS", "USA"))
    matrix = run(tiny_con, requests.pair_matrix(filters))
    assert len(matrix) == 3
    prk_rus = matrix[(matrix["country_a"] == "PRK") & (matrix["country_b"] == "RUS")].iloc[0]
    # PRK and RUS are each in 5 of 8 articles: 5 * 5 / 8 expected, 5 observed
    assert prk_rus["expected"] == pytest.approx(25 / 8)
    assert prk_rus["lift"] == pytest.approx(5 / (25 / 8))
    assert prk_rus["total_articles"] == 8


def test_network_keeps_edges_above_the_minimum(tiny_con):
    edges = run(tiny_con, requests.network_edges(default_filters(tiny_con, min_articles=2)))
    assert list(zip(edges["country_a"], edges["country_b"], strict=True)) == [("PRK", "RUS")]
    assert (edges["volume_a"].iloc[0], edges["volume_b"].iloc[0]) == (5, 5)


def test_map_shows_partners_of_the_first_selected_country_or_all_mentions(tiny_con):
    partners = run(tiny_con, requests.map_countries(default_filters(tiny_con, countries=("PRK",))))
    assert dict(zip(partners["country"], partners["articles"], strict=True)) == {
        "RUS": 5,
        "USA": 1,
        "UKR": 1,
    }
    mentions = run(tiny_con, requests.map_countries(default_filters(tiny_con)))
    assert dict(zip(mentions["country"], mentions["articles"], strict=True))["USA"] == 2


def test_articles_of_a_pair_come_newest_first_with_evidence_in_order(tiny_con):
    listing = run(tiny_con, requests.articles_list(default_filters(tiny_con)))
    assert list(listing["article_id"]) == ["a8", "a4", "a3", "a2", "a1"]
    assert set(listing["total_rows"]) == {5}
    a2 = listing[listing["article_id"] == "a2"].iloc[0]
    assert list(a2["evidence"]) == ["North Korea and Russia met.", "Russia thanked North Korea."]
    assert pd.isna(listing[listing["article_id"] == "a4"].iloc[0]["pair_sentences"])


def test_articles_sentence_window_and_pages(tiny_con):
    sentence = run(tiny_con, requests.articles_list(default_filters(tiny_con, window="sentence")))
    assert list(sentence["article_id"]) == ["a8", "a2", "a1"]
    _, params = requests.articles_list(default_filters(tiny_con))
    page = queries.run("articles_list", tiny_con, **{**params, "row_limit": 2, "row_offset": 2})
    assert list(page["article_id"]) == ["a3", "a2"]


def test_all_articles_keep_hostile_titles_and_urls_as_data(tiny_con):
    listing = run(tiny_con, requests.articles_list(default_filters(tiny_con, scope="all")))
    assert len(listing) == 8
    assert {SCRIPT_TITLE, FORMULA_TITLE} <= set(listing["title"])


@pytest.mark.parametrize(
    "changes",
    [
        {"countries": ("PRK') or 1=1 --",)},
        {"lang": "en' or '1'='1"},
        {"source": "x'; drop table articles; --"},
    ],
)
def test_injection_attempts_are_bound_values_that_match_nothing(tiny_con, changes):
    filters = default_filters(tiny_con, **changes)
    assert run(tiny_con, requests.overview_top_pairs(filters)).empty
    assert run(tiny_con, requests.articles_list(replace(filters, scope="all"))).empty
    assert queries.run("dashboard_status", tiny_con)["articles"].iloc[0] == 8


def run(con: duckdb.DuckDBPyConnection, request: requests.Request) -> pd.DataFrame:
    name, params = request
    return queries.run(name, con, **params)


def _timeline_tables(daily: list[int]) -> duckdb.DuckDBPyConnection:
    """An in-memory database where one pair has `daily` articles on consecutive days."""
    con = duckdb.connect(":memory:")
    queries.execute("schema", con)
    refresh_aggregates(con)
    for offset, count in enumerate(daily):
        day = date(2024, 1, 1 + offset)
        con.execute("insert into daily_totals values (?, 'en', 'wire', 'file', 100, 100)", [day])
        if count:
            # pair_timeline reads the all-languages rollup when no language is chosen
            con.execute(
                "insert into pair_daily_all by name select ? as day, 'PRK' as country_a, "
                "'RUS' as country_b, ? as articles, ? as sentence_articles, ? as text_articles",
                [day, count, count, count],
            )
    return con


def test_listings_without_a_row_limit_return_every_matching_row(sample_con):
    filters = default_filters(sample_con)
    pairs = run(sample_con, requests.overview_totals(filters)).iloc[0]["pairs"]
    assert len(run(sample_con, requests.overview_top_pairs(filters, row_limit=2))) == 2
    assert len(run(sample_con, requests.overview_top_pairs(filters, row_limit=None))) == pairs
    edges = run(sample_con, requests.network_edges(filters, row_limit=None))
    assert len(edges) == pairs == edges["matching_pairs"].iloc[0]
    limited = run(sample_con, requests.network_edges(filters, row_limit=3))
    assert len(limited) == 3 and limited["matching_pairs"].iloc[0] == pairs
    third = run(sample_con, requests.pair_third_countries(filters, ("PRK", "RUS"), row_limit=None))
    assert len(third) == third["third_countries"].iloc[0]
    articles = run(sample_con, requests.articles_list(replace(filters, scope="all"), 1, None))
    assert len(articles) == articles["total_rows"].iloc[0] == 16


def test_the_origin_filter_keeps_one_kind_of_source_in_every_view(tiny_con):
    # a4 is the tiny database's one GDELT row: PRK-RUS on 2024-02-06, pair tone -4.0
    def views(origin: str) -> dict[str, pd.DataFrame]:
        filters = default_filters(tiny_con, origin=origin, pair=("PRK", "RUS"))
        pair = ("PRK", "RUS")
        return {
            "totals": run(tiny_con, requests.overview_totals(filters)),
            "top": run(tiny_con, requests.overview_top_pairs(filters)),
            "timeline": run(tiny_con, requests.pair_timeline(filters, pair)),
            "summary": run(tiny_con, requests.pair_summary(filters, pair)),
            "third": run(tiny_con, requests.pair_third_countries(filters, pair)),
            "matrix": run(tiny_con, requests.pair_matrix(filters)),
            "network": run(tiny_con, requests.network_edges(filters)),
            "map": run(tiny_con, requests.map_countries(filters)),
            "articles": run(tiny_con, requests.articles_list(replace(filters, scope="all"))),
            "mix": run(tiny_con, requests.view_origins(filters)),
        }

    def pairs(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
        rows = frame[frame["articles"] > 0]
        keys = zip(rows["country_a"], rows["country_b"], strict=True)
        return dict(zip(keys, rows["articles"], strict=True))

    gdelt, text, both = views("gdelt"), views("text"), views("all")
    assert gdelt["totals"]["articles"].iloc[0] == 1
    assert pairs(gdelt["top"]) == {("PRK", "RUS"): 1}
    assert gdelt["top"]["mean_tone"].iloc[0] == -4.0
    assert gdelt["timeline"]["articles"].sum() == 1
    assert gdelt["summary"]["articles"].iloc[0] == 1
    assert gdelt["third"].empty  # a4 names no third country
    assert pairs(gdelt["matrix"]) == {("PRK", "RUS"): 1}
    assert pairs(gdelt["network"]) == {("PRK", "RUS"): 1}
    assert dict(zip(gdelt["map"]["country"], gdelt["map"]["articles"], strict=True)) == {
        "PRK": 1,
        "RUS": 1,
    }
    assert gdelt["articles"]["total_rows"].iloc[0] == 1
    # the two origins partition what "all" shows
    for view in ("totals", "summary"):
        assert text[view]["articles"].iloc[0] + 1 == both[view]["articles"].iloc[0]
    assert text["articles"]["total_rows"].iloc[0] == 7
    assert "gkg" not in set(text["articles"]["origin"])
    assert pairs(text["top"])[("PRK", "RUS")] == 4
    assert list(both["mix"].iloc[0]) == [7, 1]
    assert list(text["mix"].iloc[0]) == [7, 0]
