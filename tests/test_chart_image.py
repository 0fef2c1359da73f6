"""Charts exported as PNG and SVG (refs #18), drawn by Debian's Chromium from the tiny database.

Without /usr/bin/chromium (or `$TENSION_CHROMIUM`) the tests that draw are skipped, unless
REQUIRE_BROWSER=1 (CI), as in tests/e2e/conftest.py.
"""

from __future__ import annotations

import os
import signal
import struct
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from board import chart_download, chart_image, charts, data, requests, settings, spikes
from board.page import build_options
from board.state import Filters, Options
from tests.tiny_db import ANY_FILTERS, build_tiny_db

SVG = "{http://www.w3.org/2000/svg}"
MARKUP_SEARCH = '<a href="https://evil.example/">x</a> <b>bold</b> & <script>alert(1)</script>'


@pytest.fixture(scope="module")
def browser() -> Path:
    path = settings.chromium_path()
    if chart_image.missing_browser(path):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {path} is missing: apt-get install chromium")
        pytest.skip(f"{path} is missing (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> data.Database:
    return data.open_database(build_tiny_db(tmp_path_factory.mktemp("image") / "tiny.duckdb"))


@pytest.fixture(scope="module")
def tiny_options(tiny: data.Database) -> Options:
    return build_options(
        data.run(tiny, *requests.filter_options()).frame,
        data.run(tiny, *requests.status()).frame,
        data.run(tiny, *requests.busiest_pair()).frame,
    )


def pair_volume(database: data.Database, filters: Filters):
    """The pair view's volume chart of PRK-RUS, as the page builds it."""
    rows = data.run(database, *requests.pair_timeline(filters, filters.pair)).frame
    return charts.pair_volume(spikes.timeline(database, filters, rows), "count", TITLE)


TITLE = "North Korea – Russia: articles per week"
PAIR_FILTERS = Filters(**{**ANY_FILTERS, "view": "pair", "lang": "en", "window": "sentence"})


def exported(database, options, filters, image_format, title=TITLE):
    caption = chart_image.Caption(
        title, chart_download.filter_line(filters, options), chart_download.source_line(database)
    )
    figure = chart_image.publication_figure(pair_volume(database, PAIR_FILTERS), caption)
    return chart_image.image(figure, image_format)


def svg_text(svg: bytes) -> str:
    """The text a reader of the SVG sees, line by line."""
    return "\n".join("".join(node.itertext()) for node in ET.fromstring(svg).iter(f"{SVG}text"))


def test_the_caption_lines_say_the_filters_and_the_source(tiny, tiny_options):
    searched = replace(PAIR_FILTERS, q="troops", source="wire-a", bucket="month")
    assert chart_download.filter_line(searched, tiny_options) == (
        "2024-01-01 to 2024-12-31 · North Korea – Russia · language en · source wire-a · "
        "co-occurrence in one sentence · Articles per month · search troops"
    )
    assert chart_download.source_line(tiny) == "Tension Monitor, 8 articles, data to 2024-03-04"


def test_a_png_is_1600_by_900_pixels(browser, tiny, tiny_options):
    png = exported(tiny, tiny_options, PAIR_FILTERS, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # the IHDR chunk comes first: width and height as big-endian 32-bit integers
    assert png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (1600, 900)


def test_an_svg_carries_the_title_the_filters_and_the_source(browser, tiny, tiny_options):
    svg = exported(tiny, tiny_options, PAIR_FILTERS, "svg")
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("800", "450")
    lines = svg_text(svg).splitlines()
    assert TITLE in lines
    assert (
        "2024-01-01 to 2024-12-31 · North Korea – Russia · language en · "
        "co-occurrence in one sentence · Articles per week"
    ) in lines
    assert "Tension Monitor, 8 articles, data to 2024-03-04" in lines


def test_markup_in_a_search_or_title_is_shown_as_typed_not_drawn(browser, tiny, tiny_options):
    # plotly.js reads <b>, <br> and <a href> in labels as markup: a search is the user's text
    searched = replace(PAIR_FILTERS, q=MARKUP_SEARCH)
    svg = exported(tiny, tiny_options, searched, "svg", title="<b>Bold</b> <a href='x'>link</a>")
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}a")) and not list(root.iter(f"{SVG}script"))
    assert not [node for node in root.iter() if node.get("style", "").count("bold")]
    text = svg_text(svg)
    assert f"search {MARKUP_SEARCH}" in text
    assert "<b>Bold</b> <a href='x'>link</a>" in text.splitlines()


def test_concurrent_exports_share_one_browser(browser, tiny, tiny_options):
    images: list[bytes] = []
    threads = [
        threading.Thread(
            target=lambda: images.append(exported(tiny, tiny_options, PAIR_FILTERS, "svg"))
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # plotly.js gives each drawing random clip-path ids: the same chart differs only in them
    assert len(images) == 4 and len({svg_text(svg) for svg in images}) == 1
    assert len(_browsers_started_by(os.getpid())) == 1


def test_an_export_after_the_browser_died_starts_a_new_one(browser, tiny, tiny_options):
    exported(tiny, tiny_options, PAIR_FILTERS, "svg")
    (dead,) = _browsers_started_by(os.getpid())
    os.kill(dead, signal.SIGKILL)
    svg = exported(tiny, tiny_options, PAIR_FILTERS, "svg")
    assert TITLE in svg_text(svg).splitlines()
    (started,) = _browsers_started_by(os.getpid())
    assert started != dead


def test_the_browser_is_closed_when_no_export_asked_for_a_while(
    browser, tiny, tiny_options, monkeypatch
):
    monkeypatch.setattr(settings, "CHART_IMAGE_IDLE_SECONDS", 0.2)
    exported(tiny, tiny_options, PAIR_FILTERS, "svg")
    # polled, not timed: the close runs on a timer thread of its own
    for _ in range(300):
        if not _browsers_started_by(os.getpid()):
            break
        time.sleep(0.1)
    assert _browsers_started_by(os.getpid()) == []
    assert TITLE in svg_text(exported(tiny, tiny_options, PAIR_FILTERS, "svg")).splitlines()


def test_without_the_browser_an_export_says_what_to_install(tmp_path, monkeypatch):
    missing = tmp_path / "no-chromium"
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(missing))
    with pytest.raises(chart_image.ChartImageError, match="apt-get install chromium"):
        chart_image.image(chart_image.publication_figure(charts.go.Figure(), CAPTION), "png")
    assert str(missing) in chart_image.missing_browser(missing)


CAPTION = chart_image.Caption("t", "f", "s")


def _browsers_started_by(pid: int) -> list[int]:
    """The Chromium processes that kaleido started for `pid`: each runs under a wrapper of
    choreographer's, a child of `pid` (the browser tests' own Chromium runs under Playwright)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    wrappers = [child for child in children.get(pid, []) if b"choreographer" in _command(child)]
    return [
        browser
        for wrapper in wrappers
        for browser in children.get(wrapper, [])
        if Path(_command(browser).split(b"\0")[0].decode()).name.startswith("chrom")
    ]


def _command(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""
