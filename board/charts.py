"""Chart builders: pure functions from a query's DataFrame to a plotly Figure.

They know nothing of Streamlit or DuckDB, so tests build them from small frames. The
measure (board/measures.py) only picks a column, and its label says what it divides by.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from board import measures
from board.layout import force_layout

SPIKE_COLOUR = "#d62728"
STEADY_COLOUR = "#4c78a8"
ROLLING_COLOUR = "#f58518"
TONE_COLOUR = "#54a24b"
CONFLICT_COLOUR = "#b279a2"
SEQUENTIAL_SCALE = "Blues"
LIFT_SCALE = "RdBu_r"
"""Lift is centred on 1 (as often as chance): blue below, red above."""
LIFT_LOG2_RANGE = (-2, 2)
"""Lift colours run from a quarter of chance to four times chance (log2) and saturate
beyond; cells show the value."""
MATRIX_FONT_SIZE = 13
"""Cell labels as large as the axis labels: they are the figures being read."""
MATRIX_ROW_PX = 34

PAIR_MARGIN = {"l": 70, "r": 20, "t": 60}
"""Fixed left and right margins for the pair's two charts: their plot areas line up."""

SELECTED_COLOUR = "#e45756"
"""The selected countries in the network and the focus country on the map."""
LABEL_GAP_PX = 7

MIN_NODE_SIZE = 10
MAX_NODE_SIZE = 46
MAX_EDGE_WIDTH = 8
EDGE_WIDTH_STEP = 0.5
"""Edge widths are drawn in steps of this many pixels: one trace per width, not per edge."""


def top_pairs_bar(frame: pd.DataFrame, measure: str, label: str = "") -> go.Figure:
    """Horizontal bars of the top pairs, busiest on top, spikes in red; `label` says what
    the measure divides by (board/measures.py)."""
    column = measures.BY_NAME[measure].column
    shown = frame.assign(status=frame["is_spike"].map({True: "spike", False: "steady"}))
    figure = px.bar(
        shown.iloc[::-1],
        x=column,
        y="pair_name",
        orientation="h",
        color="status",
        color_discrete_map={"spike": SPIKE_COLOUR, "steady": STEADY_COLOUR},
        labels={column: label or _label(measure), "pair_name": "", "status": ""},
        hover_data={"previous_articles": True, "change": True, "mean_tone": ":.2f"},
    )
    # each colour is its own trace, and plotly would stack the traces' categories one after
    # the other (all spikes above all steady pairs): the axis is pinned to the rank (refs #11)
    figure.update_yaxes(categoryorder="array", categoryarray=list(frame["pair_name"])[::-1])
    figure.update_layout(height=max(300, 24 * len(frame) + 80), margin={"l": 10, "r": 10})
    return figure


def pair_volume(frame: pd.DataFrame, measure: str, title: str, label: str = "") -> go.Figure:
    """Volume per bucket as bars, its rolling mean as a line, spikes as red markers; the
    bars' legend and the axis say `label` ('Stories' for a count in the story unit)."""
    shown = measures.BY_NAME[measure]
    column = shown.column
    legend = label or shown.label
    label = label or _label(measure)
    figure = go.Figure()
    # a bucket cut by the date range counts fewer days: drawn faint so it does not read as a dip
    partial = frame["is_partial"] if "is_partial" in frame else pd.Series(False, index=frame.index)
    figure.add_bar(
        x=frame["bucket"],
        y=frame[column],
        name=legend,
        marker={"color": STEADY_COLOUR, "opacity": [0.4 if p else 1.0 for p in partial]},
    )
    figure.add_scatter(
        x=frame["bucket"],
        y=frame[shown.rolling],
        name="Rolling mean",
        mode="lines",
        line={"color": ROLLING_COLOUR, "width": 2},
    )
    spikes = frame[frame["is_spike"]]
    figure.add_scatter(
        x=spikes["bucket"],
        y=spikes[column],
        name="Spike",
        mode="markers",
        marker={"color": SPIKE_COLOUR, "size": 11, "symbol": "triangle-up"},
    )
    figure.update_layout(
        title=title,
        yaxis_title=label,
        legend={"orientation": "h", "y": -0.15},
        margin=PAIR_MARGIN,
    )
    figure.update_xaxes(range=bucket_range(frame["bucket"]))
    return figure


