"""The one spike detector (monitor/spikes.py): what it flags, what it leaves alone, and why."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from monitor.spikes import SpikeSettings, detect, for_sources, lead_start, with_sensitivity

SETTINGS = SpikeSettings()
DAY = date(2026, 3, 10)  # a Tuesday


def series(counts: list[int], sources: int = 4, stories: int | None = None) -> pd.DataFrame:
    """Daily rows ending on DAY; every day has `sources` sources (at most its count)."""
    days = [DAY - timedelta(days=len(counts) - 1 - i) for i in range(len(counts))]
    return pd.DataFrame(
        {
            "day": days,
            "count": counts,
            "sources": [min(c, sources) for c in counts],
            "stories": [c if stories is None else min(c, stories) for c in counts],
        }
    )


def last_day(frame: pd.DataFrame, settings: SpikeSettings = SETTINGS) -> pd.Series:
    return detect(frame, DAY, DAY, settings).iloc[-1]


@pytest.mark.parametrize(
    "counts,sources,stories,is_spike",
    [
        # a quiet month (1 article every other day), then 12 articles: a spike
        ([1, 0] * 15 + [12], 4, None, True),
        # the same burst from a single outlet is not the world noticing
        ([1, 0] * 15 + [12], 1, None, False),
        # nor one story copied 12 times
        ([1, 0] * 15 + [12], 4, 1, False),
        # 1 -> 3 articles is more than twice the baseline, but too few to mean anything
        ([1, 0] * 15 + [3], 4, None, False),
        # steady high volume is not a spike, even at 40 a day
        ([40] * 31, 4, None, False),
        # a busy pair's +30 % is noise, not news
        ([40] * 30 + [52], 4, None, False),
    ],
)
def test_a_day_is_a_spike_only_against_its_baseline_with_sources_and_stories(
    counts, sources, stories, is_spike
):
    assert bool(last_day(series(counts, sources, stories))["is_spike"]) == is_spike


def test_without_a_week_of_data_there_is_no_baseline_to_exceed():
    # a monitor started three days ago: the days before it are no data, not zero
    frame = series([1, 0, 1, 12])
    assert last_day(frame)["is_spike"]  # without data_start, the missing days count zero
    judged = detect(frame, DAY, DAY, SETTINGS, data_start=DAY - timedelta(days=3)).iloc[-1]
    assert not judged["is_spike"] and pd.isna(judged["expected"])


def test_every_flag_says_why_in_one_line():
    judged = last_day(series([1, 0] * 15 + [12]))
    assert judged["why"].startswith("12 articles, 12 stories from 4 sources vs 0.")
    assert "expected on a Tuesday (56-day baseline); z = " in judged["why"]
    assert "\n" not in judged["why"]
    # counting stories, the count is the stories (refs #16)
    frame = series([1, 0] * 15 + [12])
    in_stories = detect(frame, DAY, DAY, SETTINGS, unit="story").iloc[-1]
    assert in_stories["why"].startswith("12 stories from 4 sources vs 0.")


def test_weekends_are_compared_with_weekends():
    # 10 articles a weekday and 1 a weekend day from Monday 2026-02-02, then after 33 days
    # a Saturday with 10: under twice the pair's daily mean (7.4), but a spike for a Saturday
    monday = date(2026, 2, 2)
    counts = ([10] * 5 + [1, 1]) * 4 + [10] * 5 + [10]
    frame = series(counts)
    frame["day"] = [monday + timedelta(days=i) for i in range(len(counts))]
    saturday = frame["day"].iloc[-1]
    judged = detect(frame, saturday, saturday, SETTINGS).iloc[-1]
    assert saturday.weekday() == 5
    assert judged["is_spike"]
    assert judged["expected"] < 3
    assert "on a Saturday" in judged["why"]


def test_a_burst_that_lasts_is_flagged_on_its_first_day_only():
    frame = series([1, 0] * 15 + [12, 14, 13])
    judged = detect(frame, DAY - timedelta(days=2), DAY, SETTINGS)
    assert list(judged["is_spike"]) == [True, False, False]


def test_weeks_and_months_are_judged_against_the_buckets_before_them():
    # a pair named 2 or 3 times a week, then 20 times in a week
    weeks = [2, 3] * 5 + [20]
    first = lead_start(DAY, SETTINGS, "week")
    frame = pd.DataFrame(
        {
            "day": [first + timedelta(weeks=i) for i in range(len(weeks))],
            "count": weeks,
            "sources": 3,
            "stories": weeks,
        }
    )
    judged = detect(frame, frame["day"].iloc[-1], frame["day"].iloc[-1], SETTINGS, "week")
    assert bool(judged["is_spike"].iloc[-1])
    assert "in a week (8-week baseline)" in judged["why"].iloc[-1]


def test_the_sources_rule_asks_at_most_the_sources_the_data_hold():
    rules = SpikeSettings()
    assert [for_sources(rules, n).min_sources for n in (0, 1, 2, 7)] == [1, 1, 2, 2]
    assert for_sources(rules, 1).max_p == rules.max_p


def steady(days: int, per_day: int) -> list[int]:
    return [per_day] * days


@pytest.mark.parametrize("burst,is_spike", [(10, True), (9, False)])
def test_a_weekday_of_ten_on_a_steady_three_a_day_pair_is_flagged(burst, is_spike):
    # 3 a day for 16 weeks: expected 3 (no weekday differs), and P(X >= 10) is about 0.001,
    # under max_p; the bursts are 'of at least 10 articles', so 9 is not one (refs #17)
    judged = last_day(series(steady(112, 3) + [burst]))
    assert judged["expected"] == pytest.approx(3.0)
    assert bool(judged["is_spike"]) == is_spike


def test_a_step_up_is_flagged_once_and_becomes_the_new_level_within_two_weeks():
    # 3 a day for 16 weeks, then 12 a day for 3 weeks: the step's first day is a spike; the
    # days after it keep meeting the rule until the shift guard takes the last 14 days as the
    # level, so no second flag, and by day 15 the expected count is the new level, not a
    # mix of old and new that a later ordinary day would exceed
    counts = steady(112, 3) + steady(21, 12)
    frame = series(counts)
    step = frame["day"].iloc[112]
    judged = detect(frame, step, DAY, SETTINGS)
    assert list(judged.loc[judged["is_spike"], "day"]) == [step]
    assert judged["expected"].iloc[15] == pytest.approx(12.0, rel=0.01)


@pytest.mark.parametrize("sensitivity,is_spike", [("normal", False), ("high", True)])
def test_a_watch_set_to_high_alerts_on_a_sparse_pairs_day_under_ten(sensitivity, is_spike):
    # a pair named every other day, then 7 articles from 4 sources: under the day's minimum
    # of 10, but what a watch asking for more alerts wants to hear of
    settings = with_sensitivity(SETTINGS, sensitivity)
    assert last_day(series([1, 0] * 30 + [7]), settings).is_spike == is_spike
