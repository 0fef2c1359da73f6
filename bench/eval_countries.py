"""Country tagging against gold labels: micro precision/recall/F1 per language (issue #3).

    python bench/eval_countries.py PATH [--texts PATH] [--gold-field FIELD] [--errors N]

PATH is a JSONL file with gold countries. Three layouts are understood:
- our gold format {"id", "countries": [alpha-3]} (bench/gold/*.jsonl), which holds ids only:
  pass --texts with the eval-data JSONL to join title/text/lang by id;
- the LGL/TR-News file (rows with `toponyms`): gold = `gold_countries_named` plus the
  countries of toponyms whose GeoNames fcode is PPLC (capitals), alpha-2 converted;
- any JSONL with a list field named by --gold-field (alpha-2, alpha-3 or names), e.g.
  Reuters-21578 (issue #20): `--gold-field gold_countries_modern` over
  `$E/reuters21578/reuters21578.part1.jsonl` (and part2; PLACES, editor-assigned, historical
  codes mapped to successors).

With --named, only the gold countries the text names count: those with a gazetteer surface in
the title or text as a whole word, in the row's case (exact rows such as "US" exactly, names
with a capital), its language fitting, no context rule or dateline applied. Document-level
"about" labels such as Reuters PLACES include countries a story never names; recall over the
named ones is what a mention tagger can be held to.

Our tagger runs beside geotext and a plain flashtext lookup built from the same gazetteer
surfaces (no case, language or context rules), in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.tag.countries import find_mentions, to_iso3  # noqa: E402
from etl.tag.gazetteer import read_rows  # noqa: E402
from etl.tag.textfold import blank_punctuation, fold, fold_key  # noqa: E402


@dataclass
class Doc:
    id: str
    lang: str
    title: str
    text: str
    gold: set[str]
    gold_phrases: dict[str, list[str]] = field(default_factory=dict)
    """For LGL: the annotated phrases per gold country, to read false negatives."""


@dataclass
class Score:
    docs: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.docs += 1
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def prf(self) -> tuple[float, float, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def codes(values: Iterable[str]) -> set[str]:
    return {iso3 for value in values if (iso3 := to_iso3(value))}


def lgl_gold(row: dict) -> tuple[set[str], dict[str, list[str]]]:
    phrases = defaultdict(list)
    gold = codes(row.get("gold_countries_named") or [])
    for toponym in row["toponyms"]:
        iso3 = to_iso3(toponym.get("country_iso2") or "")
        fcode = toponym.get("fcode") or ""
        if iso3 and (fcode == "PPLC" or fcode.startswith("PCL")):
            phrases[iso3].append(toponym["phrase"])
            if fcode == "PPLC":
                gold.add(iso3)
    return gold, dict(phrases)


def read_docs(path: Path, texts_path: Path | None, gold_field: str | None) -> list[Doc]:
    texts = {}
    if texts_path:
        with texts_path.open(encoding="utf-8") as handle:
            texts = {row["id"]: row for row in map(json.loads, handle)}
    docs = []
    with path.open(encoding="utf-8") as handle:
        for row in map(json.loads, handle):
            source = {**texts.get(row["id"], {}), **row}
            phrases: dict[str, list[str]] = {}
            if gold_field:
                gold = codes(row[gold_field])
            elif "countries" in row:
                gold = codes(row["countries"])
            elif "toponyms" in row:
                gold, phrases = lgl_gold(row)
            else:
                gold = codes(row["gold_countries"])
            title, text = source.get("title") or "", source.get("text") or ""
            if title and text.startswith(title):
                title = ""  # LGL repeats the title as the text's first sentence
            docs.append(Doc(row["id"], source.get("lang") or "?", title, text, gold, phrases))
    return docs


class NamedCheck:
    """Which gold countries a document names: gazetteer surfaces, whole words, row case; a
    longer blocker ("North America", "American Express") covers the names inside it."""

    def __init__(self) -> None:
        import ahocorasick

        self.automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, str, str, str]]] = {}
        for surface, iso3, langs, case, _rule in read_rows():
            folded = fold_key(surface)
            if folded:
                keys.setdefault(f" {folded} ", []).append((iso3, langs.lstrip("!"), case, surface))
        for key, rows in keys.items():
            self.automaton.add_word(key, (len(key) - 2, rows))
        self.automaton.make_automaton()

    def named(self, doc: Doc) -> dict[str, str]:
        """Gold-able countries the document names -> a snippet of the first place it does."""
        found: dict[str, str] = {}
        for text in (doc.title, doc.text):
            hits = []
            for last, (length, rows) in self.automaton.iter(f" {fold(text)} "):
                start = last - length - 1  # the padded text is one longer at the front
                fitting = [iso3 for iso3, *row in rows if _fits(doc, text, start, length, *row)]
                if fitting:
                    hits.append((start, start + length, fitting))
            reached = 0
            for start, end, fitting in sorted(hits, key=lambda hit: (hit[0], -hit[1])):
                if start < reached:
                    continue  # inside a longer name or blocker
                reached = end
                for iso3 in filter(None, fitting):
                    found.setdefault(iso3, snippet(text, start, end))
        return found


def _fits(doc: Doc, text: str, start: int, length: int, langs: str, case: str, surface: str):
    if langs and doc.lang not in langs.split(","):
        return False
    if case == "cap" and text[start].islower():
        return False
    return case != "exact" or _same_letters(text[start : start + length], surface)


def _same_letters(text: str, surface: str) -> bool:
    return blank_punctuation(text).strip() == blank_punctuation(surface).strip()


def ours(doc: Doc) -> set[str]:
    mentions = find_mentions(doc.title, doc.lang, dateline=False)
    mentions += find_mentions(doc.text, doc.lang, dateline=True)
    return {mention.country for mention in mentions}


def geotext_system() -> Callable[[Doc], set[str]]:
    from geotext import GeoText

    def run(doc: Doc) -> set[str]:
        return codes(GeoText(f"{doc.title}\n\n{doc.text}").country_mentions)

    return run


def flashtext_system() -> Callable[[Doc], set[str]]:
    from flashtext import KeywordProcessor

    processor = KeywordProcessor(case_sensitive=False)
    for surface, iso3, *_ in read_rows():
        if iso3:
            processor.add_keyword(surface, iso3)

    def run(doc: Doc) -> set[str]:
        return set(processor.extract_keywords(f"{doc.title}\n\n{doc.text}"))

    return run


def snippet(text: str, start: int, end: int, width: int = 50) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"...{left}[{text[start:end]}]{right}..."


def print_errors(docs: list[Doc], predictions: list[set[str]], limit: int) -> None:
    false_positives, false_negatives = [], []
    for doc, predicted in zip(docs, predictions, strict=True):
        for iso3 in sorted(predicted - doc.gold):
            for part in (doc.title, doc.text):
                hits = [m for m in find_mentions(part, doc.lang) if m.country == iso3]
                if hits:
                    false_positives.append(
                        f"{doc.id} {iso3}: {snippet(part, hits[0].start, hits[0].end)}"
                    )
                    break
        for iso3 in sorted(doc.gold - predicted):
            seen = ", ".join(sorted(set(doc.gold_phrases.get(iso3, []))))
            false_negatives.append(f"{doc.id} {iso3}: {seen or '(not in the gold phrases)'}")
    for name, lines in (("false positives", false_positives), ("false negatives", false_negatives)):
        print(f"\n{name} ({len(lines)}):")
        for line in lines[:limit]:
            print("  " + line)


def evaluate(docs: list[Doc], systems: dict[str, Callable[[Doc], set[str]]]) -> dict:
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    predictions = {}
    for name, system in systems.items():
        predictions[name] = [system(doc) for doc in docs]
        for doc, predicted in zip(docs, predictions[name], strict=True):
            scores[(name, doc.lang)].add(predicted, doc.gold)
            scores[(name, "all")].add(predicted, doc.gold)
    return {"scores": scores, "predictions": predictions}


def print_table(scores: dict[tuple[str, str], Score]) -> None:
    print(
        f"{'system':<10} {'lang':<5} {'docs':>5} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"
    )
    for (name, lang), score in sorted(scores.items(), key=lambda item: (item[0][1], item[0][0])):
        precision, recall, f1 = score.prf()
        print(
            f"{name:<10} {lang:<5} {score.docs:>5} {precision:>6.3f} {recall:>6.3f} {f1:>6.3f} "
            f"{score.tp:>5} {score.fp:>5} {score.fn:>5}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, nargs="+", help="JSONL files with gold countries")
    parser.add_argument("--texts", type=Path, help="JSONL with title/text/lang to join by id")
    parser.add_argument("--gold-field", help="list field holding the gold countries")
    parser.add_argument("--errors", type=int, default=0, help="print N of our FPs and FNs")
    parser.add_argument(
        "--named", action="store_true", help="score only the gold countries the text names"
    )
    parser.add_argument(
        "--systems", default="ours,geotext,flashtext", help="comma-separated systems to run"
    )
    args = parser.parse_args()
    docs = []
    for path in args.path:
        docs += read_docs(path, args.texts, args.gold_field)
    if args.named:
        check = NamedCheck()
        before = sum(len(doc.gold) for doc in docs)
        for doc in docs:
            named = check.named(doc)
            doc.gold &= named.keys()
            doc.gold_phrases = {iso3: [named[iso3]] for iso3 in doc.gold}
        after = sum(len(doc.gold) for doc in docs)
        print(f"--named: {after:,} of {before:,} gold labels are named in their text")
    available = {"ours": lambda: ours, "geotext": geotext_system, "flashtext": flashtext_system}
    systems = {name: available[name]() for name in args.systems.split(",")}
    result = evaluate(docs, systems)
    print(f"{', '.join(map(str, args.path))}: {len(docs)} documents")
    print_table(result["scores"])
    if args.errors and "ours" in systems:
        print_errors(docs, result["predictions"]["ours"], args.errors)


if __name__ == "__main__":
    main()
