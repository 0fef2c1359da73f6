"""Articles per second: the local engine (process pool into DuckDB) against the Dask engine
(a LocalCluster into a Parquet lake) with 1 and 2 workers, on the same 4 KB articles, in one
run, as ratios.

    .venv/bin/python bench/scale_out.py --articles 20000 [--days 30] [--no-tone]

Both engines read the same JSONL file, tag with the same `tag_batch` and write their whole
output (DuckDB tables and aggregates; Parquet partitions); each run starts from an empty
database or lake. Dask's cluster start-up is timed apart from its run. BLAS is limited to one
thread per process for both engines (Dask's workers do that by default), so the comparison is
engine against engine, not thread settings.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402  (the BLAS limits above must precede numpy's import)
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.engines.dask_engine import DaskOptions, dask_client, load_to_lake  # noqa: E402
from etl.engines.lake import Lake  # noqa: E402
from etl.run import load_inputs  # noqa: E402
from etl.settings import Settings  # noqa: E402

ARTICLE_BYTES = 4096
FIRST_DAY = date(2024, 1, 1)
NAMES = [
    "North Korea",
    "Russia",
    "China",
    "Japan",
    "South Korea",
    "the United States",
    "Ukraine",
    "Iran",
    "Israel",
    "India",
    "Pakistan",
    "Turkey",
    "France",
    "Germany",
    "Indonesia",
    "the Philippines",
    "Vietnam",
    "Taiwan",
    "Syria",
    "Egypt",
]
WORDS = (
    "officials",
    "said",
    "talks",
    "troops",
    "border",
    "trade",
    "minister",
    "agreement",
    "sanctions",
    "meeting",
    "economy",
    "security",
    "leaders",
    "visit",
    "weapons",
    "exports",
    "summit",
    "defence",
    "energy",
    "prices",
    "election",
    "government",
    "ceasefire",
    "aid",
    "statement",
    "strongly",
    "welcomed",
    "condemned",
    "announced",
    "warned",
    "promised",
    "rejected",
    "cooperation",
    "tensions",
    "growth",
    "investment",
    "military",
    "drills",
    "missile",
    "launch",
    "report",
    "according",
)


def write_articles(path: Path, count: int, days: int, seed: int = 42) -> None:
    """`count` English articles of ~4 KB, each naming a few countries, over `days` days."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            record = {
                "url": f"https://bench.example.org/{number}",
                "title": f"{rng.choice(NAMES)} and {rng.choice(NAMES)} {rng.choice(WORDS)}",
                "text": _text(rng),
                "published": (FIRST_DAY + timedelta(days=number % days)).isoformat() + "T08:00:00Z",
                "lang": "en",
                "source": f"wire-{number % 5}",
            }
            handle.write(json.dumps(record) + "\n")


def _text(rng: random.Random) -> str:
    sentences = []
    size = 0
    while size < ARTICLE_BYTES:
        words = rng.sample(WORDS, 14)
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), rng.choice(NAMES))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(NAMES))
        sentence = " ".join(words).capitalize() + "."
        sentences.append(sentence)
        size += len(sentence) + 1
    return " ".join(sentences)


def time_local(inputs: Path, workers: int, folder: Path, tone: bool) -> float:
    db = folder / f"local-{workers}.duckdb"
    started = time.perf_counter()
    load_inputs([inputs], Settings(db_path=db, workers=workers, with_tone=tone), fresh=True)
    return time.perf_counter() - started


def time_dask(inputs: Path, workers: int, folder: Path, tone: bool) -> tuple[float, float, Lake]:
    """(cluster start-up seconds, run seconds, the lake written)."""
    lake = folder / f"lake-{workers}"
    started = time.perf_counter()
    with dask_client(DaskOptions(str(lake), workers=workers)) as client:
        client.wait_for_workers(workers)
        ready = time.perf_counter()
        options = DaskOptions(str(lake), scheduler=client.scheduler.address)
        settings = Settings(db_path=folder / "unused.duckdb", with_tone=tone)
        load_to_lake([inputs], settings, options)
        done = time.perf_counter()
    return ready - started, done - ready, Lake(str(lake))


def _best(rates: dict[str, float], name: str, rate: float) -> None:
    rates[name] = max(rates.get(name, 0.0), rate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--tone", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--repeat", type=int, default=1, help="Best of this many runs.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="scale_out-"))
    inputs = folder / "articles.jsonl"
    write_articles(inputs, args.articles, args.days)
    size = inputs.stat().st_size / 2**20
    print(
        f"{args.articles} articles, {size:.0f} MB, {args.days} days, tone {args.tone}, {os.cpu_count()} cores"
    )
    rates: dict[str, float] = {}
    start_ups: list[float] = []
    lake = None
    # engines alternate and the best of --repeat runs counts: other load on the machine
    # slows whichever run it meets, not one engine
    for _ in range(args.repeat):
        for workers in (1, 2):
            seconds = time_local(inputs, workers, folder, args.tone)
            _best(rates, f"local {workers}", args.articles / seconds)
            start_up, seconds, lake = time_dask(inputs, workers, folder, args.tone)
            _best(rates, f"dask {workers}", args.articles / seconds)
            start_ups.append(start_up)
    for name, rate in rates.items():
        print(f"{name:8}: {rate:7.1f} articles/s")
    print(f"dask cluster start-up: {min(start_ups):.1f} s (not in the rates)")
    print(f"dask 1 worker  / local 1 process:   {rates['dask 1'] / rates['local 1']:.2f}x")
    print(f"dask 2 workers / local 2 processes: {rates['dask 2'] / rates['local 2']:.2f}x")
    print(
        f"dask 2 workers / dask 1 worker:     {rates['dask 2'] / rates['dask 1']:.2f}x (2.00 is linear)"
    )
    print(f"local 2 / local 1:                  {rates['local 2'] / rates['local 1']:.2f}x")
    for table in ("articles", "mentions", "article_pairs", "evidence"):
        counts = lake.files_per_partition(table)
        print(
            f"{table}: {len(counts)} partitions, files per partition "
            f"min {min(counts.values())} max {max(counts.values())}"
        )
    if not args.keep:
        shutil.rmtree(folder)
    else:
        print(f"kept {folder}")


if __name__ == "__main__":
    main()
