"""Network: countries as nodes sized by volume, pairs above the minimum as edges."""

from __future__ import annotations

import streamlit as st

from board import charts, panel, requests, settings
from board.data import Database, run
from board.state import Filters, Options


def render(database: Database, filters: Filters, options: Options) -> None:
    edges = run(database, *requests.network_edges(filters))
    if edges.frame.empty:
        panel.empty(
            f"No pair has at least {filters.min_articles} article(s) with these filters. "
            + panel.what_to_change(filters, "lower the minimum articles per pair")
        )
    st.caption(
        f"The {len(edges.frame)} busiest pairs with at least {filters.min_articles} article(s) "
        f"(at most {settings.NETWORK_EDGES}); node size is the country's articles, edge width "
        "the pair's" + ("; the selected countries are in red." if filters.countries else ".")
    )
    st.plotly_chart(
        charts.network_graph(edges.frame, filters.measure, filters.countries), key="network_chart"
    )
    panel.download_and_sql("network", "edges", edges.frame, filters, edges)
