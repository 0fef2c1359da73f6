"""Matrix: a heatmap of co-occurrence between the busiest (or the selected) countries."""

from __future__ import annotations

import streamlit as st

from board import chart_download, charts, controls, measures, panel, requests, settings
from board.data import Database, run
from board.state import CELLS, Filters, Options

LIFT_LABEL = "Lift (observed / expected)"


def render(database: Database, filters: Filters, options: Options) -> None:
    measure, notice = measures.in_view(filters.measure, timeline=False)
    st.segmented_control(
        "Cells",
        CELLS,
        key="cell",
        required=True,
        persist_state=controls.VIEW_STATE,
        # the count cells show what the Measure chose (articles or share), and say so (refs #11)
        format_func=lambda cell: (
            LIFT_LABEL if cell == "lift" else measures.axis_label(measure, filters.unit)
        ),
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
    if notice and filters.cell != "lift":
        st.caption(notice)
    # lift divides by what the countries' volumes predict, kept in articles (board/requests.py)
    unit = "article" if filters.cell == "lift" else filters.unit
    if filters.unit == "story" and filters.cell == "lift":
        st.caption("Lift is counted in articles: the countries' own volumes are kept in articles.")
    label = measures.describe(measure, filters.window, unit=unit)
    value = "lift" if filters.cell == "lift" else measures.BY_NAME[measure].column
    if filters.cell != "lift":
        # a colour bar's title holds a word or two: the cells' full measure is said here
        st.caption(f"Cells: {label[0].lower()}{label[1:]}.")
    chart_download.chart(
        charts.matrix_heatmap(matrix.frame, value, measure, measures.axis_label(measure, unit)),
        "matrix",
        f"Pairs among {axis}: " + (LIFT_LABEL.lower() if filters.cell == "lift" else label.lower()),
        database=database,
        filters=filters,
        options=options,
    )
    shown = measures.in_unit(measures.with_measure(matrix.frame, measure, label), unit)
    panel.download_and_sql("matrix", filters.cell, shown, filters, matrix)
