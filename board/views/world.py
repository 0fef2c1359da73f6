"""Map: a choropleth of the first selected country's partners, or of all mentions."""

from __future__ import annotations

import streamlit as st

from board import chart_download, charts, geo, measures, panel, requests
from board.data import Database, run
from board.state import Filters, Options


def render(database: Database, filters: Filters, options: Options) -> None:
    focus = filters.countries[0] if filters.countries else None
    countries = run(database, *requests.map_countries(filters))
    focus_name = options.name(focus) if focus else ""
    if countries.frame.empty:
        found = f"No country is named with {focus_name}" if focus else "No country is mentioned"
        panel.empty(
            f"{found} with these filters. " + panel.what_to_change(filters, countries=False)
        )
    if focus:
        title = f"Partners of {focus_name}"
        caption = (
            f"{measures.COUNTED[filters.unit].capitalize()} naming {focus_name} (in red) "
            "together with each country; the first selected country is the focus."
        )
    else:
        title = "Articles mentioning each country"
        caption = (
            "Articles mentioning each country in the filters; select a country in the "
            "sidebar to map its partners instead."
        )
    st.caption(caption)
    if filters.unit == "story" and not focus:
        # a country's stories are not kept (only pairs'): the map says what it counts
        st.caption(
            "The map of mentions counts articles: stories are counted for pairs, so select "
            "a country to map its partners' stories."
        )
    measure, notice = measures.in_view(filters.measure, timeline=False, pairs=focus is not None)
    if notice:
        st.caption(notice)
    label = (
        measures.describe(measure, filters.window, unit=filters.unit)
        if focus
        else _mentions_label(measure)
    )
    chart_download.chart(
        charts.world_map(countries.frame, measure, title, focus, focus_name, label),
        "map",
        title,
        database=database,
        filters=filters,
        options=options,
        config=geo.plotly_config(),
    )
    shown = measures.in_unit(
        measures.with_measure(countries.frame, measure, label),
        filters.unit if focus else "article",
    )
    panel.download_and_sql("map", focus or "mentions", shown, filters, countries)


def _mentions_label(measure: str) -> str:
    """A map of single countries counts the articles naming each, not pairs."""
    return "Articles naming the country" + (
        " per 1,000 of all articles" if measure == "share" else ""
    )
