"""Word 5-shingles of a text as 64-bit hashes, computed in numpy over its UTF-8 bytes.

Story assignment compares texts by their shingles (refs #16). Joining ~700 five-word strings
per 4 KB article in Python took 0.11 ms, half the whole fast tagging path; hashing each word
from prefix sums of its bytes (etl/tag/span_hashes.py) and each shingle as a weighted sum of
5 word hashes took 0.07 ms one text at a time, ~40 numpy calls each. Tagging hashes a whole
batch in one pass per chunk of texts instead (`batch_hashes`), and finds the numbers of its
ASCII texts in the same bytes (etl/tag/figures.py). `shingle_hashes` is the same definition
for one text.

A word is a run of ASCII letters, digits and `_` or of non-ASCII characters, after NFKC and
case folding, with the General Punctuation block (dashes, curly quotes) as separators: close
to the regex `\\w+`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from etl.tag.figures import chunk_number_sums, number_sums
from etl.tag.span_hashes import SpanHasher, mix

SHINGLE_WORDS = 5
"""Words per shingle: the issue's definition of near-duplicate text (refs #16)."""

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
    raw = _folded(text)
    starts, ends = _words(raw)
    words = SpanHasher(raw)(starts, ends)
    return mix(_shingles(words, np.zeros(1, dtype=np.int64), np.array([len(words)])))


CHUNK_BYTES = 1 << 18
"""Bytes of a batch hashed in one pass: enough texts (64 of 4 KB) to spread the numpy calls'
cost thin, and the prefix sums and power tables of a chunk stay a few MB (a text longer than
this is a chunk of its own)."""


@dataclass(frozen=True)
class BatchHashes:
    """What story keys take from the texts of a batch."""

    shingles: np.ndarray
    """Every text's `shingle_hashes`, concatenated."""
    offsets: np.ndarray
    """Text i's shingles are shingles[offsets[i]:offsets[i + 1]]; uint64, as rensa's
    `digest_matrix_from_flat_token_hashes` takes them."""
    numbers: np.ndarray
    """Per text, the sum of its distinct numbers' hashes (etl/tag/figures.py)."""


def batch_hashes(texts: list[str]) -> BatchHashes:
    """The shingles and numbers of every text, in a few numpy calls per chunk of texts."""
    raws = [_folded(text) for text in texts]
    parts, counts, numbers = (
        [np.empty(0, np.uint64)],
        [np.empty(0, np.int64)],
        [np.empty(0, np.uint64)],
    )
    for chunk in _chunks(raws):
        hashes, chunk_counts, chunk_numbers = _chunk_hashes(chunk)
        parts.append(hashes)
        counts.append(chunk_counts)
        numbers.append(chunk_numbers)
    offsets = np.zeros(len(texts) + 1, dtype=np.uint64)
    np.cumsum(np.concatenate(counts), out=offsets[1:])
    found = np.concatenate(numbers)
    # a text beyond ASCII may write its numbers in other digits, which NFKC may change
    wide = [i for i, text in enumerate(texts) if not text.isascii()]
    if wide:
        found[wide] = number_sums([texts[i] for i in wide])
    return BatchHashes(np.concatenate(parts), offsets, found)


def _folded(text: str) -> bytes:
    return unicodedata.normalize("NFKC", text).casefold().encode()


def _chunks(raws: list[bytes]):
    start, size = 0, 0
    for end, raw in enumerate(raws):
        if size and size + len(raw) > CHUNK_BYTES:
            yield raws[start:end]
            start, size = end, 0
        size += len(raw) + 1
    if start < len(raws):
        yield raws[start:]


def _chunk_hashes(raws: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(shingle hashes, shingles per text, number sums per text) of texts joined by a
    newline, which no word or number crosses; a span's hash does not depend on where it
    starts, so it is the same as in its text alone."""
    joined = b"\n".join(raws)
    lengths = np.fromiter(map(len, raws), dtype=np.int64, count=len(raws))
    text_starts = np.cumsum(lengths + 1) - (lengths + 1)
    hasher = SpanHasher(joined)
    starts, ends = _words(joined)
    first_word = np.searchsorted(starts, text_starts)
    word_counts = np.diff(first_word, append=len(starts))
    shingles = _shingles(hasher(starts, ends), first_word, word_counts)
    counts = np.where(word_counts > 0, np.maximum(word_counts - SHINGLE_WORDS + 1, 1), 0)
    numbers = chunk_number_sums(np.frombuffer(joined, np.uint8), hasher, text_starts)
    return mix(shingles), counts, numbers


def _shingles(words: np.ndarray, first_word: np.ndarray, word_counts: np.ndarray) -> np.ndarray:
    """Each text's shingles (unmixed) from the words of consecutive texts: text t's words
    are words[first_word[t]:first_word[t] + word_counts[t]]."""
    size = len(words)
    padded = np.zeros(size + SHINGLE_WORDS - 1, dtype=np.uint64)
    padded[:size] = words
    every = np.empty(size, dtype=np.uint64)
    scaled = np.empty(size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.multiply(padded[:size], _WEIGHTS[0], out=every)
        for k in range(1, SHINGLE_WORDS):
            np.multiply(padded[k : k + size], _WEIGHTS[k], out=scaled)
            every += scaled
    counts = np.where(word_counts > 0, np.maximum(word_counts - SHINGLE_WORDS + 1, 1), 0)
    shingle_starts = np.cumsum(counts) - counts
    heads = np.arange(counts.sum()) + np.repeat(first_word - shingle_starts, counts)
    shingles = every[heads]
    # a text of 1-4 words is one shingle of them all: the next text's words are not in it
    short = np.flatnonzero((word_counts > 0) & (word_counts < SHINGLE_WORDS))
    if len(short):
        shingles[shingle_starts[short]] = _short_shingles(
            words, first_word[short], word_counts[short]
        )
    return shingles


def _short_shingles(words: np.ndarray, first: np.ndarray, counts: np.ndarray) -> np.ndarray:
    total = np.zeros(len(first), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE_WORDS - 1):
            has = counts > k
            total[has] += words[first[has] + k] * _WEIGHTS[k]
    return total


def _words(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) byte offsets of the words; the byte-level work runs in C."""
    # every General Punctuation character starts with the byte E2, which memchr finds fast
    if b"\xe2" in raw:
        raw = _GENERAL_PUNCTUATION.sub(b"   ", raw)
    marks = np.frombuffer(b"\0" + raw.translate(_WORD_BYTES) + b"\0", np.uint8)
    # padded with a separator at both ends, the changes alternate: a word's start, its end
    changes = np.flatnonzero(marks[1:] != marks[:-1])
    return changes[0::2], changes[1::2]
