"""Sentence boundaries for English, Indonesian and French news (issue #3 item 3).

A blank line always ends a sentence; otherwise a sentence ends at
`.`, `!`, `?` or an ellipsis (with any closing quotes or brackets after it) followed by
whitespace and a character that can open a sentence (not a lower-case letter). A full stop
after an abbreviation does not end a sentence ("Dr.", "Jl.", "No.", "M. Macron", "J. Biden"),
except the abbreviations that often close one ("U.S.", "a.m.", "dll.", "Tbk."), which end it
only when the next word is one that typically starts a sentence. A single line break is not
a boundary: wire copy wraps lines inside sentences. CJK full stops need no space after them.

Paragraph breaks and full stops are found and judged in one compiled pass
(etl/tag/full_stops.py, refs #20); the rules are `_is_boundary`'s, which judges what that pass
leaves undecided and the rarer stops ("!", "?", "…", CJK), found by regex.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from etl.tag import full_stops
from etl.tag.full_stops import scan_stops, sentence_spans

_CLOSERS = "\"'”’»)\\]」』）"
_OTHER_STOPS = {
    char: re.compile(re.escape(char) + (rf"(?=[\s{_CLOSERS}])" if char in "!?…" else ""))
    for char in "!?…。！？"
}
"""One literal pattern per rarer stop, run only when the text has that character."""
_AFTER_STOP = re.compile(rf"(?P<close>(?:[{_CLOSERS}]|[ \u00a0\u202f]»)*)(?P<space>\s*)")
"""Closing quotes and brackets that belong to the sentence the stop ends, then whitespace."""
_NEXT_WORD = re.compile(r"[\"'“‘«(\[]*(\w+)")
_OPENING_PUNCTUATION = "(\"'“‘«["
_CJK_STOPS = frozenset("。！？")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEVER_FINAL = _words(
    """mr mrs ms dr prof st jl jln gen lt col sgt capt cmdr adm gov sen rep rev hon
    pres supt insp mt ft ave blvd rd vs ca approx cf e.g i.e tel ext
    mme mlle mgr bpk sdr ir drs h hj kh s.h m.h s.e m.si s.pd ph.d a.n u.p yth tgl kec kab
    kel prov kol let jend brigjen mayjen letjen kapt kompol akbp ipda aiptu bripka sdri"""
)
"""Abbreviations that a full stop does not end a sentence after (titles, streets)."""

BEFORE_NUMBERS = _words("no nr nos fig vol pp art ch sect")
"""Abbreviations followed by a number ("No. 5", "fig. 3"); before anything else they are
words ("he said no.")."""

MAYBE_FINAL = _words(
    "u.s u.k u.n a.m p.m etc dll dsb dst tbk inc ltd co corp jr sr cie bhd plc llc s.a u.s.a"
)
"""Abbreviations that often end a sentence: a boundary only before a sentence-opening word."""

USUALLY_FINAL = _words("etc dll dsb dst")
"""Lists end with these, and a proper noun seldom follows them inside a sentence."""

SENTENCE_OPENERS = _words(
    """the a an he she it they we i you this that these those there here but and or so yet if
    when while after before as in on at for from by with its his her their our my meanwhile
    however officials police dia ia mereka kami kita saya ini itu hal namun tetapi sementara
    selain pada di dalam dengan menurut sebelumnya kemudian setelah saat ketika untuk jika
    karena oleh sedangkan adapun selanjutnya il elle ils elles le la les un une des ce cette
    ces mais et en dans pour selon depuis après avant lors nous on je"""
)
"""Words that usually open a sentence, in English, Indonesian and French."""


def _is_boundary(text: str, position: int, next_start: int) -> bool:
    """Whether the stop at `position` ends a sentence, the next one starting at `next_start`."""
    next_char = text[next_start : next_start + 1]
    if not next_char or next_char.islower():
        return False
    if text[position] != "." or text[position - 1 : position] == ".":
        return True  # "!", "?", "…", or an ellipsis "..." before a capital
    if text[position - 1 : position].isdigit():
        return True  # "in 2024.": no abbreviation ends with a digit
    words = text[max(0, position - 40) : position].rsplit(None, 1)
    if not words:
        return True
    token = words[-1].lstrip(_OPENING_PUNCTUATION).lower()
    if token in NEVER_FINAL or (len(token) == 1 and token.isalpha()):
        return False  # "Dr. Sutopo", "J. Biden", "M. Macron"
    if token in BEFORE_NUMBERS and next_char.isdigit():
        return False  # "No. 5"
    if token in MAYBE_FINAL or ("." in token and token.replace(".", "").isalpha()):
        if token in USUALLY_FINAL:
            return True
        word = _NEXT_WORD.match(text, next_start)
        return bool(word and word.group(1).lower() in SENTENCE_OPENERS)
    return True


def split_sentences(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, whitespace trimmed, in order.

    `lang` is accepted for symmetry with the other taggers; the rules cover English,
    Indonesian and French at once, so it does not change the result today.

    >>> text = "Dr. Sutopo tiba di Jl. Sudirman No. 5. Ia disambut."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Dr. Sutopo tiba di Jl. Sudirman No. 5.', 'Ia disambut.']
    """
    # one code point per element; "surrogatepass" keeps a lone surrogate as one too
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    tables = _tables()
    spans, cuts, undecided = scan_stops(codes, *tables)
    more = [
        (stop_end, next_start)
        for position, stop_end, next_start in undecided.tolist()
        if _is_boundary(text, position, next_start)
    ]
    more += _other_cuts(text)
    if more:
        # merged in the compiled call: a third of Indonesian texts have a "?" or an undecided
        # stop, and sorting all their cuts in Python cost ~14 us of each (refs #20)
        more.sort()
        spans = sentence_spans(codes, tables[0], cuts, np.array(more, dtype=np.int64))
    return list(zip(spans[:, 0].tolist(), spans[:, 1].tolist(), strict=True))


def _other_cuts(text: str) -> list[tuple[int, int]]:
    """(end of a sentence, start of the next) at the stops other than the full stop."""
    cuts = []
    for char, pattern in _OTHER_STOPS.items():
        if char not in text:
            continue
        for match in pattern.finditer(text):
            after = _AFTER_STOP.match(text, match.end())
            stop_end, next_start = after.end("close"), after.end()
            if char in _CJK_STOPS:
                cuts.append((stop_end, stop_end))  # CJK text puts no space after a full stop
            elif next_start > stop_end and _is_boundary(text, match.start(), next_start):
                cuts.append((stop_end, next_start))
    return cuts


@functools.cache
def _tables() -> tuple[np.ndarray, ...]:
    """What scan_stops reads of the rules: the characters' classes and the abbreviations."""
    words = (NEVER_FINAL, BEFORE_NUMBERS, MAYBE_FINAL, USUALLY_FINAL)
    return (
        full_stops.flags(_CLOSERS, _OPENING_PUNCTUATION),
        *(full_stops.packed(word_list) for word_list in words),
    )
