"""Whether two articles in different languages report the same event (refs #16).

The cosine of the title-and-lead vectors alone cannot tell "X happened" from "Y reacted to X":
the next step of an affair embeds as close as true coverage (bench/eval_stories.py lists the
errors). The link score adds evidence that survives translation and does not come from the
lead, each term a reason a reader would give:

    score = cosine + ANCHOR_WEIGHT * jaccard(anchors) + COUNTRY_WEIGHT * jaccard(countries)
            - HOUR_PENALTY * hours apart

- anchors: the capitalised words (names, places) and figures of title and text, which other
  languages keep as they are ("Magelang", "Marles", "153"); a follow-up shares the affair's
  names but brings its own;
- countries: the ISO codes tagging found (the `mentions` table): the same actors;
- hours apart: coverage of one event in another language follows within hours, the next step
  of the affair comes a day or two later.

An additive score keeps each term's weight readable as "how much cosine it is worth" and
needs no model. The weights and LINK_THRESHOLD are the best of a small grid on the labelled
sample (bench/gold/sample_cross_language.csv: 20 positive pairs), so its in-sample F1 flatters
them; bench/link_folds.py repeats the choice on training folds only and reports the held-out
F1, the figure to quote.
"""

from __future__ import annotations

import re

import numpy as np

LINK_THRESHOLD = 0.75
"""Score at or above which two articles in different languages are one story."""
ANCHOR_WEIGHT = 0.25
"""Cosine worth of sharing every anchor (their Jaccard is rarely above 0.3: worth ~0.07)."""
COUNTRY_WEIGHT = 0.1
"""Cosine worth of naming exactly the same countries."""
HOUR_PENALTY = 0.004
"""Cosine lost per hour apart: a day costs ~0.1, the 48-hour window's edge ~0.19."""
MAX_BONUS = ANCHOR_WEIGHT + COUNTRY_WEIGHT
"""The most the set terms can add: candidates further below the threshold are not scored."""

_TOKEN = re.compile(r"\d[\d.,]*\d|\d|\w[\w'’-]*")
"""A figure with its separators, else a word."""
_SEPARATORS = re.compile(r"[.,]")
_MICROSECONDS_PER_HOUR = 3_600_000_000


def anchors(text: str) -> frozenset[str]:
    """The names and figures of a text, as another language would write them: capitalised
    words of 3+ characters case-folded, numbers without their separators (Indonesian
    "1.000", English "1,000" and French "20,5" / "20.5" compare equal)."""
    found = set()
    for word in _TOKEN.findall(text):
        if word[0].isdigit():
            found.add(_SEPARATORS.sub("", word))
        elif word[0].isupper() and len(word) >= 3:
            found.add(word.casefold())
    return frozenset(found)


def base_scores(cosines: np.ndarray, microseconds_apart: np.ndarray) -> np.ndarray:
    """The score without its set terms: the cosine less the time penalty."""
    return cosines - HOUR_PENALTY * (np.abs(microseconds_apart) / _MICROSECONDS_PER_HOUR)


def set_bonus(
    anchors_a: frozenset[str],
    countries_a: frozenset[str],
    anchors_b: frozenset[str],
    countries_b: frozenset[str],
) -> float:
    """What the shared anchors and countries add to a pair's base score."""
    return ANCHOR_WEIGHT * jaccard(anchors_a, anchors_b) + COUNTRY_WEIGHT * jaccard(
        countries_a, countries_b
    )


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared members over all members; 0 for two empty sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
