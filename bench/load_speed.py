"""End to end: `python -m etl load` of a whole corpus, before and after (issue #20).

    git archive 4d1cfbf | tar -x -C /tmp/tag-base      # the code to compare with
    python bench/load_speed.py /work/shared/eval-data/reuters21578 --baseline /tmp/tag-base

DATA is what the loader reads (a file or folder), or the Reuters-21578 folder of eval-data,
which is first written to SCRATCH/reuters21578.jsonl with only the article fields (id, date,
lang, title, text, source, url), so no gold label rides along as a pre-tag. Each run loads
DATA with tone, the default workers (one per core) and a fresh database under SCRATCH; runs
alternate baseline, this checkout, baseline, ... (--runs each), both with this Python.

Per run: wall seconds until the loading process exits; CPU seconds of the whole process tree
(this script makes itself the tree's subreaper, so the forkserver and tagging workers that
outlive the loading process are reaped here and their rusage counted; a process's rusage
includes the children it reaped); the loading process's own CPU (sampled from /proc, so a
lower bound by at most one sampling interval); peak RSS of the loading process (wait4) and
the peak summed PSS of the tree (sampled; shared pages counted once); the articles loaded; and how quiet the machine
was: the CPU seconds other processes used during the run (all non-idle time in /proc/stat
minus the tree's and this script's) and the 1-minute load average before the run.

With --compare, the last databases of the two code dirs are compared table by table over
the columns both have, except the ones that hold times (`VOLATILE`): rows only in one of
them, per table. A speed change must show none.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
REUTERS_PARTS = ("reuters21578.part1.jsonl", "reuters21578.part2.jsonl")
ARTICLE_FIELDS = ("id", "date", "lang", "title", "text", "source", "url")
SAMPLE_SECONDS = 0.2
"""How often the process tree is sampled for PSS and the loading process's CPU."""
PR_SET_CHILD_SUBREAPER = 36
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
VOLATILE = {"loaded_at", "started_at", "finished_at", "seconds", "rejected_at", "command"}
"""Columns holding when a run happened (or the code dir it ran from): differ between loads."""
RANDOM_ROWS = {"meta": "key <> 'publish_id'"}
"""Rows that are random by design: the publish chain's id."""
DECIMALS = 9
"""Doubles are compared rounded: DuckDB sums in parallel, so the aggregates' last bits vary
between two loads of the same code (seen: -9.228 and -9.228000000000002)."""


@dataclass
class Run:
    label: str
    wall: float
    cpu: float
    system: float
    main_cpu: float
    main_rss_mb: float
    tree_pss_mb: float
    loaded: int
    others_cpu: float
    load_before: float
    db: Path

    def line(self) -> str:
        return (
            f"{self.label:>8}: wall {self.wall:6.1f} s  cpu {self.cpu:6.1f} s "
            f"(system {self.system:4.1f}) "
            f"(loading process >= {self.main_cpu:5.1f})  rss {self.main_rss_mb:5.0f} MB "
            f"(tree's pss {self.tree_pss_mb:5.0f})  loaded {self.loaded:,}  "
            f"others' cpu {self.others_cpu:5.1f} s  load avg {self.load_before:.2f}"
        )


def reuters_jsonl(folder: Path, scratch: Path) -> Path:
    """The Reuters-21578 parts as one JSONL of article fields."""
    out = scratch / "reuters21578.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for part in REUTERS_PARTS:
            with (folder / part).open(encoding="utf-8") as rows:
                for line in rows:
                    row = json.loads(line)
                    handle.write(json.dumps({k: row[k] for k in ARTICLE_FIELDS if k in row}) + "\n")
    return out


def busy_seconds() -> float:
    """Non-idle CPU seconds of the whole machine since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(parents.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def cpu_seconds(pid: int) -> float:
    """A process's CPU seconds, 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields after the name: state=0, ..., utime=11, stime=12
    return (int(stat[11]) + int(stat[12])) / CLOCK_TICKS


def pss_bytes(pid: int) -> int:
    """A process's proportional set size: its resident pages, each page it shares (the
    forkserver's preloaded modules and encoder) divided among the processes sharing it."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


class Sampler(threading.Thread):
    """Samples the tree's summed PSS and the loading process's CPU until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_pss = 0
        self.main_cpu = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(SAMPLE_SECONDS):
            self.main_cpu = max(self.main_cpu, cpu_seconds(self.pid))
            pss = sum(pss_bytes(p) for p in [self.pid, *descendants(self.pid)])
            self.peak_pss = max(self.peak_pss, pss)


def reap_all() -> tuple[float, float]:
    """Wait for every orphaned descendant; their user and system CPU seconds (with what
    they reaped)."""
    user = system = 0.0
    while True:
        try:
            _pid, _status, usage = os.wait4(-1, 0)
        except ChildProcessError:
            return user, system
        user += usage.ru_utime
        system += usage.ru_stime


