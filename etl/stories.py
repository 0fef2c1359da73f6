"""Story assignment: which loaded story each new article joins, or whether it starts one.

Articles are visited in publication order (then article id). Each new article joins the
story of the first rule that finds an article within `window` of it (before it, or already
loaded after it), else starts a story whose id is its own article id:
1. the same URL key (etl/tag/story_keys.py): the only rule for GDELT GKG rows;
2. near-duplicate text: MinHash/LSH candidates, joined when the Jaccard of their word
   5-shingles is at least JACCARD_THRESHOLD (the most similar wins; estimated from the
   signatures, counted exactly from the texts when the estimate is within ESTIMATE_MARGIN
   of the threshold), unless they are more than ROUTINE_GAP apart with different numbers
   (a routine item filed again);
3. a headline-only item and a longer piece under the same headline, within ROUTINE_GAP;
4. another language: the link score (etl/story_links.py: the cosine of the title-and-lead
   vectors, the tone's embeddings, plus the names, figures, countries and days both share,
   less the hours between them) at least LINK_THRESHOLD (the highest wins). Without tone there
   are no vectors, so no cross-language links.

An article never changes story once assigned, and a story's id is kept when a later copy
joins (even one published earlier): a re-run or a re-tag reshuffles nothing. Each decision
depends only on articles already assigned, so one pass over a whole lake (attach) gives
the stories one local load of the same articles gives.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.story_links import (
    LINK_THRESHOLD,
    MAX_BONUS,
    Evidence,
    base_scores,
    evidence,
    set_bonus,
)
from etl.tag.shingles import shingle_hashes
from etl.tag.story_keys import NUM_PERM

STORY_WINDOW = timedelta(hours=48)
"""Articles further apart than this are different stories, however alike: a routine daily
headline ("FED ADDS RESERVES") on two days is two stories (refs #16)."""
LSH_ROWS = 3
"""Rows per LSH band: 42 bands of 3 make a pair at Jaccard 0.5 a candidate with probability
1 - (1 - 0.5**3)**42 = 0.996, at 0.3 with 0.68 (then checked on the whole signature)."""
JACCARD_THRESHOLD = 0.5
"""Estimated Jaccard of 5-shingles at or above which two texts are one report (the issue's
definition of a near-duplicate, bench/eval_stories.py measures it on Reuters-21578)."""
ESTIMATE_MARGIN = 0.135
"""Estimates of the Jaccard this close to JACCARD_THRESHOLD are counted exactly from the two
texts' shingles. An estimate from NUM_PERM = 126 values has a standard deviation of 0.045
near 0.5: on Reuters-21578, 9 of the 14 pairs joined below the threshold were texts sharing
0.44-0.49 of their shingles estimated at 0.50-0.58, and 13 pairs above it were missed at
0.44-0.49 (bench/eval_stories.py, refs #16). Three deviations leave about one decision in 700
on the wrong side, and only the few pairs near the threshold pay for re-shingling a text."""
ROUTINE_GAP = timedelta(hours=12)
"""Texts alike but for their numbers, further apart than this, are a routine item filed
again ("FED ADDS RESERVES" with the day's figures), not a copy; closer, a correction. A
headline-only item joins a piece under its headline within this gap too."""
VECTOR_BLOCK = 256
"""Articles whose cosines with their window are computed in one matrix product."""
SIMILARITY_BUDGET = 4_000_000
"""Most cosines held at once (16 MB): a block shrinks when its window is large."""
_BANDS = NUM_PERM // LSH_ROWS
_EPOCH = datetime(1970, 1, 1)
"""What the rows' times count microseconds from (published_at, UTC without its zone)."""


@dataclass
class _Rows:
    """Fixed (already in a story) and open (to assign) articles, in publication order."""

    ids: list[str]
    stories: list[str | None]
    times: np.ndarray
    langs: np.ndarray
    """A code per language (np.unique's inverse), compared without Python objects."""
    title_keys: list[str | None]
    headline_only: list[bool]
    url_keys: list[str | None]
    numbers_keys: list[str | None]
    minhash: np.ndarray
    has_minhash: np.ndarray
    vectors: np.ndarray
    has_vector: np.ndarray
    shares_key: np.ndarray
    """Whether another article has the same URL key or title key."""
    countries: pa.Array
    evidence_texts: pa.Array
    """Title and text of the articles with a vector or a signature, read only for the pairs
    whose cosine could link them or whose estimated Jaccard is near the threshold: a lake's
    every text as Python strings would double its memory. In the input's order, not
    publication order (sorting them would copy every text): `unsorted` maps."""
    unsorted: np.ndarray
    """Article (in publication order) -> its row in countries and evidence_texts."""


def assign(open_rows: pa.Table, fixed_rows: pa.Table, window: timedelta = STORY_WINDOW) -> pa.Table:
    """The story of every open row.

    Args:
        open_rows: articles to assign (columns of queries/staged_story_rows.sql); a non-null
            story_id is kept (a re-tagged article stays in its story).
        fixed_rows: loaded articles they may join, with their story_id.

    Returns:
        (article_id, story_id), one row per open row.
    """
    rows = _rows(pa.concat_tables([fixed_rows, open_rows], promote_options="permissive"))
    is_open = np.zeros(len(rows.ids), dtype=bool)
    open_ids = set(open_rows["article_id"].to_pylist())
    index = _Index(rows, window)
    for i, article_id in enumerate(rows.ids):
        if article_id in open_ids and rows.stories[i] is None:
            is_open[i] = True
        elif index.may_join[i]:
            index.add(i)
    # an article that shares no key with any other and has no vector can join no story and
    # none can join its: it starts its own without a walk through the index
    for i in np.flatnonzero(is_open & index.may_join).tolist():
        rows.stories[i] = index.match(i) or rows.ids[i]
        index.add(i)
    for i in np.flatnonzero(is_open & ~index.may_join).tolist():
        rows.stories[i] = rows.ids[i]
    chosen = [i for i, article_id in enumerate(rows.ids) if article_id in open_ids]
    return pa.table(
        {
            "article_id": pa.array([rows.ids[i] for i in chosen], pa.string()),
            "story_id": pa.array([rows.stories[i] for i in chosen], pa.string()),
        }
    )


class _Index:
    """The assigned articles, looked up by URL key, LSH band, headline and time."""

    def __init__(self, rows: _Rows, window: timedelta) -> None:
        self.rows = rows
        self.window = _microseconds(window)
        self.routine_gap = _microseconds(ROUTINE_GAP)
        self.assigned = np.zeros(len(rows.ids), dtype=bool)
        self.by_url: dict[str, list[int]] = defaultdict(list)
        self.by_title: dict[str, list[int]] = defaultdict(list)
        self.by_band: dict[int, tuple[int] | list[int]] = {}
        """A band's key (which band it is folded in) -> the articles with that key: a shared
        1-tuple for the first, a list once a second joins. One dict, so adding or looking up
        an article's 42 keys is a few C calls, not a Python loop (refs #16)."""
        self.bands = _band_keys(rows.minhash)
        self.shared_bands = _shared(self.bands, rows.has_minhash)
        """(articles, bands) whether another article has that band's key: only those keys
        are indexed and looked up (a key of one article finds no other)."""
        self.has_shared_band = self.shared_bands.any(axis=1)
        self.may_join = self.has_shared_band | rows.has_vector | rows.shares_key
        """Whether the article could join another's story, or another its: a key in common
        or a vector. On a window without copies most articles share nothing, and the
        assignment's Python walk is for the others (refs #16)."""
        self._block: tuple[int, int, int, int, np.ndarray] | None = None
        """(first, last, lo, hi, cosines of articles first..last-1 with lo..hi-1)."""
        self._evidence: dict[int, Evidence] = {}
        """Article -> its anchors, countries and days, read when first compared."""
        self._shingles: dict[int, np.ndarray | None] = {}
        """Article -> its distinct shingle hashes (None without text), computed when first
        compared near the threshold."""

    def add(self, i: int) -> None:
        rows = self.rows
        self.assigned[i] = True
        if rows.url_keys[i]:
            self.by_url[rows.url_keys[i]].append(i)
        if rows.title_keys[i]:
            self.by_title[rows.title_keys[i]].append(i)
        if self.has_shared_band[i]:
            self._add_bands(i)

    def _shared_keys(self, i: int) -> list[int]:
        return self.bands[i][self.shared_bands[i]].tolist()

    def _add_bands(self, i: int) -> None:
        by_band, keys = self.by_band, self._shared_keys(i)
        known = by_band.keys() & keys
        for key in known:
            members = by_band[key]
            if isinstance(members, tuple):
                by_band[key] = [*members, i]
            else:
                members.append(i)
        by_band.update(dict.fromkeys(set(keys) - known if known else keys, (i,)))

    def match(self, i: int) -> str | None:
        """The story of article i's best match among the assigned articles, or None."""
        rows = self.rows
        found = self._by_url(i)
        if found is None and self.has_shared_band[i]:
            found = self._by_text(i)
        if found is None and rows.title_keys[i]:
            found = self._by_headline(i)
        if found is None and rows.has_vector[i]:
            found = self._by_vector(i)
        return None if found is None else rows.stories[found]

    def _near(self, i: int, candidates, window: np.int64 | None = None) -> list[int]:
        """The distinct candidates within `window` (default: the story window) of article i,
        in publication order."""
        unique = set(candidates)
        if not unique:
            return []
        times = self.rows.times
        limit = self.window if window is None else window
        found = np.fromiter(unique, dtype=np.int64, count=len(unique))
        return np.sort(found[np.abs(times[found] - times[i]) <= limit]).tolist()

    def _by_url(self, i: int) -> int | None:
        key = self.rows.url_keys[i]
        near = self._near(i, self.by_url.get(key, ())) if key else []
        return near[0] if near else None

    def _by_text(self, i: int) -> int | None:
        # the union runs in C: a band shared by boilerplate lists thousands of articles, and
        # walking them in Python was most of the story step's time (refs #20)
        candidates = set().union(*filter(None, map(self.by_band.get, self._shared_keys(i))))
        near = [j for j in self._near(i, candidates) if not self._is_routine_repeat(i, j)]
        if not near:
            return None
        signatures = self.rows.minhash
        similarity = (signatures[near] == signatures[i]).mean(axis=1)
        for k in np.flatnonzero(np.abs(similarity - JACCARD_THRESHOLD) < ESTIMATE_MARGIN):
            similarity[k] = self._jaccard(i, near[k], similarity[k])
        best = int(np.argmax(similarity))  # the first of equals: the earliest
        return near[best] if similarity[best] >= JACCARD_THRESHOLD else None

    def _jaccard(self, i: int, j: int, estimate: float) -> float:
        """The exact Jaccard of two articles' shingles, or the estimate without a text."""
        mine, theirs = self._shingles_of(i), self._shingles_of(j)
        if mine is None or theirs is None:
            return estimate
        shared = len(np.intersect1d(mine, theirs, assume_unique=True))
        return shared / (len(mine) + len(theirs) - shared)

    def _shingles_of(self, i: int) -> np.ndarray | None:
        if i not in self._shingles:
            text = self.rows.evidence_texts[self.rows.unsorted[i]].as_py()
            self._shingles[i] = None if text is None else np.unique(shingle_hashes(text))
        return self._shingles[i]

    def _by_headline(self, i: int) -> int | None:
        rows = self.rows
        titled = self.by_title.get(rows.title_keys[i], ())
        for j in self._near(i, titled, self.routine_gap):
            if rows.headline_only[i] or rows.headline_only[j]:
                return j
        return None

    def _is_routine_repeat(self, i: int, j: int) -> bool:
        rows = self.rows
        apart = abs(rows.times[j] - rows.times[i]) > self.routine_gap
        return apart and rows.numbers_keys[i] != rows.numbers_keys[j]

    def _by_vector(self, i: int) -> int | None:
        rows = self.rows
        lo = bisect_left(rows.times, rows.times[i] - self.window)
        hi = bisect_right(rows.times, rows.times[i] + self.window)
        keep = self.assigned[lo:hi] & rows.has_vector[lo:hi] & (rows.langs[lo:hi] != rows.langs[i])
        near = np.flatnonzero(keep)
        if not len(near):
            return None
        scores = base_scores(
            self._similarities(i, lo, hi)[near], rows.times[near + lo] - rows.times[i]
        )
        # the set terms cost Python per pair: only candidates they could lift are scored
        hopeful = np.flatnonzero(scores + MAX_BONUS >= LINK_THRESHOLD)
        best, best_score = None, LINK_THRESHOLD
        for k in hopeful.tolist():
            j = int(near[k]) + lo
            score = scores[k] + set_bonus(self._evidence_of(i), self._evidence_of(j))
            if score > best_score or (best is None and score >= best_score):
                best, best_score = j, score
        return best

    def _evidence_of(self, i: int) -> Evidence:
        if i not in self._evidence:
            rows = self.rows
            published = _EPOCH + timedelta(microseconds=int(rows.times[i]))
            self._evidence[i] = evidence(
                rows.evidence_texts[rows.unsorted[i]].as_py() or "",
                rows.countries[rows.unsorted[i]].as_py() or (),
                published.date(),
            )
        return self._evidence[i]

    def _similarities(self, i: int, lo: int, hi: int) -> np.ndarray:
        """Cosines of article i with the articles lo..hi-1, from a block of the next
        articles' products computed at once: one vector at a time against a 10,000-article
        window reads 20 MB per article (0.74 ms, bench/eval_stories.py)."""
        block = self._block
        if block is None or not block[0] <= i < block[1] or lo < block[2] or hi > block[3]:
            rows = self.rows
            size = int(np.clip(SIMILARITY_BUDGET // max(hi - lo, 1), 1, VECTOR_BLOCK))
            last = min(i + size, len(rows.ids))
            end = bisect_right(rows.times, rows.times[last - 1] + self.window)
            products = rows.vectors[i:last] @ rows.vectors[lo:end].T
            block = self._block = (i, last, lo, end, products)
        first, _, start, _, products = block
        return products[i - first, lo - start : hi - start]


def _rows(unsorted: pa.Table) -> _Rows:
    order = pc.sort_indices(unsorted, [("published_at", "ascending"), ("article_id", "ascending")])
    table = unsorted.drop_columns(["countries", "evidence_text"]).take(order)
    minhash, has_minhash = _matrix(table["minhash"], np.uint32, NUM_PERM)
    vectors, has_vector = _matrix(table["vector"], np.float32)
    times = table["published_at"].cast(pa.timestamp("us")).cast(pa.int64()).to_numpy()
    return _Rows(
        ids=table["article_id"].to_pylist(),
        stories=table["story_id"].to_pylist(),
        times=times,
        langs=_codes(table["lang"]),
        title_keys=table["title_key"].to_pylist(),
        headline_only=[bool(x) for x in table["is_headline_only"].to_pylist()],
        url_keys=table["url_key"].to_pylist(),
        numbers_keys=table["numbers_key"].to_pylist(),
        minhash=minhash,
        has_minhash=has_minhash,
        vectors=vectors,
        has_vector=has_vector,
        shares_key=_repeated(table["url_key"]) | _repeated(table["title_key"]),
        countries=unsorted["countries"].combine_chunks(),
        evidence_texts=unsorted["evidence_text"].combine_chunks(),
        unsorted=order.to_numpy(),
    )


def _codes(values: pa.ChunkedArray) -> np.ndarray:
    """One integer per distinct value, equal where the values are."""
    encoded = values.combine_chunks().fill_null("").dictionary_encode()
    return encoded.indices.to_numpy(zero_copy_only=False)


def _microseconds(span: timedelta) -> np.int64:
    return np.int64(span // timedelta(microseconds=1))


def _matrix(
    column: pa.ChunkedArray, dtype, width: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A list column as a (rows, width) matrix, zero rows where it is null, and the mask of
    the rows that have a list."""
    lists = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
    present = np.asarray(lists.is_valid(), dtype=bool)
    values = lists.flatten().to_numpy(zero_copy_only=False).astype(dtype, copy=False)
    if width is None:
        width = len(values) // max(int(present.sum()), 1)
    matrix = np.zeros((len(lists), width), dtype=dtype)
    if width:
        matrix[present] = values.reshape(-1, width)
    return matrix, present


def _shared(keys: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per element of `keys` (one row per article), whether another element of a present
    row has the same value."""
    ordered = np.sort(keys[present].ravel())
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return np.zeros(keys.shape, dtype=bool)
    found = repeated[np.minimum(np.searchsorted(repeated, keys), len(repeated) - 1)] == keys
    return found & present[:, None]


def _repeated(values: pa.ChunkedArray) -> np.ndarray:
    """Per value, whether it is not null and another value equals it."""
    counts = pc.value_counts(values.drop_null())
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    return pc.is_in(values, value_set=repeated).fill_null(False).to_numpy(zero_copy_only=False)


def _band_keys(minhash: np.ndarray) -> np.ndarray:
    """(articles, bands) one 64-bit key per LSH band of LSH_ROWS signature values, with the
    band folded in: equal values in two bands are two keys."""
    rows = minhash[:, : _BANDS * LSH_ROWS].reshape(len(minhash), _BANDS, LSH_ROWS)
    keys = np.zeros((len(minhash), _BANDS), dtype=np.uint64)
    for r in range(LSH_ROWS):
        keys = keys * np.uint64(0x100000001B3) ^ rows[:, :, r].astype(np.uint64)
    return keys ^ (np.arange(_BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
