"""What story keys and assignment add to the fast tagging path, against a baseline tree (#16).

    git archive main | tar -x -C /tmp/base
    .venv/bin/python bench/story_speed.py ../shared/eval-data/reuters21578/*.jsonl \\
        --base /tmp/base [--sizes 400 3200] [--repeat 3]

The issue's goal: story assignment per core on 4 KB articles adds at most 25 % to the fast
tagging path (no tone), measured in the same run. `--sizes` articles of 4 KB (windows over
the Reuters-21578 texts, the first 80 characters a title) are spread over one 48-hour
window, so assignment compares each with all the others. Each run is a fresh process with
one BLAS thread that measures its own CPU time, the best of three of each step:
- fast path: `tag_batch` without tone and without story keys, in batches of 256;
- story keys: the same with story keys, less the fast path;
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
import json, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import UTC, datetime
import pyarrow as pa
from etl.load import signatures_table
from etl.records import Article, TaggedArticle
from etl.stories import STORY_WINDOW, assign
from etl.tag.pipeline import TagOptions, tag_batch

docs = json.loads(open(sys.argv[2], encoding="utf-8").read())
start = datetime(2024, 1, 1, tzinfo=UTC)
articles = [
    Article(url=None, title=d[:80], text=d[80:], published_at=start + i * STORY_WINDOW / len(docs),
            source="b", lang="en")
    for i, d in enumerate(docs)
]

def tag_all(options):
    out = []
    for first in range(0, len(articles), 256):
        out += tag_batch(articles[first : first + 256], options)
    return [t for t in out if isinstance(t, TaggedArticle)]

def best(work):
    times = []
    for _ in range(3):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)

plain = best(lambda: tag_all(TagOptions(with_tone=False, with_stories=False)))
keyed = best(lambda: tag_all(TagOptions(with_tone=False)))
tagged = tag_all(TagOptions(with_tone=False))
query_columns = {
    "published_at": pa.array([t.article.published_at.replace(tzinfo=None) for t in tagged],
                             pa.timestamp("us")),
    "lang": pa.array([t.lang for t in tagged], pa.string()),
    "story_id": pa.nulls(len(tagged), pa.string()),
    "countries": pa.array([sorted({c.country for c in t.countries}) for t in tagged],
                          pa.list_(pa.string())),
    "evidence_text": pa.array([f"{t.article.title}\\n\\n{t.article.text}" for t in tagged]),
}

def rows():
    table = signatures_table(tagged)
    for name, column in query_columns.items():
        table = table.append_column(name, column)
    return table

def assign_all():
    table = rows()
    assign(table, table.slice(0, 0))

storing = best(lambda: signatures_table(tagged))
assigning = best(assign_all)
print(json.dumps({"plain": plain, "keyed": keyed, "storing": storing, "assigning": assigning}))
"""


def main() -> None:
    args = _parse_args()
    docs = _documents(args.reuters, max(args.sizes))
    print("Story keys and assignment on 4 KB articles in one 48 h window, ms per article per core")
    print(f"(CPU time, one BLAS thread; median and range of {args.repeat} runs, alternating):")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"docs-{size}.json"
            path.write_text(json.dumps(docs[:size]), encoding="utf-8")
            runs: dict[Path, list[dict]] = {args.base: [], ROOT: []}
            for _ in range(args.repeat):
                for tree in runs:
                    runs[tree].append(_run(tree, path))
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


def _run(tree: Path, docs_path: Path) -> dict:
    return json.loads(child_output(_CHILD, tree, docs_path))


def _report(size: int, name: str, results: list[dict]) -> None:
    def spread(values: list[float], scale: float, unit: str) -> str:
        values = [v * scale for v in values]
        return f"{statistics.median(values):.3f}{unit} ({min(values):.3f}-{max(values):.3f})"

    per_article = 1000 / size
    plain = [r["plain"] for r in results]
    keys = [r["keyed"] - r["plain"] for r in results]
    assigning = [r["assigning"] for r in results]
    added = [(k + a) / p for k, a, p in zip(keys, assigning, plain, strict=True)]
    print(
        f"  {size:>5,} articles, {name:9}: fast path {spread(plain, per_article, '')}; "
        f"keys {spread(keys, per_article, '')}; assignment {spread(assigning, per_article, '')} "
        f"(storing the keys {spread([r['storing'] for r in results], per_article, '')}); "
        f"keys + assignment add {spread(added, 100, ' %')} to the fast path (goal <= 25 %)"
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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tone-articles", type=int, default=60)
    parser.add_argument("--windows", type=int, nargs="*", default=[1_000, 10_000])
    return parser.parse_args()


if __name__ == "__main__":
    main()
