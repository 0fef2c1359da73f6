"""The measures (refs #18) through Streamlit's AppTest, on the hand-counted database of
tests/measures_db.py: what the chart draws, what its axis says, and the CSV's own figures."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from board import measures
from tests.measures_db import END, START, build_measures_db
from tests.test_dashboard import (  # noqa: F401  (the fixture main_module_restored)
    assert_healthy,
    main_module_restored,
    open_page,
    plotly_figures,
    shown_text,
)

THIRD = 1 / 3


@pytest.fixture(scope="module")
def measures_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_measures_db(tmp_path_factory.mktemp("measures") / "measures.duckdb")


@pytest.fixture(autouse=True)
def on_measures(measures_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TENSION_DB", str(measures_db))
    return measures_db


def downloaded(at: AppTest, stores: list, key: str) -> pd.DataFrame:
    """The CSV behind the download button `key`, as a spreadsheet would read it; `stores`
    is the `media` fixture (tests/conftest.py)."""
    button = next(b for b in at.download_button if b.key == key)
    name = button.proto.url.rsplit("/", 1)[-1]
    data = stores[-1].get_file(name).content
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")


def pair_page(**query: str) -> AppTest:
    return open_page(view="pair", pair="PRK-RUS", start=START, end=END, bucket="month", **query)


@pytest.mark.parametrize(
    "measure,values,axis",
    [
        ("count", [1, 2, 1], "Articles naming both"),
        ("share", [250.0, 2000 * THIRD, 1000 * THIRD], "per 1,000 of all articles (‰)"),
        (
            "share_either",
            [100 * THIRD, 200 * THIRD, 50.0],
            "per 100 articles naming North Korea or Russia (%)",
        ),
        ("index", [75.0, 150.0, 75.0], "the baseline's mean per month = 100"),
    ],
)
def test_the_pair_chart_and_its_csv_show_each_measure_hand_counted(media, measure, values, axis):
    at = pair_page(measure=measure)
    assert_healthy(at)
    volume = plotly_figures(at)[0]
    assert list(volume["data"][0]["y"]) == pytest.approx(values)
    assert volume["layout"]["yaxis"]["title"]["text"] == measures.BY_NAME[measure].label
    # the title names the denominator too (the count has none)
    title = volume["layout"]["title"]["text"]
    assert title.startswith("North Korea – Russia: articles per month")
    assert measure == "count" or title.endswith(axis)
    csv = downloaded(at, media, "download_pair_timeline")
    assert list(csv["value"]) == pytest.approx(values)
    assert list(csv["numerator"]) == [1, 2, 1]
    assert axis in csv["measure"].iloc[0]


def test_the_index_says_what_its_baseline_is(media):
    at = pair_page(measure="index")
    assert "Index 100 = the pair's mean of 1.33 articles per month over the baseline, " in (
        shown_text(at)
    )
    assert "2024-01-01 to 2024-03-31" in shown_text(at)
    csv = downloaded(at, media, "download_pair_timeline")
    assert list(csv["denominator"]) == pytest.approx([4 / 3] * 3)


def test_an_index_over_an_empty_baseline_is_a_notice_not_infinity():
    # October to December 2023 are the baseline: the pair is not in the news then
    at = open_page(
        view="pair", pair="PRK-RUS", start="2023-10-01", end=END, bucket="month", measure="index"
    )
    assert_healthy(at)
    assert any("No index: the pair has no articles in its baseline" in w.value for w in at.warning)
    bars = plotly_figures(at)[0]["data"][0]["y"]
    assert all(value is None or pd.isna(value) for value in bars)


@pytest.mark.parametrize("view", ["overview", "matrix", "network", "map"])
def test_views_without_time_show_counts_for_the_index_and_say_so(view):
    at = open_page(view=view, start=START, end=END, measure="index", countries="PRK")
    assert_healthy(at)
    assert "The index is a measure over time" in shown_text(at)


def test_the_overview_ranks_and_labels_by_the_share_of_either(media):
    at = open_page(view="overview", start=START, end=END, measure="share_either")
    assert_healthy(at)
    bars = plotly_figures(at)[0]
    # bottom to top: the chart puts the first-ranked pair on top
    assert bars["layout"]["yaxis"]["categoryarray"] == [
        "Russia – United States",
        "North Korea – Russia",
        "China – Ukraine",
    ]
    assert "per 100 articles naming either country (%)" in str(bars["layout"])


def test_a_search_narrows_the_share_of_either_and_the_index(media):
    # "korea" is in the titles of m1, m2, m5, m6, m7: PRK-RUS 1, 2, 0 of either 2, 3, 0
    at = pair_page(measure="share_either", q="korea")
    assert_healthy(at)
    assert list(plotly_figures(at)[0]["data"][0]["y"])[:2] == pytest.approx([50.0, 200 * THIRD])
    indexed = pair_page(measure="index", q="korea")
    assert list(plotly_figures(indexed)[0]["data"][0]["y"]) == pytest.approx([100.0, 200.0, 0.0])
