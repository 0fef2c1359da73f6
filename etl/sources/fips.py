"""FIPS 10-4 country codes (GDELT's location codes) to ISO 3166-1 alpha-3.

GDELT writes FIPS 10-4, not ISO: RS is Russia, KN North Korea, KS South Korea, CH China.
The crosswalk is an explicit table, `data/fips10_4_iso3.tsv`, whose header comment lists the
special cases (Gaza Strip and West Bank -> PSE, Kosovo -> XKX, GDELT's own codes). A code the
table does not map is reported to the caller, never guessed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

CROSSWALK = Path(__file__).parent / "data" / "fips10_4_iso3.tsv"


@cache
def crosswalk() -> dict[str, str | None]:
    """FIPS code -> ISO-3, or None for a known code that names no ISO country (e.g. OS)."""
    table: dict[str, str | None] = {}
    with CROSSWALK.open(encoding="utf-8") as handle:
        rows = (line.rstrip("\n").split("\t") for line in handle if not line.startswith("#"))
        next(rows)  # the header
        for fips, iso3, _name in rows:
            table[fips] = iso3 or None
    return table


def fips_to_iso3(code: str) -> str | None:
    """The ISO 3166-1 alpha-3 code for a FIPS 10-4 code, or None when there is none.

    >>> fips_to_iso3("RS"), fips_to_iso3("KN"), fips_to_iso3("GZ"), fips_to_iso3("OS")
    ('RUS', 'PRK', 'PSE', None)
    """
    return crosswalk().get(code.strip().upper())


def is_known(code: str) -> bool:
    """Whether the table has the code at all (mapped, or deliberately unmapped)."""
    return code.strip().upper() in crosswalk()
