"""The distinct numbers of each document of a batch, found in one numpy pass (refs #16).

A number is what the regex `\\d[\\d.,/-]*` finds: a decimal digit (Python's `\\d`, any
Unicode decimal digit: `٣`, `१`, `１`) and the digits, dots, commas, slashes and hyphens that
follow it. Story assignment compares them to tell a routine item filed again with new
figures ("FED ADDS RESERVES") from a copy. The regex scans 4 KB in 0.03 ms, as much as the
rest of an article's story keys; the same runs found in a batch's code points take a few
numpy calls for the whole batch.
"""

from __future__ import annotations

import numpy as np

_ASCII = 128
_DIGITS = np.zeros(_ASCII + 1, dtype=bool)
_DIGITS[ord("0") : ord("9") + 1] = True
_CONTINUES = _DIGITS.copy()
_CONTINUES[[ord(c) for c in ".,/-"]] = True
"""Lookup tables over ASCII code points (the last entry stands for every other character):
what starts a number, what may follow its first digit."""
_DIGIT_BYTES = _DIGITS[:_ASCII].tobytes().ljust(256, b"\0")
_CONTINUE_BYTES = _CONTINUES[:_ASCII].tobytes().ljust(256, b"\0")
"""The same as bytes.translate tables: 1 for a digit (or what may follow one), else 0."""
_BMP = 0x10000
_WIDE_DIGITS: list[np.ndarray] = []
"""Per code point of the Basic Multilingual Plane, whether it is a decimal digit: built once
per process (5 ms), the first time a batch has a character beyond ASCII."""


def distinct_numbers(documents: list[str]) -> list[list[str]]:
    """Per document, `sorted(set(re.findall(r"\\d[\\d.,/-]*", document)))`."""
    # a newline ends a number, so no number runs from one document into the next
    joined = "\n".join(documents)
    digits, continues = _marks(joined)
    # padded at both ends, the changes alternate: a run's start, its end
    changes = np.flatnonzero(continues[1:] != continues[:-1])
    run_starts, run_ends = changes[0::2], changes[1::2]
    # a number starts at the first digit of a run of what may follow one ("-.5" is "5")
    digit_at = np.flatnonzero(digits)
    first = np.searchsorted(digit_at, run_starts)
    first_digit = np.append(digit_at, len(digits))[first]
    found = first_digit < run_ends
    starts, ends = first_digit[found], run_ends[found]
    lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    doc_ends = np.cumsum(lengths + 1)
    owner = np.searchsorted(doc_ends, starts, side="right")
    bounds = np.cumsum(np.bincount(owner, minlength=len(documents))).tolist()
    numbers = [joined[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
    return [sorted(set(numbers[a:b])) for a, b in zip([0, *bounds], bounds, strict=False)]


def _marks(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Per character of the text, whether it is a decimal digit, and (padded with False at
    both ends) whether it may be part of a number."""
    if text.isascii():
        # bytes.translate classifies in C, several times faster than a numpy lookup
        raw = text.encode("ascii")
        digits = np.frombuffer(raw.translate(_DIGIT_BYTES), bool)
        continues = np.frombuffer(b"\0" + raw.translate(_CONTINUE_BYTES) + b"\0", bool)
        return digits, continues
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
