"""`python -m etl watch` as a process (refs #14): kill -9 mid-cycle, SIGTERM, a reader
querying throughout, `--db` before and after the command, `etl sources`."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from etl.faults import CRASH_ENV
from etl.settings import REPO_ROOT, Settings
from etl.watch.config import load_config
from etl.watch.context import WatchContext
from etl.watch.schedule import watch
from tests.etl.concurrent_reader import reading_throughout
from tests.etl.local_http import serve
from tests.etl.watch_world import BATCH, World
from tests.etl_cli import etl

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

CONFIG = """\
[[source]]
name = "gdelt"
kind = "gdelt"
url = "{base}/gdeltv2"
every = "15min"

[[source]]
name = "news"
kind = "feed"
urls = ["{base}/feeds/world.rss"]
every = "{feed_every}"

[[source]]
name = "inbox"
kind = "folder"
path = "{inbox}"
every = "5min"
"""

STATE = {
    "articles": "select article_id, url, title, source from articles",
    "runs": "select sum(read), sum(loaded), sum(duplicates), sum(rejected) from ingest_runs",
    "items": "select source, item_key from source_items",
    "batches": "select source, name, status from source_batches",
    "files": "select source, path, sha256 from source_files",
    "cycles": "select source, sum(read), sum(loaded) from source_cycles group by source",
}
"""What a watch run decides, without wall-clock columns."""


@pytest.fixture
def world(tmp_path):
    world = World(tmp_path / "www")
    with serve(world.root) as (base, _requests):
        world.base = base
        world.inbox = tmp_path / "inbox"
        world.inbox.mkdir()
        yield world


def step(world: World, number: int) -> None:
    """The world moves on: a GDELT batch, a feed item and a dropped file per step."""
    moment = T0 + number * BATCH
    world.gdelt_batch(moment)
    world.announce(moment, world.base)
    world.add_items(
        "world",
        world.base,
        {"id": f"n{number}", "title": f"Japan and China talk, round {number}", "published": T0},
    )
    (world.inbox / f"drop{number}.jsonl").write_text(
        json.dumps({"date": "2024-06-01", "title": f"India and Nepal sign accord {number}"}) + "\n"
    )


def config(world: World, tmp_path: Path, feed_every: str = "10min") -> Path:
    path = tmp_path / "monitor.toml"
    text = CONFIG.format(base=world.base, inbox=world.inbox, feed_every=feed_every)
    path.write_text(text, encoding="utf-8")
    return path


def watch_once(path: Path, db: Path, cache: Path, env=None) -> subprocess.CompletedProcess:
    options = ["--config", str(path), "--once", "--no-tone", "--workers", "1"]
    return etl("watch", *options, "--cache", str(cache), "--db", str(db), env=env)


def state(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {k: sorted(con.execute(sql).fetchall()) for k, sql in STATE.items()}


@pytest.mark.parametrize("crash_at", ["read", "write", "publish:2"])
def test_kill_9_mid_cycle_then_the_next_cycle_completes_with_nothing_lost_or_doubled(
    world, tmp_path, crash_at
):
    path = config(world, tmp_path)
    crashed, twin = tmp_path / "crashed.duckdb", tmp_path / "twin.duckdb"
    twin_settings = Settings(db_path=twin, workers=1, with_tone=False)
    step(world, 0)
    assert watch_once(path, crashed, tmp_path / "c1").returncode == 0
    watch(load_config(path), twin_settings, once=True, ctx=WatchContext(cache=tmp_path / "c2"))
    step(world, 1)
    killed = watch_once(path, crashed, tmp_path / "c1", env={CRASH_ENV: crash_at})
    assert killed.returncode == -signal.SIGKILL
    resumed = watch_once(path, crashed, tmp_path / "c1")
    assert resumed.returncode == 0, resumed.stderr
    watch(load_config(path), twin_settings, once=True, ctx=WatchContext(cache=tmp_path / "c2"))
    got, expected = state(crashed), state(twin)
    assert got["articles"] == expected["articles"]
    assert len(got["articles"]) == 2 * (6 + 1 + 1)
    for table in ("items", "batches", "files"):
        assert got[table] == expected[table]
    read, loaded, duplicates, rejected = got["runs"][0]
    assert read == loaded + duplicates + rejected and loaded == 16


def test_sigterm_ends_the_watcher_cleanly_between_cycles(world, tmp_path):
    step(world, 0)
    path = config(world, tmp_path, feed_every="1s")
    db = tmp_path / "t.duckdb"
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "--db", str(db), "watch", "--config", str(path)]
        + ["--no-tone", "--workers", "1", "--cache", str(tmp_path / "cache")],
        cwd=REPO_ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.startswith("news:") and len([x for x in lines if x.startswith("news:")]) == 2:
            break  # two cycles of the 1-second feed: the watcher is looping
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert rest.strip().endswith("watch stopped: every published cycle is complete")
    assert state(db)["runs"][0][1] == 8  # the first cycle's 6 + 1 + 1 articles, once


def test_a_dashboard_style_reader_sees_no_failed_read_through_several_cycles(world, tmp_path):
    path = config(world, tmp_path)
    db = tmp_path / "t.duckdb"
    settings = Settings(db_path=db, workers=1, with_tone=False)
    context = WatchContext(cache=tmp_path / "cache")
    step(world, 0)
    watch(load_config(path), settings, once=True, ctx=context)
    with reading_throughout(db, tmp_path / "stop") as result:
        for number in range(1, 5):
            step(world, number)
            watch(load_config(path), settings, once=True, ctx=context)
        time.sleep(1.0)  # the reader's last reads come after the last publish
    assert result["failures"] == []
    assert result["reads"] >= 8
    assert result["counts"][-1] == 5 * 8


def test_db_before_or_after_the_command_and_sources_prints_each_sources_health(world, tmp_path):
    step(world, 0)
    path = config(world, tmp_path)
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    options = ["--config", str(path), "--once", "--no-tone", "--workers", "1"]
    after = etl("watch", *options, "--cache", str(tmp_path / "c1"), "--db", str(first))
    before = etl("--db", str(second), "watch", *options, "--cache", str(tmp_path / "c2"))
    assert after.returncode == before.returncode == 0, after.stderr + before.stderr
    lines = [line for line in after.stderr.splitlines() if ": read " in line]
    assert [line.split(":")[0] for line in lines] == ["gdelt", "news", "inbox"]
    assert lines[0].startswith("gdelt: read 6, loaded 6, duplicates 0, rejected 0, ")
    for db in (first, second):
        assert state(db)["runs"][0][1] == 8
    shown = etl("sources", "--db", str(first)).stdout.splitlines()
    assert shown == etl("--db", str(first), "sources").stdout.splitlines()
    assert [line.split(" ")[0] for line in shown] == ["gdelt", "inbox", "news"]
    assert all(": ok; last success " in line and "articles in 24 h" in line for line in shown)
    assert shown[0].endswith(", 6 articles in 24 h")
