"""A filter changed in the sidebar reruns the whole page, but the widgets are not set again to
the values they already hold (refs #19): each one sent with `set_value` is re-applied by every
browser session, about 0.1 CPU s of Chromium's a filter change for nothing
(bench/load_dashboard.py)."""

from __future__ import annotations

import pytest

from tests.e2e.browser import settle
from tests.e2e.test_browser import assert_no_exception, open_view
from tests.e2e.test_browser_view_switch import SIDEBAR, record_messages, url_value

pytestmark = pytest.mark.browser


def widgets_set(messages) -> dict[str, bool]:
    """Each sidebar widget the messages draw: whether it is sent with a value to apply."""
    found = {}
    for message in messages:
        if message.WhichOneof("type") != "delta":
            continue
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        widget = getattr(element, kind) if kind else None
        if message.metadata.delta_path[0] == SIDEBAR and hasattr(widget, "set_value"):
            found[widget.id] = widget.set_value
    return found


def test_a_filter_change_sends_the_sidebars_widgets_without_setting_them_again(page, server):
    messages = record_messages(page)
    open_view(page, server, "view=overview")
    messages.clear()
    page.locator(".st-key-bucket button", has_text="Month").click()
    settle(page)
    assert_no_exception(page)
    assert url_value(page, "bucket") == "month"
    sent = widgets_set(messages)
    assert len(sent) > 10  # the whole sidebar was drawn again ...
    assert not any(sent.values())  # ... and no widget's value was pushed back to it


def test_a_refused_date_is_set_back_in_its_widget(page, server):
    messages = record_messages(page)
    open_view(page, server, "view=overview&start=2024-02-01&end=2024-03-01")
    messages.clear()
    box = page.locator(".st-key-end input")
    box.fill("2024-01-15")
    box.press("Escape")  # the date input commits when its calendar closes
    settle(page)
    assert "is before" in page.locator('[data-testid="stAlert"]').first.inner_text()
    assert url_value(page, "end") == "2024-03-01"
    assert box.input_value() == "2024-03-01"
    assert sum(widgets_set(messages).values()) == 1  # the end date alone
