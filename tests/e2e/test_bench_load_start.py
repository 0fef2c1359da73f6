"""The load bench's `--start all` (bench/load_dashboard.py, refs #19): no session walks before
every session shows its first page, so the counted pages do not share the cores with the other
sessions' cold starts."""

from __future__ import annotations

import pytest

from bench.load_dashboard import _phase, _server_pid
from tests.e2e.browser import run_apart

pytestmark = pytest.mark.browser


def test_with_start_all_every_counted_page_begins_after_the_last_first_page(server):
    phase = run_apart(_phase(server, _server_pid(server), 2, 1, 60.0, 0.0, "sidebar", "all", {}))
    assert phase.failures == []
    assert len(phase.first_ready) == 2
    assert len(phase.began) == 10  # each session's five switches after its first page
    before, after = phase.around_last_first_page()
    assert before == []
    assert len(after) == 10
