"""Speed of the country matcher and sentence splitter on 4 KB articles, one core (issue #3).

    python bench/country_speed.py [--articles 300] [--repeat 5]

Articles are 4,096-character windows cut from the eval-data texts (English: MasakhaNEWS en
and LGL; Indonesian: IndoSum; French: MasakhaNEWS fr). Reported per language, best of
--repeat runs: the raw automaton scan (pyahocorasick `iter` over the folded text, no rules),
fold + scan, the full `find_mentions`, `split_sentences`, and matcher + splitter together.
Times are CPU time of this process (time.process_time), so a busy machine does not inflate them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.tag.countries import find_mentions  # noqa: E402
from etl.tag.gazetteer import gazetteer  # noqa: E402
from etl.tag.sentences import split_sentences  # noqa: E402
from etl.tag.textfold import fold  # noqa: E402

EVAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval-data"
SOURCES = {
    "en": [
        "masakhanews-multilingual/masakhanews_en_dev_test.jsonl",
        "geoparsing-lgl-trnews/lgl_trnews_country_gold.jsonl",
    ],
    "id": ["indosum-id-news/indosum_dev_all_folds.jsonl"],
    "fr": ["masakhanews-multilingual/masakhanews_fr_dev_test.jsonl"],
}
ARTICLE_CHARS = 4096


def articles(lang: str, count: int, eval_data: Path) -> list[str]:
    """`count` 4 KB windows over the concatenated texts, spread evenly."""
    texts = []
    for name in SOURCES[lang]:
        with (eval_data / name).open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle]
    corpus = "\n\n".join(texts)
    step = (len(corpus) - ARTICLE_CHARS) // count
    return [corpus[i * step : i * step + ARTICLE_CHARS] for i in range(count)]


def best_seconds(work: Callable[[], object], repeat: int) -> float:
    """Best of `repeat` runs in CPU seconds of this process: per-core cost, which wall time
    overstates when other processes share the cores."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def measure(lang: str, docs: list[str], repeat: int) -> dict[str, float]:
    latin = gazetteer().automata["latin"]
    padded = [f" {fold(doc)} " for doc in docs]

    def raw_scan() -> None:
        for text in padded:
            for _ in latin.iter(text):
                pass

    def fold_and_scan() -> None:
        for doc in docs:
            for _ in latin.iter(f" {fold(doc)} "):
                pass

    runs = {
        "raw scan": raw_scan,
        "fold+scan": fold_and_scan,
        "find_mentions": lambda: [find_mentions(doc, lang) for doc in docs],
        "split_sentences": lambda: [split_sentences(doc, lang) for doc in docs],
        "both": lambda: [(find_mentions(doc, lang), split_sentences(doc, lang)) for doc in docs],
    }
    return {name: best_seconds(work, repeat) / len(docs) for name, work in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="articles per language")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best one counts")
    parser.add_argument("--eval-data", type=Path, default=EVAL_DATA, help="eval-data folder")
    args = parser.parse_args()
    find_mentions("warm-up: build the automata", "en")
    print(f"{args.articles} articles of {ARTICLE_CHARS} characters per language, one core")
    print(f"{'lang':<5}{'step':<17}{'us/article':>11}{'articles/s':>12}{'x raw scan':>11}")
    for lang in SOURCES:
        results = measure(lang, articles(lang, args.articles, args.eval_data), args.repeat)
        for step, seconds in results.items():
            ratio = seconds / results["raw scan"]
            print(f"{lang:<5}{step:<17}{seconds * 1e6:>11.0f}{1 / seconds:>12,.0f}{ratio:>11.1f}")


if __name__ == "__main__":
    main()
