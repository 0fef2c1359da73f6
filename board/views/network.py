"""Network: countries as nodes sized by volume, pairs above the minimum as edges."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from board import chart_download, charts, measures, panel, requests, settings
from board.data import Database, run
from board.listing import Listing
from board.state import Filters, Options


def render(database: Database, filters: Filters, options: Options) -> None:
    edges = run(database, *requests.network_edges(filters))
    if edges.frame.empty:
        panel.empty(
            f"No pair has at least {filters.min_articles} {filters.unit}(s) with these filters. "
            + panel.what_to_change(filters, "lower the minimum articles per pair")
        )
    measure, notice = measures.in_view(filters.measure, timeline=False)
    described = measures.describe(measure, filters.window, unit=filters.unit)
    st.caption(
        f"{_how_many(edges.frame, filters)}; node size is the country's articles, edge width "
        f"the pair's {described.lower()}"
        + ("; the selected countries are in red." if filters.countries else ".")
    )
    if notice:
        st.caption(notice)
    chart_download.chart(
        charts.network_graph(edges.frame, measure, filters.countries),
        "network",
        f"Country pairs with at least {filters.min_articles} {filters.unit}(s), as a network",
        database=database,
        filters=filters,
        options=options,
    )
    panel.download_every_row(
        "network",
        _with_measure(edges.frame, filters),
        filters,
        edges,
        database=database,
        every=listing(filters),
    )


def listing(filters: Filters) -> Listing:
    """Every pair above the minimum (the CSV), not only the edges drawn."""
    request = requests.network_edges(filters, row_limit=None)
    return Listing("edges", "edges", request, partial(_with_measure, filters=filters))


def _with_measure(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The edges with the measure's columns (board/measures.py), as the CSV holds them."""
    measure, _ = measures.in_view(filters.measure, timeline=False)
    description = measures.describe(measure, filters.window, unit=filters.unit)
    return measures.in_unit(measures.with_measure(frame, measure, description), filters.unit)


def _how_many(frame: pd.DataFrame, filters: Filters) -> str:
    matching = int(frame["matching_pairs"].iloc[0])
    minimum = f"with at least {filters.min_articles} {filters.unit}(s)"
    if len(frame) >= matching:
        return f"All {matching:,} pairs {minimum}"
    return (
        f"The {len(frame):,} busiest of {matching:,} pairs {minimum} (the CSV has all of them; "
        f"more edges than {settings.NETWORK_EDGES} turn the drawing into a hairball)"
    )