def pair_tone_conflict(frame: pd.DataFrame) -> go.Figure:
    """Pair tone (GDELT scale, below 0 is hostile) and conflict share, one above the other."""
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=(
            "Tone of the pair's sentences (below 0: hostile)",
            "Sentences with conflict vocabulary (%)",
        ),
    )
    lines = (
        ("Tone", frame["mean_tone"], TONE_COLOUR),
        ("Conflict", frame["conflict_share"] * 100, CONFLICT_COLOUR),
    )
    for row, (name, values, colour) in enumerate(lines, start=1):
        figure.add_scatter(
            x=frame["bucket"],
            y=values,
            name=name,
            mode="lines+markers",
            line={"color": colour},
            connectgaps=False,
            row=row,
            col=1,
        )
    figure.add_hline(y=0, line={"color": "#999", "dash": "dot"}, row=1, col=1)
    figure.update_layout(height=460, showlegend=False, margin=PAIR_MARGIN)
    # the same x range and margins as the volume chart above, so the dates line up (refs #11)
    figure.update_xaxes(range=bucket_range(frame["bucket"]))
    return figure


def compare_lines(frame: pd.DataFrame, x: str, label: str, x_title: str) -> go.Figure:
    """The compared series (compare.table rows, one series per `pair_name`) as lines on one
    shared x axis (`x`: bucket dates or days since start): the measure, tone, conflict."""
    figure = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.07,
        subplot_titles=(
            label,
            "Tone of the pair's sentences (below 0: hostile)",
            "Sentences with conflict vocabulary (%)",
        ),
    )
    colours = px.colors.qualitative.Plotly
    for number, (name, rows) in enumerate(frame.groupby("pair_name", sort=False)):
        colour = colours[number % len(colours)]
        panels = (rows["value"], rows["mean_tone"], rows["conflict_share"] * 100)
        for row, values in enumerate(panels, start=1):
            figure.add_scatter(
                x=rows[x],
                y=values,
                name=name,
                legendgroup=name,
                showlegend=row == 1,
                mode="lines+markers",
                line={"color": colour},
                row=row,
                col=1,
            )
    figure.add_hline(y=0, line={"color": "#999", "dash": "dot"}, row=2, col=1)
    figure.update_xaxes(title_text=x_title, row=3, col=1)
    figure.update_layout(height=760, hovermode="x unified", legend={"orientation": "h", "y": -0.08})
    return figure


def bucket_range(buckets: pd.Series) -> list[pd.Timestamp] | None:
    """The x range from half a bucket before the first to half a bucket after the last,
    which is where plotly draws the first and last bars."""
    days = pd.to_datetime(buckets).sort_values().reset_index(drop=True)
    if days.empty:
        return None
    step = days.diff().min() if len(days) > 1 else pd.Timedelta(days=1)
    return [days.iloc[0] - step / 2, days.iloc[-1] + step / 2]


def third_countries_bar(frame: pd.DataFrame, counted: str = "articles") -> go.Figure:
    """The countries most often named alongside the pair, as a % of the pair's articles (or
    of what else the unit counts: `counted`, 'stories')."""
    figure = px.bar(
        frame.iloc[::-1],
        x="share_pct",
        y="country_name",
        orientation="h",
        labels={
            "share_pct": f"% of the pair's {counted}",
            "country_name": "",
            "articles": counted,
            "pair_articles": f"pair {counted}",
        },
        hover_data={"articles": True, "pair_articles": True},
        color_discrete_sequence=[STEADY_COLOUR],
    )
    figure.update_layout(height=max(260, 24 * len(frame) + 80))
    return figure


def matrix_heatmap(
    frame: pd.DataFrame, value: str, measure: str = "count", label: str = ""
) -> go.Figure:
    """A symmetric heatmap of the pair rows; `value` is "lift" or the `measure`'s column."""
    names = _axis_names(frame)
    both = pd.concat(
        [
            frame.rename(columns={"name_a": "row", "name_b": "col"}),
            frame.rename(columns={"name_b": "row", "name_a": "col"}),
        ]
    )
    grid = both.pivot_table(index="row", columns="col", values=value, aggfunc="first")
    grid = grid.reindex(index=names, columns=names)
    if value == "lift":
        figure = _lift_heatmap(grid)
    else:
        figure = px.imshow(
            grid,
            color_continuous_scale=SEQUENTIAL_SCALE,
            labels={"color": label or _label(measure)},
            text_auto=True if measure == "count" else measures.BY_NAME[measure].text_format,
            aspect="auto",
        )
    figure.update_traces(textfont={"size": MATRIX_FONT_SIZE})
    figure.update_layout(
        height=max(420, MATRIX_ROW_PX * len(names) + 160), xaxis_title="", yaxis_title=""
    )
    return figure


