"""Soak test of `etl watch`: simulated days of GDELT batches and feeds, a reader throughout.

    .venv/bin/python bench/soak_watch.py [--cycles 672] [--feeds 20] [--copies 100]

A local news world (tests/etl/watch_world.py) is served on 127.0.0.1. Each cycle, GDELT
publishes one 15-minute batch (the six real GKG fixture records x --copies, rewritten with
new ids, times and URLs) and each of --feeds feeds gets one new item; then one watch cycle
runs every source through the real code (`etl.watch.schedule.watch(once=True)`: fetch,
read, tag, load, publish). A dashboard-style reader (tests/etl/concurrent_reader.py) queries
the published file in its own process the whole time.

Reports seconds per cycle (p50/p95), the database's growth, this (the watcher's) process's
RSS after the first simulated day and at its peak afterwards, the reader's failed reads, and
the accounting (loaded + duplicates + rejected = read over every cycle, and read = what the
world published). Baseline, measured in the same run: `load_inputs` of one cycle's records
as plain files (what `python -m etl load` does), so the ratio is the watcher's own overhead.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from etl.run import load_inputs  # noqa: E402  (run as a script)
from etl.settings import Settings  # noqa: E402
from etl.watch.config import MonitorConfig, SourceConfig  # noqa: E402
from etl.watch.context import WatchContext  # noqa: E402
from etl.watch.schedule import watch  # noqa: E402
from tests.etl.concurrent_reader import reading_throughout  # noqa: E402
from tests.etl.local_http import serve  # noqa: E402
from tests.etl.watch_world import BATCH, World, stamp  # noqa: E402

START = datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
CYCLES_PER_DAY = 96


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def publish_world(world: World, base: str, number: int, feeds: int, copies: int) -> None:
    moment = START + number * BATCH
    world.gdelt_batch(moment, copies=copies)
    world.announce(moment, base)
    for feed in range(feeds):
        item = {
            "id": f"f{feed}-{number}",
            "title": f"Japan and China hold talks, round {number} ({feed})",
            "text": "Officials from Tokyo and Beijing met to discuss maritime incidents.",
            "published": moment,
        }
        world.add_items(f"feed{feed}", base, item)


def monitor(base: str, feeds: int, folder: Path) -> MonitorConfig:
    urls = tuple(f"{base}/feeds/feed{n}.rss" for n in range(feeds))
    sources = [SourceConfig("gdelt", "gdelt", 900.0, urls=(f"{base}/gdeltv2",))]
    if feeds:
        sources.append(SourceConfig("news", "feed", 900.0, urls=urls))
    return MonitorConfig(folder / "soak.toml", tuple(sources))


def accounting(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        read, loaded, duplicates, rejected = con.execute(
            "select sum(read), sum(loaded), sum(duplicates), sum(rejected) from source_cycles"
        ).fetchone()
        articles = con.execute("select count(*) from articles").fetchone()[0]
    return {
        "read": int(read),
        "loaded": int(loaded),
        "duplicates": int(duplicates),
        "rejected": int(rejected),
        "articles": int(articles),
    }


def baseline_seconds(world: World, db: Path, folder: Path, feeds: int, copies: int) -> float:
    """`load_inputs` of one more cycle's records as files, on a copy of the soaked database:
    the batch, then the feed items (two publishes, as the watcher's cycle)."""
    copy = folder / "baseline.duckdb"
    shutil.copyfile(db, copy)
    moment = START + 10_000 * BATCH
    batch = world.gdelt / world.gdelt_batch(moment, copies=copies)
    items = folder / "items.jsonl"
    items.write_text(
        "".join(
            json.dumps({"url": f"https://b.example.org/{n}", "date": stamp(moment),
                        "title": "Japan and China hold talks", "text": "Officials met."}) + "\n"
            for n in range(feeds)
        )
    )  # fmt: skip
    started = time.perf_counter()
    load_inputs([batch], Settings(db_path=copy, workers=1, with_tone=False), fmt="gkg")
    if feeds:
        load_inputs([items], Settings(db_path=copy, workers=1, with_tone=False))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=7 * CYCLES_PER_DAY)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--copies", type=int, default=100, help="x6 GKG records per batch")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="soak-watch-"))
    world = World(folder / "www")
    db = folder / "tension.duckdb"
    settings = Settings(db_path=db, workers=1, with_tone=False)
    seconds, sizes, rss = [], [], []
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _sig, _frame: stop.set())
    with serve(world.root) as (base, _requests):
        config = monitor(base, args.feeds, folder)
        ctx = WatchContext(cache=folder / "cache")
        publish_world(world, base, 0, args.feeds, args.copies)
        watch(config, settings, once=True, ctx=ctx)
        with reading_throughout(db, folder / "stop") as reads:
            for number in range(1, args.cycles):
                if stop.is_set():
                    break  # Ctrl-C or SIGTERM: report the cycles run so far
                publish_world(world, base, number, args.feeds, args.copies)
                started = time.perf_counter()
                failed = watch(config, settings, once=True, ctx=ctx, stop=stop)
                seconds.append(time.perf_counter() - started)
                if failed:
                    raise SystemExit(f"cycle {number} failed")
                sizes.append(db.stat().st_size)
                rss.append(rss_mb())
                if number % 24 == 0:
                    print(
                        f"cycle {number}: {seconds[-1]:.2f} s, db {sizes[-1] / 2**20:.1f} MB, "
                        f"rss {rss[-1]:.0f} MB",
                        file=sys.stderr,
                    )
        base_s = baseline_seconds(world, db, folder, args.feeds, args.copies)
    counted = accounting(db)
    published = (len(seconds) + 1) * (6 * args.copies + args.feeds)
    first_day = rss[min(CYCLES_PER_DAY, len(rss)) - 1]
    later = rss[CYCLES_PER_DAY:] or rss[-1:]
    p50, p95 = statistics.median(seconds), percentile(seconds, 0.95)
    print(
        json.dumps(
            {
                "cycles": len(seconds) + 1,
                "feeds": args.feeds,
                "records_per_batch": 6 * args.copies,
                "cycle_seconds_p50": round(p50, 2),
                "cycle_seconds_p95": round(p95, 2),
                "baseline_load_seconds": round(base_s, 2),
                "p50_vs_baseline": round(p50 / base_s, 2),
                "db_mb_first_cycle": round(sizes[0] / 2**20, 1),
                "db_mb_last_cycle": round(sizes[-1] / 2**20, 1),
                "rss_mb_after_first_day": round(first_day, 0),
                "rss_mb_peak_after": round(max(later), 0),
                "rss_growth_after_first_day": round(max(later) / first_day - 1, 3),
                "reader_reads": reads["reads"],
                "reader_failed_reads": len(reads["failures"]),
                **counted,
                "world_published": published,
                "accounted": counted["loaded"] + counted["duplicates"] + counted["rejected"]
                == counted["read"]
                == published,
            },
            indent=2,
        )
    )
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
