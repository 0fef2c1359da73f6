"""Comparisons (`compare`, `compare_start`, `compare_end`, refs #18) through AppTest, on the
hand-counted database of tests/measures_db.py (its docstring has the counts)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.measures_db import END, START
from tests.test_dashboard import (  # noqa: F401  (the fixture main_module_restored)
    assert_healthy,
    main_module_restored,
    open_page,
    plotly_figures,
    shown_text,
)
from tests.test_dashboard_measures import (  # noqa: F401  (the fixtures)
    downloaded,
    measures_db,
    on_measures,
)

THIRD = 1 / 3


def compare_page(**query: str) -> AppTest:
    at = open_page(view="pair", pair="PRK-RUS", start=START, end=END, bucket="month", **query)
    assert_healthy(at)
    return at


def compared(at: AppTest) -> dict[str, list]:
    """The compare chart's first panel: each series' name and values."""
    figure = plotly_figures(at)[-1]
    return {
        trace["name"]: list(trace["y"])
        for trace in figure["data"]
        if trace.get("yaxis", "y") == "y" and trace.get("xaxis", "x") == "x"
    }


def test_compared_pairs_share_one_axis_with_the_focus_pair(media):
    at = compare_page(compare="USA-RUS,CHN-UKR")
    assert compared(at) == {
        "North Korea – Russia": [1, 2, 1],
        "Russia – United States": [0, 0, 1],
        "China – Ukraine": [0, 0, 1],
    }
    csv = downloaded(at, media, "download_pair_compare")
    assert len(csv) == 9
    assert list(csv["pair"].unique()) == ["PRK-RUS", "RUS-USA", "CHN-UKR"]
    assert list(csv.loc[csv["pair"] == "RUS-USA", "value"]) == [0, 0, 1]


def test_compared_pairs_follow_the_measure(media):
    at = compare_page(compare="RUS-USA,CHN-UKR", measure="share_either")
    series = compared(at)
    assert series["North Korea – Russia"] == pytest.approx([100 * THIRD, 200 * THIRD, 50.0])
    # RUS-USA: 0 of 3 (m1 m3 m4), 0 of 2 (m5 m6), 1 (m9) of 2 (m8 m9)
    assert series["Russia – United States"] == pytest.approx([0.0, 0.0, 50.0])
    csv = downloaded(at, media, "download_pair_compare")
    assert csv.loc[csv["pair"] == "RUS-USA", "denominator"].tolist() == [3, 2, 2]
    assert "per 100 articles naming either country (%)" in csv["measure"].iloc[0]


def test_a_second_period_is_drawn_on_days_since_its_start(media):
    # 2023-01-01 for as long as the main period (90 days): to 2023-04-01
    at = compare_page(compare_start="2023-01-01")
    figure = plotly_figures(at)[-1]
    first = [trace for trace in figure["data"] if trace.get("yaxis", "y") == "y"]
    assert [trace["name"] for trace in first] == [
        "North Korea – Russia, 2024-01-01 to 2024-03-31",
        "North Korea – Russia, 2023-01-01 to 2023-04-01",
    ]
    assert list(first[0]["x"]) == [0, 31, 60]
    assert list(first[1]["x"]) == [0, 31, 59, 90]
    assert "Days since" in str(figure["layout"])
    csv = downloaded(at, media, "download_pair_compare")
    assert list(csv["period_start"].unique()) == ["2024-01-01", "2023-01-01"]


def test_bad_compared_pairs_get_a_notice_and_the_good_ones_are_drawn():
    at = compare_page(compare="PRK-XXX,RUS-USA")
    assert "Ignored compared pairs not in the data" in shown_text(at)
    assert list(compared(at)) == ["North Korea – Russia", "Russia – United States"]


def test_the_comparison_stays_in_the_url_when_another_filter_changes():
    at = compare_page(compare="RUS-USA", compare_start="2023-01-01", compare_end="2023-03-31")
    at.segmented_control(key="measure").set_value("share").run()
    assert_healthy(at)
    assert at.query_params["compare"] == "RUS-USA"
    assert at.query_params["compare_start"] == "2023-01-01"
    assert at.query_params["measure"] == "share"
    at.text_input(key="compare").set_value("chn-ukr, RUS-USA").run()
    assert at.query_params["compare"] == "CHN-UKR,RUS-USA"
    assert list(compared(at)) == [
        "North Korea – Russia, 2024-01-01 to 2024-03-31",
        "China – Ukraine, 2024-01-01 to 2024-03-31",
        "Russia – United States, 2024-01-01 to 2024-03-31",
        "North Korea – Russia, 2023-01-01 to 2023-03-31",
    ]
