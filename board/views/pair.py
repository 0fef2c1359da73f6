"""Pair: one pair's volume over time with spikes, its tone and conflict, third countries."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from board import chart_download, charts, compare, measures, panel, requests, settings, spikes
from board.data import Database, run
from board.listing import Listing
from board.state import Filters, Options
from board.text import two_decimals
from board.views import pair_compare
from monitor.spikes import SpikeSettings, grain

DASH = "–"


def render(database: Database, filters: Filters, options: Options) -> None:
    if filters.pair is None:
        panel.empty("Pick two different countries as the focus pair in the sidebar.")
    title = pair_title(filters.pair, options)
    st.subheader(title)
    # the compared series (if any) come in the same query, after the focus pair's (refs #18)
    drawn = compare.series(filters, options)
    timeline = run(database, *requests.pair_timelines(filters, [s.period for s in drawn]))
    timelines = compare.split(timeline.frame)
    frame = spikes.timeline(database, filters, timelines[0])
    if not frame["articles"].fillna(0).any() and not frame["not_measured_articles"].any():
        panel.empty(
            f"No article names both {title.replace(' – ', ' and ')} between {filters.start} and "
            f"{filters.end} with these filters. "
            + panel.what_to_change(filters, "choose another pair", countries=False)
        )
    summary = run(database, *requests.pair_summary(filters, filters.pair))
    rules = spikes.spike_settings(spikes.cached(database), filters)
    _summary(summary.frame.iloc[0], frame, filters, rules)
    names = measures.pair_names((options.name(filters.pair[0]), options.name(filters.pair[1])))
    label = measures.describe(filters.measure, filters.window, names, filters.bucket, filters.unit)
    per = measures.divided_by(filters.measure, filters.window, names, filters.bucket, filters.unit)
    counted = measures.COUNTED[filters.unit]
    volume_title = f"{title}: {counted} per {filters.bucket}" + (f", {per}" if per else "")
    shown_with = {"database": database, "filters": filters, "options": options}
    chart_download.chart(
        charts.pair_volume(
            frame,
            filters.measure,
            volume_title,
            # the title says what divides what; a sentence on the side would be cut off
            measures.axis_label(filters.measure, filters.unit),
        ),
        "pair_volume",
        volume_title,
        **shown_with,
    )
    if filters.measure == "index":
        _index_note(frame, filters)
    if frame["is_partial"].any():
        st.caption(_partial_note(frame, filters))
    chart_download.chart(
        charts.pair_tone_conflict(frame),
        "pair_tone",
        f"{title}: tone and conflict vocabulary per {filters.bucket}",
        **shown_with,
    )
    shown = measures.in_unit(measures.with_measure(frame, filters.measure, label), filters.unit)
    panel.download_and_sql("pair", "timeline", shown, filters, timeline, summary)
    if len(drawn) > 1:
        pair_compare.render(
            database, filters, options, list(zip(drawn, timelines, strict=True)), timeline
        )
    st.button(
        "Read the articles and sentences",
        key="open_articles",
        icon=":material/article:",
        on_click=_open_articles,
    )
    _third_countries(database, filters, options)


def pair_title(pair: tuple[str, str], options: Options) -> str:
    """'North Korea – Russia' (names without flags), codes for unnamed countries."""
    return " – ".join(options.name(code) for code in pair)


def _index_note(frame: pd.DataFrame, filters: Filters) -> None:
    notice = measures.index_notice(frame, filters.bucket)
    if notice:
        st.warning(notice, icon=":material/warning:")
        return
    st.caption(
        f"Index 100 = the pair's mean of {frame['baseline_articles'].iloc[0]:,.2f} articles per "
        f"{filters.bucket} over the baseline, {measures.baseline_span(frame)} (the first "
        f"{settings.INDEX_BASELINE_BUCKETS[filters.bucket]} complete {filters.bucket}s at most)."
    )


def _summary(
    summary: pd.Series, frame: pd.DataFrame, filters: Filters, rules: SpikeSettings
) -> None:
    """The headline figures: summed over the whole period in SQL (pair_summary), so they do
    not change with the bucket and equal the overview's (refs #11); spikes are per bucket."""
    columns = st.columns(5 if filters.unit == "story" else 4)
    if filters.unit == "story":
        _story_metrics(summary, columns.pop(0), columns.pop(0))
    else:
        columns.pop(0).metric("Articles", f"{int(summary['articles']):,}")
    columns[0].metric("Spikes", f"{int(frame['is_spike'].sum())}")
    tone = summary["mean_tone"]
    columns[1].metric(
        "Mean tone",
        DASH if pd.isna(tone) else two_decimals(tone),
        help="Mean tone of the pair's sentences, over every article of the period that has one",
    )
    conflict = summary["conflict_share"]
    columns[2].metric(
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
        f"Rolling mean over {settings.ROLLING_BUCKETS[filters.bucket]} {filters.bucket}s. "
        f"{spike_rule(filters.bucket, rules, filters.unit)}"
    )
    for why in frame.loc[frame["is_spike"], ["bucket", "spike_why"]].itertuples(index=False):
        st.caption(f"Spike {why.bucket:%Y-%m-%d}: {why.spike_why}.")


