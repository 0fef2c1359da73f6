"""What story assignment compares of an article, computed while it is tagged (refs #16).

- a MinHash signature of its word 5-shingles (title + text, etl/tag/shingles.py):
  near-duplicates by text;
- its title's key, so that a headline-only item joins the longer piece under that headline;
- a URL key, coarser than the article id's canonical URL (no `www.`/`m.`/`amp` variants):
  the only key of a GDELT GKG row, which has no text;
- a vector: the mean of the tone's embeddings of its title and lead sentences (no second
  encoder pass), which links coverage of the same event across languages.

Tagging is a pure function over a batch, so these are computed in the process pool or on a
Dask worker; the sequential part, matching against the window, is etl/stories.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from rensa import RMinHash

from etl.identity import canonical_url
from etl.records import Article
from etl.tag.figures import number_key
from etl.tag.shingles import batch_hashes, casefolded

NUM_PERM = 126
"""MinHash permutations: 42 LSH bands of 3 rows (etl/stories.py) make a pair sharing half
its shingles a candidate with probability 0.996."""
MINHASH_SEED = 16
"""Fixed, so signatures stored by one run compare with the next run's."""
HEADLINE_ONLY_WORDS = 12
"""A body shorter than this many words makes an item headline-only (Reuters' "FED ADDS
RESERVES" with a one-line body): it joins a longer piece under the same headline."""

_WORD = re.compile(r"\w+")
_NOT_WORDS = re.compile(r" [^\w\n]+|[^\w\n ][^\w\n]*")
"""What separates the words of a title (titles of a batch are a line each): a run of
characters that are neither, but for a lone space, which is already what a run becomes
(and most runs are: replacing them too cost a third of the titles' keys, refs #20)."""
_URL_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_URL_PATH_SUFFIXES = ("/amp", ".amp", "/")


@dataclass(slots=True)
class StoryKey:
    """One article's keys for story assignment (a row of `story_signatures`)."""

    article_id: str
    minhash: list[int] | None
    """NUM_PERM unsigned 32-bit values; None for an article without text (a GKG row)."""
    title_key: str | None
    is_headline_only: bool
    url_key: str | None
    numbers_key: str | None = None
    """The sum of the hashes of the text's distinct numbers (etl/tag/figures.py): a routine
    item ("FED ADDS RESERVES") filed on two days reads alike but for its figures."""
    vector: np.ndarray | None = None
    """Unit-length float32 (512,), or None without tone (`--no-tone`) or text."""


def story_keys(articles: list[Article], lead_vectors: list[np.ndarray | None]) -> list[StoryKey]:
    """The story keys of a batch of tagged articles: shingles, numbers and MinHash in one
    compiled pass and one rensa call for the batch, not per article (refs #16).

    Args:
        lead_vectors: per article, the tone's embeddings of its title and lead sentences, or
            None when tone was not scored.
    """
    # a GKG row's document is empty: no shingles, no numbers
    documents = ["" if a.origin == "gkg" else _document(a) for a in articles]
    hashed = batch_hashes(documents)
    signatures = RMinHash.digest_matrix_from_flat_token_hashes(
        hashed.shingles, hashed.offsets, NUM_PERM, MINHASH_SEED
    ).to_rows()
    shingled = np.diff(hashed.offsets) > 0
    numbers = hashed.numbers.tolist()
    titles = _title_words([a.title for a in articles])
    return [
        _key(article, signatures[i] if shingled[i] else None, numbers[i], titles[i], vectors)
        for i, (article, vectors) in enumerate(zip(articles, lead_vectors, strict=True))
    ]


def _key(
    article: Article, minhash: list[int] | None, numbers: int, title: str, lead_vectors
) -> StoryKey:
    url = url_key(article.url) if article.url else None
    if article.origin == "gkg":
        # a GKG row is a URL and GDELT's tags, no text: the URL is all there is to group by
        return StoryKey(article.article_id, None, None, False, url)
    return StoryKey(
        article_id=article.article_id,
        minhash=minhash,
        title_key=_digest(title) if title else None,
        is_headline_only=len(article.text.split(maxsplit=HEADLINE_ONLY_WORDS))
        < HEADLINE_ONLY_WORDS,
        url_key=url,
        numbers_key=number_key(numbers),
        vector=_mean_vector(lead_vectors),
    )


def _title_words(titles: list[str]) -> list[str]:
    """Per title, `" ".join(re.findall(r"\\w+", NFKC(title).casefold()))`: its words, one
    space apart, for the whole batch in one regex pass."""
    joined = "\n".join(titles)
    if joined.count("\n") != len(titles) - 1:
        # a title with a line break of its own: one at a time
        return [" ".join(_WORD.findall(casefolded(title))) for title in titles]
    return [words.strip() for words in _NOT_WORDS.sub(" ", casefolded(joined)).split("\n")]


def _document(article: Article) -> str:
    return f"{article.title}\n\n{article.text}"


def url_key(url: str) -> str:
    """The canonical URL without the host's `www.`/`m.` and a path's `/amp` or trailing
    slash: the variants under which outlets serve the same page.

    >>> url_key("https://m.Example.com/news/a-b/amp?id=2&utm_source=x")
    'example.com/news/a-b?id=2'
    """
    canonical = canonical_url(url)
    try:
        parts = urlsplit(canonical)
    except ValueError:
        # as canonical_url: a URL that does not parse (a bad IPv6 host) is its own key
        return canonical
    host = parts.netloc
    for prefix in _URL_HOST_PREFIXES:
        host = host.removeprefix(prefix)
    path = parts.path
    for suffix in _URL_PATH_SUFFIXES:
        path = path.removesuffix(suffix)
    return urlunsplit(("", host, path, parts.query, "")).removeprefix("//")


def _mean_vector(lead_vectors: np.ndarray | None) -> np.ndarray | None:
    if lead_vectors is None or not len(lead_vectors):
        return None
    total = lead_vectors.sum(axis=0)
    norm = float(np.linalg.norm(total))
    return (total / norm).astype(np.float32) if norm > 0 else None


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
