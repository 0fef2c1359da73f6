"""Where a news dateline lead ends ("SEOUL (Reuters) -", "JAKARTA, CNN Indonesia --").

A dateline names where the reporter filed from, not what the story is about, so country names
inside it are not mentions (COUNTRY-MENTIONS.md). Recognised at the very start of a body:
a place (one to four words), then a comma part (date or outlet) and/or a parenthesised outlet,
then a dash or colon. Without a comma or bracket part the place must be in capitals and the
dash followed by a space, so an opening sentence such as "Rusia - Korea Utara bersepakat" or
"KOREA-JAPAN talks" is not taken for a dateline.
"""

from __future__ import annotations

import re

MAX_DATELINE_CHARS = 90
"""Longer leads are sentences, not datelines."""
_DASHES = ("-", "—", "–", ":")
"""What ends a dateline ("--" too, which starts with one); `dateline_end` looks for them
before it tries the pattern."""

_DATELINE = re.compile(
    r"""\s*
    (?P<place>[^\W\d_][\w.'’&]*(?:[ ][^\W\d_][\w.'’&]*){0,3})
    (?P<rest>(?:\s*,\s*[^\n,()—–-]{1,40}?){0,2}(?:\s*\([^()\n]{1,40}\))?)
    \s*(?:--|"""
    + "|".join(_DASHES)
    + r""")(?P<space>\s?)""",
    re.VERBOSE,
)


def dateline_end(text: str) -> int:
    """Offset just past the dateline lead of `text`, or 0 when it has none.

    >>> dateline_end("SEOUL (Reuters) - North Korea said")
    18
    >>> dateline_end("Rusia - Korea Utara bersepakat")
    0
    """
    lead = text[:MAX_DATELINE_CHARS]
    if not any(dash in lead for dash in _DASHES):
        # no dateline ends within reach; most bodies, and the pattern's backtracking over
        # their first words cost ~3 us of each (refs #20)
        return 0
    match = _DATELINE.match(text)
    if not match or match.end() > MAX_DATELINE_CHARS:
        return 0
    dash = match.end() - len(match.group("space")) - 1
    if text[dash - 1 : dash].isalnum() and text[dash + 1 : dash + 2].isalnum():
        # "Rolls Royce, the U.K.'s state-owned", "New Zealand's ... adjusted M-3": a hyphen
        # inside a word is no dateline dash (Reuters-21578, refs #20)
        return 0
    place, rest = match.group("place"), match.group("rest").strip()
    if rest:
        # "JAKARTA (Pos Kota) –Komisi": an outlet part makes it a dateline, space or not
        return match.end()
    if match.group("space") and place.upper() == place and len(place) >= 2:
        # a dateline leads into the story's first sentence; "U.S. DIVIDEND MEETINGS - MARCH 3"
        # is a headline line in capitals throughout (Reuters-21578, refs #20)
        line_end = text.find("\n", match.end())
        after = text[match.end() : line_end if line_end >= 0 else len(text)]
        return match.end() if after.upper() != after else 0
    return 0
