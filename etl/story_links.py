"""Whether two articles in different languages report the same event (refs #16).

The cosine of the title-and-lead vectors alone cannot tell "X happened" from "Y reacted to X":
the next step of an affair embeds as close as true coverage (bench/eval_stories.py lists the
errors). The link score adds evidence that survives translation and does not come from the
lead, each term a reason a reader would give:

    score = cosine + ANCHOR_WEIGHT * jaccard(anchors) + COUNTRY_WEIGHT * jaccard(countries)
            + DAY_WEIGHT * jaccard(days) - HOUR_PENALTY * hours apart

- anchors: the capitalised words (names, places) and figures of title and text, which other
  languages keep as they are ("Magelang", "Marles", "153"); a follow-up shares the affair's
  names but brings its own;
- countries: the ISO codes tagging found (the `mentions` table): the same actors;
- days: the dates the texts say things happened on ("on Sunday", "Minggu (20/10)",
  "20 octobre", etl/event_days.py): one occurrence has one day in every language, the
  protest that follows a shooting-down names the next;
- hours apart: coverage of one event in another language follows within hours, the next step
  of the affair comes a day or two later.

The score is linear in its terms, so its weights are a logistic regression's (L2-regularised,
bench/link_folds.py fits it on bench/gold/sample_cross_language.csv: 356 pairs, 20 of them
the same event) divided by the cosine's weight, each readable as "how much cosine it is
worth"; LINK_THRESHOLD gives the best F1 on those pairs. That in-sample F1 flatters the fit:
bench/link_folds.py repeats the fit on training folds only and reports the held-out F1, the
figure to quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from etl.event_days import event_days

LINK_THRESHOLD = 1.05
"""Score at or above which two articles in different languages are one story. Above 1: no
lead, however close, links without some names, figures or a day in common (the labelled
pairs at cosine 0.65-0.75 are as often a reaction as the same event)."""
ANCHOR_WEIGHT = 1.44
"""Cosine worth of sharing every anchor (their Jaccard is rarely above 0.3: worth ~0.43)."""
COUNTRY_WEIGHT = 0.07
"""Cosine worth of naming exactly the same countries: little once names and days are in."""
DAY_WEIGHT = 0.27
"""Cosine worth of naming exactly the same recent days."""
HOUR_PENALTY = 0.0048
"""Cosine lost per hour apart: a day costs ~0.12, the 48-hour window's edge ~0.23."""
COSINE_FLOOR = 0.4
"""Pairs whose leads embed further apart are not scored: every labelled same-event pair is
at 0.55 or more, and below 0.4 only a text sharing most of its names could reach the
threshold. Without a floor every pair of a window would pay for its set terms in Python."""
MAX_BONUS = ANCHOR_WEIGHT + COUNTRY_WEIGHT + DAY_WEIGHT
"""The most the set terms can add: candidates further below the threshold are not scored."""

_TOKEN = re.compile(r"\d[\d.,]*\d|\d|\w[\w'’-]*")
"""A figure with its separators, else a word."""
_SEPARATORS = re.compile(r"[.,]")
_ELIDED = re.compile(r"\b(?:[dljmnst]|qu|jusqu|lorsqu|puisqu)['’](?=\w)", re.IGNORECASE)
"""A French article or pronoun elided before a word: "l'Indonésie" is "Indonésie"."""
_POSSESSIVE = re.compile(r"['’]s\b")
_MICROSECONDS_PER_HOUR = 3_600_000_000


def anchors(text: str) -> frozenset[str]:
    """The names and figures of a text, as another language would write them: capitalised
    words of 3+ characters case-folded, without a French elided article or an English
    possessive ("l'ASEAN", "Indonesia's"), numbers without their separators (Indonesian
    "1.000", English "1,000" and French "20,5" / "20.5" compare equal)."""
    found = set()
    # on the whole text, not per word: two passes in C instead of two calls a word
    for word in _TOKEN.findall(_POSSESSIVE.sub("", _ELIDED.sub("", text))):
        if word[0].isdigit():
            found.add(_SEPARATORS.sub("", word))
        elif word[0].isupper() and len(word) >= 3:
            found.add(word.casefold())
    return frozenset(found)


def base_scores(cosines: np.ndarray, microseconds_apart: np.ndarray) -> np.ndarray:
    """The score without its set terms: the cosine less the time penalty; -inf below
    COSINE_FLOOR."""
    scores = cosines - HOUR_PENALTY * (np.abs(microseconds_apart) / _MICROSECONDS_PER_HOUR)
    return np.where(cosines >= COSINE_FLOOR, scores, -np.inf)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What an article's text says beyond its lead's vector, compared as sets."""

    anchors: frozenset[str]
    countries: frozenset[str]
    days: frozenset[int]


def evidence(text: str, countries: Iterable[str], published: date) -> Evidence:
    """An article's evidence from its title and text, tagged countries and publication date."""
    return Evidence(anchors(text), frozenset(countries), event_days(text, published))


def set_bonus(a: Evidence, b: Evidence) -> float:
    """What the shared anchors, countries and days add to a pair's base score."""
    return (
        ANCHOR_WEIGHT * jaccard(a.anchors, b.anchors)
        + COUNTRY_WEIGHT * jaccard(a.countries, b.countries)
        + DAY_WEIGHT * jaccard(a.days, b.days)
    )


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared members over all members; 0 for two empty sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
