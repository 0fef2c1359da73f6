"""The candidate not chosen for issue #13: append in place under DuckDB's own lock.

    python bench/publish_in_place.py --db /tmp/pub/syn_1000000.duckdb

Copies the database to a scratch file, then --publishes times opens it read-write, appends
--articles articles (with mentions, pairs and evidence) in one transaction, checkpoints and
closes it, while a reader process opens the file read-only, runs the dashboard_status query
and closes it again in a loop (a reader that kept its connection would lock the writer out
for good). Prints how long the writer held the file and what the reader saw meanwhile:
reads refused by DuckDB's lock and the longest gap between two successful reads.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402  (run as a script from anywhere)

_APPEND = """
insert into articles by name
select
    'inplace-' || $tag || '-' || i as article_id,
    1 as run_id,
    'https://inplace.example/' || $tag || '/' || i as url,
    'bench' as source,
    'Article ' || i as title,
    'Text of article ' || i as text,
    'en' as lang,
    'file' as origin,
    10 as sentence_count,
    2 as country_count,
    timestamp '2024-12-30 12:00:00' as published_at,
    date '2024-12-30' as published_date,
    now()::timestamp as loaded_at
from range($articles) as t(i);
insert into mentions by name
select 'inplace-' || $tag || '-' || i as article_id, country, 1 as mention_count
from range($articles) as t(i), (values ('CHN'), ('USA')) as c(country);
insert into article_pairs by name
select
    'inplace-' || $tag || '-' || i as article_id,
    'CHN' as country_a,
    'USA' as country_b,
    1 as sentence_count
from range($articles) as t(i);
insert into evidence by name
select
    'inplace-' || $tag || '-' || i as article_id,
    'CHN' as country_a,
    'USA' as country_b,
    1 as sentence_no,
    'China and the USA.' as sentence,
    0 as start_offset,
    18 as end_offset
from range($articles) as t(i)
"""


def reader(db: Path, stop: Path, out: Path) -> None:
    """Open, read and close in a loop; record (time, ok) per attempt."""
    attempts = []
    while not stop.exists():
        try:
            con = duckdb.connect(":memory:")
            con.execute("attach $path as tension (read_only)", {"path": str(db)})
            con.execute("use tension")
            queries.run("dashboard_status", con)
            con.close()
            attempts.append((time.monotonic(), True))
        except duckdb.IOException:
            attempts.append((time.monotonic(), False))
            time.sleep(0.01)
    out.write_text(json.dumps(attempts))


def append(db: Path, articles: int, tag: str) -> tuple[float, float]:
    """(seconds waiting for the lock, seconds holding it) for one in-place publish."""
    asked = time.monotonic()
    while True:
        try:
            con = duckdb.connect(str(db), config={"memory_limit": "1GB"})
            break
        except duckdb.IOException:
            time.sleep(0.01)
    held = time.monotonic()
    con.begin()
    for statement in _APPEND.split(";"):
        con.execute(statement, {"tag": tag, "articles": articles})
    con.commit()
    con.execute("checkpoint")
    con.close()
    return held - asked, time.monotonic() - held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a gen_synthetic.py database")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--publishes", type=int, default=5)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/publish_in_place"))
    parser.add_argument("--reader", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        reader(*args.reader)
        return
    args.scratch.mkdir(parents=True, exist_ok=True)
    db, stop, out = (args.scratch / name for name in ("db.duckdb", "stop", "reads.json"))
    shutil.copyfile(args.db, db)
    stop.unlink(missing_ok=True)
    watcher = subprocess.Popen(
        [sys.executable, __file__, "--db", str(db), "--reader", str(db), str(stop), str(out)]
    )
    time.sleep(1.0)
    windows = []
    for number in range(args.publishes):
        started = time.monotonic()
        waited, held = append(db, args.articles, f"{time.time_ns()}")
        windows.append((started, time.monotonic()))
        print(f"publish {number + 1}: writer waited {waited:.3f} s, held the file {held:.3f} s")
        time.sleep(0.5)
    stop.touch()
    watcher.wait(timeout=60)
    attempts = json.loads(out.read_text())
    refused = sum(1 for _, ok in attempts if not ok)
    good = [at for at, ok in attempts if ok]
    gaps = [b - a for a, b in zip(good, good[1:], strict=False)]
    print(
        f"reader: {len(good)} reads, {refused} refused by the lock, "
        f"longest gap between reads {max(gaps, default=0):.3f} s"
    )


if __name__ == "__main__":
    main()
