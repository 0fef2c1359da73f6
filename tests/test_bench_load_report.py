"""The load bench's report (bench/load_report.py, refs #19): how much of the counted pages'
time the sessions' cold starts are."""

from __future__ import annotations

import argparse

from bench.load_report import Phase, report


def phase(start: str = "each") -> Phase:
    measured = Phase(2, "sidebar", start=start, wall_seconds=20.0, cpu_seconds=1.0)
    # the second session's first page is ready at 9 s; the first's walk began at 3 s
    measured.first_ready = [3.0, 9.0]
    measured.first_pages = [3.0, 9.0]
    measured.began = [(3.1, 4.0), (7.2, 2.0), (9.0, 0.5), (9.6, 0.7)]
    measured.times["pair"] = [seconds for _, seconds in measured.began]
    return measured


def test_counted_pages_are_split_at_the_last_sessions_first_page():
    assert phase().around_last_first_page() == ([4.0, 2.0], [0.5, 0.7])


def test_a_run_without_a_ready_first_page_counts_every_page_after():
    measured = phase()
    measured.first_ready = []
    assert measured.around_last_first_page() == ([], [4.0, 2.0, 0.5, 0.7])


def test_the_report_gives_both_sides_of_the_last_first_page_and_how_the_walk_started():
    args = argparse.Namespace(db="syn1m.duckdb", rounds=2)
    text = report([phase("each"), phase("all")], 400.0, args)
    rows = [line for line in text.splitlines() if line.startswith("| sidebar | each | 0 | 2 | 9.0")]
    assert rows == ["| sidebar | each | 0 | 2 | 9.0 | 2: 3.00 / 3.90 | 2: 0.60 / 0.69 |"]
    assert "| sidebar | all | 0 | 2 | 6 | 0 |" in text


def test_the_report_says_how_many_failed_pages_were_first_pages():
    args = argparse.Namespace(db="syn1m.duckdb", rounds=2)
    cold = phase()
    cold.failures = ["first page http://a/?view=map: TimeoutError", "switch http://a/: Timeout"]
    warm = phase("all")
    warm.failures = ["switch http://a/?view=pair: the page shows an error: boom"]
    text = report([cold, warm], 400.0, args)
    assert "| sidebar | each | 0 | 2 | 8 | 2 (1 first page) |" in text
    assert "| sidebar | all | 0 | 2 | 7 | 1 |" in text
    listed = [line for line in text.splitlines() if line.startswith("- ")]
    assert listed == [
        "- switch http://a/: Timeout",
        "- switch http://a/?view=pair: the page shows an error: boom",
        "- first page http://a/?view=map: TimeoutError",
    ]
