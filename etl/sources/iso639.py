"""ISO 639-2/3 language codes (GDELT's `srclc:`) to the ISO 639-1 codes the database stores."""

from __future__ import annotations


def iso639_1(code: str) -> str:
    """The two-letter code for a three-letter one; a code without one is returned unchanged.

    >>> iso639_1("fra"), iso639_1("ger"), iso639_1("en")
    ('fr', 'de', 'en')
    """
    from lingua import IsoCode639_3, Language  # a lookup table; the detector is not built

    if len(code) == 2:
        return code
    code = _BIBLIOGRAPHIC.get(code, code)
    try:
        language = Language.from_iso_code_639_3(IsoCode639_3.from_str(code))
    except ValueError:
        return code
    return language.iso_code_639_1.name.lower()


_BIBLIOGRAPHIC = {
    "alb": "sqi",
    "arm": "hye",
    "baq": "eus",
    "chi": "zho",
    "cze": "ces",
    "dut": "nld",
    "fre": "fra",
    "geo": "kat",
    "ger": "deu",
    "gre": "ell",
    "ice": "isl",
    "mac": "mkd",
    "may": "msa",
    "per": "fas",
    "rum": "ron",
    "slo": "slk",
    "wel": "cym",
}
"""ISO 639-2/B codes and their 639-2/T twins, in case a record uses the bibliographic form."""
