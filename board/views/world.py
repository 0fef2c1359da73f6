"""Map: a choropleth of the first selected country's partners, or of all mentions."""

from __future__ import annotations

import streamlit as st

from board import charts, geo, panel, requests
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
            f"Articles naming {focus_name} (in red) together with each country; "
            "the first selected country is the focus."
        )
    else:
        title = "Articles mentioning each country"
        caption = (
            "Articles mentioning each country in the filters; select a country in the "
            "sidebar to map its partners instead."
        )
    st.caption(caption)
    st.plotly_chart(
        charts.world_map(countries.frame, filters.measure, title, focus, focus_name),
        key="map_chart",
        config=geo.plotly_config(),
    )
    panel.download_and_sql("map", focus or "mentions", countries.frame, filters, countries)
