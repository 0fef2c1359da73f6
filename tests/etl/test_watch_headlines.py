"""A headline is an article (refs #14 item 4): title-only records are tagged and loaded."""

from __future__ import annotations

from pathlib import Path

from etl.run import load_inputs
from etl.settings import Settings
from tests.published import fetch

HEADLINES = Path(__file__).parents[1] / "fixtures" / "watch" / "headlines.jsonl"


def test_title_only_records_are_loaded_and_tagged_from_their_title(tmp_path):
    db = tmp_path / "t.duckdb"
    summary = load_inputs([HEADLINES], Settings(db_path=db, workers=1, with_tone=True))
    assert (summary.read, summary.loaded, summary.rejected) == (3, 2, 1)
    pairs = fetch(
        db,
        "select a.url, p.country_a, p.country_b, p.sentence_count, p.conflict,"
        " p.tone is not null from article_pairs p join articles a using (article_id)"
        " order by a.url",
    )
    evidence = fetch(db, "select sentence from evidence order by sentence")
    reasons = fetch(db, "select locator, reason from rejects")
    assert pairs == [
        # "nuclear war" is conflict vocabulary: the only sentence is a conflict sentence
        ("https://alerts.example.org/1", "PRK", "USA", 1, 1.0, True),
        ("https://alerts.example.org/2", "CHN", "JPN", 1, 0.0, True),
    ]
    assert evidence == [
        ("Japan and China hold first talks in a year",),
        ("North Korea warns United States of nuclear war over drills",),
    ]
    # only a record with nothing to tag is still rejected
    assert reasons == [(f"{HEADLINES}:3", "no title, no text and no pre-tagged countries")]
