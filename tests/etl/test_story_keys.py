"""Story keys are computed for a whole batch at once and equal one article's at a time (#16).

Stored signatures are compared with the next run's, so the batch pass must give exactly the
keys the per-article definition gives, on every script and length.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from datetime import UTC, datetime

import numpy as np
import pytest
from rensa import RMinHash

from etl.records import Article
from etl.tag import figures, shingles
from etl.tag.figures import number_sums
from etl.tag.shingles import batch_hashes, shingle_hashes
from etl.tag.story_keys import MINHASH_SEED, NUM_PERM, story_keys

NUMBER = re.compile(r"\d[\d.,/-]*")
"""The definition of a story key's numbers (etl/tag/figures.py)."""


MASK = (1 << 64) - 1
WEIGHTS = [
    0x9E3779B97F4A7C15,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0xD6E8FEB86659FD93,
    0xFF51AFD7ED558CCD,
]


def mix(value: int) -> int:
    """splitmix64's finaliser, in Python integers."""
    value ^= value >> 30
    value = value * 0xBF58476D1CE4E5B9 & MASK
    value ^= value >> 27
    value = value * 0x94D049BB133111EB & MASK
    return value ^ (value >> 31)


def span_hash(raw: bytes) -> int:
    """The definition of a word's or number's hash: sum(byte_k * 0x100000001B3**k), mixed."""
    return mix(sum(byte * pow(0x100000001B3, k, 1 << 64) for k, byte in enumerate(raw)) & MASK)


def reference_shingles(text: str) -> list[int]:
    """The definition of a text's shingles, written out slowly in Python."""
    raw = unicodedata.normalize("NFKC", text).casefold().encode()
    raw = re.sub(rb"\xe2\x80[\x80-\xbf]", b" ", raw)
    words = [span_hash(word) for word in re.findall(rb"[0-9A-Za-z_\x80-\xff]+", raw)]
    if 0 < len(words) < 5:
        return [mix(sum(w * WEIGHTS[k] for k, w in enumerate(words)) & MASK)]
    return [
        mix(sum(words[i + k] * WEIGHTS[k] for k in range(5)) & MASK) for i in range(len(words) - 4)
    ]


def numbers_sum(text: str) -> int:
    """The definition of a text's number sum: the top 44 bits of each distinct number's hash
    (its UTF-8 bytes hashed alone), added modulo 2**64."""
    return sum(span_hash(n.encode()) >> 20 for n in set(NUMBER.findall(text))) % (1 << 64)


