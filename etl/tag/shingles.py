"""Word 5-shingles of a text as 64-bit hashes, computed in numpy over its UTF-8 bytes.

Story assignment compares texts by their shingles (refs #16). Joining ~700 five-word strings
per 4 KB article in Python took 0.11 ms, half the whole fast tagging path; hashing each word
from prefix sums of its bytes and each shingle as a weighted sum of 5 word hashes took 0.07
ms one text at a time, ~40 numpy calls each. Tagging hashes a whole batch in one pass per
chunk of texts instead (`batch_shingle_hashes`): 0.035 ms an article, a third of it the
prefix sums (numpy's uint64 cumsum, ~3 ns a byte, does not vectorise). `shingle_hashes` is
the same definition for one text.

A word is a run of ASCII letters, digits and `_` or of non-ASCII characters, after NFKC and
case folding, with the General Punctuation block (dashes, curly quotes) as separators: close
to the regex `\\w+`. The hashes are the same in every process and on every machine (no
Python `hash`), so signatures stored by one run compare with the next run's.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

SHINGLE_WORDS = 5
"""Words per shingle: the issue's definition of near-duplicate text (refs #16)."""

_BASE = 0x100000001B3
"""Odd, so its powers are invertible modulo 2**64 and a word's hash is a difference of
prefix sums scaled back to its start."""
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_WEIGHTS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    ],
    dtype=np.uint64,
)
"""One odd multiplier per position in the shingle: "a b c d e" and "e d c b a" differ."""

_WORD_BYTES = bytes(
    1 if chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) == "_") or byte >= 0x80 else 0
    for byte in range(256)
)
"""bytes.translate table: 1 for a byte of a word, 0 for a separator."""
_GENERAL_PUNCTUATION = re.compile(rb"\xe2\x80[\x80-\xbf]")
"""UTF-8 of U+2000..U+203F (General Punctuation: dashes, quotes, ellipsis): separators."""


def shingle_hashes(text: str) -> np.ndarray:
    """The text's word 5-shingles as uint64 hashes, in text order (repeats kept); a text of
    1-4 words is one shingle of them all, a text without words has none."""
    raw = unicodedata.normalize("NFKC", text).casefold().encode()
    data = np.frombuffer(raw, np.uint8)
    starts, ends = _words(raw)
    if not len(starts):
        return np.empty(0, dtype=np.uint64)
    words = _word_hashes(data, starts, ends)
    count = max(len(words) - SHINGLE_WORDS + 1, 1)
    shingles = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(min(SHINGLE_WORDS, len(words))):
            shingles += words[k : k + count] * _WEIGHTS[k]
    return _mix(shingles)


CHUNK_BYTES = 1 << 18
"""Bytes of a batch hashed in one pass: enough texts (64 of 4 KB) to spread the numpy calls'
cost thin, and the prefix sums and power tables of a chunk stay a few MB (a text longer than
this is a chunk of its own)."""


def batch_shingle_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every text's `shingle_hashes`, concatenated, in a few numpy calls per chunk of texts.

    Returns:
        (hashes, offsets): text i's shingles are hashes[offsets[i]:offsets[i + 1]]; offsets
        are uint64, as rensa's `digest_matrix_from_flat_token_hashes` takes them.
    """
    raws = [unicodedata.normalize("NFKC", text).casefold().encode() for text in texts]
    parts, counts = [np.empty(0, np.uint64)], [np.empty(0, np.int64)]
    for chunk in _chunks(raws):
        hashes, chunk_counts = _chunk_shingles(chunk)
        parts.append(hashes)
        counts.append(chunk_counts)
    offsets = np.zeros(len(texts) + 1, dtype=np.uint64)
    np.cumsum(np.concatenate(counts), out=offsets[1:])
    return np.concatenate(parts), offsets


def _chunks(raws: list[bytes]):
    start, size = 0, 0
    for end, raw in enumerate(raws):
        if size and size + len(raw) > CHUNK_BYTES:
            yield raws[start:end]
            start, size = end, 0
        size += len(raw) + 1
    if start < len(raws):
        yield raws[start:]


def _chunk_shingles(raws: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(shingle hashes, shingles per text) of texts joined by a newline, which no word
    crosses; a word's hash does not depend on where the word starts, so it is the same as
    in its text alone."""
    joined = b"\n".join(raws)
    lengths = np.fromiter(map(len, raws), dtype=np.int64, count=len(raws))
    text_starts = np.cumsum(lengths + 1) - (lengths + 1)
    starts, ends = _words(joined)
    words = _word_hashes(np.frombuffer(joined, np.uint8), starts, ends)
    first_word = np.searchsorted(starts, text_starts)
    word_counts = np.diff(first_word, append=len(starts))
    counts = np.where(word_counts > 0, np.maximum(word_counts - SHINGLE_WORDS + 1, 1), 0)
    # each text's words followed by SHINGLE_WORDS - 1 zeros: a shingle never reads the next
    # text's words, and a text of 1-4 words is one shingle of them all (zeros add nothing)
    gap = SHINGLE_WORDS - 1
    slots = np.zeros(len(words) + gap * len(raws), dtype=np.uint64)
    first_slot = first_word + gap * np.arange(len(raws))
    slots[np.arange(len(words)) + np.repeat(first_slot - first_word, word_counts)] = words
    # every slot's shingle in contiguous slices, then the ones that start a text's shingle
    slots = np.append(slots, np.zeros(gap, dtype=np.uint64))
    every = np.zeros(len(slots) - gap, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE_WORDS):
            every += slots[k : k + len(every)] * _WEIGHTS[k]
    shingle_starts = np.cumsum(counts) - counts
    heads = np.arange(counts.sum()) + np.repeat(first_slot - shingle_starts, counts)
    return _mix(every[heads]), counts


def _words(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) byte offsets of the words; the byte-level work runs in C."""
    marks = np.frombuffer(
        b"\0" + _GENERAL_PUNCTUATION.sub(b"   ", raw).translate(_WORD_BYTES) + b"\0", np.uint8
    )
    # padded with a separator at both ends, the changes alternate: a word's start, its end
    changes = np.flatnonzero(marks[1:] != marks[:-1])
    return changes[0::2], changes[1::2]


def _word_hashes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """sum(byte_k * BASE**k) over each word's bytes, k counted from the word's start."""
    size = len(data)
    powers, inverse = _powers(size + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(size + 1, dtype=np.uint64)
        np.multiply(data, powers[:size], out=prefix[1:])
        np.cumsum(prefix[1:], out=prefix[1:])
        return _mix((prefix[ends] - prefix[starts]) * inverse[starts])


_POWERS: list[np.ndarray] = []


def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**k and BASE**-k modulo 2**64 for k < size (at least), computed once per process
    for the longest text seen."""
    if not _POWERS or len(_POWERS[0]) < size:
        length = max(size, 8192)
        with np.errstate(over="ignore"):
            powers = np.full(length, _BASE, dtype=np.uint64)
            powers[0] = 1
            inverse = np.full(length, _BASE_INVERSE, dtype=np.uint64)
            inverse[0] = 1
            _POWERS[:] = [np.cumprod(powers, dtype=np.uint64), np.cumprod(inverse, dtype=np.uint64)]
    return _POWERS[0], _POWERS[1]


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(30))
        values = values * np.uint64(0xBF58476D1CE4E5B9)
        values = values ^ (values >> np.uint64(27))
        values = values * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))
