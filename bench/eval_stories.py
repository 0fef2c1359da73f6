"""Story assignment: near-duplicates on Reuters-21578, cross-language links on the sample, speed.

    .venv/bin/python bench/eval_stories.py ../shared/eval-data/reuters21578/*.jsonl \\
        [--sample data/sample/articles.jsonl] [--draw 60]

1. Near-duplicates (English). Candidates come from an exact inverted index of word
   5-shingles, not from MinHash/LSH: every pair filed within 48 hours whose exact Jaccard is
   at least 0.3. The *criterion pairs* share at least half their shingles (Jaccard >= 0.5).
   A random sample of candidate pairs was read and labelled (bench/gold/
   reuters_story_pairs.csv, ids and labels only). Reported: pair recall and precision of
   the stories `etl.stories.assign` makes, against the criterion and against the labels.
   `--draw N` prints N more random candidate pairs to label.
2. Across languages. bench/gold/sample_cross_language.csv labels every pair of briefs of the
   bundled sample in two languages filed within 48 hours (same event or not). Reported: pair
   precision/recall/F1 of the stories made with the link score (etl/story_links.py), the
   k-fold figures of the score, of its terms before the days and of the cosine alone, each
   fitted on the training folds (bench/link_folds.py), the F1 by cosine threshold, and the
   errors.
Speed (story keys and assignment against the fast tagging path) is bench/story_speed.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from collections import defaultdict
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
from link_folds import (  # noqa: E402
    BEFORE_DAYS,
    TERMS,
    cross_validated,
    pair_features,
    read_labels,
    sample_articles,
)

from etl.records import Article, TaggedArticle  # noqa: E402
from etl.stories import STORY_WINDOW, assign  # noqa: E402
from etl.story_links import LINK_THRESHOLD  # noqa: E402
from etl.tables import signatures_table  # noqa: E402
from etl.tag.pipeline import TagOptions, tag_batch  # noqa: E402
from etl.tag.shingles import shingle_hashes  # noqa: E402

GOLD = Path(__file__).resolve().parent / "gold"
REUTERS_GOLD = GOLD / "reuters_story_pairs.csv"
CROSS_GOLD = GOLD / "sample_cross_language.csv"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "articles.jsonl"
CRITERION = 0.5
CANDIDATE_FLOOR = 0.3
COMMON_SHINGLE_DOCS = 50
"""Shingles in more documents than this are boilerplate; pairs sharing only those are not
candidates (a pair at Jaccard >= 0.3 shares plenty of rarer ones)."""
SEED = 16
BATCH = 256


def main() -> None:
    args = _parse_args()
    if args.reuters:
        reuters(args.reuters, args.draw)
    cross_language(args.sample)


def reuters(paths: list[Path], draw: int) -> None:
    articles = _reuters_articles(paths)
    print(f"Reuters-21578: {len(articles)} articles with a date and text or title")
    tagged = _tag(articles, with_tone=False)
    story = _stories(tagged)
    candidates = _candidate_pairs(articles)
    criterion = {pair for pair, j in candidates.items() if j >= CRITERION}
    predicted = _same_story_pairs(articles, story)
    times = {a.record_id: a.published_at for a in articles}
    within = {p for p in predicted if _hours_apart(times, p) <= 48}
    hits = sum(story[a] == story[b] for a, b in criterion)
    print(f"  criterion pairs (exact Jaccard >= {CRITERION}, <= 48 h apart): {len(criterion)}")
    print(f"  same-story pairs made: {len(predicted)} ({len(within)} within 48 h)")
    print(f"  recall on the criterion: {hits}/{len(criterion)} = {hits / len(criterion):.4f}")
    good = sum(candidates.get(p, 0.0) >= CRITERION for p in predicted)
    print(f"  precision on the criterion: {good}/{len(predicted)} = {good / len(predicted):.4f}")
    _labelled(story, predicted, candidates)
    _why_missed(articles, times, story, criterion, candidates)
    if draw:
        _draw(articles, candidates, predicted, draw)


def _labelled(story, predicted, candidates) -> None:
    if not REUTERS_GOLD.exists():
        return
    with REUTERS_GOLD.open(encoding="utf-8") as handle:
        labels = {(r["id_a"], r["id_b"]): r["same_report"] == "1" for r in csv.DictReader(handle)}
    same = [p for p, yes in labels.items() if yes]
    joined = [p for p in labels if story.get(p[0]) == story.get(p[1])]
    recall = sum(story[a] == story[b] for a, b in same) / len(same)
    precision = sum(labels[p] for p in joined) / len(joined) if joined else float("nan")
    agree = sum((candidates.get(p, 0) >= CRITERION) == yes for p, yes in labels.items())
    print(
        f"  labelled by reading: {len(labels)} pairs, {len(same)} the same report; "
        f"recall {recall:.4f}, precision {precision:.4f} ({len(joined)} joined); "
        f"the criterion agrees with the reader on {agree}/{len(labels)}"
    )


def _why_missed(articles, times, story, criterion, candidates, shown: int = 8) -> None:
    by_id = {a.record_id: a for a in articles}
    missed = sorted(p for p in criterion if story[p[0]] != story[p[1]])
    for a, b in missed[:shown]:
        print(
            f"    missed {a} / {b}: Jaccard {candidates[(a, b)]:.2f}, "
            f"{_hours_apart(times, (a, b)):.1f} h, {by_id[a].title[:40]!r} / {by_id[b].title[:40]!r}"
        )


def _draw(articles, candidates, predicted, count: int) -> None:
    """Random candidate pairs (and joined pairs below the criterion) to read and label."""
    rng = random.Random(SEED)
    by_id = {a.record_id: a for a in articles}
    pool = sorted(candidates)
    below = sorted(p for p in predicted if candidates.get(p, 0.0) < CRITERION)
    chosen = rng.sample(pool, min(count, len(pool))) + below
    for a, b in chosen:
        print(f"\n== {a},{b}  Jaccard {candidates.get((a, b), 0.0):.2f}")
        for doc in (by_id[a], by_id[b]):
            print(f"-- {doc.published_at:%Y-%m-%d %H:%M} {doc.title}\n{doc.text[:600]}")


def _reuters_articles(paths: list[Path]) -> list[Article]:
    articles = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            title, text = row.get("title") or "", row.get("text") or ""
            if not row.get("date") or not (title or text):
                continue
            published = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC)
            articles.append(
                Article(
                    # an id of its own: an exact re-filing would otherwise share the content
                    # hash and be dropped as the same article before assignment
                    url=f"https://reuters21578.invalid/{row['id']}",
                    title=title,
                    text=text,
                    published_at=published,
                    source="Reuters",
                    lang="en",
                    record_id=row["id"],
                )
            )
    return articles


def _tag(articles: list[Article], *, with_tone: bool) -> list[TaggedArticle]:
    options = TagOptions(with_tone=with_tone)
    tagged = []
    for start in range(0, len(articles), BATCH):
        tagged += [r for r in tag_batch(articles[start : start + BATCH], options)]
    return [t for t in tagged if isinstance(t, TaggedArticle)]


def _stories(tagged: list[TaggedArticle]) -> dict[str, str]:
    """record id -> story, from one pass of `assign` over the keyed articles."""
    rows = signatures_table(tagged)
    rows = rows.append_column(
        "published_at",
        pa.array([t.article.published_at.replace(tzinfo=None) for t in tagged], pa.timestamp("us")),
    )
    rows = rows.append_column("lang", pa.array([t.lang for t in tagged], pa.string()))
    rows = rows.append_column("story_id", pa.nulls(len(tagged), pa.string()))
    # what queries/story_macros.sql reads from the mentions and articles tables
    rows = rows.append_column(
        "countries",
        pa.array([sorted({c.country for c in t.countries}) for t in tagged], pa.list_(pa.string())),
    )
    rows = rows.append_column(
        "evidence_text",
        pa.array(
            [
                f"{t.article.title}\n\n{t.article.text}"
                if t.story.vector is not None or t.story.minhash is not None
                else None
                for t in tagged
            ],
            pa.string(),
        ),
    )
    assigned = assign(rows, rows.slice(0, 0))
    record_of = {t.article.article_id: t.article.record_id for t in tagged}
    story_of = dict(
        zip(assigned["article_id"].to_pylist(), assigned["story_id"].to_pylist(), strict=True)
    )
    return {record_of[a]: s for a, s in story_of.items()}


def _candidate_pairs(articles: list[Article]) -> dict[tuple[str, str], float]:
    """(id_a, id_b) -> exact Jaccard, for pairs <= 48 h apart with Jaccard >= the floor."""
    sets = {a.record_id: set(shingle_hashes(f"{a.title}\n\n{a.text}").tolist()) for a in articles}
    times = {a.record_id: a.published_at for a in articles}
    postings: dict[int, list[str]] = defaultdict(list)
    for rid, shingles in sets.items():
        for shingle in shingles:
            postings[shingle].append(rid)
    sharing = {
        pair
        for ids in postings.values()
        if len(ids) <= COMMON_SHINGLE_DOCS
        for pair in combinations(sorted(ids), 2)
    }
    out = {}
    for a, b in sharing:
        if abs(times[a] - times[b]) > STORY_WINDOW:
            continue
        jaccard = len(sets[a] & sets[b]) / len(sets[a] | sets[b])
        if jaccard >= CANDIDATE_FLOOR:
            out[(a, b)] = jaccard
    return out


def _same_story_pairs(articles, story: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        if a.record_id in story:
            members[story[a.record_id]].append(a.record_id)
    return {pair for ids in members.values() for pair in combinations(sorted(ids), 2)}


def _hours_apart(times: dict[str, datetime], pair: tuple[str, str]) -> float:
    return abs(times[pair[0]] - times[pair[1]]).total_seconds() / 3600


def cross_language(sample: Path) -> None:
    articles = sample_articles(sample)
    tagged = _tag(articles, with_tone=True)
    story = _stories(tagged)
    labels = read_labels(CROSS_GOLD)
    joined = {p for p in labels if story[p[0]] == story[p[1]]}
    print(
        f"\nCross-language, bundled sample: {len(labels)} labelled pairs, "
        f"{sum(labels.values())} the same event; link score threshold {LINK_THRESHOLD}"
    )
    _print_scores("  stories made", labels, joined)
    features = pair_features(labels, {t.article.record_id: t for t in tagged})
    for name, names in (
        ("cosine alone", ("cosine",)),
        ("terms before the days", BEFORE_DAYS),
        ("link score", TERMS),
    ):
        held = cross_validated(features, names)
        print(
            f"  {name}, fitted on the training folds: held-out F1 {held.f1:.3f} (min "
            f"{held.low:.3f}, max {held.high:.3f} over the shuffles), precision "
            f"{held.precision:.3f}, recall {held.recall:.3f}"
        )
    cosine = dict(zip(labels, features.columns(("cosine",))[:, 0].tolist(), strict=True))
    print("  F1 of linking every pair at or above a cosine threshold (no chaining):")
    for threshold in np.arange(0.50, 0.86, 0.05):
        linked = {p for p, c in cosine.items() if c >= threshold - 1e-9}
        _print_scores(f"    >= {threshold:.2f}", labels, linked)
    titles = {a.record_id: a.title for a in articles}
    for pair in sorted(labels, key=lambda p: -cosine[p]):
        if labels[pair] != (pair in joined):
            kind = "missed" if labels[pair] else "false link"
            a, b = pair
            print(
                f"    {kind} ({cosine[pair]:.2f}) {a} {titles[a][:45]!r} / {b} {titles[b][:45]!r}"
            )


def _print_scores(name: str, labels: dict, linked: set) -> None:
    tp = sum(labels[p] for p in linked)
    positives = sum(labels.values())
    precision = tp / len(linked) if linked else float("nan")
    recall = tp / positives
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    print(
        f"{name}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} ({len(linked)} linked)"
    )


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reuters", nargs="*", type=Path, help="Reuters-21578 JSONL files")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--draw", type=int, default=0, help="print N candidate pairs to label")
    return parser.parse_args()


if __name__ == "__main__":
    main()
