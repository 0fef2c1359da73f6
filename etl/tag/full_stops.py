"""The full stops and paragraph breaks of a text, and which stops end a sentence, in one
compiled pass over its code points (refs #20).

sentences.py's rules, decided stop by stop in Python, cost ~1 us a stop: 35-45 us of a 4 KB
article, a fifth of the whole fast tagging path. This pass finds what the splitter's regexes
found (a blank line: a line break, blanks, a line break; a full stop before whitespace or a
closer, with its closers and the whitespace after them) and applies `_is_boundary` to each
stop whose context it can read with its table of characters: whitespace, case, quotes and
brackets, and ASCII otherwise. What it cannot read (a digit or letter beyond ASCII where the
rule asks str.isdigit or str.isalpha, the next word after "U.S.") comes back undecided, and
`_is_boundary` itself decides it, so the rules keep one definition.
tests/etl/test_tag_sentences.py holds the split to the regex splitter it replaced, on
thousands of generated texts.
"""

from __future__ import annotations

import re

import numpy as np
from numba import njit, types

_BMP = 0x10000

SPACE, CLOSER, LOWER, OPENER = 1, 2, 4, 8
"""Flag bits of a code point below U+10000: `\\s` (the regexes' whitespace, which is
str.split's), a closing quote or bracket, str.islower, an opening quote or bracket
(sentences._OPENING_PUNCTUATION)."""

UNDECIDED, NOT_A_BOUNDARY, BOUNDARY = -1, 0, 1

_MAX_KEY = 7
"""Abbreviations are compared packed into 64 bits: seven bytes for the word (the longest has
seven letters), the top byte for its length."""


def flags(closers: str, openers: str) -> np.ndarray:
    """Per code point below U+10000, its flag bits; the closers and openers as the regexes'
    character classes read them (a backslash in `closers` escapes, it is not a closer)."""
    table = np.zeros(_BMP, dtype=np.uint8)
    chars = [chr(point) for point in range(_BMP)]
    table[[char.isspace() for char in chars]] |= SPACE
    table[[char.islower() for char in chars]] |= LOWER
    for char in re.findall(f"[{closers}]", closers):
        table[ord(char)] |= CLOSER
    for char in openers:
        table[ord(char)] |= OPENER
    return table


def pack(word: str) -> int:
    """An ASCII word of up to seven characters as one integer: byte i at bits 8i, the
    length at bits 56-63."""
    if len(word) > _MAX_KEY or not word.isascii():
        raise ValueError(f"{word!r}: abbreviations are ASCII, at most {_MAX_KEY} characters")
    return sum(ord(char) << (8 * i) for i, char in enumerate(word)) | len(word) << 56


def packed(words: frozenset[str]) -> np.ndarray:
    return np.array(sorted(pack(word) for word in words), dtype=np.uint64)


@njit(cache=True, nogil=True, inline="always")
def _has(table, point, bits):
    return point < 0x10000 and (table[point] & bits) != 0


@njit(cache=True, nogil=True)
def _is_in(words, key):
    index = np.searchsorted(words, key)
    return index < len(words) and words[index] == key


@njit(cache=True, nogil=True)
def _verdict(codes, table, position, next_start, never_final, before_numbers, maybe, usually):
    """sentences._is_boundary for the full stop at `position`, or UNDECIDED."""
    n = len(codes)
    if next_start >= n:
        return NOT_A_BOUNDARY
    next_char = codes[next_start]
    if next_char >= 0x10000:
        return UNDECIDED
    if table[next_char] & LOWER:
        return NOT_A_BOUNDARY
    previous = codes[position - 1] if position > 0 else 0
    if previous == 46:
        return BOUNDARY  # an ellipsis "..." before a capital
    if previous >= 0x80:
        return UNDECIDED  # str.isdigit beyond ASCII is not in the table
    if 48 <= previous <= 57:
        return BOUNDARY  # "in 2024."
    # the token: the last whitespace-separated word of the 40 characters before the stop
    window = max(0, position - 40)
    end = position
    while end > window and _has(table, codes[end - 1], SPACE):
        end -= 1
    if end == window:
        return BOUNDARY
    start = end
    while start > window and not _has(table, codes[start - 1], SPACE):
        start -= 1
    while start < end and _has(table, codes[start], OPENER):
        start += 1
    length = end - start
    if length == 0:
        return BOUNDARY
    # lower-cased, packed; a character beyond ASCII keeps the token off every list (they are
    # ASCII), unless it lower-cases to ASCII (KELVIN SIGN, I WITH DOT ABOVE)
    key = np.uint64(0)
    wide, dots, letters = False, 0, 0
    for k in range(length):
        point = codes[start + k]
        if point == 0x212A or point == 0x130:
            return UNDECIDED
        if point >= 0x80:
            wide = True
        elif point == 46:
            dots += 1
        elif 65 <= point <= 90 or 97 <= point <= 122:
            letters += 1
        if k < _MAX_KEY and point < 0x80:
            lower = point + 32 if 65 <= point <= 90 else point
            key |= np.uint64(lower) << np.uint64(8 * k)
    if wide:
        # not on a list; a one-letter or dotted token waits for str.isalpha
        return UNDECIDED if dots > 0 or length == 1 else BOUNDARY
    listed = length <= _MAX_KEY
    key |= np.uint64(length) << np.uint64(56)
    if listed and _is_in(never_final, key):
        return NOT_A_BOUNDARY  # "Dr. Sutopo"
    if length == 1 and letters == 1:
        return NOT_A_BOUNDARY  # "J. Biden", "M. Macron"
    if listed and _is_in(before_numbers, key):
        if next_char >= 0x80:
            return UNDECIDED  # str.isdigit beyond ASCII is not in the table
        if 48 <= next_char <= 57:
            return NOT_A_BOUNDARY  # "No. 5"
    dotted_word = dots > 0 and letters > 0 and letters + dots == length
    if (listed and _is_in(maybe, key)) or dotted_word:
        if listed and _is_in(usually, key):
            return BOUNDARY
        return UNDECIDED  # "U.S. The": the next word decides, in Python
    return BOUNDARY


