"""`etl watch` cycles against a local news world (refs #14): what each cycle fetches and loads."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from etl.settings import Settings
from etl.sources.fetch import Fetcher
from etl.watch.config import SourceConfig
from etl.watch.context import WatchContext
from etl.watch.cycle import Outcome, run_cycle
from tests.etl.local_http import serve
from tests.etl.watch_world import BATCH, World, page

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
QUICK = Fetcher(timeout=5.0, retries=1, backoff=0.0)
NEWS = [
    {"id": "n1", "title": "Russia and China hold naval drills", "published": T0,
     "text": "Russian and Chinese warships exercised together in the Sea of Japan."},
    {"id": "n2", "title": "North Korea fires missile toward Japan", "published": T0},
]  # fmt: skip


class Clock:
    """The watcher's wall clock, moved by the test (backoff deadlines, rate windows)."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 1, 1, 8, 0)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def world(tmp_path):
    world = World(tmp_path / "www")
    with serve(world.root, failures={"/feeds/down.rss": [500] * 50}) as (base, requests):
        world.base, world.requests = base, requests
        yield world


@pytest.fixture
def watcher(tmp_path, world):
    clock = Clock()
    ctx = WatchContext(fetcher=QUICK, page_fetcher=QUICK, cache=tmp_path / "cache", now=clock)
    settings = Settings(db_path=tmp_path / "t.duckdb", workers=1, with_tone=False)

    def cycle(*sources: SourceConfig) -> dict[str, Outcome]:
        return {o.source.name: o for o in run_cycle(list(sources), settings, ctx)}

    cycle.clock, cycle.db, cycle.ctx = clock, settings.db_path, ctx
    return cycle


def gdelt(world: World, **options) -> SourceConfig:
    return SourceConfig("gdelt", "gdelt", 900.0, urls=(f"{world.base}/gdeltv2",), **options)


def feed(world: World, *names: str, **options) -> SourceConfig:
    urls = tuple(f"{world.base}/feeds/{name}.rss" for name in names)
    return SourceConfig("news", "feed", 600.0, urls=urls, **options)


def counts(outcome: Outcome) -> tuple[int, int, int, int]:
    c = outcome.counts
    return c.read, c.loaded, c.duplicates, c.rejected


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def fetched(world: World, prefix: str) -> list[str]:
    return [path for path, _agent in world.requests if path.startswith(prefix)]


def test_a_first_cycle_loads_and_a_second_loads_nothing_and_fetches_no_unchanged_body(
    world, watcher
):
    world.gdelt_batch(T0)
    world.announce(T0, world.base)
    world.add_items("world", world.base, *NEWS)
    first = watcher(gdelt(world), feed(world, "world"))
    assert counts(first["gdelt"]) == (6, 6, 0, 0)
    # the headline-only item n2 is an article too (item 4)
    assert counts(first["news"]) == (2, 2, 0, 0)
    world.requests.clear()
    second = watcher(gdelt(world), feed(world, "world"))
    assert counts(second["gdelt"]) == counts(second["news"]) == (0, 0, 0, 0)
    assert "1 not modified" in second["news"].line()
    assert "no new batch" in second["gdelt"].line()
    assert fetched(world, "/gdeltv2/2") == []  # no batch downloaded again
    assert rows(watcher.db, "select count(*) from articles") == [(8,)]
    assert rows(watcher.db, "select sum(read), sum(loaded) from ingest_runs") == [(8, 8)]


def test_new_items_and_a_new_batch_are_picked_up(world, watcher):
    world.gdelt_batch(T0)
    world.announce(T0, world.base)
    world.add_items("world", world.base, NEWS[0])
    watcher(gdelt(world), feed(world, "world"))
    world.gdelt_batch(T0 + BATCH)
    world.announce(T0 + BATCH, world.base)
    world.add_items("world", world.base, NEWS[1])
    later = watcher(gdelt(world), feed(world, "world"))
    assert counts(later["gdelt"]) == (6, 6, 0, 0)
    # the feed now lists both items; the one already loaded is not read again
    assert counts(later["news"]) == (1, 1, 0, 0)
    assert rows(watcher.db, "select last_batch from source_state where source = 'gdelt'") == [
        ("20240601121500.gkg.csv.zip",)
    ]


