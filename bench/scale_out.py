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
import threading  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.engines.dask_engine import DaskOptions, dask_client, load_to_lake  # noqa: E402
from etl.engines.lake import Lake  # noqa: E402
from etl.run import load_inputs  # noqa: E402
from etl.settings import Settings  # noqa: E402

ARTICLE_BYTES = 4096
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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


class CpuMeter:
    """CPU seconds used by this process and every descendant while the block runs, sampled
    from /proc (Linux) every SAMPLE_SECONDS: unlike wall time it barely moves when other
    jobs share the cores. A process that ends between samples loses its last fraction of a
    second; the meter's own sampling is not counted."""

    SAMPLE_SECONDS = 0.2

    def __enter__(self) -> CpuMeter:
        self._start = {pid: cpu for pid, cpu in _tree_cpu().items()}
        self._last = dict(self._start)
        self._own = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._record()
        used = sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._last.items())
        self.seconds = used - self._own

    def _sample(self) -> None:
        while not self._stop.wait(self.SAMPLE_SECONDS):
            started = time.thread_time()
            self._record()
            self._own += time.thread_time() - started

    def _record(self) -> None:
        for pid, cpu in _tree_cpu().items():
            self._last[pid] = max(self._last.get(pid, 0.0), cpu)


def _tree_cpu() -> dict[int, float]:
    """pid -> CPU seconds (user + system) of this process and its descendants."""
    found: dict[int, float] = {}
    pending = [os.getpid()]
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = [
                int(child)
                for task in Path(f"/proc/{pid}/task").iterdir()
                for child in (task / "children").read_text().split()
            ]
        except (OSError, IndexError):
            continue  # the process ended while we looked
        found[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        pending.extend(children)
    return found


def time_local(inputs: Path, workers: int, folder: Path, tone: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a local load into a fresh database."""
    db = folder / f"local-{workers}.duckdb"
    with CpuMeter() as cpu:
        started = time.perf_counter()
        load_inputs([inputs], Settings(db_path=db, workers=workers, with_tone=tone), fresh=True)
        seconds = time.perf_counter() - started
    return seconds, cpu.seconds


def time_dask(
    inputs: Path, workers: int, folder: Path, tone: bool
) -> tuple[float, float, float, Lake]:
    """(cluster start-up seconds, run seconds, run CPU seconds, the lake written)."""
    lake = folder / f"lake-{workers}"
    shutil.rmtree(lake, ignore_errors=True)  # a lake that has the articles would skip them
    started = time.perf_counter()
    with dask_client(DaskOptions(str(lake), workers=workers)) as client:
        client.wait_for_workers(workers)
        ready = time.perf_counter()
        options = DaskOptions(str(lake), scheduler=client.scheduler.address)
        settings = Settings(db_path=folder / "unused.duckdb", with_tone=tone)
        with CpuMeter() as cpu:
            load_to_lake([inputs], settings, options)
            done = time.perf_counter()
    return ready - started, done - ready, cpu.seconds, Lake(str(lake))


def _best(rates: dict[str, float], name: str, rate: float) -> None:
    rates[name] = max(rates.get(name, 0.0), rate)


def _least(values: dict[str, float], name: str, value: float) -> None:
    values[name] = min(values.get(name, value), value)


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
    cpu_ms: dict[str, float] = {}
    start_ups: list[float] = []
    lake = None
    # engines alternate and the best of --repeat runs counts: other load on the machine
    # slows whichever run it meets, not one engine
    for _ in range(args.repeat):
        for workers in (1, 2):
            seconds, cpu = time_local(inputs, workers, folder, args.tone)
            _best(rates, f"local {workers}", args.articles / seconds)
            _least(cpu_ms, f"local {workers}", cpu * 1000 / args.articles)
            start_up, seconds, cpu, lake = time_dask(inputs, workers, folder, args.tone)
            _best(rates, f"dask {workers}", args.articles / seconds)
            _least(cpu_ms, f"dask {workers}", cpu * 1000 / args.articles)
            start_ups.append(start_up)
    print(f"{'':10}{'articles/s':>12}{'CPU ms/article':>16}")
    for name, rate in rates.items():
        print(f"{name:10}{rate:12.1f}{cpu_ms[name]:16.2f}")
    print(f"dask cluster start-up: {min(start_ups):.1f} s (in neither figure)")
    print("both figures: best of the runs; CPU counts every process of the engine")
    for text, a, b in (
        ("dask 1 worker  / local 1 process  ", "dask 1", "local 1"),
        ("dask 2 workers / local 2 processes", "dask 2", "local 2"),
        ("dask 2 workers / dask 1 worker    ", "dask 2", "dask 1"),
        ("local 2 / local 1                 ", "local 2", "local 1"),
    ):
        print(
            f"{text}: {rates[a] / rates[b]:.2f}x articles/s, "
            f"{cpu_ms[b] / cpu_ms[a]:.2f}x articles per CPU second"
        )
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
