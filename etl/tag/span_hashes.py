"""64-bit hashes of byte spans of one buffer, from one prefix-sum pass over it (refs #16).

Story keys hash every word of a batch (its shingles, etl/tag/shingles.py) and every number
(its numbers key, etl/tag/figures.py) from the same UTF-8 bytes: one pass of prefix sums
serves both, and a span's hash does not depend on where the span starts, so a word hashed
in a whole batch equals the word hashed alone. The hashes are the same in every process and
on every machine (no Python `hash`), so keys stored by one run compare with the next run's.
"""

from __future__ import annotations

import numpy as np

_BASE = 0x100000001B3
"""Odd, so its powers are invertible modulo 2**64 and a span's hash is a difference of
prefix sums scaled back to its start."""
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)


class SpanHasher:
    """sum(byte_k * BASE**k), k counted from the span's start, mixed, for spans of `raw`."""

    def __init__(self, raw: bytes) -> None:
        data = np.frombuffer(raw, np.uint8)
        size = len(data)
        powers, self._inverse = _powers(size + 1)
        with np.errstate(over="ignore"):
            self._prefix = np.zeros(size + 1, dtype=np.uint64)
            np.multiply(data, powers[:size], out=self._prefix[1:])
            np.cumsum(self._prefix[1:], out=self._prefix[1:])

    def __call__(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        prefix = self._prefix
        with np.errstate(over="ignore"):
            return mix((prefix[ends] - prefix[starts]) * self._inverse[starts])


_POWERS: list[np.ndarray] = []


def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**k and BASE**-k modulo 2**64 for k < size (at least), computed once per process
    for the longest buffer seen."""
    if not _POWERS or len(_POWERS[0]) < size:
        length = max(size, 8192)
        with np.errstate(over="ignore"):
            powers = np.full(length, _BASE, dtype=np.uint64)
            powers[0] = 1
            inverse = np.full(length, _BASE_INVERSE, dtype=np.uint64)
            inverse[0] = 1
            _POWERS[:] = [np.cumprod(powers, dtype=np.uint64), np.cumprod(inverse, dtype=np.uint64)]
    return _POWERS[0], _POWERS[1]


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(30))
        values *= np.uint64(0xBF58476D1CE4E5B9)
        values ^= values >> np.uint64(27)
        values *= np.uint64(0x94D049BB133111EB)
        values ^= values >> np.uint64(31)
        return values
