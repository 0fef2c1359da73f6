"""The measures a pair's articles are shown in (`measure` in the URL), and what each divides by.

Every measure has the pair's articles as its numerator (in the co-occurrence window: naming
both countries in one article, or in one sentence); they differ in the denominator
(refs #18): `count` none, `share` all articles (per mille), `share_either` the articles naming
either country of the pair (per cent: "how much of Russia's or North Korea's coverage names
both"), `index` the mean per bucket of a baseline period (= 100). The queries compute each
measure's column; this module names them, says in words what each is, and adds the
`measure`, `numerator`, `denominator` and `value` columns a CSV carries.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from monitor.units import COUNTED


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    """The sidebar's short name."""
    column: str
    """The value's column in the queries' rows."""
    rolling: str
    """Its trailing rolling mean's column (the timeline)."""
    denominator: str | None
    """The column the pair's articles are divided by; None for the count."""
    unit: str
    """What the denominator is, as the axis says it: '{names}' is the pair's 'A or B'."""
    text_format: str
    """How a matrix cell prints the value (plotly's d3 format)."""


BY_NAME = {
    "count": Measure("count", "Articles", "articles", "rolling_articles", None, "", "d"),
    "share": Measure(
        "share",
        "Share ‰",
        "share_per_mille",
        "rolling_share_per_mille",
        "total_articles",
        "per 1,000 of all articles (‰)",
        ".2f",
    ),
    "share_either": Measure(
        "share_either",
        "Share of either %",
        "share_either_pct",
        "rolling_share_either_pct",
        "either_articles",
        "per 100 articles naming {names} (%)",
        ".1f",
    ),
    "index": Measure(
        "index",
        "Index",
        "index_value",
        "rolling_index_value",
        "baseline_articles",
        "as an index, the baseline's mean per {bucket} = 100",
        ".0f",
    ),
}

TIMELINE_ONLY = ("index",)
"""Measures over time only: an index needs buckets and a baseline, which a ranking, a
matrix, a network or a map of one period has not."""

EITHER = "either country"


UNIT_COLUMNS = {
    "articles": "stories",
    "article_count": "articles",
    "total_articles": "total_stories",
    "previous_articles": "previous_stories",
    "previous_total_articles": "previous_total_stories",
    "pair_articles": "pair_stories",
}
"""The story unit's names of the queries' count columns (refs #16): there `articles` holds
the stories, `article_count` the articles beside them, and so on."""


def axis_label(measure: str, unit: str = "article") -> str:
    """A chart axis's short name of the measure: 'Stories' for a count in the story unit."""
    if measure == "count":
        return COUNTED[unit].capitalize()
    return BY_NAME[measure].label


def numerator(window: str, unit: str = "article") -> str:
    """'Articles naming both' (in one sentence, for the sentence window; stories for the
    story unit)."""
    return f"{COUNTED[unit].capitalize()} naming both" + (
        " in one sentence" if window == "sentence" else ""
    )


def describe(
    measure: str, window: str, names: str = EITHER, bucket: str = "bucket", unit: str = "article"
) -> str:
    """The measure in words, numerator and denominator: what a chart's axis and a CSV's
    `measure` column say. `names` is the pair's 'North Korea or Russia'."""
    return " ".join(
        filter(None, [numerator(window, unit), divided_by(measure, window, names, bucket, unit)])
    )


def divided_by(
    measure: str, window: str, names: str = EITHER, bucket: str = "bucket", unit: str = "article"
) -> str:
    """What the measure divides the pair's articles by, in words ('' for the count)."""
    text = BY_NAME[measure].unit.format(names=names, bucket=bucket)
    # the sentence window's denominators count only articles that have text to split
    if window == "sentence" and measure in ("share", "share_either"):
        text = text.replace(" (", " with text (", 1)
    if unit == "story":
        text = text.replace("articles", "stories")
    return text


STORY_ONLY = ["article_count", "sources_per_story"]
"""The queries' columns that only the story unit fills (null in the article unit)."""


def in_unit(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The rows as shown and downloaded: in the story unit the stories and the articles side
    by side under their own names, with the sources per story where the query has them; in
    the article unit without the story unit's columns."""
    if unit != "story":
        return frame.drop(columns=STORY_ONLY, errors="ignore")
    return frame.rename(columns=UNIT_COLUMNS)


def pair_names(names: tuple[str, str]) -> str:
    return f"{names[0]} or {names[1]}"


def in_view(measure: str, timeline: bool, pairs: bool = True) -> tuple[str, str | None]:
    """The measure a view shows for the chosen one, and a notice when it differs: the index
    needs a `timeline`, the share of either `pairs` (a map of single countries has none)."""
    if measure in TIMELINE_ONLY and not timeline:
        return "count", (
            "The index is a measure over time (the pair view and its comparisons): this view "
            "shows article counts."
        )
    if measure == "share_either" and not pairs:
        return "count", (
            "The share of either country is a pair's measure: select a country to map its "
            "partners' shares; this map shows article counts."
        )
    return measure, None


def with_measure(frame: pd.DataFrame, measure: str, description: str) -> pd.DataFrame:
    """`frame` with the CSV's `measure` (in words), `numerator`, `denominator` and `value`
    columns: the figure every chart of the measure draws."""
    shown = BY_NAME[measure]
    denominator = frame[shown.denominator] if shown.denominator else pd.NA
    return frame.assign(
        measure=description,
        numerator=frame["articles"],
        denominator=denominator,
        value=frame[shown.column],
    )


def index_notice(frame: pd.DataFrame, bucket: str) -> str | None:
    """Why an index cannot be drawn (no baseline, or none of the pair's articles in it)."""
    first = frame["baseline_first"].dropna()
    if first.empty:
        return (
            f"No complete {bucket} in the period to take the index's baseline from: widen the "
            "dates or choose a shorter time bucket."
        )
    mean = frame["baseline_articles"].iloc[0]
    if pd.isna(mean) or mean == 0:
        return (
            f"No index: the pair has no articles in its baseline ({baseline_span(frame)}), "
            "and an index of nothing is undefined. Start the period where the pair is in the "
            "news, or choose another measure."
        )
    return None


def baseline_span(frame: pd.DataFrame) -> str:
    """'2024-01-01 to 2024-03-31': the first baseline bucket's first day to the last's last."""
    first, last = frame["baseline_first"].iloc[0], frame["baseline_last"].iloc[0]
    return f"{pd.Timestamp(first):%Y-%m-%d} to {pd.Timestamp(last):%Y-%m-%d}"
