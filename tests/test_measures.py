"""The measures (refs #18): count, share, share of either country, index, on the
hand-counted database of tests/measures_db.py (its docstring has the counts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pytest

import queries
from board import charts, export, measures, requests, state
from tests.measures_db import build_measures_db
from tests.test_dashboard_queries import default_filters

THIRD = 1 / 3


@pytest.fixture(scope="module")
def measures_con(tmp_path_factory: pytest.TempPathFactory):
    path = build_measures_db(tmp_path_factory.mktemp("measures") / "measures.duckdb")
    with duckdb.connect(str(path), read_only=True) as con:
        yield con


def quarter(con: duckdb.DuckDBPyConnection, **changes) -> state.Filters:
    period = {"start": date(2024, 1, 1), "end": date(2024, 3, 31), "bucket": "month"}
    return default_filters(con, **(period | changes))


def timeline(con: duckdb.DuckDBPyConnection, **changes) -> pd.DataFrame:
    filters = quarter(con, **changes)
    return ask(requests.pair_timeline(filters, ("PRK", "RUS")), con)


def ask(request: requests.Request, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    name, params = request
    return queries.run(name, con, **params)


def test_every_measure_is_described_with_its_numerator_and_denominator():
    assert state.MEASURES == ("count", "share", "share_either", "index")
    names = "North Korea or Russia"
    assert measures.describe("count", "article", names) == "Articles naming both"
    assert measures.describe("share", "sentence", names) == (
        "Articles naming both in one sentence per 1,000 of all articles with text (‰)"
    )
    assert measures.describe("share_either", "article", names) == (
        "Articles naming both per 100 articles naming North Korea or Russia (%)"
    )
    assert measures.describe("index", "article", names, "week") == (
        "Articles naming both as an index, the baseline's mean per week = 100"
    )


@pytest.mark.parametrize(
    "window,articles,share,either,share_either,index",
    [
        # m1 | m5 m6 | m8, of 4 | 3 | 3 articles; naming PRK or RUS 3 | 3 | 2; baseline 4/3
        (
            "article",
            [1, 2, 1],
            [250.0, 2000 * THIRD, 1000 * THIRD],
            [3, 3, 2],
            [100 * THIRD, 200 * THIRD, 50.0],
            [75.0, 150.0, 75.0],
        ),
        # m1 | m6 | none, of the articles with text 4 | 3 | 2; naming either with text
        # 3 | 3 | 1 (m9; m8 has no text); baseline 2/3
        (
            "sentence",
            [1, 1, 0],
            [250.0, 1000 * THIRD, 0.0],
            [3, 3, 1],
            [100 * THIRD, 100 * THIRD, 0.0],
            [150.0, 150.0, 0.0],
        ),
    ],
)
def test_the_timeline_has_each_measure_hand_counted(
    measures_con, window, articles, share, either, share_either, index
):
    frame = timeline(measures_con, window=window)
    assert list(frame["articles"]) == articles
    assert list(frame["share_per_mille"]) == pytest.approx(share)
    assert list(frame["either_articles"]) == either
    assert list(frame["share_either_pct"]) == pytest.approx(share_either)
    assert list(frame["index_value"]) == pytest.approx(index)
    assert set(frame["baseline_first"]) == {pd.Timestamp("2024-01-01")}
    assert set(frame["baseline_last"]) == {pd.Timestamp("2024-03-31")}


def test_the_index_baseline_is_the_first_complete_buckets_only(measures_con):
    # from 2024-01-10 January is cut (partial, and m1 of the 5th left out): the baseline is
    # February and March, 3/2
    frame = timeline(measures_con, start=date(2024, 1, 10))
    assert list(frame["is_partial"]) == [True, False, False]
    assert frame["baseline_articles"].iloc[0] == pytest.approx(1.5)
    assert list(frame["index_value"]) == pytest.approx([0.0, 200 / 1.5, 100 / 1.5])


def test_a_baseline_without_articles_gives_no_index_rather_than_infinity(measures_con):
    # October to December 2023 are the baseline, and the pair is not in them
    frame = timeline(measures_con, start=date(2023, 10, 1))
    assert frame["baseline_articles"].iloc[0] == 0
    assert frame["index_value"].isna().all()


def test_the_overview_ranks_by_the_share_of_either_when_it_is_the_measure(measures_con):
    by_count = ask(requests.overview_top_pairs(quarter(measures_con)), measures_con)
    by_either = ask(
        requests.overview_top_pairs(quarter(measures_con, measure="share_either")), measures_con
    )
    assert list(by_count["pair_name"].str[:5]) == ["North", "China", "Russi"]
    # CHN-UKR: 1 of 1; PRK-RUS 4 of 6 + 6 - 4; RUS-USA 1 of 6 + 2 - 1
    assert list(by_either["country_a"] + by_either["country_b"]) == ["CHNUKR", "PRKRUS", "RUSUSA"]
    assert list(by_either["either_articles"]) == [1, 8, 7]
    assert list(by_either["share_either_pct"]) == pytest.approx([100.0, 50.0, 100 / 7])


def test_matrix_network_and_map_give_the_same_share_of_either(measures_con):
    filters = quarter(measures_con, countries=("PRK",), measure="share_either")
    matrix = ask(requests.pair_matrix(filters), measures_con)
    edges = ask(requests.network_edges(filters), measures_con)
    partners = ask(requests.map_countries(filters), measures_con)

    def prk_rus(frame: pd.DataFrame) -> pd.Series:
        if "country" in frame:
            return frame[frame["country"] == "RUS"].iloc[0]
        return frame[(frame["country_a"] == "PRK") & (frame["country_b"] == "RUS")].iloc[0]

    for frame in (matrix, edges, partners):
        assert prk_rus(frame)["either_articles"] == 8
        assert prk_rus(frame)["share_either_pct"] == pytest.approx(50.0)


def test_the_csv_carries_numerator_denominator_and_the_charted_value(measures_con):
    for measure in state.MEASURES:
        frame = timeline(measures_con, measure=measure)
        label = measures.describe(measure, "article", "North Korea or Russia", "month")
        shown = measures.with_measure(frame, measure, label)
        csv = pd.read_csv(pd.io.common.BytesIO(export.to_csv(shown)), encoding="utf-8-sig")
        bars = charts.pair_volume(frame.assign(is_spike=False), measure, "", label).data[0]
        assert list(csv["value"]) == pytest.approx(list(bars.y)), measure
        assert set(csv["measure"]) == {label}
        assert list(csv["numerator"]) == [1, 2, 1]
        denominator = measures.BY_NAME[measure].denominator
        if denominator:
            assert list(csv["denominator"]) == pytest.approx(list(frame[denominator]))
        else:
            assert csv["denominator"].isna().all()


def test_filters_accept_the_new_measures_from_the_url(measures_con):
    options_filters = quarter(measures_con)
    for measure in ("share_either", "index"):
        filters = replace(options_filters, measure=measure)
        assert state.to_query(filters)["measure"] == measure
