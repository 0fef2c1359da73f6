"""What the audit trail costs a streamed CSV download (refs #19).

    python bench/audit_cost.py [--articles 20000] [--repeat 15]

Builds a synthetic database (bench/gen_synthetic.py) in a temporary folder, then serves the
every-article CSV (`/export/articles.csv?view=articles&scope=all`) through the route's ASGI
response, as the server does, alternately without a signed-in user (the baseline: nothing
recorded) and with one (one audit row written when the stream ends). Prints the median wall
time of each and their ratio, plus the median time of one `Store.record_audit` alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from starlette.requests import Request

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_synthetic import generate  # noqa: E402  (run as a script from anywhere)
from board import stream  # noqa: E402
from board.auth import User  # noqa: E402
from monitor.store import Store  # noqa: E402
from monitor.team import Requester  # noqa: E402

QUERY = b"view=articles&scope=all"
USER = User("bench@example.org", "Bench", is_admin=False)


def serve_once(user: User | None) -> tuple[float, int]:
    """Seconds to stream the CSV to a client that reads it all, and its size in bytes."""
    scope = {
        "type": "http",
        "asgi": {"spec_version": "2.4"},
        "method": "GET",
        "path": "/export/articles.csv",
        "path_params": {"table": "articles"},
        "query_string": QUERY,
        "headers": [],
        "state": {"user": user},
    }
    size = 0

    async def send(message: dict) -> None:
        nonlocal size
        size += len(message.get("body", b""))

    async def receive() -> dict:
        return {"type": "http.disconnect"}

    started = time.perf_counter()
    response = stream.csv_response(Request(scope))
    asyncio.run(response(scope, receive, send))
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "synthetic.duckdb"
        with duckdb.connect(str(db)) as con:
            generate(con, args.articles, seed=7)
            con.execute("checkpoint")
        os.environ["TENSION_DB"] = str(db)
        os.environ["TENSION_STORE"] = str(Path(folder) / "store.sqlite")
        serve_once(None)  # warm up: DuckDB's file cache, imports
        plain, audited = [], []
        for _ in range(args.repeat):
            plain.append(serve_once(None)[0])
            seconds, size = serve_once(USER)
            audited.append(seconds)
        store = Store(Path(folder) / "store.sqlite")
        who = Requester(USER.email, view="articles", query=QUERY.decode())
        writes = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            store.record_audit(who.event("download", "bench.csv", 1))
            writes.append(time.perf_counter() - started)
        rows = len(store.audit_trail(Requester("admin@example.org", is_admin=True)))
    base, with_audit = statistics.median(plain), statistics.median(audited)
    print(f"{args.articles:,} articles, CSV {size / 1e6:.1f} MB, {args.repeat} runs each")
    print(f"without sign-in (baseline)  {base * 1000:8.1f} ms")
    print(f"signed in, audited          {with_audit * 1000:8.1f} ms  ratio {with_audit / base:.3f}")
    print(f"one record_audit alone      {statistics.median(writes) * 1000:8.2f} ms")
    print(f"audit rows written          {rows:8d}")


if __name__ == "__main__":
    main()
