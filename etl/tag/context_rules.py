"""Context rules for ambiguous gazetteer names (issue #3 item 2, COUNTRY-MENTIONS.md).

A rule sees one candidate mention and the whole article and returns the ISO-3 code to keep
(possibly a different one: bare "Korea") or None to drop it. Immediate rules look at the
text only; deferred rules also see which countries the article names without doubt, so they
run after the others. Context words (data/context_cues.tsv) are keys of the gazetteer's own
automaton, so the one pass over the folded text also counts them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CUES_PATH = Path(__file__).parent / "data" / "context_cues.tsv"


def read_cues(path: Path = CUES_PATH) -> dict[str, list[str]]:
    """Context words per group (a trailing * matches any ending)."""
    cues = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            group, words, *_why = line.split("\t")
            cues[group] = words.split("|")
    return cues


def cue_key(word: str) -> str:
    """The automaton key of a cue word: whole word, or word start for "russia*"."""
    return f" {word[:-1]}" if word.endswith("*") else f" {word} "


@dataclass(slots=True)
class RuleContext:
    text: str
    folded: str
    lang: str | None
    cue_hits: list[str] = field(default_factory=list)
    """Cue groups of the context words the gazetteer pass met, one per occurrence."""
    found: set[str] = field(default_factory=set)
    """Countries already accepted without a deferred rule (filled before deferred rules)."""
    _cue_counts: Counter[str] | None = None

    def cues(self, group: str) -> int:
        """How many context words of `group` the article has."""
        if self._cue_counts is None:
            self._cue_counts = Counter(self.cue_hits)
        return self._cue_counts[group]


Rule = Callable[[RuleContext, int, int, str], str | None]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAME_STOPWORDS = _words(
    """The A An In On At To From Of For With By And But Or As Against About Between Across
    Near Into Via Both Including Neighbouring Neighboring Di Ke Dari Dan Atau Dengan Untuk Oleh
    Pada Antara Le La Les Du Des De En Au Aux Et Ou Pour Par Avec Sur Vers Dans Entre Contre
    King Queen President Presiden Président Prime Minister Menteri Ministre Government
    Pemerintah Gouvernement Republic Republik République Embassy Kedutaan Ambassade Foreign
    Army Military Police Kingdom Kerajaan Royaume Negara État Etat Pays All Kota Ville"""
)
"""Capitalised words that may stand next to a country name without making it a person's."""

_GAP = r"(?:[ \t]+\n?|\n)[ \t]*"
"""Between two words of a name: spaces, or one line break (wire copy wraps lines: "Maurice\nMann,
chairman", Reuters-21578)."""
_PREVIOUS_WORD = re.compile(rf"([^\W\d_][\w'’.-]*){_GAP}$")
_NEXT_WORD = re.compile(rf"{_GAP}([^\W\d_][\w'’-]*)")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”(\n])\s*$")


def _is_name_word(word: str) -> bool:
    """Capitalised, not a function word or title, and not in capitals throughout: an acronym
    (UNESCO, NATO) or a word of an all-caps headline ("TO MEET IN MOSCOW", "SELLS JORDAN TWO
    CARGOES", Reuters-21578, refs #20), where capitals say nothing of names."""
    bare = word.rstrip(".")
    acronym = len(bare) >= 2 and bare.isupper()
    return word[0].isupper() and bare not in _NAME_STOPWORDS and not acronym


def name_before(text: str, start: int) -> bool:
    """True when a capitalised name stands right before: "Michael Jordan", "Monica French",
    "St. Paris". A sentence-initial word is no evidence."""
    before = _PREVIOUS_WORD.search(text, max(0, start - 60), start)
    if not before or not _is_name_word(before.group(1)) or before.group(1)[-2:] in ("'s", "’s"):
        return False
    # "said on Monday. Washington condemned": a full stop after a word longer than an
    # abbreviation ("St.", "Gen.") ends the sentence, so the word is no name
    if before.group(1).endswith(".") and len(before.group(1).rstrip(".")) > 3:
        return False
    return not _SENTENCE_END.search(text, max(0, before.start() - 3), before.start())


def name_like(text: str, start: int, end: int) -> bool:
    """True when a capitalised name stands right before or after: "Michael Jordan",
    "Jordan Henderson", "Georgia O'Keeffe"."""
    after = _NEXT_WORD.match(text, end)
    return name_before(text, start) or bool(after and _is_name_word(after.group(1)))


