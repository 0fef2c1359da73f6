"""How the encoder's title tone relates to GDELT's V2Tone, on real GKG rows (refs #15).

    .venv/bin/python bench/tone_vs_gdelt.py ../shared/eval-data/gdelt-v2-samples/20230702153000.gkg.csv

Every row goes through the loader's own path (read_gkg, then tag_batch with tone), so the
title tone is what `articles.tone` stores and V2Tone what `articles.gdelt_tone` stores.
Prints the number of rows with both, Pearson's r (with a 95% interval by Fisher's z),
Spearman's rho, and how often the two agree in sign.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from etl.records import Article  # noqa: E402
from etl.sources import ReadOptions  # noqa: E402
from etl.sources.gkg import read_gkg  # noqa: E402
from etl.tag.pipeline import TagOptions, tag_batch  # noqa: E402

Z_95 = 1.959964
"""The normal quantile of a two-sided 95% interval."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a GKG 2.1 file (.gkg.csv or .gkg.csv.zip)")
    args = parser.parse_args()
    pairs = tone_pairs(args.path)
    print(f"{args.path}: {len(pairs.index)} GKG rows with a title tone and a V2Tone")
    for line in summary(pairs):
        print(line)


def tone_pairs(path: Path) -> pd.DataFrame:
    """One row per GKG record with a title: its encoder title tone and its V2Tone."""
    options = ReadOptions(max_text_bytes=5 * 2**20, max_line_bytes=16 * 2**20)
    articles = [item for item in read_gkg(path, options) if isinstance(item, Article)]
    tagged = tag_batch(articles, TagOptions())
    rows = [
        (t.tone.tone, t.article.gdelt_tone.tone)
        for t in tagged
        if t.tone is not None and t.article.gdelt_tone is not None
    ]
    return pd.DataFrame(rows, columns=["title_tone", "v2tone"])


def summary(pairs: pd.DataFrame) -> list[str]:
    n = len(pairs.index)
    pearson = pairs["title_tone"].corr(pairs["v2tone"], method="pearson")
    # Spearman's rho is Pearson's r over average ranks (pandas' own spearman needs scipy)
    ranks = pairs.rank()
    spearman = ranks["title_tone"].corr(ranks["v2tone"], method="pearson")
    low, high = fisher_interval(pearson, n)
    same_sign = ((pairs["title_tone"] > 0) == (pairs["v2tone"] > 0)).mean()
    return [
        f"pearson r = {pearson:.3f} (95% CI {low:.3f} to {high:.3f})",
        f"spearman rho = {spearman:.3f}",
        f"same sign: {same_sign:.1%}",
        f"title tone: mean {pairs['title_tone'].mean():.2f}, sd {pairs['title_tone'].std():.2f}",
        f"V2Tone: mean {pairs['v2tone'].mean():.2f}, sd {pairs['v2tone'].std():.2f}",
    ]


def fisher_interval(r: float, n: int) -> tuple[float, float]:
    """The 95% interval of a Pearson r over n rows (Fisher's z transform)."""
    z, spread = math.atanh(r), Z_95 / math.sqrt(n - 3)
    return math.tanh(z - spread), math.tanh(z + spread)


if __name__ == "__main__":
    main()
