"""How the load bench times a view switch (bench/load_dashboard.py, refs #19): from the click
until the URL shows the new view and the page is idle with the view's content, never with a
wait for a running state that a quick rerun is over before anyone looks for."""

from __future__ import annotations

import asyncio

from playwright.async_api import TimeoutError as PlaywrightTimeout

from bench.load_dashboard import IDLE, _switch
from tests.e2e.browser import run_apart

DELAY = 0.3
"""Seconds the fake page's rerun takes to write the new view to the URL."""


class Rerun:
    """A page whose rerun after a click writes `view=` into its URL after `delay` seconds
    and is then idle at once: it is never seen running."""

    def __init__(self, delay: float) -> None:
        self.url, self.delay = "http://localhost/?view=overview", delay

    def locator(self, selector: str, has_text: str | None = None) -> Rerun.Found:
        return Rerun.Found(self, has_text)

    async def wait_for_selector(self, selector: str, state: str, timeout: float) -> None:
        if selector != IDLE:  # the page is never seen running
            await asyncio.sleep(timeout / 1000)
            raise PlaywrightTimeout(f"{selector} not found")

    async def wait_for_url(self, matches, timeout: float) -> None:
        while not matches(self.url):
            await asyncio.sleep(0.01)

    async def _written(self, label: str) -> None:
        await asyncio.sleep(self.delay)
        self.url = f"http://localhost/?view={label.lower()}"

    class Found:
        def __init__(self, page: Rerun, label: str | None) -> None:
            self.page, self.label, self.first = page, label, self

        async def click(self) -> None:
            self.page.rerun = asyncio.create_task(self.page._written(self.label))

        async def wait_for(self, state: str, timeout: float) -> None:
            return None

        async def count(self) -> int:
            return 0


def test_a_switch_is_timed_to_its_view_in_the_url_and_not_past_it():
    seconds = run_apart(_switch(Rerun(DELAY), "network", timeout=10.0))
    assert DELAY <= seconds < DELAY + 0.5  # before: 2 s waited for a running state
