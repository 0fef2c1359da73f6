"""The labelled sentiment sets the tone scripts train and evaluate on, read from their paths.

The data stay where they are (../shared/eval-data); nothing is copied into the repo.
Only pos/neg rows count for AUC; neutral rows are kept for the head's calibration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NEWSMTSC_FILE = "newsmtsc.jsonl"
NUSAX_FILE = "nusax_senti_id_en.jsonl"


@dataclass(frozen=True)
class Labelled:
    """One labelled sentence: `subset` names where it comes from ("newsmtsc", "nusax-id")."""

    text: str
    sentiment: str
    """neg | neu | pos"""
    subset: str
    split: str
    parallel_id: int | None = None
    """NusaX: the same number on an Indonesian text and its English translation."""


def read_newsmtsc(path: Path) -> list[Labelled]:
    """NewsMTSC sentences with one sentence-level label (the 'mixed' ones are dropped)."""
    return [
        Labelled(row["text"], row["sentiment"], "newsmtsc", row["split"])
        for row in _read_jsonl(_resolve(path, NEWSMTSC_FILE))
        if row["sentiment"] in ("neg", "neu", "pos")
    ]


def read_nusax(path: Path) -> list[Labelled]:
    """NusaX-Senti rows; `subset` is nusax-id or nusax-en."""
    return [
        Labelled(
            row["text"], row["sentiment"], f"nusax-{row['lang']}", row["split"], row["parallel_id"]
        )
        for row in _read_jsonl(_resolve(path, NUSAX_FILE))
    ]


EVAL_SETS = (("newsmtsc", "devtest_rw"), ("nusax-id", "test"), ("nusax-en", "test"))
"""The held-out sets every tone figure is reported on (issue #3, item 5)."""


def select(rows: list[Labelled], subset: str, split: str) -> list[Labelled]:
    return [r for r in rows if r.subset == subset and r.split == split]


def auc(scores: list[float] | np.ndarray, rows: list[Labelled]) -> float:
    """ROC AUC of `scores` for positive vs negative rows (neutral rows are ignored).

    Ties count one half (the Mann-Whitney statistic), which matters for lexicons that give
    0 to most sentences.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.array([r.sentiment for r in rows])
    pos, neg = scores[labels == "pos"], scores[labels == "neg"]
    if not len(pos) or not len(neg):
        raise ValueError("AUC needs both positive and negative rows")
    ranks = _average_ranks(np.concatenate([pos, neg]))
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    # tied values share the mean of the ranks they span
    _, first, counts = np.unique(sorted_values, return_index=True, return_counts=True)
    mean_rank = first + (counts + 1) / 2
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(mean_rank, counts)
    return ranks


def _resolve(path: Path, filename: str) -> Path:
    """Accept the data folder or the file itself."""
    return path / filename if path.is_dir() else path


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