_INT64S = types.int64[:, :]
_CODES = types.Array(types.uint32, 1, "C", readonly=True)
_TABLE = types.Array(types.uint8, 1, "C", readonly=True)
_WORDS = types.Array(types.uint64, 1, "C", readonly=True)


@njit(cache=True, nogil=True)
def _merged(first, second):
    """Two sorted lists of rows as one, sorted (rows compare as tuples)."""
    merged = np.empty((len(first) + len(second), 2), dtype=np.int64)
    i, j = 0, 0
    for k in range(len(merged)):
        if j >= len(second) or (
            i < len(first) and (first[i, 0], first[i, 1]) <= (second[j, 0], second[j, 1])
        ):
            merged[k] = first[i]
            i += 1
        else:
            merged[k] = second[j]
            j += 1
    return merged


@njit(cache=True, nogil=True)
def _spans(codes, table, cuts):
    n = len(codes)
    spans = np.empty((len(cuts) + 1, 2), dtype=np.int64)
    count, start = 0, 0
    for k in range(len(cuts) + 1):
        end, next_start = (cuts[k, 0], cuts[k, 1]) if k < len(cuts) else (n, n)
        if end < start:
            continue
        first, last = start, end
        while first < last and _has(table, codes[first], SPACE):
            first += 1
        while last > first and _has(table, codes[last - 1], SPACE):
            last -= 1
        if first < last:
            spans[count, 0], spans[count, 1] = first, last
            count += 1
        start = next_start
    return spans[:count]


@njit(
    types.int64[:, :](_CODES, _TABLE, types.int64[:, ::1], types.int64[:, ::1]),
    cache=True,
    nogil=True,
)
def sentence_spans(codes, table, cuts, more):
    """(start, end) of each sentence, whitespace trimmed, between the cuts (end of a sentence,
    start of the next) of both sorted lists, `scan_stops`' and `more`; a cut that falls before
    the last one's next start is the same boundary seen twice (a stop right before a
    paragraph break)."""
    return _spans(codes, table, _merged(cuts, more))


@njit(
    types.Tuple((_INT64S, _INT64S, _INT64S))(_CODES, _TABLE, _WORDS, _WORDS, _WORDS, _WORDS),
    cache=True,
    nogil=True,
)
def scan_stops(codes, table, never_final, before_numbers, maybe_final, usually_final):
    """(spans, cuts, undecided) of the text whose code points are `codes`.

    cuts: rows (end of a sentence, start of the next), in order, for every paragraph break
    and every full stop that ends a sentence; spans: `sentence_spans` between them;
    undecided: rows (stop, end of its closers, start of the next word) for the stops left to
    `_is_boundary`, with which the caller finds the spans again when one of them is a
    boundary.
    """
    n = len(codes)
    breaks = np.empty((n // 2 + 1, 2), dtype=np.int64)
    stops = np.empty((n // 2 + 1, 2), dtype=np.int64)
    undecided = np.empty((n // 2 + 1, 3), dtype=np.int64)
    found_breaks, found_stops, left = 0, 0, 0
    # a blank line: "\n", blanks but no newline, "\n", then any whitespace (the test's
    # _PARAGRAPH_BREAK)
    i = 0
    while i < n:
        # a loop of its own to the next newline (and below, to the next full stop) compiles
        # to a tighter scan: 2 us of a 4 KB text (refs #20)
        while i < n and codes[i] != 10:
            i += 1
        if i == n:
            break
        j = i + 1
        while j < n and (codes[j] == 32 or 9 <= codes[j] <= 13) and codes[j] != 10:
            j += 1
        if j < n and codes[j] == 10:
            j += 1
            while j < n and _has(table, codes[j], SPACE):
                j += 1
            breaks[found_breaks, 0], breaks[found_breaks, 1] = i, j
            found_breaks += 1
            i = j
        else:
            i += 1
    # "." before whitespace or a closer, then closers (or " »"), then whitespace (the test's
    # _FULL_STOP)
    i = 0
    while i < n:
        while i < n and codes[i] != 46:
            i += 1
        if i + 1 >= n or not _has(table, codes[i + 1], SPACE | CLOSER):
            i += 1
            continue
        j = i + 1
        while j < n:
            if _has(table, codes[j], CLOSER):
                j += 1
            elif (
                (codes[j] == 32 or codes[j] == 0xA0 or codes[j] == 0x202F)
                and j + 1 < n
                and codes[j + 1] == 0xBB
            ):
                j += 2
            else:
                break
        stop_end = j
        while j < n and _has(table, codes[j], SPACE):
            j += 1
        if j > stop_end:
            verdict = _verdict(
                codes, table, i, j, never_final, before_numbers, maybe_final, usually_final
            )
            if verdict == BOUNDARY:
                stops[found_stops, 0], stops[found_stops, 1] = stop_end, j
                found_stops += 1
            elif verdict == UNDECIDED:
                undecided[left, 0], undecided[left, 1], undecided[left, 2] = i, stop_end, j
                left += 1
        i = j
    cuts = _merged(breaks[:found_breaks], stops[:found_stops])
    return _spans(codes, table, cuts), cuts, undecided[:left]
