"""Conflict vocabulary: sentences/s on one core, and how often sentences use it.

    .venv/bin/python bench/conflict_speed.py \\
        ../shared/eval-data/masakhanews-multilingual/masakhanews_en_dev_test.jsonl \\
        ../shared/eval-data/masakhanews-multilingual/masakhanews_fr_dev_test.jsonl \\
        ../shared/eval-data/indosum-id-news/indosum_dev_all_folds.jsonl

Each file is a JSONL of articles with `text` and `lang`; their sentences (etl.tag.sentences)
are flagged with the file's language and with lang=None (every vocabulary). Goal (issue #3):
at least 20,000 sentences/s. The most frequent terms are printed for a precision read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl.tag.conflict import conflict_flags, conflict_terms  # noqa: E402
from etl.tag.sentences import split_sentences  # noqa: E402

GOAL = 20_000
REPEATS = 3
TOP_TERMS = 12


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", type=Path, nargs="+", help="JSONL files of articles")
    for path in parser.parse_args().paths:
        lang, sentences = _read_sentences(path)
        conflict_flags(sentences[:10], lang)  # builds the automaton outside the timing
        print(f"{path.name} ({lang}, {len(sentences)} sentences)")
        for label, which in ((lang, lang), ("None", None)):
            rate, share = _measure(sentences, which)
            print(f"   lang={label:<5} {rate:9,.0f} sentences/s   flagged {share:6.1%}")
        top = Counter(t for s in sentences for _, t, _, _ in conflict_terms(s, lang))
        print("   top terms: " + ", ".join(f"{t} {n}" for t, n in top.most_common(TOP_TERMS)))
    print(f"goal: >= {GOAL:,} sentences/s")


def _measure(sentences: list[str], lang: str | None) -> tuple[float, float]:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.process_time()
        flags = conflict_flags(sentences, lang)
        best = min(best, time.process_time() - started)
    return len(sentences) / best, sum(flags) / len(flags)


def _read_sentences(path: Path) -> tuple[str | None, list[str]]:
    lang, sentences = None, []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            lang = row.get("lang") or lang
            sentences += [row["text"][s:e] for s, e in split_sentences(row["text"], lang)]
    return lang, sentences


if __name__ == "__main__":
    main()
