"""Load N adversarial records through the real CLI and check that every one is accounted for.

    python bench/fuzz_load.py --records 10000 [--seed 1] [--workers 2] [--tone]

Writes seeded adversarial corpora (tests/etl/adversarial.py: JSONL plain and gzipped,
CSV/TSV with one column or duplicate headers, Parquet with odd column types, GKG plain and
zipped, RSS, HTML and text pages, a decompression bomb, a cut gzip; NUL, invalid UTF-8,
BOMs, CRLF, mixed encodings, lone surrogates, far dates, emoji and RTL) in chunks of about
--chunk records, loads each chunk with `python -m etl load` into one temporary database,
then loads everything once more (nothing new may be loaded). Prints read / loaded /
duplicates / rejected / crashes and exits 1 unless every invariant holds (refs #7):
- no load exits non-zero or prints a traceback;
- loaded + duplicates + rejected = read = records written, per load;
- the rejects table has one row per reject, ingest_runs matches each summary line,
  articles has one row per loaded record, and the published file opens with our schema.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "etl"))

# run as a script from anywhere: the repo and the test helpers go on the path first
from adversarial import MoreFormats  # noqa: E402

import queries  # noqa: E402

MAX_LINE_MB = 0.125
MAX_ARTICLE_MB = 0.0625
MAX_UNZIPPED_MB = 2.0
"""Small limits, so the generator's huge fields and its bomb cross them quickly."""

SUMMARY = re.compile(
    r"run (\d+): read (\d+), loaded (\d+), duplicates (\d+), rejected (\d+), ([\d.]+) seconds"
)


@dataclass
class Load:
    """One CLI load: its summary numbers, or how it crashed."""

    written: int
    run_id: int = 0
    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    rejected: int = 0
    crash: str = ""


def run_load(db: Path, inputs: Path, written: int, workers: int, tone: bool) -> Load:
    command = [
        sys.executable,
        "-m",
        "etl",
        "--db",
        str(db),
        "load",
        str(inputs),
        "--workers",
        str(workers),
        "--tone" if tone else "--no-tone",
        "--max-line-mb",
        str(MAX_LINE_MB),
        "--max-article-mb",
        str(MAX_ARTICLE_MB),
        "--max-unzipped-mb",
        str(MAX_UNZIPPED_MB),
    ]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    match = SUMMARY.search(result.stdout)
    if result.returncode != 0 or "Traceback" in result.stderr or not match:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return Load(written, crash=f"exit {result.returncode}: {tail}")
    run_id, read, loaded, duplicates, rejected = (int(g) for g in match.groups()[:5])
    return Load(written, run_id, read, loaded, duplicates, rejected)


def problems(load: Load) -> list[str]:
    if load.crash:
        return [f"crash: {load.crash}"]
    found = []
    if load.loaded + load.duplicates + load.rejected != load.read:
        found.append(f"run {load.run_id}: loaded + duplicates + rejected != read")
    if load.read != load.written:
        found.append(f"run {load.run_id}: read {load.read}, but {load.written} were written")
    return found


def database_problems(db: Path, loads: list[Load]) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = []
        version = con.execute("select value from meta where key = 'schema_version'").fetchone()
        if int(version[0]) != queries.SCHEMA_VERSION:
            found.append(f"schema version {version[0]}")
        articles, distinct = con.execute(
            "select count(*), count(distinct article_id) from articles"
        ).fetchone()
        if not articles == distinct == sum(load.loaded for load in loads):
            found.append(f"articles {articles} ({distinct} distinct) != loaded")
        for load in loads:
            if load.crash:
                continue
            row = con.execute(
                "select read, loaded, duplicates, rejected from ingest_runs where run_id = ?",
                [load.run_id],
            ).fetchone()
            if row != (load.read, load.loaded, load.duplicates, load.rejected):
                found.append(f"ingest_runs row for run {load.run_id} is {row}")
            rejects = con.execute(
                "select count(*) from rejects where run_id = ?", [load.run_id]
            ).fetchone()[0]
            if rejects != load.rejected:
                found.append(f"run {load.run_id}: {rejects} reject rows for {load.rejected}")
        return found
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="Records to generate.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generator.")
    parser.add_argument("--chunk", type=int, default=1000, help="Records per CLI load.")
    parser.add_argument("--workers", type=int, default=2, help="Tagging processes per load.")
    parser.add_argument("--tone", action="store_true", help="Score tone (slow).")
    args = parser.parse_args()

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-load-") as folder:
        root = Path(folder)
        db = root / "fuzz.duckdb"
        generator = MoreFormats(args.seed, int(MAX_LINE_MB * 2**20))
        loads: list[Load] = []
        written_total = 0
        for number, start in enumerate(range(0, args.records, args.chunk)):
            chunk = root / "in" / f"chunk{number:03d}"
            chunk.mkdir(parents=True)
            size = min(args.chunk, args.records - start)
            written = sum(
                w.records for w in generator.corpus(chunk, size, int(MAX_UNZIPPED_MB * 2**20))
            )
            written_total += written
            loads.append(run_load(db, chunk, written, args.workers, args.tone))
        reload = run_load(db, root / "in", written_total, args.workers, args.tone)
        found = [p for load in [*loads, reload] for p in problems(load)]
        if not reload.crash and reload.loaded:
            found.append(f"the reload loaded {reload.loaded} records again")
        found += database_problems(db, [*loads, reload])

    first = [load for load in loads if not load.crash]
    print(f"records written: {written_total} in {len(loads)} loads (seed {args.seed})")
    print(
        f"read {sum(x.read for x in first)}, loaded {sum(x.loaded for x in first)}, "
        f"duplicates {sum(x.duplicates for x in first)}, "
        f"rejected {sum(x.rejected for x in first)}"
    )
    print(
        f"reload: read {reload.read}, loaded {reload.loaded}, "
        f"duplicates {reload.duplicates}, rejected {reload.rejected}"
    )
    print(f"crashes: {sum(1 for x in [*loads, reload] if x.crash)}")
    print(f"invariants: {'hold' if not found else 'BROKEN'} ({time.monotonic() - started:.0f} s)")
    for problem in found:
        print(f"  {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
