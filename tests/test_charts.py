"""Chart builders, from small frames: the figures carry the expected traces and values."""

from __future__ import annotations

import base64
import json
from datetime import date

import pandas as pd
import pytest

from board import charts, geo
from board.layout import force_layout


def timeline() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bucket": [date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 15)],
            "articles": [1, 2, 12],
            "total_articles": [100, 100, 200],
            "share_per_mille": [10.0, 20.0, 60.0],
            "rolling_articles": [1.0, 1.5, 5.0],
            "rolling_share_per_mille": [10.0, 15.0, 30.0],
            "is_spike": [False, False, True],
            "mean_tone": [-1.0, None, -4.0],
            "conflict_share": [0.01, None, 0.05],
        }
    )


@pytest.mark.parametrize(
    "measure,values,rolling",
    [("count", [1, 2, 12], [1.0, 1.5, 5.0]), ("share", [10, 20, 60], [10, 15, 30])],
)
def test_pair_volume_draws_bars_rolling_mean_and_spikes(measure, values, rolling):
    figure = charts.pair_volume(timeline(), measure, "North Korea – Russia")
    bars, mean, spikes = figure.data
    assert (bars.type, mean.type, spikes.type) == ("bar", "scatter", "scatter")
    assert list(bars.y) == values
    assert list(mean.y) == rolling
    assert list(spikes.x) == [date(2024, 1, 15)]
    assert list(spikes.y) == [values[-1]]
    assert figure.layout.title.text == "North Korea – Russia"


def test_the_bars_legend_says_what_the_axis_counts():
    # in the story unit the axis says "Stories": the legend beside it said "Articles"
    figure = charts.pair_volume(timeline(), "count", "", label="Stories")
    assert figure.data[0].name == "Stories" == figure.layout.yaxis.title.text
    assert charts.pair_volume(timeline(), "count", "").data[0].name == "Articles"


def test_partial_buckets_are_drawn_faint():
    frame = timeline().assign(is_partial=[True, False, False])
    bars = charts.pair_volume(frame, "count", "").data[0]
    assert list(bars.marker.opacity) == [0.4, 1.0, 1.0]


def test_tone_and_conflict_keep_gaps_where_nothing_was_measured():
    tone, conflict = charts.pair_tone_conflict(timeline()).data
    assert list(tone.y[:1]) == [-1.0] and pd.isna(tone.y[1])
    assert list(conflict.y) == pytest.approx([1.0, float("nan"), 5.0], nan_ok=True)
    assert tone.connectgaps is False


def top_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pair_name": ["North Korea – Russia", "China – United States"],
            "articles": [12, 5],
            "share_per_mille": [60.0, 25.0],
            "previous_articles": [2, 5],
            "change": [10, 0],
            "mean_tone": [-3.0, -1.0],
            "is_spike": [True, False],
        }
    )


def test_top_pairs_bar_colours_spikes_and_puts_the_busiest_on_top():
    figure = charts.top_pairs_bar(top_pairs(), "count")
    by_name = {trace.name: trace for trace in figure.data}
    assert list(by_name["spike"].y) == ["North Korea – Russia"]
    assert list(by_name["spike"].x) == [12]
    assert by_name["spike"].marker.color == charts.SPIKE_COLOUR
    assert list(by_name["steady"].x) == [5]


def test_top_pairs_bars_keep_the_rank_order_when_spikes_and_steady_pairs_mix():
    # Q4 2024 in the sample: a steady pair (7) ranked above a spiking one (5) was drawn below it
    frame = pd.DataFrame(
        {
            "pair_name": ["North Korea – Russia", "Israel – United States", "Indonesia – Peru"],
            "articles": [23, 7, 5],
            "share_per_mille": [300.0, 100.0, 70.0],
            "previous_articles": [2, 6, 0],
            "change": [21, 1, 5],
            "mean_tone": [-1.0, -2.0, 0.5],
            "is_spike": [True, False, True],
        }
    )
    yaxis = charts.top_pairs_bar(frame, "count").layout.yaxis
    # plotly draws the first category at the bottom
    assert yaxis.categoryorder == "array"
    assert list(yaxis.categoryarray)[::-1] == list(frame["pair_name"])


