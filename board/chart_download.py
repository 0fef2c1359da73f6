"""`Download PNG` and `Download SVG` under each chart (refs #18): the chart at publication size,
with its title, the active filters and the data's source written into the image.

The image is drawn only when a button is clicked (a callable as the button's data), never on
a rerun; board/chart_image.py draws it.
"""

from __future__ import annotations

from functools import partial

import plotly.graph_objects as go
import streamlit as st

from board import chart_image, data, export, measures, requests, settings
from board.data import Database
from board.state import Filters, Options

PRODUCT = "Tension Monitor"


def chart(
    figure: go.Figure,
    key: str,
    title: str,
    *,
    database: Database,
    filters: Filters,
    options: Options,
    config: dict | None = None,
) -> None:
    """`figure` on the page (keyed `<key>_chart`) and its two buttons under it (keyed
    `png_<key>` and `svg_<key>`), the image titled `title`; the buttons are disabled, saying
    why, when the browser that draws them is missing. A map's `config` carries its shapes
    (board/geo.py), which the image needs too."""
    st.plotly_chart(figure, key=f"{key}_chart", config=config)
    topojson = (config or {}).get("topojsonURL")
    caption = chart_image.Caption(title, filter_line(filters, options), source_line(database))
    missing = chart_image.missing_browser(settings.chromium_path())
    with st.container(horizontal=True):
        for image_format, mime in chart_image.FORMATS.items():
            st.download_button(
                f"Download {image_format.upper()}",
                data=partial(_drawn, figure, caption, image_format, topojson),
                file_name=export.file_name(filters.view, filters, key).removesuffix(".csv")
                + f".{image_format}",
                mime=mime,
                key=f"{image_format}_{key}",
                icon=":material/image:",
                on_click="ignore",
                disabled=missing is not None,
                help=missing,
            )


def filter_line(filters: Filters, options: Options) -> str:
    """The filters that shaped the chart, in words: '2024-01-01 to 2024-12-31 · North Korea –
    Russia · language id · co-occurrence in one sentence · Articles per week · search troops'."""
    parts = [f"{filters.start} to {filters.end}"]
    if filters.view == "pair" and filters.pair:
        parts.append(" – ".join(options.name(code) for code in filters.pair))
        parts.extend(f"vs {' – '.join(options.name(c) for c in pair)}" for pair in filters.compare)
    if filters.countries:
        parts.append("countries " + ", ".join(options.name(c) for c in filters.countries))
    parts += [
        f"language {filters.lang}" if filters.lang else "",
        f"source {filters.source}" if filters.source else "",
        f"origin {filters.origin}" if filters.origin != "all" else "",
        f"co-occurrence in one {filters.window}",
        measures.axis_label(filters.measure, filters.unit)
        + (f" per {filters.bucket}" if filters.view == "pair" else ""),
        f"at least {filters.min_articles} articles per pair" if filters.min_articles > 1 else "",
        f"search {filters.q}" if filters.q else "",
    ]
    return " · ".join(part for part in parts if part)


def source_line(database: Database) -> str:
    """'Tension Monitor, 1,234 articles, data to 2024-12-31': what the image was drawn from."""
    status = data.run(database, *requests.status()).frame.iloc[0]
    return f"{PRODUCT}, {int(status['articles']):,} articles, data to {status['last_day']:%Y-%m-%d}"


def _drawn(
    figure: go.Figure, caption: chart_image.Caption, image_format: str, topojson: str | None
) -> bytes:
    return chart_image.image(
        chart_image.publication_figure(figure, caption), image_format, topojson
    )
