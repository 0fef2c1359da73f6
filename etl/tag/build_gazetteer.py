"""Build `etl/tag/data/gazetteer.json` from CLDR (babel) and the curated tables (issue #3).

Developer-run, never at run time: `python -m etl.tag.build_gazetteer`. It reads
`countries.tsv` (ISO-2 -> ISO-3), takes every country's CLDR territory name in the locales
below, adds the capitals of `capitals.tsv` (with their CLDR exemplar-city names in every
locale) and merges the hand-written `aliases.tsv` over it all: an alias row replaces every
generated name with the same folded surface, so its rule and case always apply.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

from babel import Locale

from etl.tag.textfold import fold_key

DATA_DIR = Path(__file__).parent / "data"
OUTPUT = DATA_DIR / "gazetteer.json"

LOCALES = tuple(
    "en id ms fr es pt de it nl ru uk ar tr zh ja ko vi th fa hi".split()  # noqa: SIM905
)
"""CLDR locales whose territory names are taken (issue #3 item 1)."""

CURATED_IN_ALIASES = frozenset({"HK", "MO", "PS", "CD", "CG"})
"""CLDR names for these read "Hong Kong SAR China", "Congo - Kinshasa": aliases.tsv has them."""

LANGUAGE_FAMILIES = ({"id", "ms"},)
"""Languages that share names: Indonesian text detected as Malay must still match."""


class Row(NamedTuple):
    surface: str
    iso3: str
    langs: frozenset[str] | None
    """None: every language."""
    strict: bool
    case: str
    rule: str
    kind: str = "alias"
    """alias | name (CLDR territory) | capital: decides collisions between generated rows."""


def read_tsv(path: Path) -> list[list[str]]:
    """Non-comment, non-empty rows of a tab-separated file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def iso2_to_iso3() -> dict[str, str]:
    rows = read_tsv(DATA_DIR / "countries.tsv")
    return {row[0]: row[1] for row in rows[1:]}


def expand(surface: str) -> list[str]:
    """Brace expansion: "russe{,s}" -> ["russe", "russes"]; several braces multiply."""
    parts = re.split(r"\{([^{}]*)\}", surface)
    choices = [[part] if i % 2 == 0 else part.split(",") for i, part in enumerate(parts)]
    return ["".join(combo) for combo in itertools.product(*choices)]


_WORD_INITIAL_E = re.compile(r"(?:^|(?<=[\s'’-]))[ÉéÈè]")


def with_unaccented_capitals(surfaces: list[str]) -> list[str]:
    """Add "Egypte", "Guinée Equatoriale" for "Égypte", "Guinée équatoriale": French texts
    often drop the accent on capitals, and a capitalised adjective is spelled the same way."""
    extra = [
        _WORD_INITIAL_E.sub(lambda m: "E" if m.group().isupper() else "e", s) for s in surfaces
    ]
    return surfaces + [surface for surface in extra if surface not in surfaces]


def default_case(surface: str) -> str:
    return "any" if surface[:1].islower() else "cap"


def cldr_variants(name: str, locale: str) -> list[str]:
    """Usable forms of one CLDR name: "Myanmar (Burma)" -> Myanmar, Burma; "St." -> Saint."""
    if re.search(r" [-–] |,|（", name):
        return []
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    names = [match.group(1), match.group(2)] if match else [name]
    if locale == "en":
        names += [n.replace(" & ", " and ") for n in names if " & " in n]
        names += [n.replace("St. ", "Saint ") for n in names if n.startswith("St. ")]
    return names


def cldr_rows(codes: dict[str, str]) -> list[Row]:
    rows = []
    for locale in LOCALES:
        territories = Locale.parse(locale).territories
        for iso2, iso3 in codes.items():
            name = territories.get(iso2)
            if not name or iso2 in CURATED_IN_ALIASES:
                continue
            langs = None if locale == "en" else frozenset({locale})
            for surface in with_unaccented_capitals(cldr_variants(name, locale)):
                rows.append(Row(surface, iso3, langs, False, default_case(surface), "-", "name"))
    return rows


def capital_rows() -> list[Row]:
    rows = []
    zones = {locale: Locale.parse(locale).time_zones for locale in LOCALES}
    for iso3, zone, rule, names, *_why in read_tsv(DATA_DIR / "capitals.tsv"):
        for surface in names.split("|"):
            rows.append(Row(surface, iso3, None, False, "cap", rule, "capital"))
        if zone == "-":
            continue
        for locale, locale_zones in zones.items():
            city = (locale_zones.get(zone) or {}).get("city")
            if city:
                rows.append(
                    Row(city, iso3, frozenset({locale}), False, default_case(city), rule, "capital")
                )
    return rows


def alias_rows() -> list[Row]:
    rows = []
    for iso3, lang, case, rule, surfaces, *_why in read_tsv(DATA_DIR / "aliases.tsv"):
        strict = lang.startswith("!")
        langs = None if lang == "*" else frozenset(lang.lstrip("!").split(","))
        for variant in surfaces.split("|"):
            for surface in with_unaccented_capitals(expand(variant)):
                rows.append(Row(surface, "" if iso3 == "-" else iso3, langs, strict, case, rule))
    return rows


def with_families(langs: frozenset[str] | None) -> frozenset[str] | None:
    if langs is None:
        return None
    for family in LANGUAGE_FAMILIES:
        if langs & family:
            langs = langs | family
    return frozenset(langs)


def unambiguous(generated: list[Row]) -> list[Row]:
    """Generated rows whose folded surface names one country; a country's own name beats a
    capital spelled the same (Turkish "Cuba" is Juba), otherwise both are dropped."""
    by_key = defaultdict(list)
    for row in generated:
        by_key[fold_key(row.surface)].append(row)
    kept = []
    for key, rows in by_key.items():
        if len({row.iso3 for row in rows}) > 1:
            rows = [row for row in rows if row.kind == "name"]
            if len({row.iso3 for row in rows}) != 1:
                print(f"dropped ambiguous generated name: {key!r}")
                continue
        kept += rows
    return kept


def covers(alias: frozenset[str] | None, generated: frozenset[str] | None) -> bool:
    """Whether an alias row applies in every language the generated row applies in."""
    return alias is None or (generated is not None and generated <= with_families(alias))


def merge(aliases: list[Row], generated: list[Row]) -> list[Row]:
    """An alias replaces generated rows with the same folded surface in the languages it covers
    (the CLDR "Georgia" takes the alias's rule, but the French adjective "philippines" does not
    remove the English name "Philippines"); duplicates unite their languages."""
    curated = defaultdict(list)
    for row in aliases:
        curated[fold_key(row.surface)].append(row.langs)
    kept = [
        row
        for row in generated
        if not any(covers(langs, row.langs) for langs in curated.get(fold_key(row.surface), []))
    ]
    kept = unambiguous(kept)
    merged: dict[tuple, set | None] = {}
    for row in aliases + kept:
        key = (row.surface, row.iso3, row.strict, row.case, row.rule)
        if (key in merged and merged[key] is None) or row.langs is None:
            merged[key] = None
        else:
            merged[key] = merged.get(key, set()) | row.langs
    return [
        Row(
            surface,
            iso3,
            with_families(None if langs is None else frozenset(langs)),
            strict,
            case,
            rule,
        )
        for (surface, iso3, strict, case, rule), langs in merged.items()
    ]


def report_collisions(rows: list[Row]) -> None:
    """Print folded surfaces that name two different countries without a rule to decide."""
    by_key = defaultdict(set)
    for row in rows:
        if row.iso3:
            by_key[fold_key(row.surface)].add(row.iso3)
    for key, isos in sorted(by_key.items()):
        if len(isos) > 1:
            print(f"collision: {key!r} -> {sorted(isos)}")


def encode(row: Row) -> list[str]:
    langs = "" if row.langs is None else ",".join(sorted(row.langs))
    return [row.surface, row.iso3, ("!" if row.strict else "") + langs, row.case, row.rule]


def write(rows: list[Row], path: Path) -> None:
    """One entry per line, sorted, so that a rebuild's diff shows what changed."""
    lines = sorted(json.dumps(encode(row), ensure_ascii=False) for row in rows)
    header = {
        "format": 1,
        "columns": [
            "surface",
            "iso3 ('' = blocker)",
            "langs ('' = all, '!' = strict)",
            "case",
            "rule",
        ],
        "built_by": "python -m etl.tag.build_gazetteer",
        "locales": list(LOCALES),
    }
    body = ",\n".join(lines)
    path.write_text(
        f'{{"meta": {json.dumps(header, ensure_ascii=False)},\n"entries": [\n{body}\n]}}\n',
        encoding="utf-8",
    )


def build(output: Path = OUTPUT) -> list[Row]:
    codes = iso2_to_iso3()
    rows = merge(alias_rows(), capital_rows() + cldr_rows(codes))
    report_collisions(rows)
    write(rows, output)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the JSON")
    args = parser.parse_args()
    rows = build(args.output)
    print(f"wrote {len(rows)} entries to {args.output}")


if __name__ == "__main__":
    main()
