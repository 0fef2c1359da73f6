"""Full tagging speed per core on 4 KB articles, beside the raw automaton scan (issue #3).

    python bench/tag_speed.py [--articles 300] [--tone-articles 60] [--repeat 3]

One process, BLAS pinned to one thread, CPU time of this process: articles/s per core. For
English and Indonesian 4 KB articles (windows over the eval-data texts, see
bench/country_speed.py) it reports, in one run:
- raw scan: the country automaton's `iter` over the folded text, no rules (the floor);
- fast path: `tag_batch` without tone, language declared (countries, sentences, pairs,
  conflict, evidence, and since issue #16 the story keys: MinHash shingles, title, URL and
  number keys) — goal (issue #20) >= 5,000 articles/s/core, >= 0.2x the raw scan;
- fast path, no story keys: the same without #16's keys (`with_stories=False`), the fast
  path as issue #20 names it, so a run shows what the keys cost;
- fast path + language ID: the same with no declared language — goal >= 3,000/s in
  Indonesian;
- with tone: `tag_batch` with the sentence encoder, the --tone-articles in one batch —
  goal >= 300 articles/s/core.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from country_speed import EVAL_DATA, articles, best_seconds  # noqa: E402

from etl.records import Article  # noqa: E402
from etl.tag.countries import find_mentions  # noqa: E402
from etl.tag.gazetteer import gazetteer  # noqa: E402
from etl.tag.pipeline import TagOptions, tag_batch  # noqa: E402
from etl.tag.textfold import fold  # noqa: E402

LANGS = ("en", "id")


TITLE_CHARS = 80
"""Each 4 KB window lends its first words to a title, so tone scores a title as in real news."""


def as_articles(docs: list[str], lang: str | None) -> list[Article]:
    published = datetime(2024, 1, 1, tzinfo=UTC)
    articles = []
    for doc in docs:
        cut = doc.rfind(" ", 0, TITLE_CHARS)
        title, text = (doc[:cut], doc[cut + 1 :]) if cut > 0 else ("", doc)
        articles.append(
            Article(
                url=None, title=title, text=text, published_at=published, source="bench", lang=lang
            )
        )
    return articles


def machine() -> str:
    """The processor and the OpenBLAS kernel setting: the ratios to the raw scan depend on them
    (4.8x on an Intel Xeon with AVX-512 where 5.4-5.9x on an AMD EPYC for the same code)."""
    cpuinfo = Path("/proc/cpuinfo")
    names = (
        re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        if cpuinfo.exists()
        else []
    )
    coretype = os.environ.get("OPENBLAS_CORETYPE", "unset")
    return f"{names[0] if names else 'processor unknown'}; OPENBLAS_CORETYPE {coretype}"


def per_article(seconds: float, count: int) -> float:
    return seconds / count


def measure(lang: str, docs: list[str], tone_docs: int, repeat: int) -> dict[str, float]:
    latin = gazetteer().automata["latin"]
    padded = [f" {fold(doc)} " for doc in docs]
    declared = as_articles(docs, lang)
    undeclared = as_articles(docs, None)
    toned = as_articles(docs[:tone_docs], lang)
    fast = TagOptions(with_tone=False)
    no_keys = TagOptions(with_tone=False, with_stories=False)

    def raw_scan() -> None:
        for text in padded:
            for _ in latin.iter(text):
                pass

    return {
        "raw scan": best_seconds(raw_scan, repeat) / len(docs),
        "fast path": best_seconds(lambda: tag_batch(declared, fast), repeat) / len(docs),
        "  no story keys": best_seconds(lambda: tag_batch(declared, no_keys), repeat) / len(docs),
        "fast + language ID": best_seconds(lambda: tag_batch(undeclared, fast), repeat) / len(docs),
        "with tone": best_seconds(lambda: tag_batch(toned, TagOptions()), repeat) / len(toned),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="articles per language")
    parser.add_argument(
        "--tone-articles",
        type=int,
        default=60,
        help="articles per language for the (slow) tone measurement",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best one counts")
    parser.add_argument("--eval-data", type=Path, default=EVAL_DATA, help="eval-data folder")
    args = parser.parse_args()
    warm = as_articles(["Warm-up: Russia and China. Indonesia dan Jepang."] * 2, "en")
    tag_batch(warm, TagOptions())
    tag_batch(
        as_articles(["Warm-up text long enough for the detector to run. " * 5], None),
        TagOptions(with_tone=False),
    )
    find_mentions("warm-up", "en")
    print(f"{args.articles} articles of 4,096 characters per language; one core (CPU time)")
    print(machine())
    print(f"{'lang':<5}{'step':<20}{'us/article':>11}{'articles/s':>12}{'x raw scan':>11}")
    for lang in LANGS:
        docs = articles(lang, args.articles, args.eval_data)
        results = measure(lang, docs, args.tone_articles, args.repeat)
        for step, seconds in results.items():
            ratio = seconds / results["raw scan"]
            print(f"{lang:<5}{step:<20}{seconds * 1e6:>11.0f}{1 / seconds:>12,.0f}{ratio:>11.1f}")


if __name__ == "__main__":
    main()
