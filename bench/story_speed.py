"""What story keys and assignment add to the fast tagging path, against a baseline tree (#16).

    git archive main | tar -x -C /tmp/base
    .venv/bin/python bench/story_speed.py ../shared/eval-data/reuters21578/*.jsonl \\
        --base /tmp/base [--sizes 400 3200] [--repeat 3] [--rounds 5] [--typographic]

The issue's goal: story assignment per core on 4 KB articles adds at most 25 % to the fast
tagging path (no tone), measured in the same run. `--sizes` articles of 4 KB (windows over
the Reuters-21578 texts, the first 80 characters a title) are spread over one 48-hour
window, so assignment compares each with all the others (`--typographic`: with curly
apostrophes and em dashes, as most news on the web, so every text is beyond ASCII). Each run is a fresh process with
one BLAS thread that measures its own CPU time, the best of `--rounds` of each step, the
steps interleaved:
- fast path: `tag_batch` without tone and without story keys, in batches of 256;
- story keys: `tag_batch` with them, less the fast path (what they cost inside tagging,
  where their work also evicts the tagging's own data from the caches), and
  `etl.tag.story_keys.story_keys` alone on the same batches;
- assignment: the keys as a load stores them (`etl.load.signatures_table`) and
  `etl.stories.assign` over them and the columns queries/staged_story_rows.sql adds, which
  are built before the clock starts (the load reads them from DuckDB).
Runs alternate between the baseline and this tree, `--repeat` of each per size; the table
gives each tree's median and range. Then, in this tree only: tagging with tone (the
default) on `--tone-articles`, and assignment of windows of `--windows` articles with random
unit vectors in two languages (the cosine product of the cross-language step).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from link_cost import child_output

ROOT = Path(__file__).resolve().parents[1]
DOC_BYTES = 4096
_CHILD = """
import gc, json, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import UTC, datetime
import pyarrow as pa
from etl.load import signatures_table
from etl.records import Article, TaggedArticle
from etl.stories import STORY_WINDOW, assign
from etl.tag.pipeline import TagOptions, tag_batch
from etl.tag.story_keys import story_keys

ROUNDS = int(sys.argv[3])
docs = json.loads(open(sys.argv[2], encoding="utf-8").read())
start = datetime(2024, 1, 1, tzinfo=UTC)
articles = [
    Article(url=None, title=d[:80], text=d[80:], published_at=start + i * STORY_WINDOW / len(docs),
            source="b", lang="en")
    for i, d in enumerate(docs)
]

def tag_all(options):
    # each batch's results dropped, as a pool worker sends them off: thousands kept alive
    # would make the collector's passes, not tagging, grow with the window
    for first in range(0, len(articles), 256):
        tag_batch(articles[first : first + 256], options)

def seconds(work):
    started = time.process_time()
    work()
    return time.process_time() - started

def keys_all():
    for first in range(0, len(articles), 256):
        batch = articles[first : first + 256]
        story_keys(batch, [None] * len(batch))

tagged = [
    t
    for first in range(0, len(articles), 256)
    for t in tag_batch(articles[first : first + 256], TagOptions(with_tone=False))
    if isinstance(t, TaggedArticle)
]
query_columns = {
    "published_at": pa.array([t.article.published_at.replace(tzinfo=None) for t in tagged],
                             pa.timestamp("us")),
    "lang": pa.array([t.lang for t in tagged], pa.string()),
    "story_id": pa.nulls(len(tagged), pa.string()),
    "countries": pa.array([sorted({c.country for c in t.countries}) for t in tagged],
                          pa.list_(pa.string())),
    "evidence_text": pa.array([f"{t.article.title}\\n\\n{t.article.text}" for t in tagged]),
}

def assign_all():
    table = signatures_table(tagged)
    for name, column in query_columns.items():
        table = table.append_column(name, column)
    assign(table, table.slice(0, 0))

steps = {
    "plain": lambda: tag_all(TagOptions(with_tone=False, with_stories=False)),
    "keyed": lambda: tag_all(TagOptions(with_tone=False)),
    "keys": keys_all,
    "storing": lambda: signatures_table(tagged),
    "assigning": assign_all,
}
# what the steps read is set up: the collector need not scan it again and again
gc.collect()
gc.freeze()
# interleaved, the best of each: a burst of load from other processes hits every step alike
times = dict.fromkeys(steps, float("inf"))
for _ in range(ROUNDS):
    for name, work in steps.items():
        times[name] = min(times[name], seconds(work))
