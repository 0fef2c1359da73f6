"""Charts as publication images (refs #18): PNG and SVG drawn by plotly.js in Chromium.

plotly's static export (kaleido 1.x) drives a Chromium through choreographer. The browser is
the system's (`settings.chromium_path()`), named explicitly so that nothing looks for or
downloads one; plotly.js is the copy plotly.py ships, and MathJax is off (kaleido would
fetch it from a CDN). The browser starts on the first export and is kept: the first image
takes about 3 s, the next ones a tenth of that (bench/chart_image.py). Exports from every
session queue for that one browser, so a burst of clicks cannot pile up Chromium processes.

No Streamlit here: the buttons are board/chart_download.py.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import html
import os
import textwrap
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import kaleido
import plotly
import plotly.graph_objects as go
from kaleido.errors import KaleidoError

from board import settings

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
"""What the buttons offer, with each file's MIME type."""

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
"""The plotly.js the dashboard draws with on screen, so the image matches it."""

TITLE_PX = 58
"""Room above the plot for the title; each line of filters adds `LINE_PX`."""

LINE_PX = 17
FOOTER_PX = 30
"""Room below the chart's own bottom margin (axis labels, legend) for the source line."""

SIDE_PX = 16
"""The least room left and right of the chart."""

PLOTLY_MARGIN_PX = 80
"""plotly's default bottom margin, for charts that do not set one."""

LINE_CHARS = 120
"""Characters of the filter line per row at 12 px on an 800 px wide image: plotly does not
wrap text, and a long search would run off the edge."""


class ChartImageError(RuntimeError):
    """The image could not be drawn: the browser is missing, crashed or timed out."""


@dataclass(frozen=True)
class Caption:
    """What an exported image says besides the chart: it leaves the page without them."""

    title: str
    filters: str
    source: str


def missing_browser(browser: Path) -> str | None:
    """Why no image can be drawn with `browser`, or None when it can."""
    if os.access(browser, os.X_OK) and browser.is_file():
        return None
    return (
        f"PNG and SVG need Chromium at {browser}: install it (apt-get install chromium) or "
        f"name another with {settings.CHROMIUM_ENV}."
    )


def publication_figure(figure: go.Figure, caption: Caption) -> go.Figure:
    """A copy of `figure` at the export size, with the title and the filter line above it and
    the source line below it.

    The caption's text is escaped: plotly.js reads `<b>`, `<br>` and `<a href>` in any label
    as markup, and a search or a source name is the user's text, to be shown as typed.
    """
    width, height = settings.CHART_IMAGE_SIZE
    filter_rows = textwrap.wrap(caption.filters, LINE_CHARS) or [""]
    margin = figure.layout.margin
    top = TITLE_PX + LINE_PX * len(filter_rows)
    bottom = (PLOTLY_MARGIN_PX if margin.b is None else margin.b) + FOOTER_PX
    shown = go.Figure(figure)
    shown.update_layout(
        width=width,
        # a chart drawn taller on screen (matrix, network) keeps its height, plus the lines
        height=max(height, (figure.layout.height or 0) + top - TITLE_PX + FOOTER_PX),
        margin={"t": top, "b": bottom, **_side_margins(margin)},
        title={
            "text": _plain(caption.title),
            "subtitle": {"text": "<br>".join(_plain(row) for row in filter_rows)},
            "x": 0,
            "xanchor": "left",
            "xref": "paper",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 12},
        },
    )
    shown.add_annotation(
        text=_plain(caption.source),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="bottom",
        # from the plot's bottom edge down to the image's, less the line itself
        yshift=-bottom + 4,
        font={"size": 11, "color": "#555"},
    )
    return shown


def image(figure: go.Figure, image_format: str, topojson: str | None = None) -> bytes:
    """`figure` (from `publication_figure`) as PNG or SVG bytes, drawn by the shared browser.

    `topojson` is the map's shapes as a URL (board/geo.py): plotly.js would fetch them from
    its CDN otherwise.

    Raises:
        ChartImageError: the browser is missing, did not start, or did not answer in time.
    """
    return _renderer(settings.chromium_path()).draw(figure, image_format, topojson)


