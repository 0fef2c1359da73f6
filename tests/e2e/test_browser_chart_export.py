"""A chart's image downloaded in a real browser (refs #18): the click asks the server to draw
it, and the file is the publication-size PNG or an SVG carrying the chart's captions."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.e2e.test_browser import assert_no_exception, open_view

pytestmark = pytest.mark.browser

PAIR_VIEW = "view=pair&pair=PRK-RUS&start=2024-01-01&end=2024-12-31&bucket=month"


def download(page, label: str) -> tuple[str, bytes]:
    """Click the first button `label`; the file's name and bytes."""
    with page.context.expect_event("download") as info:
        page.get_by_role("button", name=label).first.click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_the_pair_chart_downloads_as_png_and_svg(page, server):
    open_view(page, server, PAIR_VIEW)
    assert_no_exception(page)
    name, png = download(page, "Download PNG")
    assert name.startswith("tension-pair-pair_volume-2024-01-01_2024-12-31-PRK-RUS-")
    assert name.endswith(".png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and struct.unpack(">II", png[16:24]) == (1600, 900)
    name, svg = download(page, "Download SVG")
    assert name.endswith(".svg")
    lines = [
        "".join(node.itertext())
        for node in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
    ]
    assert "North Korea – Russia: articles per month" in lines
    assert any(line.startswith("2024-01-01 to 2024-12-31 · North Korea – Russia") for line in lines)
    assert any(line.startswith("Tension Monitor, ") for line in lines)
