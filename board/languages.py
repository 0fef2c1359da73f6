"""Language names for ISO 639-1 codes ("English (en)"), from CLDR through babel, offline."""

from __future__ import annotations

from functools import cache

from babel import Locale

DISPLAY_LOCALE = "en"
"""The dashboard speaks English, so language names are English names."""


@cache
def language_label(code: str) -> str:
    """'English (en)' for a code CLDR knows, else the code itself ('und', a typo)."""
    name = Locale(DISPLAY_LOCALE).languages.get(code)
    return f"{name} ({code})" if name else code
