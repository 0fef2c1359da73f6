"""The conflict vocabulary (`data/conflict_terms.tsv`) read into automaton keys.

Its terms ride in the country gazetteer's automaton (gazetteer.py), as the context words do,
so one pass over an article's folded text finds its countries and its conflict terms
(issue #20: a second automaton pass over the text cost a quarter of the fast path).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from etl.tag.textfold import blank_punctuation, fold

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

Surface = tuple[str, dict[str, tuple[str, str]]]
"""A term's surface as `fold_term` writes it, and (group, term) per language that lists it."""


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
    return Term(lang, group, fold_term(term))


def fold_term(text: str) -> str:
    """Lower-case without changing the length; a term matches where this equals its surface."""
    folded = text.lower()
    if len(folded) != len(text):
        # a few characters lower-case to two ("İ"); keep those as they are
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    # typographic apostrophes as in the vocabulary ("l’invasion" in French news)
    return folded.replace("\u2019", "'").replace("\u02bc", "'")


@functools.cache
def vocabulary_keys() -> dict[str, tuple[Surface, ...]]:
    """Automaton key (the gazetteer's whole-word form, " cease fire ") -> the surfaces it
    stands for: "cease-fire" and "cease fire" share a key, and a hit is checked against
    the text's own characters so each keeps its meaning."""
    by_surface: dict[str, dict[str, tuple[str, str]]] = {}
    for term in load_terms():
        for surface in _surfaces(term):
            by_surface.setdefault(surface, {}).setdefault(term.lang, (term.group, term.term))
    keys: dict[str, list[Surface]] = {}
    for surface, by_lang in by_surface.items():
        keys.setdefault(f" {blank_punctuation(fold(surface))} ", []).append((surface, by_lang))
    return {key: tuple(surfaces) for key, surfaces in keys.items()}


def _surfaces(term: Term) -> Iterator[str]:
    yield term.term
    if term.lang == "id":
        for clitic in ID_ENCLITICS:
            yield term.term + clitic
