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

Matching rides in the country gazetteer's Aho-Corasick pass over the folded text (terms are
whole-word keys of that automaton, see conflict_vocabulary.py), so the tagger scans an
article once for both (issue #20); a hit counts when the text's own characters, lower-cased,
spell the term: "war" never matches inside "award" or "Warsaw", nor "serang" inside
"serangga", and "cease fire" is not "cease-fire". Overlapping hits keep the longest, so
"trade war" is sanctions rather than war and a `_block` phrase ("heart attack", "Kota
Serang") cancels the term inside it.
"""

from __future__ import annotations

from collections.abc import Iterable

from etl.tag.conflict_vocabulary import (
    BLOCK,
    GROUPS,
    ID_ENCLITICS,
    LANGS,
    Surface,
    Term,
    VocabularyError,
    fold_term,
    load_terms,
)
from etl.tag.gazetteer import gazetteer
from etl.tag.textfold import fold

__all__ = [
    "BLOCK",
    "GROUPS",
    "ID_ENCLITICS",
    "LANGS",
    "Term",
    "VocabularyError",
    "conflict_flags",
    "conflict_share",
    "conflict_terms",
    "load_terms",
    "select_terms",
]

Match = tuple[str, str, int, int]
"""(group, term, start, end): the vocabulary term as listed, and the surface's offsets."""

KeyHit = tuple[int, tuple[Surface, ...]]
"""What the gazetteer pass reports for a vocabulary key: the offset just past the word in the
text, and the surfaces the key stands for."""


def conflict_terms(text: str, lang: str | None = None) -> list[Match]:
    """Every conflict term in `text`, in text order.

    Args:
        text: any text; offsets refer to it unchanged.
        lang: ISO 639-1 code ("en", "id-ID" is read as "id"); None or a language without
            a vocabulary tries every language.

    Returns:
        (group, term, start, end) per match, `text[start:end]` being the surface form.
    """
    automaton = gazetteer().automata["latin"]
    padded = f" {fold(text)} "
    # a padded offset is the text's plus one, so a key's closing space, reported at
    # `last`, lies just past the word: the word ends at text offset `last - 1`
    hits = [(last - 1, key.conflict) for last, key in automaton.iter(padded) if key.conflict]
    return select_terms(text, hits, lang)


def select_terms(text: str, hits: Iterable[KeyHit], lang: str | None) -> list[Match]:
    """The conflict terms among the vocabulary keys the gazetteer pass met in `text`."""
    langs = _active_langs(lang)
    candidates = []
    for end, surfaces in hits:
        for surface, by_lang in surfaces:
            start = end - len(surface)
            if fold_term(text[start:end]) != surface:
                continue
            chosen = next((by_lang[lang] for lang in langs if lang in by_lang), None)
            if chosen:
                candidates.append((*chosen, start, end))
            break
    return [hit for hit in _longest_first(candidates) if hit[0] != BLOCK]


def conflict_flags(sentences: list[str], lang: str | None = None) -> list[bool]:
    """For each sentence, whether it uses the conflict vocabulary."""
    return [bool(conflict_terms(sentence, lang)) for sentence in sentences]


def conflict_share(flags: list[bool]) -> float | None:
    """Share of flagged sentences; None when there are no sentences to judge."""
    return sum(flags) / len(flags) if flags else None


def _active_langs(lang: str | None) -> tuple[str, ...]:
    primary = (lang or "").split("-")[0].split("_")[0].lower()
    return (primary,) if primary in LANGS else LANGS


def _longest_first(hits: list[Match]) -> list[Match]:
    """Keep the longest of overlapping hits (the earlier one on a tie), in text order."""
    if len(hits) < 2:
        return hits
    kept: list[Match] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (h[2] - h[3], h[2])):
        if all(hit[3] <= start or hit[2] >= end for start, end in taken):
            kept.append(hit)
            taken.append((hit[2], hit[3]))
    return sorted(kept, key=lambda h: h[2])