def _is_caps_word(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def not_in_caps(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """ "US"/"AS" are words in all-caps text ("TELL US WHY", "AS SOON AS"): not in a line
    without lower-case letters, nor in a run of three or more all-caps words."""
    line_start = ctx.text.rfind("\n", 0, start) + 1
    line_end = ctx.text.find("\n", end)
    line = ctx.text[line_start : line_end if line_end >= 0 else len(ctx.text)]
    if line == line.upper():
        return None
    run = 1
    for words in (
        ctx.text[max(0, start - 40) : start].split()[::-1],
        ctx.text[end : end + 40].split(),
    ):
        for word in words[:2]:
            if not _is_caps_word(word):
                break
            run += 1
    return None if run >= 3 else iso3


def person(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Dominique, Maurice, Salvador (French or Spanish country names), Hollande: not next to
    another name, and only with a word of the country's context."""
    if name_like(ctx.text, start, end):
        return None
    return cue(ctx, start, end, iso3)


def first_name(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Jordan, Chad, Holland, a country's own name and a person's: not next to another name;
    the country with a word of its context, or beside other countries when the text never
    writes the word as part of a person's name ("Jordan and Sudan signed a barter trade
    agreement", "loans for Turkey, Morocco and Jordan": Reuters-21578, refs #20)."""
    if name_like(ctx.text, start, end):
        return None
    if ctx.cues(iso3):
        return iso3
    if ctx.found - {iso3} and not _ever_a_name(ctx.text, ctx.text[start:end]):
        return iso3
    return None


def _ever_a_name(text: str, word: str) -> bool:
    """Whether `word` stands next to another name anywhere in `text` ("Michael Jordan" makes
    every later bare "Jordan" the player)."""
    start = text.find(word)
    while start >= 0:
        if name_like(text, start, start + len(word)):
            return True
        start = text.find(word, start + len(word))
    return False


def cue(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Only with a word of the country's context somewhere in the article."""
    return iso3 if ctx.cues(iso3) else None


def georgia(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """The Caucasus country only when its context outweighs the US state's (a first name,
    "Georgia O'Keeffe", comes with neither)."""
    return iso3 if ctx.cues("georgia_country") > ctx.cues("georgia_state") else None


def washington(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """The US capital, unless a name is attached (Washington Post, George Washington) or the
    article is about the state (Seattle, Spokane) with nothing federal in it."""
    if name_like(ctx.text, start, end):
        return None
    if ctx.cues("washington_state") and not ctx.cues("washington_capital"):
        return None
    return iso3


def turkey(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """The country, unless a name is attached ("Henry's Turkey Service") or the article is about
    the bird and has nothing Turkish in it."""
    if name_before(ctx.text, start):
        return None
    if ctx.cues("turkey_bird") and not ctx.cues("turkey_country"):
        return None
    return iso3


def indian(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """India's demonym, unless the article is about American Indians and not India."""
    if ctx.cues("native_american") and not ctx.cues("india"):
        return None
    return iso3


def prefix(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Combining forms count only as a hyphenated prefix: "Franco-Béninoise", "Sino-Japanese"."""
    follows = ctx.text[end : end + 2]
    return iso3 if len(follows) == 2 and follows[0] in "-‐‑" and follows[1].isalpha() else None


_MODEL_NUMBER = re.compile(r"\s*[-‐‑]?\s*[A-Z]\d")


def not_model_number(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Not a product line's name followed by a model number ("Mali-T860", "Mali - G76")."""
    return None if _MODEL_NUMBER.match(ctx.text, end) else iso3


_SENTENCE_OPENING = re.compile(r"(?:^|[.!?…:\"“”]\s*|\n\s*)$")


def not_sentence_initial_id(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """In Indonesian/Malay text, not when it opens a sentence ("Cuba lihat ..." is "try")."""
    if ctx.lang in ("id", "ms") and _SENTENCE_OPENING.search(ctx.text, max(0, start - 3), start):
        return None
    return iso3


def surname(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Demonyms that are also surnames: not right after a first name ("Monica French")."""
    return None if name_before(ctx.text, start) else iso3


_LOCAL_FEATURE = re.compile(
    r"[ \t]+(?:County|Township|Parish|Road|Rd|Street|St|Avenue|Ave|Boulevard|Blvd|Pike|"
    r"Highway|High|Middle|Elementary|School|Schools|Library|Police|PD|City Council|Council|"
    r"Civic|Independent|Public|Fire|Veterans|Arts|Area|Township|Mayor|Mall)\b"
)


def us_homonym(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Paris, London, Dublin, Lebanon, Palestine also name US towns (Paris, Texas): not with a
    local feature attached ("Dublin Road", "Paris High School") or a name before ("St. Paris");
    otherwise kept when the country is named too, or when nothing in the article is US-local."""
    english = ctx.lang in (None, "en")
    if english and (_LOCAL_FEATURE.match(ctx.text, end) or name_before(ctx.text, start)):
        return None
    if iso3 in ctx.found:
        return iso3
    if ctx.cues("us_local"):
        return None
    return None if ctx.cues("us_state") and not ctx.found - {"USA"} else iso3


def _one_side(ctx: RuleContext, a: str, b: str, cues_a: str, cues_b: str) -> str | None:
    """a or b when the article takes exactly one side, by countries found, then by cues."""
    has_a, has_b = a in ctx.found, b in ctx.found
    if has_a != has_b:
        return a if has_a else b
    if has_a:
        return None
    has_a, has_b = ctx.cues(cues_a) > 0, ctx.cues(cues_b) > 0
    if has_a != has_b:
        return a if has_a else b
    return None


def korea(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Bare Korea/Korean: KOR or PRK when the article is about one of them only."""
    return _one_side(ctx, "KOR", "PRK", "south_korea", "north_korea")


def congo(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Bare Congo/Congolese: COD or COG when the article is about one of them only. With no
    clue at all, French text means the Republic: French news calls the DRC "la RDC"."""
    side = _one_side(ctx, "COD", "COG", "dr_congo", "congo_republic")
    if side is None and ctx.lang == "fr" and not ({"COD", "COG"} & ctx.found):
        return "COG"
    return side


def needs_country(ctx: RuleContext, start: int, end: int, iso3: str) -> str | None:
    """Capitals that are mostly something else (Kingston, Lima): only beside their country."""
    return iso3 if iso3 in ctx.found else None


IMMEDIATE: dict[str, Rule] = {
    "not_in_caps": not_in_caps,
    "person": person,
    "cue": cue,
    "georgia": georgia,
    "washington": washington,
    "turkey": turkey,
    "indian": indian,
    "name_like": lambda ctx, start, end, iso3: None if name_like(ctx.text, start, end) else iso3,
    "surname": surname,
    "prefix": prefix,
    "not_model_number": not_model_number,
    "not_sentence_initial_id": not_sentence_initial_id,
}
DEFERRED: dict[str, Rule] = {
    "first_name": first_name,
    "korea": korea,
    "congo": congo,
    "needs_country": needs_country,
    "us_homonym": us_homonym,
}
