"""Conflict vocabulary: which sentences speak the language of geopolitical risk.

The vocabulary (`data/conflict_terms.tsv`) follows the word groups of the Caldara-Iacoviello
Geopolitical Risk index (war threats, peace threats, military build-up, nuclear threats,
terror threats and acts, beginning and escalation of war) plus sanctions, hand-authored for
English, Indonesian and French with their inflected forms.

How the product reads it (issue #3, item 6):
- **article conflict** = share of the article's sentences that use the vocabulary
  (`conflict_share(conflict_flags(sentences, lang))`);
- **pair conflict** = share of the pair's sentences (those where both countries appear) that
  use it, i.e. the same share over that subset of the flags.
A share, not a count, so long and short articles compare; 0.0 is "no conflict language",
1.0 is "every sentence has some".

Matching is one Aho-Corasick pass over a lower-cased copy of the text (same length, so
offsets hold) with Unicode word boundaries: "war" never matches inside "award" or "Warsaw",
nor "serang" inside "serangga". Overlapping hits keep the longest, so "trade war" is
sanctions rather than war and a `_block` phrase ("heart attack", "Kota Serang") cancels the
term inside it.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

TERMS_PATH = Path(__file__).parent / "data" / "conflict_terms.tsv"
GROUPS = (
    "war_threats",
    "peace_threats",
    "military_buildup",
    "nuclear_threats",
    "terror_threats",
    "terror_acts",
    "beginning_of_war",
    "escalation_of_war",
    "sanctions",
)
BLOCK = "_block"
"""Pseudo-group of phrases that contain a conflict term but are not conflict language."""
LANGS = ("en", "id", "fr")
"""Languages with a vocabulary; any other language (or None) is matched against all of them."""
ID_ENCLITICS = ("nya", "lah", "kah", "pun")
"""Indonesian clitics glue onto any word ("serangannya", "perangpun"): generated here rather
than listed for every term."""

Match = tuple[str, str, int, int]
"""(group, term, start, end): the vocabulary term as listed, and the surface's offsets."""


@dataclass(frozen=True, slots=True)
class Term:
    lang: str
    group: str
    term: str


class VocabularyError(ValueError):
    """The vocabulary file has a row this module cannot use."""


def load_terms(path: Path = TERMS_PATH) -> list[Term]:
    """Read the vocabulary, skipping comments, blank lines and the header row.

    Raises:
        VocabularyError: a row without three columns, or with an unknown language or group.
    """
    terms = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for line_no, row in enumerate(rows, start=1):
            if not row or not row[0].strip() or row[0].startswith("#") or row[0] == "lang":
                continue
            terms.append(_parse_row(row, f"{path.name}:{line_no}"))
    return terms


def _parse_row(row: list[str], where: str) -> Term:
    if len(row) != 3:
        raise VocabularyError(f"{where}: expected 3 tab-separated columns, got {len(row)}")
    lang, group, term = (cell.strip() for cell in row)
    if lang not in LANGS:
        raise VocabularyError(f"{where}: unknown language {lang!r}; add it to LANGS first")
    if group not in GROUPS and group != BLOCK:
        raise VocabularyError(f"{where}: unknown group {group!r}; use one of {GROUPS}")
    return Term(lang, group, _fold(term))


def conflict_terms(text: str, lang: str | None = None) -> list[Match]:
    """Every conflict term in `text`, in text order.

    Args:
        text: any text; offsets refer to it unchanged.
        lang: ISO 639-1 code ("en", "id-ID" is read as "id"); None or a language without
            a vocabulary tries every language.

    Returns:
        (group, term, start, end) per match, `text[start:end]` being the surface form.
    """
    langs = _active_langs(lang)
    folded = _fold(text)
    hits = list(_candidates(folded, langs))
    return [hit for hit in _longest_first(hits) if hit[0] != BLOCK]


def conflict_flags(sentences: list[str], lang: str | None = None) -> list[bool]:
    """For each sentence, whether it uses the conflict vocabulary."""
    return [bool(conflict_terms(sentence, lang)) for sentence in sentences]


def conflict_share(flags: list[bool]) -> float | None:
    """Share of flagged sentences; None when there are no sentences to judge."""
    return sum(flags) / len(flags) if flags else None


def _active_langs(lang: str | None) -> tuple[str, ...]:
    primary = (lang or "").split("-")[0].split("_")[0].lower()
    return (primary,) if primary in LANGS else LANGS


def _fold(text: str) -> str:
    """Lower-case without changing the length, so offsets into `text` stay valid."""
    folded = text.lower()
    if len(folded) != len(text):
        # a few characters lower-case to two ("İ"); keep those as they are
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    # typographic apostrophes as in the vocabulary ("l’invasion" in French news); two
    # str.replace calls, as str.translate with a dict costs ~0.4 ms on a 4 KB article
    return folded.replace("\u2019", "'").replace("\u02bc", "'")


def _candidates(folded: str, langs: tuple[str, ...]) -> Iterator[Match]:
    for last, (length, by_lang) in _automaton().iter(folded):
        start, end = last - length + 1, last + 1
        if not _on_word_boundaries(folded, start, end):
            continue
        for lang in langs:
            if lang in by_lang:
                group, term = by_lang[lang]
                yield group, term, start, end
                break


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _longest_first(hits: list[Match]) -> list[Match]:
    """Keep the longest of overlapping hits (the earlier one on a tie), in text order."""
    kept: list[Match] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (h[2] - h[3], h[2])):
        if all(hit[3] <= start or hit[2] >= end for start, end in taken):
            kept.append(hit)
            taken.append((hit[2], hit[3]))
    return sorted(kept, key=lambda h: h[2])


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    """Built once per process (each pool worker builds its own; it takes milliseconds)."""
    by_surface: dict[str, dict[str, tuple[str, str]]] = {}
    for term in load_terms():
        for surface in _surfaces(term):
            by_surface.setdefault(surface, {}).setdefault(term.lang, (term.group, term.term))
    automaton = ahocorasick.Automaton()
    for surface, by_lang in by_surface.items():
        automaton.add_word(surface, (len(surface), by_lang))
    automaton.make_automaton()
    return automaton


def _surfaces(term: Term) -> Iterator[str]:
    yield term.term
    if term.lang == "id":
        for clitic in ID_ENCLITICS:
            yield term.term + clitic
