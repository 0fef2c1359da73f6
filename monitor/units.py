"""The units a count is in (refs #16): articles, or stories (a report's copies once), for the
dashboard, the alerts and the digest alike."""

from __future__ import annotations

COUNTED = {"article": "articles", "story": "stories"}
"""What each unit counts, in words; also pair_activity's column of it."""


def default_unit(has_stories: bool) -> str:
    """Stories once some story holds copies; before that both units count the same."""
    return "story" if has_stories else "article"
