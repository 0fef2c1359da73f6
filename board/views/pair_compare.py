"""The pair view's comparison (refs #18): the focus pair with the `compare` pairs and in the
`compare_start` period, overlaid on one shared axis (board/compare.py says why)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from board import chart_download, charts, compare, measures, panel
from board.data import Database, Result
from board.state import Filters, Options


def render(
    database: Database,
    filters: Filters,
    options: Options,
    timelines: list[tuple[compare.Series, pd.DataFrame]],
    result: Result,
) -> None:
    """The compared series' chart and CSV; `timelines` pairs each series with its rows of
    `result` (pair_timeline, one query for them all)."""
    st.subheader("Compared")
    per = measures.divided_by(
        filters.measure, filters.window, bucket=filters.bucket, unit=filters.unit
    )
    label = measures.describe(
        filters.measure, filters.window, bucket=filters.bucket, unit=filters.unit
    )
    table = compare.table(timelines, filters.measure, label)
    relative = compare.relative(filters)
    st.caption(
        f"{measures.numerator(filters.window, filters.unit)} countries of each pair per "
        f"{filters.bucket}"
        + (f", {per}" if per else "")
        + (
            "; each period on days since its own start."
            if relative
            else "; every pair on the same dates."
        )
        + (" Each pair's index has its own baseline." if filters.measure == "index" else "")
    )
    if filters.measure == "index":
        for shown, frame in timelines:
            notice = measures.index_notice(frame, filters.bucket)
            if notice:
                st.caption(f"{shown.name}: {notice}")
    chart_download.chart(
        charts.compare_lines(
            table,
            "days_since_start" if relative else "bucket",
            label,
            "Days since the period's start" if relative else "",
        ),
        "compare",
        "Compared: " + ", ".join(shown.name for shown, _ in timelines),
        database=database,
        filters=filters,
        options=options,
    )
    panel.download_and_sql("pair", "compare", table, filters, result)
