"""The cross-language link step's cost per article, against a baseline tree (refs #16).

    git archive main | tar -x -C /tmp/base
    .venv/bin/python bench/link_cost.py --base /tmp/base [--sizes 1000 10000] [--repeat 3]

bench/eval_stories.py times assignment with random vectors: no pair comes near enough to
have its names, countries and days compared. Here every article has company: the articles of
one 48-hour window, in English and Indonesian, fall in topics of NEIGHBOURS whose vectors
are at cosine ~0.6 to each other, so each is compared in full with the other language's
members of its topic, and their texts are the bundled sample's briefs (names, figures and
days to read). `etl.stories.assign` runs over the same table in this tree and in the
baseline's, alternating, each in a fresh process with one BLAS thread; the table gives the
best of `--repeat` runs in ms per article and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.stories import STORY_WINDOW as WINDOW  # noqa: E402  (the window the ETL assigns in)

SAMPLE = ROOT / "data" / "sample" / "articles.jsonl"
NEIGHBOURS = 8
"""Articles per topic: each has about half of them in the other language as candidates."""
TOPIC_COSINE = 0.6
"""Cosine of a topic's members to its centre (~0.36 to each other, ~0.6 with one close)."""
SEED = 16
_CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
import pyarrow.feather as feather
from etl.stories import assign
rows = feather.read_table(sys.argv[2])
start = time.process_time()
assign(rows, rows.slice(0, 0))
print(time.process_time() - start)
"""


def window(size: int) -> pa.Table:
    """`size` articles in one 48-hour window, in topics of NEIGHBOURS."""
    rng = np.random.default_rng(SEED)
    centres = rng.standard_normal((size // NEIGHBOURS + 1, 512)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    noise = rng.standard_normal((size, 512)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    vectors = (
        TOPIC_COSINE * centres[np.arange(size) // NEIGHBOURS] + np.sqrt(1 - TOPIC_COSINE**2) * noise
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    briefs = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    texts = [f"{b['title']}\n\n{b['text']}" for b in briefs] * (size // len(briefs) + 1)
    return window_rows(vectors, texts[:size], pa.nulls(size, pa.list_(pa.uint32())))


def window_rows(vectors: np.ndarray, texts: list[str], minhash: pa.Array) -> pa.Table:
    """The columns `assign` reads for articles evenly spread over one 48-hour window,
    alternately English and Indonesian."""
    size = len(vectors)
    start = datetime(2024, 1, 1)
    return pa.table(
        {
            "article_id": [f"a{i:07d}" for i in range(size)],
            "story_id": pa.nulls(size, pa.string()),
            "lang": ["en", "id"] * (size // 2) + ["en"] * (size % 2),
            "title_key": pa.nulls(size, pa.string()),
            "is_headline_only": [False] * size,
            "url_key": pa.nulls(size, pa.string()),
            "numbers_key": pa.nulls(size, pa.string()),
            "minhash": minhash,
            "vector": pa.array(list(vectors), pa.list_(pa.float32())),
            "countries": pa.array([["IDN", "USA"]] * size, pa.list_(pa.string())),
            "evidence_text": texts,
            "published_at": [start + i * (WINDOW / size) for i in range(size)],
        }
    )


def seconds(tree: Path, table_path: Path) -> float:
    return float(child_output(_CHILD, tree, table_path))


def child_output(code: str, tree: Path, *args: Path) -> str:
    """The last line `code` prints in a fresh process with BLAS on one thread, given the
    tree to import etl from and `args` as its argv."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-c", code, str(tree), *map(str, args)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="baseline tree (git archive)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'articles':>9} {'base ms/article':>16} {'this ms/article':>16} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"window-{size}.arrow"
            feather.write_feather(window(size), str(path))
            runs: dict[Path, list[float]] = {args.base: [], ROOT: []}
            for _ in range(args.repeat):
                for tree in runs:
                    runs[tree].append(seconds(tree, path))
            base, this = min(runs[args.base]) / size * 1000, min(runs[ROOT]) / size * 1000
            print(f"{size:>9,} {base:>16.3f} {this:>16.3f} {this / base:>6.2f}")


if __name__ == "__main__":
    main()
