"""Tagging as a pure function over a batch: Articles in, TaggedArticles (or Rejects) out.

It is the one function the local process pool and a distributed engine both run.
An article's document is `title + "\\n\\n" + text`; every offset refers to that document.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations
from statistics import fmean

import numpy as np

from etl.records import (
    Article,
    CountryTag,
    Evidence,
    Mention,
    PairTag,
    Reject,
    TaggedArticle,
    ToneFields,
)
from etl.tag.conflict import KeyHit, conflict_terms, select_terms
from etl.tag.countries import scan
from etl.tag.language import UNDETERMINED, detect_language
from etl.tag.options import TagOptions
from etl.tag.pretags import resolve_pretags
from etl.tag.sentences import split_sentences
from etl.tag.story_keys import StoryKey, story_keys

TITLE_SEPARATOR = "\n\n"

TONE_LEAD_SENTENCES = 2
"""Article tone is the tone of the title and this many lead sentences: what a reader takes in
first, and the sentence encoder's cost (~2 ms a sentence) bounded per article. Measured on
450 real 4 KB articles, title + 2 lead sentences tracks the all-sentence tone at r = 0.79."""

TONE_MAX_SENTENCES = 8
"""Scored sentences per article: the lead, then the sentences naming two or more countries
(the pair evidence, whose tone is the pair's tone), in text order, up to this cap. Pairs
beyond it take the article's tone, as pairs without a shared sentence do."""


def tag_batch(articles: list[Article], options: TagOptions) -> list[TaggedArticle | Reject]:
    """Tag every article of a batch; tone is scored for the whole batch at once."""
    prepared = [_prepare(article, options) for article in articles]
    ready = [p for p in prepared if isinstance(p, _Prepared)]
    if options.with_tone:
        _score_tone(ready)
    keys = (
        story_keys([p.article for p in ready], [p.lead_vectors for p in ready])
        if options.with_stories
        else [None] * len(ready)
    )
    key_of = {id(p): key for p, key in zip(ready, keys, strict=True)}
    return [p.finish(options, key_of[id(p)]) if isinstance(p, _Prepared) else p for p in prepared]


@dataclass
class _Prepared:
    """An article split into sentences with its mentions placed, waiting for tone scores."""

    article: Article
    lang: str
    lang_detected: bool
    document: str
    sentences: list[tuple[int, int]]
    sentence_starts: list[int]
    mentions: list[Mention]
    country_sentences: dict[str, list[int]]
    country_counts: dict[str, int]
    first_offsets: dict[str, int | None]
    has_text_pairs: bool
    tone_sentences: list[int]
    conflict_keys: list[KeyHit] | None = None
    """Conflict-vocabulary keys the country pass met in the document; None when the
    document was not scanned (pre-tagged), so conflict needs a pass of its own."""
    tones: dict[int, float] | None = None
    lead_vectors: np.ndarray | None = None
    """The tone's embeddings of the title and lead sentences, reused by story assignment."""
    mention_starts: list[int] = field(init=False)
    """Mentions are in text order: a sentence's mentions are one bisect away."""

    def __post_init__(self) -> None:
        self.mention_starts = [m.start for m in self.mentions]

    def finish(self, options: TagOptions, story: StoryKey | None) -> TaggedArticle:
        flags = self._conflict_flags()
        article_tone = self._article_tone()
        article_conflict = sum(flags) / len(flags) if flags else None
        tone_value = article_tone.tone if article_tone else None
        return TaggedArticle(
            article=self.article,
            lang=self.lang,
            lang_detected=self.lang_detected,
            story=story,
            countries=self._country_tags(),
            pairs=self._pairs(options, flags, tone_value, article_conflict),
            mentions=self.mentions,
            tone=article_tone,
            conflict=article_conflict,
            # a headline-only article is tagged from its title: one sentence, refs #14
            sentence_count=len(self.sentences)
            if self.article.text.strip() or self.has_text_pairs
            else None,
        )

    def _conflict_flags(self) -> list[bool]:
        """Which sentences use the conflict vocabulary: one scan of the whole document."""
        flags = [False] * len(self.sentences)
        starts = self.sentence_starts
        if self.conflict_keys is None:
            terms = conflict_terms(self.document, self.lang)
        else:
            terms = select_terms(self.document, self.conflict_keys, self.lang)
        for _group, _term, start, _end in terms:
            index = bisect_right(starts, start) - 1
            if index >= 0:
                flags[index] = True
        return flags

    def _article_tone(self) -> ToneFields | None:
        # words are counted only for a tone to go with: the split costs ~10 us an article
        if self.article.tone is not None and not self.tones:
            pre = self.article.tone
            words = pre.word_count if pre.word_count is not None else self._words() or None
            return ToneFields(pre.tone, pre.positive, pre.negative, pre.polarity, words)
        if not self.tones:
            return None
        return ToneFields(tone=fmean(self.tones.values()), word_count=self._words())

    def _words(self) -> int:
        return len(self.document.split())

    def _country_tags(self) -> list[CountryTag]:
        return [
            CountryTag(
                country=country,
                mention_count=count,
                first_offset=self.first_offsets.get(country),
                sentence_count=len(self.country_sentences.get(country, ())),
                tone=self._mean_tone(self.country_sentences.get(country, ())),
            )
            for country, count in sorted(self.country_counts.items())
        ]

    def _pairs(
        self,
        options: TagOptions,
        flags: list[bool],
        article_tone: float | None,
        article_conflict: float | None,
    ) -> list[PairTag]:
        countries = sorted(self.country_counts)
        if not self.has_text_pairs:
            return [PairTag(a, b, None, article_tone) for a, b in combinations(countries, 2)]
        # each country's sentences as a set once, not once for each of its pairs; most pairs
        # share no sentence and take the article's figures (refs #20)
        sentences = {country: set(self.country_sentences.get(country, ())) for country in countries}
        pairs = []
        for a, b in combinations(countries, 2):
            shared = sorted(sentences[a] & sentences[b])
            if not shared:
                pairs.append(PairTag(a, b, 0, article_tone, article_conflict))
                continue
            tone = self._mean_tone(shared)
            pairs.append(
                PairTag(
                    country_a=a,
                    country_b=b,
                    sentence_count=len(shared),
                    tone=tone if tone is not None else article_tone,
                    conflict=_share(flags, shared),
                    evidence=[
                        self._evidence(i, (a, b)) for i in shared[: options.evidence_per_pair]
                    ],
                )
            )
        return pairs

    def _evidence(self, index: int, pair: tuple[str, str]) -> Evidence:
        start, end = self.sentences[index]
        first = bisect_left(self.mention_starts, start)
        last = bisect_left(self.mention_starts, end)
        highlights = [
            (m.country, m.start - start, m.end - start)
            for m in self.mentions[first:last]
            if m.country in pair and m.end <= end
        ]
        return Evidence(index, self.document[start:end], start, end, highlights)

    def _mean_tone(self, indexes) -> float | None:
        if not self.tones:
            return None
        values = [self.tones[i] for i in indexes if i in self.tones]
        return fmean(values) if values else None


def _prepare(article: Article, options: TagOptions) -> _Prepared | Reject:
    document = f"{article.title}{TITLE_SEPARATOR}{article.text}" if article.title else article.text
    lang, detected = _language(article, document)
    sentences = split_sentences(document, lang) if document.strip() else []
    starts = [start for start, _ in sentences]
    # what every prepared article has, whether its countries are tagged here or given
    split = partial(_Prepared, article, lang, detected, document, sentences, starts)
    if article.is_pretagged and not options.retag:
        return _prepare_pretagged(split, article, len(sentences))
    mentions, conflict_keys = _scan_document(article, lang)
    country_sentences: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    first: dict[str, int | None] = {}
    for mention in mentions:
        counts[mention.country] = counts.get(mention.country, 0) + 1
        first.setdefault(mention.country, mention.start)
        index = bisect_right(starts, mention.start) - 1
        seen = country_sentences.setdefault(mention.country, [])
        if index >= 0 and (not seen or seen[-1] != index):
            seen.append(index)
    return split(
        mentions,
        country_sentences,
        counts,
        first,
        has_text_pairs=True,
        tone_sentences=_tone_selection(len(sentences), country_sentences, bool(article.title))
        if options.with_tone
        else [],
        conflict_keys=conflict_keys,
    )


def _prepare_pretagged(
    split: Callable[..., _Prepared], article: Article, sentence_count: int
) -> _Prepared | Reject:
    resolved = resolve_pretags(article)
    if isinstance(resolved, Reject):
        return resolved
    selection = [] if article.tone is not None else _lead(sentence_count, bool(article.title))
    return split(
        [],
        {},
        dict(resolved.countries or {}),
        {},
        has_text_pairs=False,
        tone_sentences=selection[:TONE_MAX_SENTENCES],
    )


def _language(article: Article, document: str) -> tuple[str, bool]:
    if article.lang:
        return article.lang, False
    if not document.strip():
        return UNDETERMINED, False
    return detect_language(document), True


def _scan_document(article: Article, lang: str) -> tuple[list[Mention], list[KeyHit]]:
    """The document's country mentions and conflict-vocabulary keys, title and body scanned
    apart (a dateline only leads a body), offsets into the document."""
    if not article.title:
        body = scan(article.text, lang, dateline=True)
        return body.mentions, body.conflict
    title = scan(article.title, lang, dateline=False)
    offset = len(article.title) + len(TITLE_SEPARATOR)
    body = scan(article.text, lang, dateline=True, offset=offset)
    return title.mentions + body.mentions, title.conflict + body.conflict


def _lead(count: int, has_title: bool) -> list[int]:
    """The title's sentence and the lead sentences after it."""
    return list(range(min(count, TONE_LEAD_SENTENCES + int(has_title))))


def _tone_selection(
    count: int, country_sentences: dict[str, list[int]], has_title: bool
) -> list[int]:
    lead = _lead(count, has_title)
    naming: dict[int, int] = {}
    for indexes in country_sentences.values():
        for index in indexes:
            naming[index] = naming.get(index, 0) + 1
    shared = sorted(i for i, countries in naming.items() if countries >= 2 and i not in lead)
    return (lead + shared)[:TONE_MAX_SENTENCES]


def _score_tone(prepared: list[_Prepared]) -> None:
    from etl.tag.tone import scored_sentences  # the encoder is loaded only when tone is wanted

    texts = [
        p.document[p.sentences[i][0] : p.sentences[i][1]]
        for p in prepared
        for i in p.tone_sentences
    ]
    tones, vectors = scored_sentences(texts) if texts else ([], None)
    first = 0
    for p in prepared:
        count = len(p.tone_sentences)
        p.tones = dict(zip(p.tone_sentences, tones[first : first + count], strict=True))
        lead = len(_lead(len(p.sentences), bool(p.article.title)))
        # the selection starts with the lead (see _tone_selection and _prepare_pretagged)
        p.lead_vectors = vectors[first : first + min(lead, count)] if count else None
        first += count


def _share(flags: list[bool], indexes) -> float:
    indexes = list(indexes)
    return sum(flags[i] for i in indexes) / len(indexes) if indexes else 0.0
