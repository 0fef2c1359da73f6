"""Overview: totals for the filters and the top pairs, with change and spike flags."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from board import chart_download, charts, measures, panel, requests, spikes
from board.data import Database, open_database, run
from board.listing import Listing
from board.state import Filters, Options

TABLE_KEY = "top_pairs"
COMPACT = 64
"""Pixels for a numeric column: its header and a value like +1050% fit."""
NARROW = 56
"""Pixels for a column of short values (a tone, a mean of a few sources): with the story
unit's Articles and Sources per story and the sentence window's No text, every column still
fits a 1280 px screen (refs #11, #16)."""
CHECKBOX = 44
"""Pixels for the spike's checkbox under its header."""

COLUMNS = {
    "pair_name": st.column_config.TextColumn("Pair", pinned=True),
    # the story unit's count, with the articles beside it (refs #16)
    "stories": st.column_config.NumberColumn("Stories", format="%d", width=COMPACT),
    "articles": st.column_config.NumberColumn("Articles", format="%d", width=COMPACT),
    # a header short enough for its narrow column ("Sources per story" is cut there to
    # "Sources p"); the help says per story
    "sources_per_story": st.column_config.NumberColumn(
        "Sources",
        format="%.2f",
        width=NARROW,
        help="Sources per story: distinct outlets that carried a story of the pair, on average",
    ),
    "share_per_mille": st.column_config.NumberColumn("Share ‰", format="%.2f", width=COMPACT),
    "share_either_pct": st.column_config.NumberColumn(
        "Of either %",
        format="%.1f",
        width=COMPACT,
        help="The pair's articles per 100 articles naming either of its countries",
    ),
    "change": st.column_config.NumberColumn(
        "Change", format="%+d", width=COMPACT, help="The count minus the previous period's"
    ),
    "change_pct": st.column_config.NumberColumn("Change %", format="%+.0f%%", width=COMPACT),
    "is_spike": st.column_config.CheckboxColumn("Spike", width=CHECKBOX),
    "mean_tone": st.column_config.NumberColumn("Tone", format="%.2f", width=NARROW),
    "conflict_share": panel.percent_column(
        "Conflict",
        width=COMPACT,
        help="Share of the pair's sentences with conflict words",
    ),
    "not_measured_articles": st.column_config.NumberColumn(
        "No text", format="%d", width=COMPACT, help="Articles without text: not measured"
    ),
}
"""Shown in this order: what moved first. The ISO-3 codes, the share's denominator (the same
in every row, given in the caption), the share of either unless it is the measure, the
previous period's count (the count less Change) and each spike's why (captions under the
table) are in the CSV but not on screen, so that a 1280 px screen shows every column (refs
#11; the story unit's Articles and Sources per story beside Stories, #16, left no room for
the previous count)."""


def render(database: Database, filters: Filters, options: Options) -> None:
    totals = run(database, *requests.overview_totals(filters))
    _totals(totals.frame.iloc[0], filters)
    pairs = run(database, *requests.overview_top_pairs(filters))
    flagged = spikes.top_pairs(spikes.cached(database), filters, pairs.frame)
    if pairs.frame.empty:
        panel.empty(
            f"No country pair has at least {filters.min_articles} article(s) with these filters. "
            + panel.what_to_change(filters, "lower the minimum articles per pair")
        )
    st.subheader("Top pairs")
    compared = (
        "Compared with the previous period of equal length"
        if pairs.frame["previous_total_articles"].iloc[0] > 0
        else "No articles before this period, so no comparison"
    )
    st.caption(
        f"{_how_many(pairs.frame, int(totals.frame['pairs'].iloc[0]), filters)} "
        f"{compared}. Select a row to open the pair. Spike: a day of the period that the "
        "spike detector flags (README, Spikes; the alerts use the same)."
    )
    shown = _table(flagged, filters)
    st.dataframe(
        panel.on_screen(shown, COLUMNS),
        key=TABLE_KEY,
        hide_index=True,
        column_config=COLUMNS,
        column_order=[column for column in COLUMNS if column in shown],
        placeholder=panel.MISSING,
        on_select=partial(_open_pair, shown),
        selection_mode="single-row",
    )
    for pair in shown[shown["is_spike"]].itertuples(index=False):
        st.caption(f"Spike, {pair.pair_name}: {pair.spike_why}.")
    measure, notice = measures.in_view(filters.measure, timeline=False)
    if notice:
        st.caption(notice)
    label = measures.describe(measure, filters.window, unit=filters.unit)
    chart_download.chart(
        charts.top_pairs_bar(flagged, measure, label),
        "top_pairs",
        f"Top country pairs: {label[0].lower()}{label[1:]}",
        database=database,
        filters=filters,
        options=options,
    )
    panel.download_every_row(
        "overview", shown, filters, pairs, totals, database=database, every=listing(filters)
    )


def listing(filters: Filters) -> Listing:
    """Every pair above the minimum, in the table's columns (the CSV)."""
    return Listing(
        "top-pairs",
        "top-pairs",
        requests.overview_top_pairs(filters, row_limit=None),
        partial(_csv_rows, filters=filters),
    )


def _csv_rows(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """A chunk of the CSV's pairs with their spike flags, as the table shows them."""
    return _table(spikes.download_top_pairs(open_database(), filters, frame), filters)


def _totals(row: pd.Series, filters: Filters) -> None:
    columns = st.columns(5)
    if filters.unit == "story":
        columns[0].metric(
            "Stories",
            f"{int(row['stories']):,}",
            help=f"Distinct stories of {int(row['articles']):,} articles (copies counted "
            f"once). {_articles_help(row, filters)}",
        )
    else:
        columns[0].metric(
            "Articles", f"{int(row['articles']):,}", help=_articles_help(row, filters)
        )
    columns[1].metric("Countries", f"{int(row['countries']):,}")
    columns[2].metric("Pairs", f"{int(row['pairs']):,}", help="With at least the minimum")
    columns[3].metric("Days", _days(row), help="From the first to the last day with articles")
    columns[4].metric("Languages", f"{int(row['languages'])}")
    if not pd.isna(row["first_day"]):
        st.caption(f"Articles from {row['first_day']:%Y-%m-%d} to {row['last_day']:%Y-%m-%d}.")
    not_measured = int(row["articles"]) - int(row["text_articles"])
    if filters.window == "sentence" and not_measured:
        st.caption(
            f"{not_measured:,} articles have no text (GDELT rows): not measured at sentence "
            "level, and left out of sentence counts and their denominators."
        )


def _how_many(frame: pd.DataFrame, pairs: int, filters: Filters) -> str:
    """'The 25 busiest of 993 pairs ...': the table stops at TOP_PAIRS rows, the CSV does not."""
    counted = measures.COUNTED[filters.unit]
    base = f"{counted} with text" if filters.window == "sentence" else counted
    # the share of either ranks small pairs of quiet countries high: the order says so
    top = "highest shares of either" if filters.measure == "share_either" else "busiest"
    shown = (
        f"All {pairs:,} pairs"
        if len(frame) >= pairs
        else f"The {len(frame):,} {top} of {pairs:,} pairs (the CSV has all of them)"
    )
    either = (
        "; Of either % is of the articles naming either country of the pair"
        if filters.measure == "share_either"
        else ""
    )
    return (
        f"{shown} with at least {filters.min_articles} {filters.unit}(s); Share ‰ is of the "
        f"{int(frame['total_articles'].iloc[0]):,} {base} in the period{either}."
    )


def _articles_help(row: pd.Series, filters: Filters) -> str:
    if not filters.countries:
        return "Every article in the dates, language and source chosen"
    return (
        f"Articles naming at least one of the selected countries, out of "
        f"{int(row['all_articles']):,} in the dates, language and source chosen"
    )


def _days(row: pd.Series) -> str:
    if pd.isna(row["first_day"]):
        return "0"
    return f"{(row['last_day'] - row['first_day']).days + 1:,}"


def _table(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The top-pairs rows as shown: the not-measured column only for sentence windows, the
    share of either only for that measure; and the measure's columns for the CSV."""
    shown = frame.drop(columns=["previous_total_articles"])
    if filters.window != "sentence":
        shown = shown.drop(columns=["not_measured_articles"])
    measure, _ = measures.in_view(filters.measure, timeline=False)
    description = measures.describe(measure, filters.window, unit=filters.unit)
    shown = measures.with_measure(shown, measure, description)
    if measure != "share_either":
        shown = shown.drop(columns=["either_articles", "share_either_pct"])
    return measures.in_unit(shown, filters.unit)


def _open_pair(shown: pd.DataFrame) -> None:
    """Selecting a row focuses the pair view on it (a callback: runs before the next run)."""
    rows = st.session_state[TABLE_KEY].selection.rows
    if not rows:
        return
    row = shown.iloc[rows[0]]
    st.session_state["pair_a"] = row["country_a"]
    st.session_state["pair_b"] = row["country_b"]
    st.session_state["view"] = "pair"