def matrix() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country_a": ["RUS", "PRK", "PRK"],
            "country_b": ["USA", "USA", "RUS"],
            "name_a": ["Russia", "North Korea", "North Korea"],
            "name_b": ["United States", "United States", "Russia"],
            "rank_a": [2, 3, 3],
            "rank_b": [1, 1, 2],
            "articles": [10, 4, 6],
            "share_per_mille": [100.0, 40.0, 60.0],
            "lift": [0.8, 1.1, 3.0],
        }
    )


def test_matrix_heatmap_is_symmetric_in_rank_order():
    heatmap = charts.matrix_heatmap(matrix(), "articles").data[0]
    assert list(heatmap.x) == ["United States", "Russia", "North Korea"]
    assert list(heatmap.y) == ["United States", "Russia", "North Korea"]
    z = pd.DataFrame(heatmap.z, index=heatmap.y, columns=heatmap.x)
    assert z.loc["Russia", "North Korea"] == z.loc["North Korea", "Russia"] == 6
    assert pd.isna(z.loc["Russia", "Russia"])


def test_matrix_lift_colours_are_centred_on_one_and_never_is_uncoloured():
    frame = matrix().assign(lift=[0.5, 0.0, 2.0])
    heatmap = charts.matrix_heatmap(frame, "lift").data[0]
    colour = pd.DataFrame(heatmap.z, index=heatmap.y, columns=heatmap.x)
    text = pd.DataFrame(heatmap.text, index=heatmap.y, columns=heatmap.x)
    # 1 (as often as chance) is the neutral middle; half and twice chance equally far from it
    assert (heatmap.zmin, heatmap.zmax) == (-2, 2)
    assert colour.loc["Russia", "United States"] == -1.0
    assert colour.loc["North Korea", "Russia"] == 1.0
    # never named together: no colour (not the darkest one), and the label says 0
    assert pd.isna(colour.loc["North Korea", "United States"])
    assert text.loc["North Korea", "United States"] == "0"
    assert text.loc["Russia", "United States"] == "0.50"
    assert heatmap.textfont.size == charts.MATRIX_FONT_SIZE


def test_network_draws_every_edge_by_width_and_nodes_sized_by_volume():
    edges = pd.DataFrame(
        {
            "country_a": ["PRK", "RUS"],
            "country_b": ["RUS", "USA"],
            "name_a": ["North Korea", "Russia"],
            "name_b": ["Russia", "United States"],
            "articles": [6, 10],
            "share_per_mille": [60.0, 100.0],
            "volume_a": [8, 20],
            "volume_b": [20, 40],
        }
    )
    figure = charts.network_graph(edges, "count", selected=("RUS",))
    *lines, hover, nodes = figure.data
    # one trace per width, each edge a segment of it: the busier pair's line is the wider
    segments = {
        line.line.width: [(x, y) for x, y in zip(line.x, line.y, strict=True) if x is not None]
        for line in lines
    }
    thin, wide = sorted(segments)
    ends = {code: (x, y) for code, x, y in zip(nodes.customdata, nodes.x, nodes.y, strict=True)}
    assert set(segments[thin]) == {ends["PRK"], ends["RUS"]}
    assert set(segments[wide]) == {ends["RUS"], ends["USA"]}
    assert wide == 1 + charts.MAX_EDGE_WIDTH
    # hovering an edge's middle names it
    assert list(hover.hovertext) == ["North Korea – Russia: 6", "Russia – United States: 10"]
    assert hover.x[0] == pytest.approx((ends["PRK"][0] + ends["RUS"][0]) / 2)
    assert list(nodes.customdata) == ["PRK", "RUS", "USA"]
    # names, above their nodes (the bigger the node, the higher), the selected one in bold
    labels = {a.text: a for a in figure.layout.annotations}
    assert set(labels) == {"North Korea", "<b>Russia</b>", "United States"}
    assert labels["United States"].yshift > labels["North Korea"].yshift
    colours = dict(zip(nodes.customdata, nodes.marker.color, strict=True))
    assert colours["RUS"] == charts.SELECTED_COLOUR != colours["PRK"]
    sizes = dict(zip(nodes.customdata, nodes.marker.size, strict=True))
    assert sizes["USA"] == charts.MAX_NODE_SIZE
    assert sizes["PRK"] < sizes["RUS"] < sizes["USA"]