def _lift_heatmap(grid: pd.DataFrame) -> go.Figure:
    """Lift coloured on a log2 scale centred on 1 (2x and 0.5x equally far from neutral).

    A pair never named together (lift 0) is left uncoloured and labelled 0: on a linear
    scale it took the darkest colour, as if it were the strongest signal (refs #11).
    """
    values = grid.to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        colour = np.where(values > 0, np.log2(values), np.nan)
    text = np.where(np.isnan(values), "", np.where(values > 0, np.char.mod("%.2f", values), "0"))
    low, high = LIFT_LOG2_RANGE
    ticks = list(range(low, high + 1))
    figure = go.Figure(
        go.Heatmap(
            z=np.clip(colour, low, high),
            x=list(grid.columns),
            y=list(grid.index),
            text=text,
            texttemplate="%{text}",
            customdata=values,
            hovertemplate="%{y} – %{x}: lift %{customdata:.2f}<extra></extra>",
            colorscale=LIFT_SCALE,
            zmin=low,
            zmax=high,
            colorbar={
                "title": {"text": "Lift"},
                "tickvals": ticks,
                "ticktext": [_times(2.0**tick) for tick in ticks],
            },
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(plot_bgcolor="white")
    return figure


def _times(factor: float) -> str:
    return f"{factor:g}×" if factor >= 1 else f"1/{1 / factor:g}×"


def network_graph(frame: pd.DataFrame, measure: str, selected: tuple[str, ...] = ()) -> go.Figure:
    """Countries as nodes sized by their articles, edges as wide as the pair's count; the
    selected countries stand out in colour and bold."""
    column = measures.BY_NAME[measure].column
    nodes = _nodes(frame)
    positions = force_layout(
        list(nodes.index), list(zip(frame["country_a"], frame["country_b"], strict=True))
    )
    traces = _edge_traces(frame, column, positions)
    biggest = nodes["volume"].max() or 1
    sizes = MIN_NODE_SIZE + (MAX_NODE_SIZE - MIN_NODE_SIZE) * nodes["volume"] / biggest
    is_selected = [code in selected for code in nodes.index]
    traces.append(
        go.Scatter(
            x=[positions[code][0] for code in nodes.index],
            y=[positions[code][1] for code in nodes.index],
            mode="markers",
            customdata=list(nodes.index),
            hovertext=[f"{name}: {volume:,} articles" for name, volume in nodes.to_numpy()],
            hoverinfo="text",
            marker={
                "size": sizes,
                "color": [SELECTED_COLOUR if chosen else STEADY_COLOUR for chosen in is_selected],
                "line": {"color": "white", "width": 1},
            },
            showlegend=False,
        )
    )
    # names as annotations: drawn above every marker and edge, and lifted clear of their own
    # node, where a trace's text hid under large nodes (refs #11)
    labels = [
        {
            "x": positions[code][0],
            "y": positions[code][1],
            "text": f"<b>{nodes.at[code, 'name']}</b>" if chosen else nodes.at[code, "name"],
            "showarrow": False,
            "yshift": size / 2 + LABEL_GAP_PX,
            "font": {"size": 12, "color": SELECTED_COLOUR if chosen else "#333"},
            "bgcolor": "rgba(255, 255, 255, 0.7)",
        }
        for code, size, chosen in zip(nodes.index, sizes, is_selected, strict=True)
    ]
    figure = go.Figure(data=traces, layout={"annotations": labels})
    hidden = {"visible": False}
    figure.update_layout(height=620, xaxis=hidden, yaxis=hidden, plot_bgcolor="white")
    return figure


def _edge_traces(frame: pd.DataFrame, column: str, positions: dict) -> list[go.Scatter]:
    """The edges as one line trace per width (segments split by None) and one trace of
    invisible markers at their midpoints that names each edge on hover.

    A trace per edge cost the browser about as much as the rest of the page: plotly.js
    validates and draws each trace on its own (150 edges, ~0.3 s of the renderer per page,
    paid by every session: bench/load_dashboard.py, refs #19); and a line trace's hover
    sits on its end points, under the nodes, so it never named the edge."""
    widest = frame[column].max() or 1
    values = frame[column].to_numpy(dtype=float)
    widths = 1 + np.round(MAX_EDGE_WIDTH * values / widest / EDGE_WIDTH_STEP) * EDGE_WIDTH_STEP
    ends = np.array(
        [
            (*positions[a], *positions[b])
            for a, b in zip(frame["country_a"], frame["country_b"], strict=True)
        ],
        dtype=float,
    ).reshape(-1, 4)
    traces = []
    for width in np.unique(widths):
        drawn = ends[widths == width]
        gaps = np.full(len(drawn), None)
        traces.append(
            go.Scatter(
                x=np.column_stack([drawn[:, 0], drawn[:, 2], gaps]).ravel(),
                y=np.column_stack([drawn[:, 1], drawn[:, 3], gaps]).ravel(),
                mode="lines",
                line={"width": float(width), "color": "#aab"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    traces.append(
        go.Scatter(
            x=(ends[:, 0] + ends[:, 2]) / 2,
            y=(ends[:, 1] + ends[:, 3]) / 2,
            mode="markers",
            marker={"size": 10, "opacity": 0},
            hovertext=[
                f"{a} – {b}: {value:,.4g}"
                for a, b, value in zip(frame["name_a"], frame["name_b"], values, strict=True)
            ],
            hoverinfo="text",
            showlegend=False,
        )
    )
    return traces


def world_map(
    frame: pd.DataFrame,
    measure: str,
    title: str,
    focus: str | None = None,
    focus_name: str = "",
    label: str = "",
) -> go.Figure:
    """A choropleth of the countries' values (ISO-3 codes in `country`), zoomed to the
    countries drawn. With a `focus` (whose partners these are): a dot on each partner, so that
    small ones show at world scale, and the focus in its own colour, not the grey of no data."""
    column = measures.BY_NAME[measure].column
    figure = px.choropleth(
        frame,
        locations="country",
        locationmode="ISO-3",
        color=column,
        hover_name="country_name",
        hover_data={"articles": True, "total_articles": True, "country": False},
        color_continuous_scale=SEQUENTIAL_SCALE,
        labels={column: label or _label(measure)},
        title=title,
    )
    if focus:
        # a partner such as Armenia is a few pixels at world scale: a dot at each partner's
        # centre (for all mentions, a hundred dots would bury the map)
        figure.add_scattergeo(
            locations=frame["country"],
            locationmode="ISO-3",
            marker={
                "size": 7,
                "color": frame[column],
                "coloraxis": "coloraxis",
                "line": {"width": 1},
            },
            hovertext=frame["country_name"],
            hoverinfo="text",
            showlegend=False,
        )
        _mark_focus(figure, focus, focus_name)
    figure.update_geos(
        showframe=False,
        showcoastlines=False,
        showland=True,
        landcolor="#eeeeee",
        showcountries=True,
        countrycolor="#cccccc",
        projection_type="natural earth",
        # pinned: left to itself plotly.js centres the map on the data, and the Aleutians
        # (across the antimeridian) swing it to a Pacific-centred world
        projection_rotation_lon=0,
        fitbounds="locations",
    )
    figure.update_layout(height=520, margin={"l": 0, "r": 0, "t": 50, "b": 0})
    return figure


def _label(measure: str) -> str:
    """The measure in words, for a chart built without the view's own label."""
    return measures.describe(measure, "article")


def _mark_focus(figure: go.Figure, focus: str, name: str) -> None:
    figure.add_choropleth(
        locations=[focus],
        locationmode="ISO-3",
        z=[1],
        colorscale=[[0, SELECTED_COLOUR], [1, SELECTED_COLOUR]],
        showscale=False,
        hovertext=[f"{name} (the focus country)"],
        hoverinfo="text",
        name="focus",
    )
    figure.add_scattergeo(
        locations=[focus],
        locationmode="ISO-3",
        marker={"size": 11, "color": SELECTED_COLOUR, "symbol": "star"},
        hoverinfo="skip",
        showlegend=False,
    )


def _axis_names(frame: pd.DataFrame) -> list[str]:
    """Axis labels in the query's rank order (busiest first)."""
    ranked = pd.concat(
        [
            frame[["name_a", "rank_a"]].set_axis(["name", "rank"], axis=1),
            frame[["name_b", "rank_b"]].set_axis(["name", "rank"], axis=1),
        ]
    )
    return list(ranked.drop_duplicates("name").sort_values("rank")["name"])


def _nodes(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per country of the edges: its name and volume, indexed by ISO-3."""
    ends = pd.concat(
        [
            frame[["country_a", "name_a", "volume_a"]].set_axis(["code", "name", "volume"], axis=1),
            frame[["country_b", "name_b", "volume_b"]].set_axis(["code", "name", "volume"], axis=1),
        ]
    )
    return ends.drop_duplicates("code").set_index("code").fillna({"volume": 0})
