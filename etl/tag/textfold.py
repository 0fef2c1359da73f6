"""A length-preserving fold of text for gazetteer matching (issue #3, item 2).

`fold` lower-cases and turns punctuation and whitespace into plain spaces, one character for
one, so offsets into the folded copy are offsets into the original text. With gazetteer keys
padded by a space on each side, one Aho-Corasick pass then only reports whole words: "us"
never fires inside "because", and "U.S.-led" folds to "u s  led".
"""

from __future__ import annotations

import re

_ASCII_FOLD = bytes(
    byte + 0x20
    if 0x41 <= byte <= 0x5A
    else byte
    if byte >= 0x80 or chr(byte).isalnum() or chr(byte) in "_ "
    else 0x20
    for byte in range(256)
)
"""bytes.translate table: ASCII capitals lower-cased, ASCII punctuation and controls blanked.
UTF-8 only uses bytes >= 0x80 inside multi-byte characters, so translating the encoded text
keeps every character's length and place."""

_WIDE_PUNCTUATION = (
    "\u00a0\u00a1\u00ab\u00b7\u00bb\u00bf\u00a9\u00ae\u00b0\u00d7\u00a3\u00a5\u00a7\u00b6"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2010\u2011"
    "\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2020\u2022"
    "\u2026\u2027\u2028\u2029\u202f\u2032\u2033\u2039\u203a\u2122\u20ac\u2192"
    "\u3000\u3001\u3002\u300c\u300d\u300e\u300f\u3010\u3011\uff08\uff09\uff0c\uff1a\uff1b"
    "\u060c\u061b\u061f\u06d4"
)
"""Non-ASCII punctuation common in news (NBSP, curly quotes, dashes, ellipsis, guillemets, CJK
and Arabic punctuation). Others are left as they are: a name glued to a rarer symbol is missed."""


_WIDE_SET = frozenset(_WIDE_PUNCTUATION)
_ASCII_BYTES = bytes(range(0x80))

_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u0e00-\u0eff\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff"
    "\u3099\u309a\ufe20-\ufe2f"
)
"""Combining marks (and whole Indic/Thai blocks, whose vowel signs are marks): not `\\w` for
Python's re, but parts of words."""

_NON_WORD = re.compile(f"[^\\w{_MARKS} ]")

_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)
"""Scripts written without spaces between words (Thai, Lao, Burmese, Khmer, kana, Han) and
Hangul, whose particles attach to the noun ("한국은"): no word boundary is required there."""


def fold(text: str) -> str:
    """Lower-case `text` and blank out punctuation, keeping its length.

    >>> fold("U.S.-led Côte d’Ivoire")
    'u s  led côte d ivoire'
    """
    return fold_with_chars(text)[0]


def fold_with_chars(text: str) -> tuple[str, set[str]]:
    """`fold(text)` and the distinct non-ASCII characters of `text` (to tell its scripts)."""
    # str.lower, str.translate and re.sub cost 5-10x more per character than bytes.translate
    # on 4 KB articles: fold the ASCII part on the UTF-8 bytes, then fix only the distinct
    # non-ASCII characters this text contains (capitals and punctuation)
    data = text.encode("utf-8")
    folded = data.translate(_ASCII_FOLD).decode("utf-8")
    if text.isascii():
        return folded, set()
    wide = non_ascii(data)
    for char in wide:
        if char in _WIDE_SET:
            folded = folded.replace(char, " ")
        elif char.isupper() or char.istitle():
            # U+0130 (Turkish dotted I) is the only character that lower-cases to two
            folded = folded.replace(char, char.lower()[0])
    return folded, wide


def non_ascii(data: bytes) -> set[str]:
    """The distinct non-ASCII characters of UTF-8 `data`: ASCII bytes never occur inside a
    multi-byte character, so deleting them leaves whole characters."""
    return set(data.translate(None, _ASCII_BYTES).decode("utf-8"))


def blank_punctuation(text: str) -> str:
    """`text` with non-word characters blanked but case kept; for short slices and keys."""
    return _NON_WORD.sub(" ", text)


def fold_key(surface: str) -> str:
    """The folded form of a gazetteer surface, punctuation blanked the thorough way."""
    return _NON_WORD.sub(" ", fold(surface)).strip()


def is_unspaced(char: str) -> bool:
    """True for characters of scripts that need no word boundary around a name."""
    return bool(_UNSPACED.match(char))


def script_of(char: str) -> str:
    """A coarse script class: latin, cyrillic, arabic, unspaced or other.

    The gazetteer keeps one automaton per class, because pyahocorasick scans a node's children
    one by one: a single automaton whose root fans out to hundreds of CJK characters costs
    ~5x more per character of English text.
    """
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    if 0x400 <= code <= 0x52F:
        return "cyrillic"
    if 0x600 <= code <= 0x6FF or 0x750 <= code <= 0x77F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if is_unspaced(char):
        return "unspaced"
    return "other"


def text_scripts(wide_chars: set[str]) -> set[str]:
    """The script classes a text's names can be in, from its non-ASCII characters: latin, plus
    the class of each letter. Punctuation the fold blanks ("’", "–", NBSP) starts no name, so
    it no longer costs a pass of the "other" automaton over most news texts (issue #20)."""
    return {"latin"} | {script_of(char) for char in wide_chars if char not in _WIDE_SET}