print(json.dumps(times))
"""


def main() -> None:
    args = _parse_args()
    docs = _documents(args.reuters, max(args.sizes))
    if args.typographic:
        # as most news on the web is written: curly apostrophes and em dashes, beyond ASCII
        docs = [doc.replace("'", "\u2019").replace(" - ", " \u2014 ") for doc in docs]
    print("Story keys and assignment on 4 KB articles in one 48 h window, ms per article per core")
    print(f"(CPU time, one BLAS thread; median and range of {args.repeat} runs, alternating):")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"docs-{size}.json"
            path.write_text(json.dumps(docs[:size]), encoding="utf-8")
            runs: dict[Path, list[dict]] = {args.base: [], ROOT: []}
            for _ in range(args.repeat):
                for tree in runs:
                    runs[tree].append(_run(tree, path, args.rounds))
            for tree, results in runs.items():
                _report(size, "baseline" if tree == args.base else "this tree", results)
    if args.tone_articles or args.windows:
        _extras(docs, args)


def _documents(paths: list[Path], count: int) -> list[str]:
    texts = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("date") and row.get("text"):
                texts.append(row["text"])
    joined = " ".join(texts)
    if len(joined) < count * DOC_BYTES:
        raise SystemExit(f"{len(joined) // DOC_BYTES} articles of 4 KB in the texts, not {count}")
    return [joined[i * DOC_BYTES : (i + 1) * DOC_BYTES] for i in range(count)]


def _run(tree: Path, docs_path: Path, rounds: int) -> dict:
    return json.loads(child_output(_CHILD, tree, docs_path, rounds))


def _report(size: int, name: str, results: list[dict]) -> None:
    def spread(key, scale: float = 1000 / size) -> str:
        values = [key(r) * scale for r in results]
        return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"

    print(
        f"  {size:>5,} articles, {name}: fast path {spread(lambda r: r['plain'])}; story keys "
        f"{spread(lambda r: r['keyed'] - r['plain'])} (tagging with them less without; "
        f"story_keys alone {spread(lambda r: r['keys'])}); assignment "
        f"{spread(lambda r: r['assigning'])} (storing the keys "
        f"{spread(lambda r: r['storing'])} of it)\n"
        f"    keys + assignment add "
        f"{spread(lambda r: (r['keyed'] - r['plain'] + r['assigning']) / r['plain'], 100)} % "
        f"to the fast path; with story_keys alone "
        f"{spread(lambda r: (r['keys'] + r['assigning']) / r['plain'], 100)} % (goal <= 25 %)"
    )


def _extras(docs: list[str], args: argparse.Namespace) -> None:
    """Tone and the cross-language product, in this tree: the keys and assignment against
    the default path, and how the cosine product grows with the window."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.tone_articles:
        toned = _tone_ms(docs[: args.tone_articles])
        print(f"  tagging with tone (the default), {args.tone_articles} articles: {toned:.3f}")
    for size in args.windows:
        print(
            f"  assignment, {size:,} articles with vectors in one 48 h window: {_window_ms(size):.3f}"
        )


def _tone_ms(docs: list[str]) -> float:
    from country_speed import best_seconds
    from tag_speed import as_articles

    from etl.tag.pipeline import TagOptions, tag_batch

    articles = as_articles(docs, "en")
    seconds = best_seconds(lambda: tag_batch(articles, TagOptions(with_stories=False)), 3)
    return seconds / len(docs) * 1000


def _window_ms(size: int) -> float:
    """ms per article to assign `size` articles of two languages within one window, with
    random signatures and unit vectors: the cost of the per-article cosine product."""
    import numpy as np
    import pyarrow as pa
    from country_speed import best_seconds
    from link_cost import window_rows

    from etl.stories import assign
    from etl.tag.story_keys import NUM_PERM

    rng = np.random.default_rng(16)
    vectors = rng.standard_normal((size, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rows = window_rows(
        vectors,
        ["Jakarta and Washington agreed on 12 points"] * size,
        pa.array(list(rng.integers(0, 2**32, (size, NUM_PERM), np.uint32))),
    )
    return best_seconds(lambda: assign(rows, rows.slice(0, 0)), 1) / size * 1000


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reuters", nargs="+", type=Path, help="Reuters-21578 JSONL files")
    parser.add_argument("--base", type=Path, required=True, help="baseline tree (git archive)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 3200])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tree per size")
    parser.add_argument("--rounds", type=int, default=5, help="timings of each step in a run")
    parser.add_argument(
        "--typographic", action="store_true", help="curly apostrophes and em dashes in the texts"
    )
    parser.add_argument("--tone-articles", type=int, default=60)
    parser.add_argument("--windows", type=int, nargs="*", default=[1_000, 10_000])
    return parser.parse_args()


if __name__ == "__main__":
    main()
