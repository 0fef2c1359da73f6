"""A view switch reruns the view alone (refs #19): each browser session re-rendered the sidebar
and the freshness line on every switch, a cost N sessions on one machine pay N times."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.browser import settle
from tests.e2e.test_browser import assert_no_exception, open_view

pytestmark = pytest.mark.browser

MAIN, SIDEBAR = 0, 1
"""The first step of a delta's path: the page's main area or its sidebar."""


def record_messages(page) -> list[ForwardMsg]:
    """The messages the server sends the page from now on, decoded."""
    messages: list[ForwardMsg] = []

    def on_frame(frame: bytes | str) -> None:
        if isinstance(frame, bytes):
            messages.append(ForwardMsg.FromString(frame))

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))
    return messages


def switch(page, label: str) -> None:
    page.locator(".st-key-view button", has_text=label).click()
    settle(page)
    assert_no_exception(page)


def url_value(page, name: str) -> str:
    return parse_qs(urlsplit(page.url).query)[name][0]


def test_a_view_switch_is_one_run_of_the_view_alone_and_goes_to_the_url(page, server):
    messages = record_messages(page)
    open_view(page, server, "view=overview")
    # back to the first view too: the view's fragment keeps the page run's filters
    for label, view in (("Pair", "pair"), ("Map", "map"), ("Overview", "overview")):
        messages.clear()
        switch(page, label)
        assert url_value(page, "view") == view
        kinds = [message.WhichOneof("type") for message in messages]
        assert kinds.count("script_finished") == 1
        roots = {m.metadata.delta_path[0] for m in messages if m.WhichOneof("type") == "delta"}
        assert roots == {MAIN}  # nothing of the sidebar is sent again
    page.go_back()
    settle(page)
    assert url_value(page, "view") == "map"
    page.locator(".js-plotly-plot").first.wait_for()


def test_a_views_own_control_still_goes_to_the_url_and_outlives_a_switch(page, server):
    open_view(page, server, "view=overview")
    switch(page, "Matrix")
    page.locator(".st-key-cell button", has_text="Lift").click()
    settle(page)
    assert url_value(page, "cell") == "lift"
    switch(page, "Network")
    switch(page, "Matrix")
    assert url_value(page, "cell") == "lift"
    assert "Lift" in page.locator(".js-plotly-plot").first.inner_text()
