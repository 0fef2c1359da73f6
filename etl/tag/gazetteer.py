"""The committed gazetteer as an Aho-Corasick automaton, built once per process (issue #3).

Run time needs only `data/gazetteer.json`, `data/countries.tsv` and pyahocorasick: babel is
used by `build_gazetteer.py` alone. Nothing here is pickled: every worker process builds its
own automaton on first use (~0.1 s).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from etl.tag.conflict_vocabulary import Surface, VocabularyError, vocabulary_keys
from etl.tag.context_rules import cue_key, read_cues
from etl.tag.textfold import blank_punctuation, fold_key, is_unspaced, script_of

DATA_DIR = Path(__file__).parent / "data"
GAZETTEER_PATH = DATA_DIR / "gazetteer.json"
COUNTRIES_PATH = DATA_DIR / "countries.tsv"

INDONESIAN_CLITICS = ("lah", "kah", "pun", "nya")
"""Particles Indonesian and Malay write glued to a name ("Arab Saudilah yang ..."): each
Indonesian-applicable row also gets a key with them, limited to id/ms text."""

UNDECIDED_RULES = frozenset({"korea", "congo"})
"""Rules whose row's iso3 is only a placeholder: to_iso3 must not trust those names."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer row, as the matcher needs it."""

    iso3: str
    """ISO 3166-1 alpha-3; '' for a blocker."""
    langs: frozenset[str] | None
    """Languages the row applies to; None for every language."""
    strict: bool
    """When the text's language is unknown, a strict row does not apply ("AS")."""
    case: str
    """cap | exact | any."""
    exact: str
    """For case == exact: the surface with punctuation blanked ("U.S." -> "U S")."""
    rule: str | None

    def applies_to(self, lang: str | None) -> bool:
        if self.langs is None:
            return True
        if lang is None:
            return not self.strict
        return lang in self.langs


class Key(NamedTuple):
    """Automaton value: where the name starts relative to the match end, its length, rows,
    the context-rule groups the key is a cue word of, and the conflict-vocabulary surfaces
    it stands for (conflict.py)."""

    back: int
    length: int
    entries: tuple[Entry, ...]
    cues: tuple[str, ...] = ()
    conflict: tuple[Surface, ...] = ()


class Gazetteer(NamedTuple):
    automata: dict[str, ahocorasick.Automaton]
    """One automaton per script class of the names' first letter (textfold.script_of)."""
    names: dict[str, str]
    """Folded unambiguous names, ISO-2 and ISO-3 codes -> ISO-3 (for to_iso3)."""


def _entry(surface: str, iso3: str, langs: str, case: str, rule: str) -> Entry:
    return Entry(
        iso3=iso3,
        langs=frozenset(langs.lstrip("!").split(",")) if langs.lstrip("!") else None,
        strict=langs.startswith("!"),
        case=case,
        exact=blank_punctuation(surface).strip(),
        rule=None if rule == "-" else rule,
    )


def _padded(folded: str) -> tuple[str, int]:
    """The automaton key for a folded surface, and how many pad characters lead it.

    A space on each side makes the match a whole word; scripts written without spaces get none.
    """
    left = "" if is_unspaced(folded[0]) else " "
    right = "" if is_unspaced(folded[-1]) else " "
    return f"{left}{folded}{right}", len(left)


def read_rows(path: Path = GAZETTEER_PATH) -> list[list[str]]:
    """The raw [surface, iso3, langs, case, rule] rows of the committed gazetteer."""
    return json.loads(path.read_text(encoding="utf-8"))["entries"]


def read_countries(path: Path = COUNTRIES_PATH) -> list[dict[str, str]]:
    """countries.tsv as dicts with keys iso2, iso3, name, flag, iso_names."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


def _name_index(rows: list[list[str]], countries: list[dict[str, str]]) -> dict[str, str]:
    """Folded name -> ISO-3 for names that point to one country; codes first."""
    candidates: dict[str, set[str]] = {}
    for surface, iso3, _langs, _case, rule in rows:
        if iso3 and rule not in UNDECIDED_RULES:
            candidates.setdefault(fold_key(surface), set()).add(iso3)
    names = {key: isos.pop() for key, isos in candidates.items() if len(isos) == 1}
    for country in countries:
        for name in [country["name"], *filter(None, country["iso_names"].split("|"))]:
            names[fold_key(name)] = country["iso3"]
    return names


def _with_clitics(key: str, entry: Entry) -> list[tuple[str, Entry]]:
    """Keys with Indonesian particles glued on, for rows that apply to Indonesian text."""
    indonesian = entry.langs is None or "id" in entry.langs
    if not indonesian or not entry.iso3 or entry.case == "exact" or not key.endswith(" "):
        return []
    only_id = replace(entry, langs=frozenset({"id", "ms"}), strict=True)
    return [(f"{key[:-1]}{clitic} ", only_id) for clitic in INDONESIAN_CLITICS]


@functools.cache
def gazetteer() -> Gazetteer:
    """The automata and name index, built on first use in each process."""
    rows = read_rows()
    grouped: dict[str, list[Entry]] = {}
    offsets: dict[str, tuple[int, int]] = {}

    def add(key: str, pad: int, length: int, entry: Entry) -> None:
        grouped.setdefault(key, []).append(entry)
        offsets[key] = (len(key) - pad, length)

    for row in rows:
        folded = fold_key(row[0])
        if not folded:
            continue
        key, pad = _padded(folded)
        entry = _entry(*row)
        add(key, pad, len(folded), entry)
        for clitic_key, clitic_entry in _with_clitics(key, entry):
            add(clitic_key, pad, len(folded), clitic_entry)
    cues: dict[str, list[str]] = {}
    for group, words in read_cues().items():
        for word in words:
            cues.setdefault(cue_key(word), []).append(group)
    conflict = vocabulary_keys()
    automata: dict[str, ahocorasick.Automaton] = {}
    for key in grouped.keys() | cues.keys() | conflict.keys():
        # exact-case rows first: "US" is more specific than any row it shares a key with
        entries = sorted(grouped.get(key, []), key=lambda entry: entry.case != "exact")
        back, length = offsets.get(key, (0, 0))
        script = script_of(key.strip()[0])
        if key in conflict and script != "latin":
            raise VocabularyError(f"conflict term {key.strip()!r}: only Latin script is scanned")
        automaton = automata.setdefault(script, ahocorasick.Automaton())
        value = Key(back, length, tuple(entries), tuple(cues.get(key, ())), conflict.get(key, ()))
        automaton.add_word(key, value)
    for automaton in automata.values():
        automaton.make_automaton()
    return Gazetteer(automata, _name_index(rows, read_countries()))
