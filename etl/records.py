"""The records that flow one way: sources -> tagging -> load.

Sources yield `Article` or `Reject`; tagging turns an `Article` into a `TaggedArticle`;
the loader writes both kinds and never needs to know which source they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from etl.identity import article_id_for

if TYPE_CHECKING:
    from etl.tag.story_keys import StoryKey

RAW_EXCERPT_BYTES = 2048
"""Rejects keep at most this much of the offending input (issue #2: raw excerpt <= 2 KB)."""


@dataclass(slots=True)
class ToneFields:
    """GDELT-compatible tone: tone = positive - negative, all in percent of words."""

    tone: float
    positive: float | None = None
    negative: float | None = None
    polarity: float | None = None
    word_count: int | None = None


@dataclass(slots=True)
class Article:
    """One input article, as every source produces it (DESIGN.md, 'Article record')."""

    url: str | None
    title: str
    text: str
    published_at: datetime
    """Timezone-aware, in UTC."""
    source: str
    lang: str | None = None
    """Declared language (ISO 639-1); it wins over detection."""
    origin: str = "file"
    """file | gkg | rss | html | text: which kind of source produced it."""
    locator: str = ""
    """Where the record came from, e.g. 'in/news.jsonl:42'."""
    record_id: str | None = None
    """The input's own id, echoed back by `python -m etl tag`."""
    countries: dict[str, int] | None = None
    """Pre-tags: ISO-3 -> mention count. None means 'not pre-tagged, tag the text'."""
    tone: ToneFields | None = None
    """Pre-tagged tone: a record's own `tone`."""
    gdelt_tone: ToneFields | None = None
    """GDELT's V2Tone of a GKG row, kept beside the encoder's `tone`, never in it (refs #15)."""
    notes: tuple[str, ...] = ()
    """Non-fatal remarks made while reading, e.g. 'invalid UTF-8 replaced'."""
    article_id: str = ""

    def __post_init__(self) -> None:
        if not self.article_id:
            fallback = "|".join(
                (
                    self.record_id or "",
                    self.source,
                    self.published_at.isoformat(),
                    ",".join(sorted(self.countries or ())),
                )
            )
            self.article_id = article_id_for(self.url, self.title, self.text, fallback)

    @property
    def is_pretagged(self) -> bool:
        return self.countries is not None


@dataclass(slots=True)
class Reject:
    """An input row that could not become an Article, with the reason why."""

    source: str
    locator: str
    reason: str
    raw: str = ""
    record_id: str | None = None
    """The input's own id when it could be read, echoed back by `python -m etl tag`."""

    def __post_init__(self) -> None:
        self.raw = excerpt(self.raw)
        self.reason = storable(self.reason)


def storable(text: str) -> str:
    """`text` with lone surrogates (JSON escapes like \\ud800) replaced by U+FFFD.

    Python strings may hold them, UTF-8 (and so Arrow and DuckDB) cannot; found by
    fuzzing, refs #7.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def excerpt(raw: str | bytes, limit: int = RAW_EXCERPT_BYTES) -> str:
    """The first `limit` bytes of `raw` as text, cut on a character boundary."""
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    return data[:limit].decode("utf-8", "ignore")


@dataclass(slots=True)
class Mention:
    """One country mention in an article's text (offsets into `title + '\\n\\n' + text`)."""

    country: str
    surface: str
    start: int
    end: int


@dataclass(slots=True)
class CountryTag:
    """Per article and country: how often and where first, and the tone around it."""

    country: str
    mention_count: int
    first_offset: int | None = None
    sentence_count: int = 0
    tone: float | None = None


@dataclass(slots=True)
class Evidence:
    """A sentence in which both countries of a pair appear."""

    sentence_no: int
    sentence: str
    start: int
    end: int
    highlights: list[tuple[str, int, int]] = field(default_factory=list)
    """(country, start, end) of each mention of the pair's countries, offsets into `sentence`,
    so the dashboard marks "Kremlin" or "Korea Utara" as the tagger read them."""


@dataclass(slots=True)
class PairTag:
    """One unordered country pair of an article (country_a < country_b)."""

    country_a: str
    country_b: str
    sentence_count: int | None
    """Sentences with both countries; None when the source has no text (GDELT)."""
    tone: float | None = None
    conflict: float | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class TaggedArticle:
    """An Article plus everything tagging found in it."""

    article: Article
    lang: str
    countries: list[CountryTag]
    pairs: list[PairTag]
    mentions: list[Mention] = field(default_factory=list)
    tone: ToneFields | None = None
    conflict: float | None = None
    """Share of the article's sentences that use the conflict vocabulary (0..1)."""
    sentence_count: int | None = None
    """None when there is no text to split (pre-tagged GDELT rows)."""
    lang_detected: bool = False
    story: StoryKey | None = None
    """What story assignment compares (etl/tag/story_keys.py, refs #16)."""
