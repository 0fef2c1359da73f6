"""`Download PNG` and `Download SVG` under every chart (refs #18), through AppTest on the
hand-counted tiny database (tests/tiny_db.py); tests/test_chart_image.py draws the images."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from board import chart_image, settings
from tests.test_dashboard import (  # noqa: F401  (the fixtures)
    assert_healthy,
    main_module_restored,
    on_tiny,
    open_page,
    tiny_db,
)

pytestmark = pytest.mark.usefixtures("on_tiny")

CHARTS = {
    "overview": ["top_pairs"],
    "pair": ["pair_volume", "pair_tone", "compare", "third_countries"],
    "matrix": ["matrix"],
    "network": ["network"],
    "map": ["map"],
}
"""Each view's charts by key; the pair view compares PRK-RUS with CHN-PHL."""


def page_items(at: AppTest) -> list[tuple[str, str]]:
    """The page's charts and download buttons in order, as (kind, key or label)."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if child.type == "plotly_chart":
                found.append(("chart", child.key))
            elif child.type == "download_button":
                found.append(("button", child.label))
            walk(child)

    walk(at.main)
    return found


@pytest.mark.parametrize("view", CHARTS)
def test_every_chart_has_png_and_svg_buttons_right_under_it(view):
    at = open_page(view=view, compare="CHN-PHL")
    assert_healthy(at)
    items = page_items(at)
    charts = [key for kind, key in items if kind == "chart"]
    assert charts == [f"{key}_chart" for key in CHARTS[view]]
    for key in CHARTS[view]:
        at_chart = items.index(("chart", f"{key}_chart"))
        assert items[at_chart + 1 : at_chart + 3] == [
            ("button", "Download PNG"),
            ("button", "Download SVG"),
        ]
        for image_format in chart_image.FORMATS:
            button = at.download_button(key=f"{image_format}_{key}")
            assert not button.disabled
            assert button.proto.help == ""


def test_no_image_is_drawn_until_a_button_asks(monkeypatch):
    drawn = []
    monkeypatch.setattr(chart_image, "image", lambda *args: drawn.append(args) or b"")
    at = open_page(view="pair")
    assert_healthy(at)
    at.run()
    assert drawn == []
    # the file is made when the browser asks for it, not in the page's run
    assert at.download_button(key="png_pair_volume").proto.deferred_file_id


def test_without_chromium_the_buttons_are_off_and_say_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    at = open_page(view="overview")
    assert_healthy(at)
    for image_format in chart_image.FORMATS:
        button = at.download_button(key=f"{image_format}_top_pairs")
        assert button.disabled
        assert "apt-get install chromium" in button.proto.help
        assert str(tmp_path / "no-chromium") in button.proto.help
    assert not at.download_button(key="download_overview_top-pairs").disabled