def test_after_downtime_missed_batches_are_caught_up_to_the_limit_and_a_404_is_counted(
    world, watcher
):
    world.gdelt_batch(T0)
    world.announce(T0, world.base)
    watcher(gdelt(world, catch_up=4))
    # five batches published while the watcher was down; 12:45 never appears on the server
    for step in (1, 2, 4, 5):
        world.gdelt_batch(T0 + step * BATCH)
    world.announce(T0 + 5 * BATCH, world.base)
    caught = watcher(gdelt(world, catch_up=4))["gdelt"]
    # the last 4 batches of the grid (12:30..13:15): 12:15 is beyond the limit
    assert counts(caught) == (18, 18, 0, 0)
    assert "1 missing (404)" in caught.line()
    assert rows(watcher.db, "select name, status from source_batches order by name") == [
        ("20240601120000.gkg.csv.zip", "loaded"),
        ("20240601123000.gkg.csv.zip", "loaded"),
        ("20240601124500.gkg.csv.zip", "missing"),
        ("20240601130000.gkg.csv.zip", "loaded"),
        ("20240601131500.gkg.csv.zip", "loaded"),
    ]
    # a missing batch is not asked for again
    world.requests.clear()
    assert counts(watcher(gdelt(world, catch_up=4))["gdelt"]) == (0, 0, 0, 0)
    assert fetched(world, "/gdeltv2/2") == []


def test_the_translated_stream_is_followed_too(world, watcher):
    world.gdelt_batch(T0)
    world.gdelt_batch(T0, translation=True)
    world.announce(T0, world.base)
    world.announce(T0, world.base, translation=True)
    outcome = watcher(gdelt(world, translation=True))["gdelt"]
    assert counts(outcome) == (12, 12, 0, 0)


def test_a_failing_feed_backs_off_exponentially_while_the_others_go_on(world, watcher):
    world.add_items("world", world.base, NEWS[0])
    source = feed(world, "world", "down", max_backoff=1800.0)
    first = watcher(source)["news"]
    assert counts(first) == (1, 1, 0, 0)
    assert "1 of 2 feeds failing" in first.delivery.error
    waits = []
    for _ in range(4):
        (retry_at,) = rows(watcher.db, "select retry_at from source_feeds where url like '%down%'")
        waits.append((retry_at[0] - watcher.clock.moment).total_seconds())
        watcher.clock.moment = retry_at[0]
        world.add_items("world", world.base, {**NEWS[1], "id": f"n{len(waits) + 2}"})
        later = watcher(source)["news"]
        assert counts(later)[1] == 1  # the healthy feed still delivers every cycle
    # 10 min, 20 min, then capped at 30 min
    assert waits == [600.0, 1200.0, 1800.0, 1800.0]
    assert rows(watcher.db, "select consecutive_failures from source_state") == [(5,)]
    # before the deadline the failing feed is not asked at all
    world.requests.clear()
    watcher(source)
    assert fetched(world, "/feeds/down") == []


def test_fetch_full_fetches_only_new_items_pages_within_the_per_host_budget(world, watcher):
    text = ["Russian and Chinese ships sailed together near Japan on Saturday, officials said."]
    items = [
        {"id": f"p{n}", "title": f"Naval drill {n}", "published": T0, "text": "summary",
         "page": page(f"Naval drill {n}", text * 8 + [f"Report number {n}."])}
        for n in range(3)
    ]  # fmt: skip
    world.add_items("world", world.base, *items)
    source = feed(world, "world", fetch_full=True, per_host_per_minute=2)
    first = watcher(source)["news"]
    assert counts(first) == (2, 2, 0, 0)
    assert "1 deferred" in first.line()
    assert len(fetched(world, "/pages/")) == 2
    world.requests.clear()
    watcher.clock.moment += timedelta(minutes=1)
    assert counts(watcher(source)["news"]) == (1, 1, 0, 0)
    assert len(fetched(world, "/pages/")) == 1  # only the deferred item's page
    texts = rows(watcher.db, "select text from articles order by title")
    assert all("Russian and Chinese ships" in t for (t,) in texts)


def test_a_folder_loads_new_or_changed_files_once_and_never_touches_them(tmp_path, watcher):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    one = inbox / "one.jsonl"
    one.write_text(
        '{"id": "f1", "date": "2024-06-01", "title": "Japan protests to China", "text": "x"}\n'
    )
    source = SourceConfig("inbox", "folder", 300.0, path=inbox)
    before = {p.name: (p.stat().st_mtime_ns, _sha(p)) for p in inbox.iterdir()}
    assert counts(watcher(source)["inbox"]) == (1, 1, 0, 0)
    assert {p.name: (p.stat().st_mtime_ns, _sha(p)) for p in inbox.iterdir()} == before
    os.utime(one, ns=(one.stat().st_mtime_ns + 10**9,) * 2)  # touched, same content
    assert counts(watcher(source)["inbox"]) == (0, 0, 0, 0)
    with one.open("a") as handle:
        handle.write('{"id": "f2", "date": "2024-06-02", "title": "Iran and Iraq talk"}\n')
    (inbox / "two.csv").write_text("date,title\n2024-06-03,Chile and Peru sign a treaty\n")
    assert counts(watcher(source)["inbox"]) == (3, 2, 1, 0)
    assert sorted(p.name for p in inbox.iterdir()) == ["one.jsonl", "two.csv"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
