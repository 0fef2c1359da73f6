"""Pair: one pair's volume over time with spikes, its tone and conflict, third countries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from board import charts, panel, requests, settings
from board.data import Database, run
from board.listing import Listing
from board.state import Filters, Options
from board.text import two_decimals

DASH = "–"


def render(database: Database, filters: Filters, options: Options) -> None:
    if filters.pair is None:
        panel.empty("Pick two different countries as the focus pair in the sidebar.")
    title = pair_title(filters.pair, options)
    st.subheader(title)
    timeline = run(database, *requests.pair_timeline(filters, filters.pair))
    frame = timeline.frame
    if not frame["articles"].fillna(0).any() and not frame["not_measured_articles"].any():
        panel.empty(
            f"No article names both {title.replace(' – ', ' and ')} between {filters.start} and "
            f"{filters.end} with these filters. "
            + panel.what_to_change(filters, "choose another pair", countries=False)
        )
    summary = run(database, *requests.pair_summary(filters, filters.pair))
    _summary(summary.frame.iloc[0], frame, filters)
    st.plotly_chart(
        charts.pair_volume(frame, filters.measure, f"{title}: articles per {filters.bucket}"),
        key="pair_volume_chart",
    )
    if frame["is_partial"].any():
        st.caption(_partial_note(frame, filters))
    st.plotly_chart(charts.pair_tone_conflict(frame), key="pair_tone_chart")
    panel.download_and_sql("pair", "timeline", frame, filters, timeline, summary)
    st.button(
        "Read the articles and sentences",
        key="open_articles",
        icon=":material/article:",
        on_click=_open_articles,
    )
    _third_countries(database, filters)


def pair_title(pair: tuple[str, str], options: Options) -> str:
    """'North Korea – Russia' (names without flags), codes for unnamed countries."""
    return " – ".join(options.name(code) for code in pair)


def _summary(summary: pd.Series, frame: pd.DataFrame, filters: Filters) -> None:
    """The headline figures: summed over the whole period in SQL (pair_summary), so they do
    not change with the bucket and equal the overview's (refs #11); spikes are per bucket."""
    columns = st.columns(4)
    columns[0].metric("Articles", f"{int(summary['articles']):,}")
    columns[1].metric("Spikes", f"{int(frame['is_spike'].sum())}")
    tone = summary["mean_tone"]
    columns[2].metric(
        "Mean tone",
        DASH if pd.isna(tone) else two_decimals(tone),
        help="Mean tone of the pair's sentences, over every article of the period that has one",
    )
    conflict = summary["conflict_share"]
    columns[3].metric(
        "Conflict sentences",
        DASH if pd.isna(conflict) else f"{conflict:.0%}",
        help="Share of the pair's sentences that use the conflict vocabulary, over every "
        "article of the period that has one",
    )
    not_measured = int(summary["not_measured_articles"])
    if filters.window == "sentence" and not_measured:
        st.caption(
            f"{not_measured:,} articles of this pair have no text (GDELT rows): not measured at "
            "sentence level. Buckets without any text show a gap, not a zero."
        )
    st.caption(
        f"Rolling mean over {settings.ROLLING_BUCKETS[filters.bucket]} {filters.bucket}s; a "
        f"spike is more than {settings.SPIKE_RATIO:g}x the mean of the previous buckets and at "
        f"least {settings.SPIKE_MIN_ARTICLES} articles."
    )


def _partial_note(frame: pd.DataFrame, filters: Filters) -> str:
    """Why some bars are faint (refs #11): the date range cuts their bucket."""
    ends = [
        name
        for name, partial in (
            ("first", frame["is_partial"].iloc[0]),
            ("last", frame["is_partial"].iloc[-1]),
        )
        if partial
    ]
    if len(ends) == 1:
        cut = f"the {ends[0]} {filters.bucket} only partly falls"
        rest = "so it counts fewer days; it is never a spike and not part of a baseline"
    else:
        cut = f"the first and last {filters.bucket}s only partly fall"
        rest = "so they count fewer days; they are never spikes and not part of a baseline"
    return f"Faint bars: {cut} between {filters.start} and {filters.end}, {rest}."


def _third_countries(database: Database, filters: Filters) -> None:
    st.subheader("Third countries in the same articles")
    third = run(database, *requests.pair_third_countries(filters, filters.pair))
    if third.frame.empty:
        st.info("No other country is named in this pair's articles.", icon=":material/info:")
        return
    total = int(third.frame["third_countries"].iloc[0])
    st.caption(
        f"All {total:,} countries named with the pair."
        if len(third.frame) >= total
        else f"The {len(third.frame):,} most named of {total:,} countries (the CSV has all)."
    )
    st.plotly_chart(charts.third_countries_bar(third.frame), key="third_countries_chart")
    panel.download_and_sql(
        "pair",
        "third-countries",
        third.frame,
        filters,
        third,
        every_row=(database, third_countries_listing(filters)),
    )


def third_countries_listing(filters: Filters) -> Listing:
    """Every third country named with the focus pair (the CSV)."""
    request = requests.pair_third_countries(filters, filters.pair, row_limit=None)
    return Listing("third-countries", "third-countries", request)


def _open_articles() -> None:
    st.session_state["view"] = "articles"
    st.session_state["scope"] = "pair"
