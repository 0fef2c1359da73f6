"""Peak memory and time of a CSV of every article: streamed vs built in memory.

    python bench/export_memory.py --db /tmp/synthetic.duckdb

The articles view's CSV of all articles (scope all, the whole date span) is produced the two
ways the dashboard can: streamed in chunks by board/stream.py (`make run`, serve.py) and built
whole when the button is clicked (board/panel.py under a plain `streamlit run dashboard.py`).
Each runs in a fresh process; the table gives its peak resident memory, its time and the CSV
size, then the ratios streamed / in memory, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402  (run as a script from anywhere)
from board import data, export, stream  # noqa: E402
from board.page import build_options  # noqa: E402
from board.state import defaults  # noqa: E402
from board.views.articles import every_article  # noqa: E402

WAYS = ("none", "streamed", "in-memory")
"""`none` opens the database and reads the filter options, then stops: the process's own
memory (Python, Streamlit, pandas, DuckDB), which the other two add their CSV to."""


def produce(db: Path, way: str) -> dict[str, float]:
    """One way's CSV, written to nowhere; its bytes, seconds and peak RSS in MB."""
    con = stream.connect(db) if way == "streamed" else data.connect_read_only(str(db))
    options = build_options(
        queries.run("filter_options", con),
        queries.run("dashboard_status", con),
        queries.run("busiest_pair", con),
    )
    listing = every_article(replace(defaults(options), scope="all"))
    started = time.perf_counter()
    if way == "none":
        size = 0
    elif way == "streamed":
        size = sum(len(chunk) for chunk in stream._chunks(con, listing))
    else:
        name, params = listing.request
        size = len(export.to_csv(listing.shape(queries.run(name, con, **params))))
        con.close()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"bytes": size, "seconds": seconds, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="database to export from")
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        print(json.dumps(produce(args.db, args.way)))
        return
    results = {}
    for way in WAYS:
        command = [sys.executable, __file__, "--db", str(args.db), "--way", way]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results[way] = json.loads(output.strip().splitlines()[-1])
    idle = results["none"]["peak_mb"]
    print(f"{'way':<10} {'peak MB':>9} {'above none':>11} {'seconds':>9} {'CSV MB':>9}")
    for way, result in results.items():
        print(
            f"{way:<10} {result['peak_mb']:>9.0f} {result['peak_mb'] - idle:>11.0f} "
            f"{result['seconds']:>9.2f} {result['bytes'] / 1e6:>9.1f}"
        )
    streamed, whole = results["streamed"], results["in-memory"]
    added = (streamed["peak_mb"] - idle) / (whole["peak_mb"] - idle)
    print(
        f"streamed / in memory: memory added x{added:.2f}, "
        f"time x{streamed['seconds'] / whole['seconds']:.2f}, "
        f"same size: {streamed['bytes'] == whole['bytes']}"
    )


if __name__ == "__main__":
    main()
