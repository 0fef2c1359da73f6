"""Watch this, in a real browser (refs #17): the watchlist saved from the page is in the
store the watcher reads, and the Watchlists page lists it."""

from __future__ import annotations

import pytest

from monitor.store import Store, store_path
from tests.e2e.browser import settle

pytestmark = pytest.mark.browser


def test_a_watchlist_saved_in_the_browser_is_seen_by_the_watcher(page, server, served_db):
    page.goto(f"{server}/?view=pair")
    settle(page)
    page.get_by_role("button", name="Watch this").click()
    name = page.get_by_label("Name")
    name.fill("Browser watch")
    page.get_by_role("button", name="Save watchlist").click()
    settle(page)
    page.get_by_text("Saved watchlist 'Browser watch'").wait_for()
    # the store beside the served database is where `etl watch` and `etl alerts` look
    [saved] = [w for w in Store(store_path(served_db)).watchlists() if w.name == "Browser watch"]
    assert len(saved.pairs) == 1 and saved.countries == ()
    page.goto(f"{server}/?view=watchlists")
    settle(page)
    # the table is a canvas grid: its cells are in the DOM for assistive tech, not visible
    page.locator("[role=gridcell]", has_text="Browser watch").first.wait_for(state="attached")
