"""Country mentions in text: one Aho-Corasick pass plus context rules (issue #3 item 2).

What counts as a mention is defined in COUNTRY-MENTIONS.md. The pass runs over a folded copy
of the text (lower-case, punctuation blanked, same length, so offsets carry over) against
space-padded keys, which makes every hit a whole-word hit. Then, in order: case and language
checks per row, longest-leftmost selection (so "Korea Utara" beats "Korea" and a blocker such
as "Indian Ocean" swallows "Indian"), the dateline cut, immediate context rules, and deferred
rules that need to know which countries the article names without doubt (bare "Korea").
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from etl.records import Mention
from etl.tag import context_rules
from etl.tag.conflict_vocabulary import Surface
from etl.tag.dateline import dateline_end
from etl.tag.gazetteer import Entry, gazetteer, read_countries
from etl.tag.textfold import blank_punctuation, fold_key, fold_with_chars, text_scripts

LANGUAGE_ALIASES = dict(
    pair.split(":")
    for pair in """in:id ind:id msa:ms zsm:ms may:ms eng:en fra:fr fre:fr deu:de ger:de spa:es
    por:pt ita:it nld:nl dut:nl rus:ru ukr:uk ara:ar tur:tr zho:zh chi:zh jpn:ja kor:ko vie:vi
    tha:th fas:fa per:fa hin:hi""".split()  # noqa: SIM905
)
"""Other spellings of the languages the gazetteer knows; 'in' is the old code for Indonesian."""

_US_PLACE = re.compile(
    r",\s*(?:(?:Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|"
    r"Miss|Mo|Mont|Neb|Nev|N\.[HJMYCD]|Okla|Ore|Pa|R\.I|S\.[CD]|Tenn|Tex|Vt|Va|Wash|W\.Va|Wis|"
    r"Wyo|Ont|Que)\.|(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|"
    r"MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\b|"
    r"(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    r"Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    r"Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    r"New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"
    r"Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|"
    r"Vermont|Virginia|West Virginia|Wisconsin|Wyoming|Ontario|Quebec)\b)"
)
"""'Paris, Texas', 'Moscow, Idaho', 'Lebanon, Pa.': a US/Canadian place, not the country.
Georgia is left out of the list on purpose ('Tbilisi, Georgia')."""


@functools.lru_cache(maxsize=256)
def normalise_language(lang: str | None) -> str | None:
    """'id-ID', 'IND', 'in' -> 'id'; None stays None."""
    if not lang:
        return None
    code = re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0]
    return LANGUAGE_ALIASES.get(code, code) or None


def _case_fits(entry: Entry, text: str, start: int, end: int) -> bool:
    if entry.case == "cap":
        if text[start].islower():
            return False
        return not (text.startswith(",", end) and _us_place_follows(text, end))
    if entry.case == "exact":
        surface = text[start:end]
        # a word without punctuation ("US", "AS", "UK") has none to blank: the regex's
        # substitution cost ~0.7 us of each (refs #20)
        return (surface if surface.isalnum() else blank_punctuation(surface)) == entry.exact
    return True


def _us_place_follows(text: str, comma: int) -> bool:
    """`_US_PLACE` at `comma`, tried only when a capital A-Z follows the comma and any
    whitespace, as every place it names starts with one: a name and a comma is common in news
    ("Jakarta, kata dia"), and the pattern's alternatives cost ~0.7 us a try (refs #20)."""
    after = comma + 1
    while after < len(text) and text[after].isspace():
        after += 1
    if after == len(text) or not "A" <= text[after] <= "Z":
        return False
    return _US_PLACE.match(text, comma) is not None


class _Pass(NamedTuple):
    """What one pass of the gazetteer automata over a text found."""

    candidates: list[tuple[int, int, Entry]]
    """Every whole-word hit whose row fits the text's case and language."""
    cue_hits: list[str]
    """The cue groups of the context words met on the way, one per occurrence."""
    conflict: list[tuple[int, tuple[Surface, ...]]]
    """Conflict-vocabulary keys met: (end offset, surfaces), for conflict.select_terms."""


def _candidates(text: str, folded: str, scripts: set[str], lang: str | None) -> _Pass:
    found = []
    cue_hits: list[str] = []
    conflict = []
    padded = f" {folded} "
    automata = gazetteer().automata
    for script in scripts & automata.keys():
        for end_index, (back, length, entries, cues, terms) in automata[script].iter(padded):
            if cues:
                cue_hits += cues
            if terms:
                conflict.append((end_index - 1, terms))  # the word ends before the pad
            start = end_index - back
            end = start + length
            for entry in entries:
                if entry.applies_to(lang) and _case_fits(entry, text, start, end):
                    found.append((start, end, entry))
                    break
    return _Pass(found, cue_hits, conflict)


