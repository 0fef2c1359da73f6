"""The numbers of each document of a batch, as one hash per document, found without a regex
(refs #16).

A number is what the regex `\\d[\\d.,/-]*` finds: a decimal digit (Python's `\\d`, any
Unicode decimal digit: `٣`, `१`, `１`) and the digits, dots, commas, slashes and hyphens that
follow it. Story assignment compares a document's distinct numbers to tell a routine item
filed again with new figures ("FED ADDS RESERVES") from a copy; it only asks whether two
documents have the same ones, so each document's numbers are one sum of their hashes
(etl/tag/span_hashes.py), not a sorted list of strings: the regex scanned 4 KB in 0.03 ms,
splitting the strings out and sorting them 0.015, as much as the rest of the story keys. An
ASCII document's numbers are found in the pass that hashes its shingles (etl/tag/
shingles.py), the others' in the code points of all of them (`number_sums`).
"""

from __future__ import annotations

import numpy as np

from etl.tag.span_hashes import span_hashes

_OWNER_SHIFT = np.uint64(44)
"""A number counts as the top 44 bits of its hash, under its document's index (20 bits, so
documents are summed 2**20 at a time): one sort of these keys finds each document's
distinct numbers, and two different numbers of one document are taken for one with
probability 2**-44."""
_OWNERS = 1 << 20
_HASH_MASK = np.uint64((1 << 44) - 1)

_ASCII = 128
_CONTINUES = np.zeros(_ASCII + 1, dtype=bool)
_CONTINUES[[ord(c) for c in "0123456789.,/-"]] = True
"""Per ASCII code point (the last entry stands for every other character), whether it may
be part of a number."""
_BMP = 0x10000
_WIDE_DIGITS: list[np.ndarray] = []
"""Per code point of the Basic Multilingual Plane, whether it is a decimal digit: built once
per process (5 ms), the first time a batch has a character beyond ASCII."""


def number_key(total: int) -> str:
    """The stored form of a document's number sum (`story_signatures.numbers_key`)."""
    return f"{total:016x}"


def number_sums(documents: list[str]) -> np.ndarray:
    """Per document, the sum of its distinct numbers' hashes, found in the code points of
    them all (any document; etl/tag/shingles.py's pass is the fast path for ASCII ones)."""
    # a newline ends a number, so no number runs from one document into the next
    joined = "\n".join(documents)
    digits, continues = _marks(joined)
    starts, ends = _numbers_at(continues, np.flatnonzero(digits), len(digits))
    lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    owner = np.searchsorted(np.cumsum(lengths + 1), starts, side="right")
    numbers = [joined[a:b].encode() for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    sizes = np.fromiter(map(len, numbers), dtype=np.int64, count=len(numbers))
    number_ends = np.cumsum(sizes + 1) - 1
    data = np.frombuffer(b"\n".join(numbers), np.uint8)
    return sum_distinct(owner, span_hashes(data, number_ends - sizes, number_ends), len(documents))


def _numbers_at(
    continues: np.ndarray, digit_at: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the numbers, from the mask of what may be part of one (padded with
    False at both ends) and the positions of the digits."""
    # padded at both ends, the changes alternate: a run's start, its end
    changes = np.flatnonzero(continues[1:] != continues[:-1])
    run_starts, run_ends = changes[0::2], changes[1::2]
    # a number starts at the first digit of a run of what may follow one ("-.5" is "5")
    first_digit = np.append(digit_at, size)[np.searchsorted(digit_at, run_starts)]
    found = first_digit < run_ends
    return first_digit[found], run_ends[found]


def sum_distinct(owner: np.ndarray, hashes: np.ndarray, count: int) -> np.ndarray:
    """Per document, the sum modulo 2**64 of its distinct numbers' hashes (their top 44
    bits), given each number's document (in order) and hash."""
    sums = np.zeros(count, dtype=np.uint64)
    for first in range(0, count, _OWNERS):
        lo, hi = np.searchsorted(owner, [first, first + _OWNERS])
        local = (owner[lo:hi] - first).astype(np.uint64)
        keys = np.sort((local << _OWNER_SHIFT) | (hashes[lo:hi] >> np.uint64(20)))
        distinct = keys[np.append(True, keys[1:] != keys[:-1])] if len(keys) else keys
        np.add.at(sums, (distinct >> _OWNER_SHIFT).astype(np.intp) + first, distinct & _HASH_MASK)
    return sums


def _marks(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Per character of the text, whether it is a decimal digit, and (padded with False at
    both ends) whether it may be part of a number."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    digits = _wide_digits()[np.minimum(points, _BMP - 1)]
    astral = points >= _BMP
    if astral.any():
        # few distinct characters lie beyond the BMP (emoji, mathematical digits `𝟓`)
        found = [p for p in np.unique(points[astral]).tolist() if chr(p).isdecimal()]
        if found:
            digits |= np.isin(points, found)
    continues = np.zeros(len(points) + 2, dtype=bool)
    continues[1:-1] = _CONTINUES[np.minimum(points, _ASCII)] | digits
    return digits, continues


def _wide_digits() -> np.ndarray:
    # str.isdecimal is the test sre's `\d` applies to a str pattern's characters
    if not _WIDE_DIGITS:
        _WIDE_DIGITS.append(np.array([chr(p).isdecimal() for p in range(_BMP)]))
    return _WIDE_DIGITS[0]
