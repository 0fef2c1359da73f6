"""Comparisons in a real browser (refs #18): a pair typed into the sidebar joins the chart and
the URL, a shared link with a second period reopens the same comparison, and its CSV holds
one row per pair and period per bucket, the focus pair's equal to the pair's own CSV."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.browser import settle
from tests.e2e.test_browser import assert_no_exception, download_csv, open_view

pytestmark = pytest.mark.browser

PAIR_VIEW = "view=pair&pair=PRK-RUS&start=2024-01-01&end=2024-12-31&bucket=month"
MAIN = "North Korea – Russia, 2024-01-01 to 2024-12-31"


def legend(page) -> set[str]:
    """The names in the compare chart's legend (the last chart with one)."""
    chart = page.locator(".js-plotly-plot").filter(has_text=MAIN).last
    chart.wait_for()
    return set(chart.locator(".legendtext").all_text_contents())


def test_a_comparison_round_trips_through_the_url_and_its_csv(page, server):
    open_view(page, server, f"{PAIR_VIEW}&compare_start=2023-01-01&compare_end=2023-12-31")
    box = page.get_by_role("textbox", name="Compare with pairs")
    box.fill("phl-chn")
    box.press("Enter")
    settle(page)
    assert_no_exception(page)
    shared = page.url
    query = parse_qs(urlsplit(shared).query)
    assert (query["compare"], query["compare_start"], query["compare_end"]) == (
        ["CHN-PHL"],
        ["2023-01-01"],
        ["2023-12-31"],
    )
    drawn = {
        MAIN,
        "China – Philippines, 2024-01-01 to 2024-12-31",
        "North Korea – Russia, 2023-01-01 to 2023-12-31",
    }
    assert legend(page) == drawn

    page.locator(".st-key-measure button", has_text="Share of either").click()
    settle(page)
    assert parse_qs(urlsplit(page.url).query)["measure"] == ["share_either"]
    # a colleague opening the shared link sees the same comparison
    page.goto(shared)
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page)
    assert legend(page) == drawn
    assert page.get_by_role("textbox", name="Compare with pairs").input_value() == "CHN-PHL"

    _, timeline = download_csv(page, key="download_pair_timeline")
    name, rows = download_csv(page, key="download_pair_compare")
    assert name.startswith("tension-pair-compare-2024-01-01_2024-12-31-PRK-RUS-")
    assert Counter((row["pair"], row["period_start"]) for row in rows) == {
        ("PRK-RUS", "2024-01-01"): 12,
        ("CHN-PHL", "2024-01-01"): 12,
        ("PRK-RUS", "2023-01-01"): 12,
    }
    focus = [row["value"] for row in rows if row["pair_name"] == MAIN]
    assert focus == [row["value"] for row in timeline]
