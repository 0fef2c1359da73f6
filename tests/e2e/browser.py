"""Helpers for browser tests: waiting for the Streamlit script to finish."""

from __future__ import annotations

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SETTLE_MS = 300
"""A rerun can start just after the app reported idle (a widget's debounce): look twice."""


def settle(page) -> None:
    """Wait until the script has finished running, twice in a row."""
    for _ in range(2):
        page.wait_for_selector(IDLE, state="attached")
        page.wait_for_timeout(SETTLE_MS)
    page.wait_for_selector(IDLE, state="attached")
