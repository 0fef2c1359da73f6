"""What one publish costs: load 1,000 articles into databases of growing size (issue #13).

    git worktree add /tmp/before main   # or any checkout of the code to compare with
    python bench/publish_cost.py --sizes 100000 1000000 --data /tmp/pub --baseline /tmp/before

For each size the synthetic database (`bench/gen_synthetic.py`, made when missing as
DATA/syn_<size>.duckdb) is copied to a scratch file, then `python -m etl load` publishes
--publishes batches of --articles new articles (`--no-tone`, one worker) into it, one after
another, while a dashboard-style reader (another process: identity check, ATTACH read-only,
the real dashboard_status query, as board/data.py does) reads in a loop. Per publish: wall
time of the load process, its peak RSS (os.wait4), the run's own seconds, and the longest
single read the reader made while the load ran. The first publish into a copied file has no
spare to catch up and copies the database once; later ones are the steady state.

With --baseline, each size is measured with that checkout first (on a database its own
gen_synthetic.py wrote, under DATA/baseline), then with this one, in the same run, and the
ratio of the steady-state medians is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.article_inputs import write_articles  # noqa: E402  (run as a script from anywhere)

COUNTRIES = ["Russia", "China", "Ukraine", "Iran", "Israel", "Japan", "North Korea", "France"]


def write_input(path: Path, count: int, prefix: str) -> Path:
    """`count` articles of the last days of the synthetic range, naming two countries."""
    return write_articles(
        path,
        count,
        prefix=prefix,
        countries=COUNTRIES,
        published=lambda i: f"2024-12-{29 + i % 3:02d}T{i % 24:02d}:00:00Z",
        text="Officials from {a} met envoys of {b} on trade. {a} denied it. ",
        source=lambda i: f"bench-{i % 4}",
    )


def synthetic(code: Path, data: Path, size: int) -> Path:
    """The synthetic database of `size` articles written by `code`'s gen_synthetic.py."""
    path = data / f"syn_{size}.duckdb"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(code / "bench" / "gen_synthetic.py"), "--articles", str(size)]
            + ["--out", str(path)],
            check=True,
        )
    return path


def timed_load(code: Path, db: Path, source: Path) -> dict:
    """Run one load from the checkout `code`; wall seconds, peak RSS and the run's line."""
    command = [sys.executable, "-m", "etl", "--db", str(db), "load", str(source)]
    started = time.monotonic()
    process = subprocess.Popen(
        [*command, "--no-tone", "--workers", "1"],
        cwd=code,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out = process.stdout.read() + process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"load failed:\n{out}")
    line = next((x for x in out.splitlines() if x.startswith("run ")), "")
    run_seconds = float(line.rsplit(",", 1)[-1].split()[0]) if line else float("nan")
    return {
        "wall": wall,
        # CPU seconds do not grow when other work shares the cores, wall seconds do
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "run_seconds": run_seconds,
    }


def reader(db: Path, stop: Path, out: Path) -> None:
    """Read as the dashboard does until `stop` exists; write each read's (start, seconds)."""
    identity, con, reads = None, None, []
    while not stop.exists():
        started = time.monotonic()
        stat = db.stat()
        now = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if now != identity:
            if con is not None:
                con.close()
            con = duckdb.connect(":memory:")
            con.execute("attach $path as tension (read_only)", {"path": str(db)})
            con.execute("use tension")
            identity = now
        sys.path.insert(0, str(REPO))
        import queries

        queries.run("dashboard_status", con)
        reads.append((started, time.monotonic() - started))
    out.write_text(json.dumps(reads))


def measure(code: Path, base: Path, scratch: Path, articles: int, publishes: int) -> list[dict]:
    """Publish `publishes` times into a copy of `base` with `code`'s ETL, a reader running."""
    db = scratch / "bench.duckdb"
    for stale in scratch.glob("*bench.duckdb*"):
        stale.unlink()
    shutil.copyfile(base, db)
    stop, reads_file = scratch / "stop", scratch / "reads.json"
    stop.unlink(missing_ok=True)
    watcher = subprocess.Popen(
        [sys.executable, __file__, "--reader", str(db), str(stop), str(reads_file)]
    )
    time.sleep(1.0)
    results = []
    for number in range(publishes):
        source = write_input(scratch / f"new{number}.jsonl", articles, f"{time.time_ns()}")
        started = time.monotonic()
        result = timed_load(code, db, source)
        result["window"] = (started, time.monotonic())
        results.append(result)
        time.sleep(0.5)
    stop.touch()
    watcher.wait(timeout=120)
    reads = json.loads(reads_file.read_text())
    for result in results:
        low, high = result.pop("window")
        during = [seconds for at, seconds in reads if low <= at <= high]
        result["reads"] = len(during)
        result["longest_read"] = max(during, default=float("nan"))
        result["median_read"] = statistics.median(during) if during else float("nan")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000])
    parser.add_argument("--articles", type=int, default=1000, help="articles per publish")
    parser.add_argument("--publishes", type=int, default=5, help="publishes per size")
    parser.add_argument("--data", type=Path, default=Path("/tmp/publish_cost"))
    parser.add_argument("--baseline", type=Path, help="checkout to compare with (e.g. main)")
    parser.add_argument("--reader", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        reader(*args.reader)
        return
    scratch = args.data / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    codes = [("baseline", args.baseline, args.data / "baseline")] if args.baseline else []
    codes.append(("this", REPO, args.data))
    print("| articles | code | publish | wall s | CPU s | run s | peak RSS MB | longest read s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in args.sizes:
        steady = {}
        for label, code, data in codes:
            base = synthetic(code, data, size)
            results = measure(code, base, scratch, args.articles, args.publishes)
            for number, r in enumerate(results, 1):
                print(
                    f"| {size:,} | {label} | {number} | {r['wall']:.2f} | {r['cpu']:.2f} "
                    f"| {r['run_seconds']:.1f} "
                    f"| {r['rss_mb']:.0f} | {r['longest_read']:.3f} |",
                    flush=True,
                )
            # the first two publishes into a generated file copy it (no spare to catch up)
            steady[label] = [
                statistics.median(r[key] for r in results[2:] or results) for key in ("wall", "cpu")
            ]
        line = ", ".join(
            f"{label} {w:.2f} s wall, {c:.2f} s CPU" for label, (w, c) in steady.items()
        )
        if args.baseline:
            line += f"; ratio {steady['this'][0] / steady['baseline'][0]:.2f} (wall)"
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\n{size:,} articles, median of publishes 3+: {line} (load average {load})\n")


if __name__ == "__main__":
    main()
