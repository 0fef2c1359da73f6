"""Matrix: a heatmap of co-occurrence between the busiest (or the selected) countries."""

from __future__ import annotations

import streamlit as st

from board import charts, panel, requests, settings
from board.controls import MEASURE_LABELS
from board.data import Database, run
from board.state import CELLS, Filters, Options

LIFT_LABEL = "Lift (observed / expected)"


def render(database: Database, filters: Filters, options: Options) -> None:
    st.segmented_control(
        "Cells",
        CELLS,
        key="cell",
        required=True,
        # the count cells show what the Measure chose (articles or share), and say so (refs #11)
        format_func=lambda cell: LIFT_LABEL if cell == "lift" else MEASURE_LABELS[filters.measure],
        help="Lift divides each pair's count by what each country's own volume would predict, "
        "so that the busiest countries do not fill the whole matrix.",
    )
    matrix = run(database, *requests.pair_matrix(filters))
    if matrix.frame.empty:
        panel.empty(
            "Fewer than two countries are mentioned with these filters. "
            + panel.what_to_change(filters)
        )
    axis = (
        "the selected countries"
        if len(filters.countries) >= 2
        else f"the {settings.MATRIX_COUNTRIES} most mentioned countries"
    )
    st.caption(f"Pairs among {axis}; select two or more countries to choose the axes.")
    value = "lift" if filters.cell == "lift" else charts.VALUE_COLUMNS[filters.measure]
    st.plotly_chart(charts.matrix_heatmap(matrix.frame, value), key="matrix_chart")
    panel.download_and_sql("matrix", filters.cell, matrix.frame, filters, matrix)
