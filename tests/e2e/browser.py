"""Helpers for browser tests: waiting for the Streamlit script to finish, and running the
load bench's async code beside Playwright's sync API."""

from __future__ import annotations

import asyncio
import threading

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SETTLE_MS = 300
"""A rerun can start just after the app reported idle (a widget's debounce): look twice."""


def settle(page) -> None:
    """Wait until the script has finished running, twice in a row."""
    for _ in range(2):
        page.wait_for_selector(IDLE, state="attached")
        page.wait_for_timeout(SETTLE_MS)
    page.wait_for_selector(IDLE, state="attached")


def run_apart(coroutine):
    """asyncio.run(coroutine) in a thread of its own, and its result: once a browser test has
    used Playwright's sync API, this thread has an event loop running."""
    results = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(coroutine)))
    thread.start()
    thread.join()
    return results[0]
