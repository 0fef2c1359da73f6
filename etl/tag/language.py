"""Language identification with lingua (offline: its models ship in the wheel).

A record's declared language always wins; this is for records that carry none.
"""

from __future__ import annotations

import re
from functools import cache

import ahocorasick
from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    "en",
    "id",
    "ms",
    "fr",
    "es",
    "pt",
    "de",
    "it",
    "nl",
    "ru",
    "uk",
    "ar",
    "tr",
    "zh",
    "ja",
    "ko",
    "vi",
    "th",
    "fa",
    "hi",
)
"""The languages the gazetteer covers; restricting lingua to them is faster and keeps it from
guessing a language we cannot tag anyway. Indonesian and Malay are both in, so it tells them
apart."""

SAMPLE_CHARS = 400
"""Characters looked at: lingua's accuracy on news is flat beyond a few sentences, its cost
is linear (measured here: ~1,400 articles/s at 400 chars, ~660/s at 1,000)."""

SHORT_TEXT_CHARS = 120
"""Below this, lingua's low-accuracy (trigram-only) mode guesses poorly, so short texts get
the high-accuracy models. Longer texts use low-accuracy mode: 99.6% correct on 1,300 en/id/fr
news articles here, and it avoids the ~0.6 s per Latin-script language that loading the
high-accuracy models costs every new worker process."""

UNDETERMINED = "und"
"""ISO 639-2 code for text whose language cannot be told (empty, digits only)."""


FUNCTION_WORDS = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "in",
            "is",
            "that",
            "for",
            "on",
            "with",
            "was",
            "by",
            "said",
            "from",
            "at",
            "it",
            "his",
            "be",
            "has",
            "have",
            "are",
            "were",
        ]
    ),
    "fr": frozenset(
        [
            "les",
            "des",
            "et",
            "du",
            "est",
            "une",
            "dans",
            "pour",
            "sur",
            "au",
            "qui",
            "avec",
            "aux",
            "ont",
            "été",
            "par",
            "pas",
            "il",
            "elle",
            "ce",
            "son",
            "sa",
        ]
    ),
}
"""English and French are told by their commonest words at a tenth of lingua's cost. On 3,633
en/fr/id/sw/ha news openings here the rule below answered 84% of en and fr with no error and
never answered for the others, which go to lingua (Indonesian vs Malay needs it)."""
_WORD = re.compile(r"[^\W\d_]+")


MALAY_FAMILY_WORDS = frozenset(
    """yang dan di ini itu dengan untuk dari dalam akan pada ke juga tidak oleh ada atau telah
    sudah kata bagi lebih mereka kami saat para tersebut sebagai""".split()  # noqa: SIM905
)
"""Words Indonesian and Malay share and use most. Where they make up a tenth of the opening,
three times the English and French function words, and the spellings below tell the two apart,
lingua (~300 us an article) is not asked: on 83,473 eval-data texts in eight languages it only
ever chose between the two for such openings (issue #20)."""


def _by_function_words(sample: str) -> str | None:
    words = _WORD.findall(sample.lower())
    if len(words) < 20:
        return None
    hits = {
        lang: sum(w in vocabulary for w in words) for lang, vocabulary in FUNCTION_WORDS.items()
    }
    if hits["en"] >= 0.15 * len(words) and hits["fr"] <= 0.02 * len(words):
        return "en"
    if hits["fr"] >= 0.12 * len(words) and hits["en"] <= 0.02 * len(words):
        return "fr"
    family = sum(w in MALAY_FAMILY_WORDS for w in words)
    if family >= 0.1 * len(words) and hits["en"] + hits["fr"] <= family / 3:
        return "id|ms"
    return None


INDONESIAN_SPELLINGS = frozenset(
    [
        "bahwa",
        "karena",
        "pemerintah",
        "bisa",
        "saja",
        "mau",
        "uang",
        "polisi",
        "mobil",
        "baru",
        "sekarang",
        "kantor",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
        "minggu",
    ]
)
MALAY_SPELLINGS = frozenset(
    [
        "bahawa",
        "kerana",
        "kerajaan",
        "boleh",
        "sahaja",
        "mahu",
        "wang",
        "polis",
        "kereta",
        "baharu",
        "kini",
        "pejabat",
        "rabu",
        "khamis",
        "jumaat",
        "sabtu",
        "ahad",
    ]
)
"""Indonesian and Malay share most words but spell some apart (bahwa/bahawa, karena/kerana)
or prefer others (pemerintah/kerajaan); lingua's models alone mistake short Indonesian news
for Malay. Day names: Kamis/Khamis, Jumat/Jumaat, Minggu/Ahad."""
MARKER_CHARS = 3000


_LETTER = re.compile(r"[^\W\d_]")


@cache
def _spellings() -> ahocorasick.Automaton:
    """The spellings only one of the two uses, in an automaton: one C pass over 3,000
    characters instead of a Python loop over each of their words (~120 us an article, issue
    #20), or of a regex per spelling (~70 us)."""
    automaton = ahocorasick.Automaton()
    for word in INDONESIAN_SPELLINGS ^ MALAY_SPELLINGS:
        automaton.add_word(word, (len(word), word in INDONESIAN_SPELLINGS))
    automaton.make_automaton()
    return automaton


def _indonesian_or_malay(text: str, guess: str) -> str:
    opening = text[:MARKER_CHARS].lower()
    indonesian = malay = 0
    for last, (length, is_indonesian) in _spellings().iter(opening):
        start = last - length + 1
        if (start and _LETTER.match(opening, start - 1)) or _LETTER.match(opening, last + 1):
            continue  # part of a longer word: the spellings count as whole words only
        if is_indonesian:
            indonesian += 1
        else:
            malay += 1
    if indonesian > malay:
        return "id"
    if malay > indonesian:
        return "ms"
    return guess


MALAY_FAMILY = ("id", "ms")


@cache
def _detector(low_accuracy: bool, languages: tuple[str, ...] = LANGUAGES) -> LanguageDetector:
    codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, or 'und' when it cannot be told."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED
    quick = _by_function_words(sample)
    if quick and quick != "id|ms":
        return quick
    if quick:
        told = _indonesian_or_malay(text, quick)
        if told != quick:
            return told
    # an Indonesian or Malay opening that spells like both asks lingua to choose between the
    # two only: a tenth of the cost of weighing all twenty languages
    languages = MALAY_FAMILY if quick else LANGUAGES
    low_accuracy = len(sample.strip()) >= SHORT_TEXT_CHARS
    language = _detector(low_accuracy, languages).detect_language_of(sample)
    code = language.iso_code_639_1.name.lower() if language else UNDETERMINED
    return _indonesian_or_malay(text, code) if code in MALAY_FAMILY else code