def _longest_leftmost(candidates: list[tuple[int, int, Entry]]) -> list[tuple[int, int, Entry]]:
    if len(candidates) < 2:
        return candidates
    chosen = []
    reached = 0
    for start, end, entry in sorted(candidates, key=lambda hit: (hit[0], -hit[1])):
        if start >= reached:
            chosen.append((start, end, entry))
            reached = end
    return chosen


def _apply_rules(
    hits: list[tuple[int, int, Entry]], ctx: context_rules.RuleContext
) -> list[tuple[int, int, str]]:
    """Country per hit after immediate rules, then deferred ones; blockers and rejects go."""
    immediate, deferred = context_rules.IMMEDIATE, context_rules.DEFERRED
    decided: list[str | None] = []
    waiting = False
    for start, end, entry in hits:
        if not entry.rule:
            decided.append(entry.iso3 or None)
        elif entry.rule in deferred:
            decided.append(None)
            waiting = waiting or bool(entry.iso3)
        elif entry.iso3 and entry.rule in immediate:
            decided.append(immediate[entry.rule](ctx, start, end, entry.iso3))
        else:
            decided.append(entry.iso3 or None)
    ctx.found = set(filter(None, decided))
    if waiting:
        for index, (start, end, entry) in enumerate(hits):
            if entry.iso3 and entry.rule in deferred:
                decided[index] = deferred[entry.rule](ctx, start, end, entry.iso3)
    return [(start, end, iso3) for (start, end, _), iso3 in zip(hits, decided, strict=True) if iso3]


class TextScan(NamedTuple):
    mentions: list[Mention]
    """Country mentions, sorted by start, with offsets into the text."""
    conflict: list[tuple[int, tuple[Surface, ...]]]
    """Conflict-vocabulary keys the same pass met (dateline included), for
    conflict.select_terms."""


def find_mentions(text: str, lang: str | None = None, *, dateline: bool = True) -> list[Mention]:
    """Country mentions in `text`, sorted by start, with offsets into `text`.

    Args:
        text: a title or a body.
        lang: ISO 639-1 language of the text (or a variant such as 'id-ID'); rows gated to a
            language ("AS" for Amerika Serikat) only apply when it matches, and strict ones
            never apply when it is None.
        dateline: ignore a dateline lead at the very start ("SEOUL (Reuters) -"); pass False
            for titles.
    """
    return scan(text, lang, dateline=dateline).mentions


def scan(text: str, lang: str | None = None, *, dateline: bool = True, offset: int = 0) -> TextScan:
    """`find_mentions`, and the conflict-vocabulary keys met in the same automaton pass; every
    offset moved by `offset` (where `text` starts in a larger document)."""
    if not text:
        return TextScan([], [])
    lang = normalise_language(lang)
    folded, wide_chars = fold_with_chars(text)
    scripts = text_scripts(wide_chars)
    found = _candidates(text, folded, scripts, lang)
    conflict = found.conflict
    if offset and conflict:
        conflict = [(end + offset, surfaces) for end, surfaces in conflict]
    hits = _longest_leftmost(found.candidates)
    if dateline and hits:
        cut = dateline_end(text)
        if cut:
            hits = [hit for hit in hits if hit[0] >= cut]
    if not hits:
        # most titles: no rule to run, no context to build (refs #20)
        return TextScan([], conflict)
    ctx = context_rules.RuleContext(text=text, folded=folded, lang=lang, cue_hits=found.cue_hits)
    mentions = []
    for start, end, iso3 in _apply_rules(hits, ctx):
        if text.startswith(".", end) and "." in text[start:end]:
            end += 1  # "U.S." keeps its final full stop, which folding dropped from the key
        mentions.append(Mention(iso3, text[start:end], start + offset, end + offset))
    return TextScan(mentions, conflict)


def to_iso3(value: str) -> str | None:
    """ISO-3 for an ISO-2 or ISO-3 code or a country name in any gazetteer language.

    >>> [to_iso3(v) for v in ("RU", "rus", "Russia", "North Korea", "Korea Utara", "Atlantis")]
    ['RUS', 'RUS', 'RUS', 'PRK', 'PRK', None]
    """
    if not value or not value.strip():
        return None
    code = value.strip().upper()
    codes = _codes()
    if code in codes:
        return codes[code]
    return gazetteer().names.get(fold_key(value))


@functools.cache
def _codes() -> dict[str, str]:
    """ISO-2 and ISO-3 codes (upper-case) -> ISO-3."""
    codes = {}
    for country in read_countries():
        codes[country["iso2"]] = codes[country["iso3"]] = country["iso3"]
    return codes


def country_table() -> list[dict[str, str]]:
    """Every ISO 3166-1 country (and Kosovo) with keys iso3, iso2, name, flag, by name."""
    rows = [
        {"iso3": c["iso3"], "iso2": c["iso2"], "name": c["name"], "flag": c["flag"]}
        for c in read_countries()
    ]
    return sorted(rows, key=lambda row: row["name"])
