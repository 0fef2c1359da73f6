"""Query string <-> filter state: the URL contract, validation and its notices."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from board.state import (
    FIELDS,
    Filters,
    Options,
    comparison_period,
    defaults,
    from_query,
    previous_period,
    to_query,
)

OPTIONS = Options(
    first_day=date(2024, 1, 10),
    last_day=date(2024, 12, 20),
    countries={"RUS": "Russia (RUS)", "PRK": "North Korea (PRK)", "USA": "United States (USA)"},
    languages=("en", "id"),
    sources=("wire-a", "wire-b"),
    busiest_pair=("PRK", "RUS"),
)


CHANGED = {
    "countries": ("PRK", "USA"),
    "lang": "id",
    "source": "wire-b",
    "cell": "lift",
    "page": 4,
    "compare": (("PRK", "USA"), ("RUS", "USA")),
    "compare_start": date(2023, 1, 10),
    "compare_end": date(2023, 6, 30),
}
"""Filters unlike the defaults, which the round-trip tests send through the URL."""


def test_no_parameters_mean_all_the_data_and_the_busiest_pair():
    filters, notices = from_query({}, OPTIONS)
    assert notices == []
    assert filters == defaults(OPTIONS)
    assert (filters.start, filters.end) == (date(2024, 1, 10), date(2024, 12, 20))
    assert filters.pair == ("PRK", "RUS")
    assert (filters.view, filters.window, filters.measure) == ("overview", "article", "count")
    # a year of data is read in weeks
    assert filters.bucket == "week"


def test_every_contract_name_is_read():
    query = {
        "view": "pair",
        "start": "2024-02-01",
        "end": "2024-03-01",
        "countries": "PRK,USA",
        "pair": "RUS-PRK",
        "lang": "id",
        "source": "wire-b",
        "window": "sentence",
        "measure": "share",
        "bucket": "month",
        "min": "3",
        "unit": "story",
        "cell": "lift",
        "scope": "all",
        "page": "4",
        "compare": "USA-PRK,RUS-USA",
        "compare_start": "2023-01-10",
        "compare_end": "2023-06-30",
    }
    filters, notices = from_query(query, OPTIONS)
    assert notices == []
    assert filters == Filters(
        view="pair",
        start=date(2024, 2, 1),
        end=date(2024, 3, 1),
        **CHANGED,
        pair=("PRK", "RUS"),  # stored in canonical order
        window="sentence",
        measure="share",
        bucket="month",
        min_articles=3,
        unit="story",
        scope="all",
    )
    assert to_query(filters) == {**query, "pair": "PRK-RUS", "compare": "PRK-USA,RUS-USA"}


def test_round_trip_leaves_out_empty_filters_and_default_extras():
    filters, _ = from_query({"view": "map"}, OPTIONS)
    assert to_query(filters) == {
        "view": "map",
        "start": "2024-01-10",
        "end": "2024-12-20",
        "pair": "PRK-RUS",
        "window": "article",
        "measure": "count",
        "bucket": "week",
        "min": "1",
        # data without copies count articles (refs #16)
        "unit": "article",
    }
    assert from_query(to_query(filters), OPTIONS) == (filters, [])


@pytest.mark.parametrize(
    "query,field,expected,notice",
    [
        ({"view": "graph"}, "view", "overview", "Unknown view"),
        ({"window": "paragraph"}, "window", "article", "Unknown window"),
        ({"measure": "tone"}, "measure", "count", "Unknown measure"),
        ({"bucket": "year"}, "bucket", "week", "Unknown bucket"),
        ({"cell": "pmi"}, "cell", "count", "Unknown cell"),
        ({"scope": "mine"}, "scope", "pair", "Unknown scope"),
        ({"min": "-1"}, "min_articles", 1, "Invalid minimum"),
        ({"min": "two"}, "min_articles", 1, "Invalid minimum"),
        ({"page": "0"}, "page", 1, "Invalid page"),
        ({"page": "2; drop"}, "page", 1, "Invalid page"),
        ({"lang": "xx"}, "lang", None, "No articles with lang"),
        ({"source": "unknown"}, "source", None, "No articles with source"),
        ({"start": "2024-13-01"}, "start", date(2024, 1, 10), "Invalid start date"),
        ({"start": "20240101"}, "start", date(2024, 1, 10), "Invalid start date"),
        ({"end": "0001-01-01"}, "end", date(2024, 12, 20), "Invalid end date"),
        ({"pair": "PRK"}, "pair", ("PRK", "RUS"), "Unknown pair"),
        ({"pair": "PRK-PRK"}, "pair", ("PRK", "RUS"), "Unknown pair"),
        ({"pair": "PRK-FRA"}, "pair", ("PRK", "RUS"), "Unknown pair"),
        ({"countries": "PRK') or 1=1 --"}, "countries", (), "Ignored countries"),
        ({"countries": "prk,XXX"}, "countries", ("PRK",), "Ignored countries"),
    ],
)
def test_invalid_values_fall_back_to_defaults_with_a_notice(query, field, expected, notice):
    filters, notices = from_query(query, OPTIONS)
    assert getattr(filters, field) == expected
    assert len(notices) == 1 and notices[0].startswith(notice)


@pytest.mark.parametrize(
    "start,end,kept",
    [
        # the start is kept, the end falls back to the data's last day...
        ("2024-06-01", "2024-05-01", (date(2024, 6, 1), OPTIONS.last_day)),
        # ... or to the start itself when the start is after the data
        ("2025-02-01", "2025-01-01", (date(2025, 2, 1), date(2025, 2, 1))),
    ],
)
def test_a_start_after_the_end_keeps_the_start_and_says_so(start, end, kept):
    filters, notices = from_query({"start": start, "end": end}, OPTIONS)
    assert (filters.start, filters.end) == kept
    assert f"The start {start} is after the end {end}: showing {start} to" in notices[0]


def test_notices_show_user_values_as_code_spans_shortened():
    _, notices = from_query({"view": "`[click](javascript:alert(1))`" + "x" * 100}, OPTIONS)
    # inside a code span markdown is shown literally; a backtick would close it early
    assert notices[0].startswith("Unknown view `'[click](javascript:alert(1))'xxx")
    assert notices[0].count("`") == 2
    assert len(notices[0]) < 200


def test_repeated_parameters_keep_the_last_value_like_st_query_params():
    filters, _ = from_query({"bucket": ["day", "month"]}, OPTIONS)
    assert filters.bucket == "month"


def test_previous_period_has_the_same_length():
    filters, _ = from_query({"start": "2024-03-01", "end": "2024-03-31"}, OPTIONS)
    assert previous_period(filters) == date(2024, 1, 30)


def test_empty_database_defaults_to_today():
    empty = Options(None, None, {}, (), (), None)
    filters = defaults(empty, today=date(2025, 5, 5))
    assert (filters.start, filters.end, filters.pair, filters.bucket) == (
        date(2025, 5, 5),
        date(2025, 5, 5),
        None,
        "day",
    )


def test_country_names_drop_the_code():
    assert OPTIONS.name("PRK") == "North Korea"
    assert OPTIONS.name("FRA") == "FRA"


def test_each_filter_is_declared_once_and_its_widgets_write_back_its_query_text():
    # refs #12: the URL codec and the sidebar's widgets both read state.FIELDS, so the
    # widgets seeded from a state give back that state's query string, field by field
    filters = dataclasses.replace(
        defaults(OPTIONS),
        **CHANGED,
        origin="gdelt",
        q='pasukan OR "Korea Utara"',
    )
    query = to_query(filters)
    assert list(FIELDS) == [field.name for field in dataclasses.fields(Filters)]
    assert {url.name for url in FIELDS.values()} == set(query) | {"scope"}
    widgets = {}
    for attr, url in FIELDS.items():
        widgets.update(url.widget_values(getattr(filters, attr)))
    assert (widgets["pair_a"], widgets["pair_b"]) == ("PRK", "RUS")
    written = {url.name: url.query_text(widgets) for url in FIELDS.values()}
    assert written == {**query, "scope": "pair"}


def test_a_search_round_trips_through_the_url_with_its_spaces_made_single():
    # refs #18: `q` is a contract name; a pasted line break means nothing in a search
    filters, notices = from_query({"q": ' troops  OR\n"Korea Utara" '}, OPTIONS)
    assert (filters.q, notices) == ('troops OR "Korea Utara"', [])
    assert to_query(filters)["q"] == 'troops OR "Korea Utara"'
    assert "q" not in to_query(defaults(OPTIONS))


def test_compared_pairs_are_read_canonical_and_round_trip_through_the_url():
    # refs #18: `compare` is a contract name, each pair in the order `pair` has
    filters, notices = from_query({"compare": " usa-prk , RUS-USA,PRK-USA"}, OPTIONS)
    assert (filters.compare, notices) == ((("PRK", "USA"), ("RUS", "USA")), [])
    assert to_query(filters)["compare"] == "PRK-USA,RUS-USA"
    assert "compare" not in to_query(defaults(OPTIONS))


@pytest.mark.parametrize(
    "text,notice",
    [
        # a country not in the data, a pair of one country, not a pair at all
        ("PRK-FRA,RUS-RUS,Russia", "Ignored compared pairs not in the data"),
        # seven pairs where six can be told apart
        ("A", "Only the first 6 compared pairs are drawn."),
    ],
)
def test_bad_or_too_many_compared_pairs_get_a_notice(text, notice):
    many = {code: f"{code} ({code})" for code in ("PRK", "RUS", "USA", "CHN", "UKR")}
    options = dataclasses.replace(OPTIONS, countries=many)
    if text == "A":
        codes = sorted(many)
        text = ",".join(f"{a}-{b}" for i, a in enumerate(codes) for b in codes[i + 1 :])
    filters, notices = from_query({"compare": text}, options)
    assert any(notice in shown for shown in notices), notices
    assert len(filters.compare) <= 6


def test_a_comparison_period_without_an_end_is_as_long_as_the_main_one():
    filters, notices = from_query(
        {"start": "2024-03-01", "end": "2024-03-31", "compare_start": "2023-03-01"}, OPTIONS
    )
    assert notices == []
    assert comparison_period(filters) == (date(2023, 3, 1), date(2023, 3, 31))
    assert comparison_period(defaults(OPTIONS)) is None
    bad, notices = from_query({"compare_start": "2023-02-30"}, OPTIONS)
    assert bad.compare_start is None and "comparison start" in notices[0]
