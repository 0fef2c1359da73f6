"""The load bench's sidebar rounds (bench/sidebar_filters.py, refs #19): the widget changes that
take the sidebar from one filter set to the next, one rerun each."""

from __future__ import annotations

import pytest

from bench.sidebar_filters import apply, complete, steps

DEFAULTS = {"start": "2023-01-02", "end": "2024-12-31", "window": "article"}


@pytest.mark.parametrize(
    "current,target,expected",
    [
        ({}, {"lang": "en"}, [("lang", "en")]),
        # a later period: "To" first, or "From" would pass the old "To" and be refused
        (
            {"start": "2023-03-01", "end": "2023-12-31"},
            {"start": "2024-01-01", "end": "2024-06-30"},
            [("end", "2024-06-30"), ("start", "2024-01-01")],
        ),
        # back to the defaults: "From" first, still within the old "To"
        (
            {"start": "2024-01-01", "end": "2024-06-30", "lang": "id"},
            {},
            [("start", "2023-01-02"), ("end", "2024-12-31"), ("lang", "")],
        ),
        (
            {"countries": "RUS"},
            {"window": "sentence"},
            [("countries", "-RUS"), ("window", "sentence")],
        ),
        (
            {"countries": "RUS,UKR"},
            {"countries": "UKR,CHN"},
            [("countries", "-RUS"), ("countries", "+CHN")],
        ),
        ({"lang": "en"}, {"lang": "en"}, []),
    ],
)
def test_steps_change_one_widget_at_a_time_and_never_cross_the_dates(current, target, expected):
    current, target = complete(current, DEFAULTS), complete(target, DEFAULTS)
    changes = steps(current, target)
    assert changes == expected
    for name, value in changes:
        current = apply(current, name, value)
        assert current["start"] <= current["end"]
    assert sorted(current["countries"].split(",")) == sorted(target["countries"].split(","))
    assert {k: v for k, v in current.items() if k != "countries"} == {
        k: v for k, v in target.items() if k != "countries"
    }
