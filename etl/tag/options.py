"""What a tagging run does: tone, evidence, pre-tags, story keys (`TagOptions`).

Apart from etl/tag/pipeline.py so that the loading process can name a run's options without
importing the tagger, whose numba functions it would load from their cache on one core while
the pool's server, on both, loads the same for its workers (refs #20).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TagOptions:
    with_tone: bool = True
    evidence_per_pair: int = 3
    retag: bool = False
    """Ignore pre-tags and tag the text."""
    with_stories: bool = True
    """Compute the keys story assignment compares (etl/tag/story_keys.py); off only to
    measure what they cost (bench/eval_stories.py)."""
