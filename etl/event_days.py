"""The days a news text says things happened on, as dates (refs #16).

Coverage of one event in two languages names the day it happened in each language's way:
"on Sunday", "Minggu (20/10)", "dimanche", "Oct 20", "20 Oktober", "20 octobre". Resolved
against the publication date they are one date, a fact that survives translation as names
and figures do. The next step of an affair (a protest the day after a shooting-down, the end
of drills whose start another brief reports) names a day of its own: in the labelled sample
19 of the 20 cross-language pairs that report one event share a day, 95 of the 336 that do
not (bench/link_folds.py).

Only days near the publication date count (a weekday is the one from five days before it to
the day after, a date must be within RECENT_DAYS before it): a background "December 2020" or "April 2021" says nothing about which
occurrence a brief reports, and a month without its day is no day at all. English and
Indonesian weekdays are capitalised (lower-case Indonesian "minggu" is "week"), French ones
are not; Indonesian writes a day and month in parentheses after the weekday, "(20/10)".
"""

from __future__ import annotations

import re
from datetime import date, timedelta

RECENT_DAYS = 7
"""A date this many days before publication or closer is the day of something reported."""
AHEAD_DAYS = 1
"""A date this many days after the publication date still counts: a brief filed before
midnight UTC in Jakarta (UTC+7) is dated the next local day."""

_WEEKDAYS = (
    ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
)
_WEEKDAY = {name: day for names in _WEEKDAYS for day, name in enumerate(names)} | {"Ahad": 6}
"""Weekday name, spelt as written mid-sentence -> Monday = 0."""
_MONTHS = (
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"),
    ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
     "oktober", "november", "desember"),
    ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
     "octobre", "novembre", "décembre"),
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
)  # fmt: skip
_MONTH = {name: month for names in _MONTHS for month, name in enumerate(names, 1)} | {"sept": 9}
"""Month name or abbreviation, lower-case -> 1..12."""


def _spellings() -> dict[str, tuple[str, int]]:
    """Every spelling looked for -> ("weekday", 0..6) or ("month", 1..12): a lower-case name
    also capitalised (a French weekday opening a sentence, an English month), a capitalised
    weekday only as it is ("Minggu" is Sunday, "minggu" a week)."""
    found = {}
    for kind, names in (("month", _MONTH), ("weekday", _WEEKDAY)):
        for name, number in names.items():
            for spelling in {name, name[0].upper() + name[1:]} if name.islower() else {name}:
                found[spelling] = (kind, number)
    return found


def _trie(words) -> str:
    """A regex alternation of `words` as a trie: Python's re tries every branch of a flat
    alternation at every word, which made finding the days 9x slower (1.45 ms against 0.16
    for a 3 KB text, timed on the bundled sample's briefs)."""
    children: dict[str, set[str]] = {}
    ends = "" in words
    for word in words:
        if word:
            children.setdefault(word[0], set()).add(word[1:])
    branches = [re.escape(first) + _trie(rest) for first, rest in sorted(children.items())]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if ends else body


_SPELLINGS = _spellings()
_DAY = re.compile(
    rf"\b(?P<name>{_trie(set(_SPELLINGS))})\b|\((?P<day>\d{{1,2}})/(?P<month>\d{{1,2}})\)"
)
"""A weekday or month name, or Indonesian "(20/10)": day and month in parentheses."""
_DAY_BEFORE = re.compile(r"(?<!\d)(\d{1,2})(?:er)?\s+$")
"""The day before a month's name ("20 Oktober", "1er mai"), searched in the few characters
before it."""
_DAY_AFTER = re.compile(r"\.?\s+(\d{1,2})\b")
"""The day after a month's name ("Oct. 20")."""
_YEAR_AFTER = re.compile(r",?\s+(\d{4})\b")


def event_days(text: str, published: date) -> frozenset[int]:
    """The recent days `text` names, as proleptic ordinals (`date.toordinal()`).

    Args:
        text: title and text of an article.
        published: its publication date (UTC); weekdays and dates without a year are
            resolved against it.
    """
    found = set()
    for match in _DAY.finditer(text):
        if match["name"]:
            kind, number = _SPELLINGS[match["name"]]
            if kind == "weekday":
                day = _weekday(number, published)
            else:
                day = _date_around(text, match, number, published)
        else:
            day = _date(int(match["day"]), int(match["month"]), None, published)
        if day is not None and -RECENT_DAYS <= (day - published).days <= AHEAD_DAYS:
            found.add(day.toordinal())
    return frozenset(found)


def _weekday(weekday: int, published: date) -> date:
    """The one date with that weekday among the seven from five days before publication to
    the day after."""
    first = published - timedelta(days=6 - AHEAD_DAYS)
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def _date_around(text: str, match: re.Match, month: int, published: date) -> date | None:
    """The date a month's name makes with the day before it or after it, else None."""
    before = _DAY_BEFORE.search(text, max(match.start() - 6, 0), match.start())
    after = None if before else _DAY_AFTER.match(text, match.end())
    if not before and not after:
        return None
    day = int((before or after).group(1))
    year = _YEAR_AFTER.match(text, match.end() if before else after.end())
    return _date(day, month, int(year.group(1)) if year else None, published)


def _date(day: int, month: int, year: int | None, published: date) -> date | None:
    """The date, in `year` or else the year that puts it closest to publication (a 30
    December brief of 2 January); None when there is no such date."""
    candidates = []
    for candidate in (year,) if year else range(published.year - 1, published.year + 2):
        try:
            candidates.append(date(candidate, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs(d - published), default=None)