# each text with the fingerprint of its keys: (MinHash, numbers key, title key) of an article
# titled by its first 30 characters. MinHash and title key are as the per-article code of
# 1625b59 computed them; the numbers key is a sum of number hashes since the story keys met
# their speed goal (a blake2b digest of the sorted numbers before)
PINNED = [
    ("", (None, "0000000000000000", None)),
    ("   \n\t ", (None, "0000000000000000", None)),
    # punctuation only: no word, so no shingle and no signature
    ("!!! --- ...", (None, "0000000000000000", None)),
    ("Hi", ("cff6ee563470c7bc", "0000000000000000", "106bce4401410416")),
    # 1-4 words are one shingle of them all
    ("One two three four", ("fa051c6f7e25788e", "0000000000000000", "197b7aa56db71ad2")),
    ("one two three four five", ("34f0d0af4be5b268", "0000000000000000", "3e1da6133e7d53e7")),
    (
        "FED ADDS RESERVES VIA CUSTOMER REPURCHASES",
        ("a5a1bee705451ef5", "0000000000000000", "06f5c82fe3dd27c6"),
    ),
    (
        "The Fed arranged 1.5 billion dlrs of repurchases at 6-1/4 pct; funds traded at 6,125 "
        "pct on 12/03/87, down from 6.25 on March 11, 1987 -- the third day in a row.",
        ("71d01e62900ae1db", "00003c00cbaa632b", "2d0b04aae8ff7d91"),
    ),
    # curly quotes, dashes and a thin space are General Punctuation: separators
    (
        "Putin\u2019s \u201ctalks\u201d \u2014 in Jakarta\u2026 rose 3.5% to 1\u2009000",
        ("7c9eee7c37d2aa94", "00000d2e559d9cb8", "6b803aca11ee6b0b"),
    ),
    # fullwidth digits: NFKC folds them for shingles, the numbers keep them as written
    (
        "中国和俄罗斯在2023年举行会谈，约１２３人参加",
        ("dd7dec2dac126c64", "00001c7a35f135ca", "f8652b41ebc4e79f"),
    ),
    # Arabic-Indic digits are decimal digits to the regex
    ("قال ٣٥ شخصا في 12 مارس ٤٫٥", ("3b69ff0019f5c086", "0000240db0c661cf", "d882851a14305b1a")),
    ("भारत ने १२३ करोड़ रुपये", ("2e54025abddbd044", "0000050cd4a6d7e0", "68eb6f77217504f7")),
    # mathematical digits lie beyond the Basic Multilingual Plane, as emoji do
    (
        "Math digits 𝟓𝟔 and 7𝟎, emoji 😀 🇮🇩 Indonesia",
        ("14fa26d11bd2e81f", "00001739f9b8bd22", "9af0523072dfc87d"),
    ),
    # a combining mark first, a ligature, ß and final sigma: NFKC and case folding
    (
        "\u0301e accent first, ﬁnance ligature, Straße, ΣΊΣΥΦΟΣ",
        ("deb3e7b05698fa0e", "0000000000000000", "c2001f28350d27fd"),
    ),
    # a number starts at its first digit and runs over digits and . , / -
    (
        "--3..4-- then -.5 and 1-2/3,4.5 and 12 12 12 and x9y 0",
        ("b2b997249d0d11fa", "000020163a096445", "7e9b81b255effbce"),
    ),
    # superscripts and fractions are not decimal digits
    (
        "superscripts ²³ and ½ are not decimal but ٥ is",
        ("9449ace0285b929e", "000006cfb87b0b09", "75eb7fb672522299"),
    ),
    # beyond ASCII only by characters NFKC and case folding leave as they are: folded by
    # lowering the ASCII (refs #20), with the keys the full fold gave
    (
        "Sterling rose to \u00a312.5 mln \u2014 caf\u00e9 cr\u00e8me, na\u00efve, up 3\u20134 pct, "
        "\u00bfqu\u00e9? \u00ab non \u00bb",
        ("ed3b658959b1aef9", "000016537ccdb17c", "449feb3ed7c02356"),
    ),
    (
        "Harga \u201cberas\u201d naik \u00b1 5,5 persen \u2013 kata Menteri, \u00a9 2024 \u00ae \u00b0C",
        ("7191466eb63e741a", "00001b7e11a267b6", "6e3d3ca92c5f8101"),
    ),
    # ... and one capital beyond ASCII among them: the full fold
    (
        "Sterling rose to \u00a312.5 mln \u2014 caf\u00e9 cr\u00e8me, na\u00efve \u00d8rsted, up "
        "3\u20134 pct, \u00bfqu\u00e9? \u00ab non \u00bb",
        ("0761f35698d0ee37", "000016537ccdb17c", "449feb3ed7c02356"),
    ),
    # ... and by no-break spaces, ellipses, a thin space, leaders and "‼", which NFKC
    # makes ASCII: replaced by it (refs #20), with the keys the full fold gave (605930d)
    (
        "Harga naik\u00a0Rp\u00a012.500 \u2026 kata Menteri\u2026 \u201cnaik\u201d 3\u20134 "
        "persen, caf\u00e9 \u00a35",
        ("0fbaf6708776dbec", "00001d4e0419c68c", "7091255e124a28f1"),
    ),
    (
        "Oil rose 3\u2026 to $4.5\u2009bln \u2014 na\u00efve\u00a0traders, \u2024x \u2025 y "
        "\u203c WHO\u00a0SAID",
        ("9fb9cdfd7dfa8b60", "00001adc526ba8ff", "3065c891d236bb2d"),
    ),
    (
        "Korea Utara dan Korea Selatan sepakat: 2.000 tentara ditarik dari perbatasan pada 1 Juni.",
        ("7f0fd4f249f1ae93", "000010291731c86f", "4fea6d3874485a2e"),
    ),
]
TEXTS = [text for text, _ in PINNED]


