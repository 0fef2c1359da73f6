"""Word 5-shingles of texts as 64-bit hashes, and their numbers, in one compiled pass.

Story assignment compares texts by their shingles (refs #16). Joining ~700 five-word strings
per 4 KB article in Python took 0.11 ms, half the whole fast tagging path; numpy over a
batch's bytes (prefix sums for the word hashes, a weighted sum of 5 word hashes per
shingle) took 0.02-0.035 ms, ~30 passes over arrays of the batch's words and bytes, whose
temporaries also pushed the tagging's own data out of the caches. Compiled with numba, one
loop over each text's bytes hashes its words, one over its words its shingles, and one
finds the numbers of an ASCII text (etl/tag/figures.py): 0.005-0.007 ms an article.

A word is a run of ASCII letters, digits and `_` or of non-ASCII characters, after NFKC and
case folding, with the General Punctuation block (dashes, curly quotes) as separators: close
to the regex `\\w+`. Its hash is etl/tag/span_hashes.py's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from numba import njit, types

from etl.tag.figures import number_sums, sum_distinct
from etl.tag.span_hashes import BASE, READONLY_BYTES, mix
from etl.tag.textfold import non_ascii

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

_WORD_BYTES = np.array(
    [
        (chr(byte).isascii() and (chr(byte).isalnum() or chr(byte) == "_")) or byte >= 0x80
        for byte in range(256)
    ],
    dtype=np.bool_,
)
"""Per byte, whether it is part of a word."""
_GENERAL_PUNCTUATION = re.compile(rb"\xe2\x80[\x80-\xbf]")
"""UTF-8 of U+2000..U+203F (General Punctuation: dashes, quotes, ellipsis): separators."""


def _as_written(char: str) -> bool:
    """Whether `char` beside ASCII and other such characters comes out of NFKC and case folding
    as it went in, starts no number and is none of `,-./` (etl/tag/figures.py)."""
    return (
        unicodedata.normalize("NFKC", char) == char
        and unicodedata.combining(char) == 0
        and char.casefold() == char
        and not char.isdecimal()
    )


_BLOCKS = (range(0x80, 0x250), range(0x2000, 0x2070), range(0x20A0, 0x20C1))
"""Latin-1, Latin Extended, General Punctuation and currency: what news beyond ASCII mostly
is, when it is in a Latin script."""
_AS_WRITTEN = frozenset(char for block in _BLOCKS for char in map(chr, block) if _as_written(char))
"""The characters of `_BLOCKS` that `_as_written` holds for: a text beyond ASCII only by these
needs neither NFKC nor case folding. tests/etl/test_story_keys.py checks each beside every
ASCII character and every other."""
_TO_ASCII = {
    char: unicodedata.normalize("NFKC", char)
    for block in _BLOCKS
    for char in map(chr, block)
    if char not in _AS_WRITTEN
    and unicodedata.normalize("NFKC", char).isascii()
    and unicodedata.combining(char) == 0
}
"""The other characters of `_BLOCKS` whose NFKC is ASCII: the no-break space (" "), the
ellipsis ("..."), the thin and other spaces, "²" ("2"). Replacing them with it is their NFKC
and case folding, beside ASCII and `_AS_WRITTEN`; the test checks that too."""
_AS_WRITTEN_OR_TO_ASCII = _AS_WRITTEN | _TO_ASCII.keys()
_FIRST_CONTINUER, _FIRST_DIGIT, _LAST_CONTINUER = ord(","), ord("0"), ord("9")
"""`,` `-` `.` `/` and the digits are the consecutive bytes 44-57: what a number is made of
(etl/tag/figures.py), the digits from 48."""


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
    """The shingles and numbers of every text, in one compiled pass over the batch."""
    folded = [_folded(text) for text in texts]
    raws = [raw for raw, _ in folded]
    lengths = np.fromiter(map(len, raws), dtype=np.int64, count=len(raws))
    # joined by newlines, which end every word and number: no text reads into the next
    ends = np.cumsum(lengths + 1) - 1
    data = np.frombuffer(b"\n".join(raws), np.uint8)
    shingles, counts, owners, number_hashes = _hash_texts(data, ends - lengths, ends)
    offsets = np.zeros(len(texts) + 1, dtype=np.uint64)
    np.cumsum(counts, out=offsets[1:])
    numbers = sum_distinct(owners, number_hashes, len(texts))
    # folding may change a number of text beyond ASCII ("3…" is "3..." after NFKC), and its
    # digits may be other than ASCII's: its numbers are read from the text as written
    wide = [i for i, (_, as_written) in enumerate(folded) if not as_written]
    if wide:
        numbers[wide] = number_sums([texts[i] for i in wide])
    return BatchHashes(shingles, offsets, numbers)


def shingle_hashes(text: str) -> np.ndarray:
    """The text's word 5-shingles as uint64 hashes, in text order (repeats kept); a text of
    1-4 words is one shingle of them all, a text without words has none."""
    data = np.frombuffer(_folded(text)[0], np.uint8)
    return _hash_texts(data, np.zeros(1, np.int64), np.array([len(data)], np.int64))[0]


def casefolded(text: str) -> str:
    """NFKC and case folding of `text`: for most news, the same made cheaply (`_folded`)."""
    if text.isascii():
        return text.lower()
    raw = text.encode()
    quick = _quickly_folded(raw, non_ascii(raw))
    if quick is not None:
        return quick.decode()
    return unicodedata.normalize("NFKC", text).casefold()


def _folded(text: str) -> tuple[bytes, bool]:
    """The text after NFKC and case folding as UTF-8, General Punctuation made spaces (as
    many bytes), and whether its numbers are those of the text as written."""
    if text.isascii():
        # NFKC leaves ASCII as it is, and case folding lowers it
        return text.encode().lower(), True
    raw = text.encode()
    wide = non_ascii(raw)
    quick = _quickly_folded(raw, wide)
    if quick is not None:
        # NFKC makes a no-break space or an ellipsis ASCII, which changes a number beside
        # one ("3..."): then the numbers are read as written
        return _blank_punctuation(quick), wide <= _AS_WRITTEN
    normal = unicodedata.normalize("NFKC", text)
    raw = _blank_punctuation(normal.encode())
    if raw.isascii():
        # beyond ASCII by General Punctuation alone (curly quotes, dashes: most English
        # news), which has no case: lowering the rest is case folding, and str.casefold
        # would cost three times the rest of its keys (refs #16)
        return raw.lower(), normal == text
    return _blank_punctuation(normal.casefold().encode()), False


def _quickly_folded(raw: bytes, wide: set[str]) -> bytes | None:
    """NFKC and case folding of the UTF-8 text `raw`, whose non-ASCII characters are `wide`,
    when it needs neither: None when it does."""
    if not wide <= _AS_WRITTEN_OR_TO_ASCII:
        return None
    # beyond ASCII only by characters that NFKC and case folding leave as they are ("£",
    # "é", curly quotes, dashes: most news) and ones NFKC makes ASCII (no-break space,
    # ellipsis: one text in ten): lowering the ASCII after replacing those is all the
    # folding there is, 3-10x cheaper than NFKC (refs #20)
    for char in wide - _AS_WRITTEN:
        raw = raw.replace(char.encode(), _TO_ASCII[char].encode())
    return raw.lower()


def _blank_punctuation(raw: bytes) -> bytes:
    # each General Punctuation character starts with the byte E2, which memchr finds fast
    return _GENERAL_PUNCTUATION.sub(b"   ", raw) if b"\xe2" in raw else raw


@njit(cache=True, nogil=True)
def _powers(count):
    """BASE**k for k < count, modulo 2**64."""
    powers = np.empty(count, dtype=np.uint64)
    power = np.uint64(1)
    for k in range(count):
        powers[k] = power
        power *= BASE
    return powers


@njit(cache=True, nogil=True)
def _text_shingles(data, start, end, words, powers, out, written):
    """Hash the words of data[start:end] (into `words`, scratch; `powers` from `_powers`,
    one more than the text's bytes) and their shingles into out[written:]; returns (the new
    end of out, the text's shingles)."""
    # branch-free: a word ends at every other byte of prose, and a mispredicted branch at
    # each cost more than the hashing (refs #16); the byte's power is looked up by its place
    # in the word, not multiplied from the last one's, which made each byte wait for the
    # one before (5.6 -> 4.2 us a 4 KB text, refs #20)
    count = 0
    word, place, in_word = np.uint64(0), np.uint64(0), np.uint64(0)
    for j in range(start, end):
        byte = np.uint64(data[j])
        is_word = np.uint64(_WORD_BYTES[byte])
        keep = np.uint64(0) - is_word  # every bit set in a word, none outside
        words[count] = word
        count += in_word & (is_word ^ np.uint64(1))
        word = (word + byte * powers[place]) & keep
        place = (place + np.uint64(1)) & keep
        in_word = is_word
    words[count] = word
    count += in_word
    for k in range(count):
        words[k] = mix(words[k])
    if count == 0:
        return written, 0
    if count < SHINGLE_WORDS:
        # a text of 1-4 words is one shingle of them all
        total = np.uint64(0)
        for k in range(count):
            total += words[k] * _WEIGHTS[k]
        out[written] = mix(total)
        return written + 1, 1
    shingles = count - SHINGLE_WORDS + 1
    for i in range(shingles):
        total = np.uint64(0)
        for k in range(SHINGLE_WORDS):
            total += words[i + k] * _WEIGHTS[k]
        out[written + i] = mix(total)
    return written + shingles, shingles


@njit(cache=True, nogil=True)
def _text_numbers(data, start, end, owner, owners, out, found):
    """Hash the numbers of data[start:end] into out[found:] (each from its first digit to
    the end of its run of `,-./` and digits); returns the new end of out."""
    j = start
    while j < end:
        if not _FIRST_DIGIT <= data[j] <= _LAST_CONTINUER:
            j += 1
            continue
        # the first digit met starts a number: an earlier digit of its run would have
        # started it and taken the run
        number, power = np.uint64(0), np.uint64(1)
        while j < end and _FIRST_CONTINUER <= data[j] <= _LAST_CONTINUER:
            number += np.uint64(data[j]) * power
            power *= BASE
            j += 1
        owners[found] = owner
        out[found] = mix(number)
        found += 1
    return found


@njit(
    types.Tuple((types.uint64[:], types.int64[:], types.int64[:], types.uint64[:]))(
        READONLY_BYTES, types.int64[:], types.int64[:]
    ),
    cache=True,
    nogil=True,
)
def _hash_texts(data, starts, ends):
    """(shingle hashes, shingles per text, owner and hash of each number) of the texts
    data[starts[t]:ends[t]]; the numbers count only for an ASCII text (batch_hashes finds
    the others')."""
    shingles = np.empty(len(data) // 2 + len(starts), dtype=np.uint64)
    counts = np.zeros(len(starts), dtype=np.int64)
    owners = np.empty(len(data) // 2 + 1, dtype=np.int64)
    numbers = np.empty(len(data) // 2 + 1, dtype=np.uint64)
    longest = np.max(ends - starts) if len(starts) else 0
    words = np.empty(longest // 2 + 2, dtype=np.uint64)
    powers = _powers(longest + 1)
    written, found = 0, 0
    for t in range(len(starts)):
        written, counts[t] = _text_shingles(
            data, starts[t], ends[t], words, powers, shingles, written
        )
        found = _text_numbers(data, starts[t], ends[t], t, owners, numbers, found)
    return shingles[:written], counts, owners[:found], numbers[:found]
