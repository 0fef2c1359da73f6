"""bench/query_latency.py's measuring (refs #18): besides the wall and the CPU, how long the
process's threads waited for a core, which is what a shared machine adds to the wall; a view
timed whole runs each distinct request once, as the page's cache has it."""

from __future__ import annotations

import math
import sys

import pytest

from bench.query_latency import _row, _timed, core_wait_ms, first_render


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's schedstat")
def test_a_timing_gives_the_wall_the_cpu_and_the_time_waited_for_a_core():
    (wall, cpu, waited), result = _timed(lambda: sum(range(200_000)))
    assert result == sum(range(200_000))
    assert wall > 0 and cpu >= 0
    # a run delay is a count that only grows; how much of it a run adds depends on the load
    assert math.isfinite(core_wait_ms()) and waited >= 0


def test_a_search_row_shows_the_wall_the_cpu_and_the_wait():
    row = _row("= overview view", "troops", (310.0, 250.5, 60.3), 0)
    assert row.split()[-4:] == ["310.0", "250.5", "60.3", "0"]


def test_a_view_timed_whole_runs_each_distinct_request_once(sample_con):
    ran = []

    class Counting:
        """The connection, counting the queries run on it."""

        def execute(self, *args):
            ran.append(args[0])
            return sample_con.execute(*args)

    def render(run_query, filters, judge):
        first = run_query("dashboard_status", {})
        # the judgement asks for the status again, and for a request of its own
        assert run_query("dashboard_status", {}) is first
        run_query("filter_options", {})

    first_render(Counting(), render, None, None)
    assert len(ran) == 2