def article(text: str, **fields) -> Article:
    fields = {"url": None, "source": "wire", "lang": "en", "title": text[:30], **fields}
    return Article(text=text[30:], published_at=datetime(2024, 1, 1, tzinfo=UTC), **fields)


def fingerprint(minhash: list[int] | None) -> str | None:
    if minhash is None:
        return None
    return hashlib.blake2b(np.asarray(minhash, np.uint32).tobytes(), digest_size=8).hexdigest()


def mixed_texts(count: int, seed: int = 16) -> list[str]:
    """Texts of 0 to ~2,000 words drawn from every script above, with numbers, punctuation
    and newlines between the pieces."""
    rng = random.Random(seed)
    pieces = " ".join(TEXTS).split() + ["٣.٤", "𝟎-", "..", "-", "\n"]
    glue = [" ", " ", "", "\n", "-", "\u2014"]
    return [
        "".join(rng.choice(pieces) + rng.choice(glue) for _ in range(rng.randrange(0, 2000)))
        for _ in range(count)
    ]


def test_story_keys_are_the_ones_the_per_article_code_stored():
    keys = story_keys([article(text) for text in TEXTS], [None] * len(TEXTS))
    got = [(fingerprint(k.minhash), k.numbers_key, k.title_key) for k in keys]
    assert got == [expected for _, expected in PINNED]


def test_a_batch_hashes_the_shingles_of_each_text_as_defined():
    # ... and a text that is one word throughout: its last byte has the highest power
    texts = TEXTS + TYPOGRAPHIC + mixed_texts(12) + ["a b", "one two three four five six"]
    texts += ["Wordy" * 700]
    hashed = batch_hashes(texts)
    assert hashed.offsets[-1] == len(hashed.shingles)
    for i, text in enumerate(texts):
        expected = reference_shingles(text)
        assert hashed.shingles[hashed.offsets[i] : hashed.offsets[i + 1]].tolist() == expected
        assert shingle_hashes(text).tolist() == expected


NUMBER_TEXTS = [
    *TEXTS,
    *mixed_texts(60),
    "".join(mixed_texts(3)).encode("ascii", "ignore").decode(),
    # NFKC would make the ellipsis dots and the fullwidth digit ASCII: numbers are as written
    "up 3\u2026 then 4\uff0e5 and \uff15 and 5",
    "12, 12. 12 and 1/2-3 in an ASCII text, twice: 12, 1/2-3",
    # beyond ASCII by curly quotes and dashes alone: folded by lowering the rest
    "The Fed\u2019s \u201crepo\u201d \u2014 1.5 billion dlrs, up 2\u20133 pct",
    # ... but NFKC makes the ellipsis three dots: the numbers are read as written
    "rose 3\u2026 to 4\u2019s level, 3\u2026",
    # cased letters beyond ASCII are case folded
    "\u00c9T\u00c9 \u2014 STRASSE Stra\u00dfe 12",
]
TYPOGRAPHIC = NUMBER_TEXTS[-3:]


def test_a_batch_sums_the_numbers_the_regex_finds_in_each_text():
    expected = [numbers_sum(text) for text in NUMBER_TEXTS]
    assert number_sums(NUMBER_TEXTS).tolist() == expected
    lone = "a lone surrogate \ud800 after 12 and before 3-4"
    assert number_sums([lone]).tolist() == [numbers_sum(lone)]
    # an ASCII text's numbers are found in the pass that hashes its shingles, the others'
    # in code points: both paths, alone and mixed in one batch
    assert batch_hashes(NUMBER_TEXTS).numbers.tolist() == expected
    for is_ascii in (True, False):
        chosen = [i for i, t in enumerate(NUMBER_TEXTS) if t.isascii() is is_ascii]
        assert len(chosen) > 5
        found = batch_hashes([NUMBER_TEXTS[i] for i in chosen]).numbers.tolist()
        assert found == [expected[i] for i in chosen]


def test_documents_summed_in_groups_have_the_sums_of_one_group(monkeypatch):
    whole = number_sums(NUMBER_TEXTS).tolist()
    # the distinct numbers are found 2**20 documents at a time: groups of 3 here
    monkeypatch.setattr(figures, "_OWNERS", 3)
    assert number_sums(NUMBER_TEXTS).tolist() == whole
    assert batch_hashes(NUMBER_TEXTS).numbers.tolist() == whole


