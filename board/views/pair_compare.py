"""The pair view's comparison (refs #18): the focus pair with the `compare` pairs and in the
`compare_start` period, overlaid on one shared axis (board/compare.py says why)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from board import charts, compare, measures, panel, requests
from board.data import Database, run
from board.state import Filters, Options


def render(database: Database, filters: Filters, options: Options) -> None:
    drawn = compare.series(filters, options)
    st.subheader("Compared")
    timelines, results = [], []
    for shown in drawn:
        period = replace(filters, start=shown.start, end=shown.end)
        result = run(database, *requests.pair_timeline(period, shown.pair))
        timelines.append((shown, result.frame))
        results.append(result)
    per = measures.divided_by(filters.measure, filters.window, bucket=filters.bucket)
    label = measures.describe(filters.measure, filters.window, bucket=filters.bucket)
    table = compare.table(timelines, filters.measure, label)
    relative = compare.relative(filters)
    st.caption(
        f"Articles naming both countries of each pair per {filters.bucket}"
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
    st.plotly_chart(
        charts.compare_lines(
            table,
            "days_since_start" if relative else "bucket",
            label,
            "Days since the period's start" if relative else "",
        ),
        key="compare_chart",
    )
    panel.download_and_sql("pair", "compare", table, filters, *results)