def test_force_layout_is_deterministic_and_separates_nodes():
    nodes = ["A", "B", "C", "D"]
    edges = [("A", "B"), ("B", "C"), ("C", "D")]
    first = force_layout(nodes, edges)
    assert first == force_layout(nodes, edges)
    points = list(first.values())
    distances = [
        abs(complex(*p) - complex(*q)) for i, p in enumerate(points) for q in points[i + 1 :]
    ]
    assert min(distances) > 0.1
    assert force_layout([], []) == {} and force_layout(["A"], []) == {"A": (0.0, 0.0)}


def partners_frame(*rows: tuple[str, str, int], total: int = 8) -> pd.DataFrame:
    """A map_countries frame: (country, name, articles) rows out of `total` articles."""
    countries, names, articles = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "country": countries,
            "country_name": names,
            "articles": articles,
            "total_articles": [total] * len(rows),
            "share_per_mille": [1000.0 * n / total for n in articles],
        }
    )


def test_world_map_colours_countries_by_the_measure():
    frame = partners_frame(("RUS", "Russia", 5), ("USA", "United States", 1))
    choropleth = charts.world_map(frame, "share", "Partners of North Korea").data[0]
    assert choropleth.type == "choropleth"
    assert choropleth.locationmode == "ISO-3"
    assert list(choropleth.locations) == ["RUS", "USA"]
    assert list(choropleth.z) == [625.0, 125.0]


def test_the_partner_map_marks_the_focus_and_dots_small_partners():
    frame = partners_frame(("AZE", "Azerbaijan", 3), ("RUS", "Russia", 5))
    figure = charts.world_map(frame, "count", "Partners of Armenia", "ARM", "Armenia")
    partners, dots, focus, star = figure.data
    assert list(dots.locations) == ["AZE", "RUS"]
    # the focus has its own colour, not the "no data" grey nor the partners' scale
    assert list(focus.locations) == ["ARM"]
    assert {colour for _, colour in focus.colorscale} == {charts.SELECTED_COLOUR}
    assert star.marker.color == charts.SELECTED_COLOUR
    assert figure.layout.geo.fitbounds == "locations"
    # all mentions: no focus, no dots
    assert len(charts.world_map(frame, "count", "Articles").data) == 1


def test_third_countries_bar_shows_shares_busiest_on_top():
    frame = pd.DataFrame(
        {
            "country_name": ["Ukraine", "United States"],
            "articles": [3, 1],
            "pair_articles": [5, 5],
            "share_pct": [60.0, 20.0],
        }
    )
    bar = charts.third_countries_bar(frame).data[0]
    assert list(bar.y) == ["United States", "Ukraine"]
    assert list(bar.x) == [20.0, 60.0]


def test_the_map_ships_its_country_shapes_for_offline_use():
    url = geo.plotly_config()["topojsonURL"]
    # plotly.js appends "/world_110m.json", which lands in the ignored fragment after "#"
    assert url.startswith("data:application/json;base64,") and url.endswith("#")
    topology = json.loads(base64.b64decode(url.removeprefix("data:application/json;base64,")[:-1]))
    ids = {shape.get("id") for shape in topology["objects"]["countries"]["geometries"]}
    assert {"PRK", "RUS", "USA", "UKR", "IDN"} <= ids


def test_the_volume_and_tone_charts_share_one_x_range():
    volume = charts.pair_volume(timeline(), "count", "")
    tone = charts.pair_tone_conflict(timeline())
    # weekly buckets: from half a week before the first to half a week after the last
    expected = [pd.Timestamp("2023-12-28 12:00"), pd.Timestamp("2024-01-18 12:00")]
    assert [pd.Timestamp(x) for x in volume.layout.xaxis.range] == expected
    assert [pd.Timestamp(x) for x in tone.layout.xaxis.range] == expected
    assert [pd.Timestamp(x) for x in tone.layout.xaxis2.range] == expected
    assert volume.layout.margin.l == tone.layout.margin.l