def test_texts_with_the_same_numbers_in_another_order_have_one_sum_and_others_not():
    sums = number_sums(["1.5 pct and 6,125", "6,125 then 1.5 twice 1.5", "1.5 pct and 6.125", ""])
    assert sums[0] == sums[1]
    assert len({sums[0], sums[2], sums[3]}) == 3


def test_batch_story_keys_equal_each_articles_own_signature_and_numbers():
    texts = mixed_texts(40, seed=7) + TEXTS
    articles = [article(text) for text in texts]
    keys = story_keys(articles, [None] * len(articles))
    for text, key in zip(texts, keys, strict=True):
        hashes = shingle_hashes(text[:30] + "\n\n" + text[30:])
        alone = RMinHash.digest_matrix_from_flat_token_hashes(
            hashes, np.array([0, len(hashes)], np.uint64), NUM_PERM, MINHASH_SEED
        ).to_rows()[0]
        assert key.minhash == (alone if len(hashes) else None)
        assert key.numbers_key == f"{numbers_sum(text[:30] + chr(10) * 2 + text[30:]):016x}"


@pytest.mark.parametrize("with_line_break", [False, True])
def test_a_batch_keys_each_title_by_its_words(with_line_break):
    titles = [text[:60] for text in TEXTS + mixed_texts(20, seed=5)] + ["", " -- ", "x"]
    titles = [title.replace("\n", " ") for title in titles]
    if with_line_break:
        # one title with a line break of its own: the batch cannot be split by lines
        titles.append("FED ADDS\nRESERVES")
    keys = story_keys([article("", title=title) for title in titles], [None] * len(titles))
    for title, key in zip(titles, keys, strict=True):
        words = " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", title).casefold()))
        expected = hashlib.blake2b(words.encode(), digest_size=8).hexdigest() if words else None
        assert key.title_key == expected, title


def test_a_gdelt_row_in_a_batch_has_only_its_url_key():
    row = article("Russia China talks 2024", origin="gkg", url="https://www.example.com/a")
    keys = story_keys([article("Some text 1"), row, article("More text 2")], [None] * 3)
    assert (keys[1].minhash, keys[1].numbers_key, keys[1].url_key) == (None, None, "example.com/a")
    assert keys[0].minhash is not None and keys[2].minhash is not None


def assert_folded_quickly_beside(chars: list[str], neighbours: list[str]) -> None:
    """Each of `chars` beside each neighbour, either side: the quick fold (replace what NFKC
    makes ASCII, lower the ASCII) is NFKC and case folding. NFKC composes and reorders only
    neighbours, so pairs are what could differ."""
    for char in chars:
        for other in neighbours:
            for pair in (char + other, other + char):
                quick = "".join(shingles._TO_ASCII.get(c, c) for c in pair)
                quick = quick.encode().lower().decode()
                assert unicodedata.normalize("NFKC", pair).casefold() == quick, pair


def test_what_is_folded_by_lowering_the_ascii_needs_neither_nfkc_nor_case_folding():
    kept = sorted(shingles._AS_WRITTEN)
    assert {"\u00a3", "\u00e9", "\u2019", "\u2014"} <= set(kept)
    assert not {"\u2026", "\u00a0", "\u00c9", "\u00df", "\u00b2", "\u00bd"} & set(kept)
    assert_folded_quickly_beside(kept, [*map(chr, range(0x80)), *kept])


def test_what_nfkc_makes_ascii_is_folded_by_replacing_it_beside_the_rest():
    replaced = sorted(shingles._TO_ASCII)
    assert {"\u00a0", "\u2026", "\u2009", "\u202f", "\u00b2"} <= set(replaced)
    assert not {"\u00e9", "\u00c9", "\u00bd", "\u2019"} & set(replaced)
    neighbours = [*map(chr, range(0x80)), *sorted(shingles._AS_WRITTEN), *replaced]
    assert_folded_quickly_beside(replaced, neighbours)


def test_casefolded_is_nfkc_and_case_folding():
    for text in [*NUMBER_TEXTS, *mixed_texts(20, seed=3), "\u00a0\u2026 \u00c9T\u00c9 \u2009x"]:
        assert shingles.casefolded(text) == unicodedata.normalize("NFKC", text).casefold(), text