def measure(
    label: str, code: Path, data: Path, scratch: Path, number: int, workers: int | None = None
) -> Run:
    folder = scratch / f"{label}-{number}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db = folder / "tension.duckdb"
    env = {**os.environ, "TENSION_DB": str(db)}
    load_before = os.getloadavg()[0]
    busy, mine = busy_seconds(), own_cpu()
    started = time.perf_counter()
    with (folder / "output.txt").open("w") as output:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "etl",
                "load",
                str(data),
                *([] if workers is None else ["--workers", str(workers)]),
            ],
            cwd=code,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        sampler = Sampler(proc.pid)
        sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        sampler.stopped.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    user, system = reap_all()
    user, system = user + usage.ru_utime, system + usage.ru_stime
    cpu = user + system
    others = busy_seconds() - busy - cpu - (own_cpu() - mine)
    text = (folder / "output.txt").read_text()
    if proc.returncode:
        sys.exit(f"{label} load failed ({proc.returncode}):\n{text[-2000:]}")
    loaded = int(re.findall(r"loaded (\d+)", text)[-1])
    return Run(
        label,
        wall,
        cpu,
        system,
        sampler.main_cpu,
        usage.ru_maxrss / 1024,
        sampler.peak_pss / 2**20,
        loaded,
        others,
        load_before,
        db,
    )


def compare(before: Path, after: Path) -> int:
    """Print, per table, the rows only one database has; the number of such rows."""
    con = duckdb.connect()
    con.execute("attach $path as before (read_only)", {"path": str(before)})
    con.execute("attach $path as after (read_only)", {"path": str(after)})
    columns = con.execute(
        "select table_name, column_name, database_name, data_type from duckdb_columns() "
        "where database_name in ('before', 'after') and schema_name = 'main' "
        "order by table_name, column_index"
    ).fetchall()
    tables: dict[str, dict[str, list[str]]] = {}
    doubles = set()
    for table, column, database, data_type in columns:
        tables.setdefault(table, {}).setdefault(database, []).append(column)
        if data_type in ("DOUBLE", "FLOAT"):
            doubles.add(column)
    differing = 0
    for table, by_db in sorted(tables.items()):
        if len(by_db) < 2:
            print(f"  {table}: only in {next(iter(by_db))}")
            continue
        shared = [c for c in by_db["after"] if c in by_db["before"] and c not in VOLATILE]
        # identifiers from the databases' own catalogues, not from user input
        cols = ", ".join(f'round("{c}", {DECIMALS})' if c in doubles else f'"{c}"' for c in shared)
        where = f"where {RANDOM_ROWS[table]}" if table in RANDOM_ROWS else ""
        counts = []
        for one, other in (("before", "after"), ("after", "before")):
            counts.append(
                con.execute(
                    f'select count(*) from (select {cols} from {one}."{table}" {where} '
                    f'except all select {cols} from {other}."{table}" {where})'
                ).fetchone()[0]
            )
        rows = [con.execute(f'select count(*) from {d}."{table}"').fetchone()[0] for d in by_db]
        differing += sum(counts)
        print(
            f"  {table}: rows {rows[0]:,} / {rows[1]:,}; only before {counts[0]:,}, "
            f"only after {counts[1]:,}"
            + (
                f" (not compared: {sorted(set(by_db['after']) ^ set(by_db['before']))})"
                if set(by_db["after"]) != set(by_db["before"])
                else ""
            )
        )
    return differing


def summary(runs: list[Run], label: str) -> tuple[float, float]:
    mine = [r for r in runs if r.label == label]
    return statistics.median(r.wall for r in mine), statistics.median(r.cpu for r in mine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("data", type=Path, help="input to load, or the Reuters-21578 folder")
    parser.add_argument("--baseline", type=Path, required=True, help="code dir to compare with")
    parser.add_argument("--code", type=Path, default=REPO, help="code dir measured (this one)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, alternating")
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/load-speed"))
    parser.add_argument("--compare", action="store_true", help="compare the databases")
    parser.add_argument(
        "--workers",
        type=int,
        help="tagging workers (default: the loader's, one per core); 1 tags in the loading "
        "process, whose output is the same from run to run",
    )
    args = parser.parse_args()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("cannot become a child subreaper: the workers' CPU would be lost")
    args.scratch.mkdir(parents=True, exist_ok=True)
    data = args.data
    if (data / REUTERS_PARTS[0]).exists():
        data = reuters_jsonl(data, args.scratch)
    runs = []
    for number in range(args.runs):
        for label, code in (("before", args.baseline), ("after", args.code)):
            runs.append(
                measure(label, code.resolve(), data.resolve(), args.scratch, number, args.workers)
            )
            print(runs[-1].line(), flush=True)
    (wall_b, cpu_b), (wall_a, cpu_a) = summary(runs, "before"), summary(runs, "after")
    per_b = cpu_b / runs[0].loaded
    per_a = cpu_a / runs[1].loaded
    print(
        f"medians: wall {wall_b:.1f} -> {wall_a:.1f} s ({wall_b / wall_a:.2f}x), "
        f"cpu {cpu_b:.1f} -> {cpu_a:.1f} s ({cpu_b / cpu_a:.2f}x), "
        f"cpu per loaded article {per_b * 1000:.2f} -> {per_a * 1000:.2f} ms "
        f"({per_b / per_a:.2f}x)"
    )
    if args.compare:
        print(f"databases: {runs[-2].db} vs {runs[-1].db}")
        print(f"rows in one database only: {compare(runs[-2].db, runs[-1].db):,}")


if __name__ == "__main__":
    main()
