"""The dashboard's freshness line names each watched source, flagging failing and stale ones
(refs #14 item 3)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.settings import Settings
from etl.sources.fetch import Fetcher
from etl.watch.config import SourceConfig
from etl.watch.context import WatchContext
from etl.watch.cycle import run_cycle
from tests.etl.local_http import serve

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
QUICK = Fetcher(timeout=5.0, retries=1, backoff=0.0)


@pytest.fixture(autouse=True)
def main_module_restored() -> Iterator[None]:
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def test_the_freshness_line_says_when_each_source_delivered_and_flags_failing_or_stale(
    tmp_path, monkeypatch
):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (tmp_path / "empty").mkdir()
    (inbox / "a.jsonl").write_text('{"date": "2024-06-01", "title": "Japan and China talk"}\n')
    db = tmp_path / "t.duckdb"
    sources = [
        SourceConfig("inbox", "folder", 300.0, path=inbox),
        SourceConfig("quiet", "folder", 60.0, path=tmp_path / "empty"),
    ]
    with serve(tmp_path) as (base, _requests):
        sources.append(SourceConfig("down", "feed", 600.0, urls=(f"{base}/missing.rss",)))
        settings = Settings(db_path=db, workers=1, with_tone=False)
        run_cycle(sources, settings, WatchContext(fetcher=QUICK, cache=tmp_path / "cache"))
    # "quiet" last succeeded an hour ago: over three of its 1-minute intervals
    an_hour_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "update source_state set last_success_at = $at where source = 'quiet'",
            {"at": an_hour_ago},
        )
    monkeypatch.setenv("TENSION_DB", str(db))
    at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not at.exception
    (line,) = [c.value for c in at.caption if c.value.startswith("Sources: ")]
    delivered = datetime.now(UTC).strftime("%Y-%m-%d")
    assert f"**inbox** delivered {delivered}" in line
    assert "**down** never delivered · ⚠ failing (1×: 1 of 1 feeds failing; " in line
    assert "**quiet** never delivered · ⚠ stale" in line