def _story_metrics(summary: pd.Series, stories: object, sources: object) -> None:
    """The pair's stories, and how widely each was carried (refs #16)."""
    stories.metric(
        "Stories",
        f"{int(summary['articles']):,}",
        help=f"Distinct stories of {int(summary['article_count']):,} articles: the copies of "
        "one report (wire copies, rewrites, translations) count once",
    )
    per_story = summary["sources_per_story"]
    sources.metric(
        "Sources per story",
        DASH if pd.isna(per_story) else two_decimals(per_story),
        help="Distinct outlets that carried a story of the pair, on average",
    )


def spike_rule(bucket: str, s: SpikeSettings, unit: str = "article") -> str:
    """The detector's rule in a sentence (README "Spikes" has the method); its minimum count
    is of what the view counts (articles or stories)."""
    baseline = {
        "day": f"the {s.baseline_days} days before, weekdays and weekends apart",
        "week": f"the {s.baseline_weeks} weeks before",
        "month": f"the {s.baseline_months} months before",
    }[bucket]
    return (
        f"A spike is a {bucket} improbably high against {baseline} (p ≤ "
        f"{s.max_p:g}), with at least {grain(s, bucket).min_count} {measures.COUNTED[unit]}, "
        f"{s.min_ratio:g}x the "
        f"expected count, {_sources(s)} and {s.min_stories} stories; a burst is flagged on its "
        "first bucket only."
    )


def _sources(s: SpikeSettings) -> str:
    if s.min_sources >= settings.SPIKES.min_sources:
        return f"{s.min_sources} sources"
    return (
        f"{s.min_sources} source (these data hold only one, so the rule of "
        f"{settings.SPIKES.min_sources} sources cannot apply)"
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
        rest = "so it counts fewer days"
    else:
        cut = f"the first and last {filters.bucket}s only partly fall"
        rest = "so they count fewer days"
    return f"Faint bars: {cut} between {filters.start} and {filters.end}, {rest}."


def _third_countries(database: Database, filters: Filters, options: Options) -> None:
    counted = measures.COUNTED[filters.unit]
    st.subheader(f"Third countries in the same {counted}")
    third = run(database, *requests.pair_third_countries(filters, filters.pair))
    if third.frame.empty:
        st.info(f"No other country is named in this pair's {counted}.", icon=":material/info:")
        return
    total = int(third.frame["third_countries"].iloc[0])
    st.caption(
        f"All {total:,} countries named with the pair."
        if len(third.frame) >= total
        else f"The {len(third.frame):,} most named of {total:,} countries (the CSV has all)."
    )
    chart_download.chart(
        charts.third_countries_bar(third.frame, counted),
        "third_countries",
        f"Countries named with {pair_title(filters.pair, options)}, % of the pair's {counted}",
        database=database,
        filters=filters,
        options=options,
    )
    listing = third_countries_listing(filters)
    panel.download_every_row(
        "pair", listing.shape(third.frame), filters, third, database=database, every=listing
    )


def third_countries_listing(filters: Filters) -> Listing:
    """Every third country named with the focus pair (the CSV): in the story unit with the
    stories and the articles side by side (refs #16)."""
    request = requests.pair_third_countries(filters, filters.pair, row_limit=None)
    return Listing(
        "third-countries", "third-countries", request, partial(measures.in_unit, unit=filters.unit)
    )


def _open_articles() -> None:
    st.session_state["view"] = "articles"
    st.session_state["scope"] = "pair"