def _side_margins(margin: go.layout.Margin) -> dict[str, int]:
    """Room at the sides for a chart drawn edge to edge on screen (the map): its title and
    source line would touch the image's edge."""
    narrow = {side: getattr(margin, side) for side in ("l", "r")}
    return {side: SIDE_PX for side, px in narrow.items() if px is not None and px < SIDE_PX}


def _plain(text: str) -> str:
    return html.escape(text, quote=False)


class _Renderer:
    """One Chromium with one tab, started on first use, on an event loop of its own thread,
    and closed after `settings.CHART_IMAGE_IDLE_SECONDS` without an export.

    A lock serialises the exports: they wait for each other rather than start browsers.
    """

    def __init__(self, browser: Path) -> None:
        self._browser = browser
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: kaleido.Kaleido | None = None
        self._exports = 0
        """Counts the exports, so that an idle timer set before the latest one does nothing."""

    def draw(self, figure: go.Figure, image_format: str, topojson: str | None) -> bytes:
        options = {
            "format": image_format,
            "width": figure.layout.width,
            "height": figure.layout.height,
            "scale": settings.CHART_IMAGE_SCALE if image_format == "png" else 1,
        }
        with self._lock:
            self._exports += 1
            self._close_when_idle(self._exports)
            kept = self._kaleido is not None
            try:
                return self._drawn(figure, options, topojson)
            except ChartImageError:
                if not kept:
                    raise
            # the browser kept from earlier exports died meanwhile (killed, out of memory):
            # one try on a fresh one, rather than a failed download
            return self._drawn(figure, options, topojson)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _close_when_idle(self, export: int) -> None:
        # an idle Chromium holds about 450 MB (bench/chart_image.py): kept for a burst of
        # exports, given back when the analysts have their images
        timer = threading.Timer(settings.CHART_IMAGE_IDLE_SECONDS, self._close_if_idle, [export])
        timer.daemon = True
        timer.start()

    def _close_if_idle(self, export: int) -> None:
        with self._lock:
            if export == self._exports:
                self._stop()

    def _drawn(self, figure: go.Figure, options: dict, topojson: str | None) -> bytes:
        drawing = self._started().calc_fig(figure, opts=options, topojson=topojson)
        try:
            return self._wait(drawing)
        except ChartImageError:
            # a browser that timed out or crashed is not trusted with the next export
            self._stop()
            raise

    def _started(self) -> kaleido.Kaleido:
        if self._kaleido is not None:
            return self._kaleido
        if reason := missing_browser(self._browser):
            raise ChartImageError(reason)
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="chart-image", daemon=True).start()
        self._kaleido = self._wait(_opened(self._browser))
        return self._kaleido

    def _wait(self, coroutine) -> object:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=settings.CHART_IMAGE_TIMEOUT_SECONDS)
        except TimeoutError as err:
            future.cancel()
            raise ChartImageError(
                f"the chart image took over {settings.CHART_IMAGE_TIMEOUT_SECONDS:g} s"
            ) from err
        # a browser that died mid-export: its tasks fail, or are cancelled (timing decides)
        except (KaleidoError, OSError, RuntimeError, concurrent.futures.CancelledError) as err:
            raise ChartImageError(f"the browser could not draw the chart: {err!r}") from err

    def _stop(self) -> None:
        loop, started = self._loop, self._kaleido
        self._loop, self._kaleido = None, None
        if loop is None:
            return
        if started is not None:
            closing = asyncio.run_coroutine_threadsafe(started.close(), loop)
            # closing a browser that already died can fail or be cancelled; it is let go
            # either way, and the loop stops below
            with contextlib.suppress(Exception):
                closing.result(timeout=settings.CHART_IMAGE_TIMEOUT_SECONDS)
        loop.call_soon_threadsafe(loop.stop)


async def _opened(browser: Path) -> kaleido.Kaleido:
    started = kaleido.Kaleido(n=1, path=str(browser), plotlyjs=str(PLOTLY_JS), mathjax=False)
    await started.open()
    return started


@cache
def _renderer(browser: Path) -> _Renderer:
    renderer = _Renderer(browser)
    # the browser is a child process: closed with the server rather than left behind
    atexit.register(renderer.close)
    return renderer
