"""The bundled sample corpus meets its brief (issue #5) and tells the story it should."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from etl.records import Article
from etl.settings import REPO_ROOT, Settings
from etl.sources import ReadOptions
from etl.sources.files import read_jsonl

SAMPLE = REPO_ROOT / "data" / "sample" / "articles.jsonl"
BAD = REPO_ROOT / "data" / "sample" / "bad.jsonl"
OPTIONS = ReadOptions(max_text_bytes=5 * 2**20, max_line_bytes=16 * 2**20)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def test_size_and_language_mix(records):
    langs = Counter(r["lang"] for r in records)
    total = len(records)
    assert total >= 360
    assert langs["en"] / total >= 0.45
    assert langs["id"] / total >= 0.35
    assert langs["fr"] / total >= 0.10


def test_every_record_is_a_dated_sample_brief_of_80_to_400_words(records):
    assert len({r["id"] for r in records}) == len(records)
    for record in records:
        words = len(record["text"].split())
        assert 80 <= words <= 400, (record["id"], words)
        assert record["source"] == "sample" and "url" not in record, record["id"]
        assert record["title"].strip(), record["id"]


def test_every_record_parses_with_a_date_in_range():
    items = list(read_jsonl(SAMPLE, OPTIONS))
    assert all(isinstance(item, Article) for item in items)
    start, end = datetime(2023, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    assert all(start <= a.published_at < end for a in items)


def test_every_month_has_news(records):
    months = Counter(r["published"][:7] for r in records)
    expected = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    assert [m for m in expected if months[m] < 3] == []


def test_the_bad_records_show_each_kind_of_reject():
    items = list(read_jsonl(BAD, OPTIONS))
    reasons = {item.reason for item in items if not isinstance(item, Article)}
    assert {"missing date", "no title, no text and no pre-tagged countries"} <= reasons
    assert any(reason.startswith("unparseable date") for reason in reasons)


@pytest.fixture(scope="module")
def sample_loaded(tmp_path_factory) -> Path:
    from etl.run import load_inputs

    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    load_inputs([SAMPLE], Settings(db_path=db, workers=2, with_tone=False), fresh=True)
    return db


def pair_articles(con, start: str, end: str) -> list[tuple[str, int]]:
    return con.execute(
        "select country_a || '-' || country_b, sum(articles) from pair_daily "
        "where day between ? and ? group by 1 order by 2 desc, 1",
        [start, end],
    ).fetchall()


def test_north_korea_russia_is_a_top_pair_of_2024_rising_in_q4(sample_loaded):
    con = duckdb.connect(str(sample_loaded), read_only=True)
    try:
        year = [pair for pair, _ in pair_articles(con, "2024-01-01", "2024-12-31")]
        assert "PRK-RUS" in year[:5], year[:10]
        quarters = {
            q: dict(pair_articles(con, start, end)).get("PRK-RUS", 0)
            for q, (start, end) in {
                "Q1": ("2024-01-01", "2024-03-31"),
                "Q2": ("2024-04-01", "2024-06-30"),
                "Q3": ("2024-07-01", "2024-09-30"),
                "Q4": ("2024-10-01", "2024-12-31"),
            }.items()
        }
        assert quarters["Q4"] >= 1.5 * max(quarters["Q1"], quarters["Q2"], quarters["Q3"])
    finally:
        con.close()


def test_the_bad_records_are_reported_after_the_sample(sample_loaded, tmp_path):
    from etl.run import load_inputs

    db = tmp_path / "copy.duckdb"
    db.write_bytes(sample_loaded.read_bytes())
    summary = load_inputs([BAD], Settings(db_path=db, workers=1, with_tone=False))
    assert summary.rejected >= 3 and summary.duplicates >= 1
    assert summary.read == summary.loaded + summary.duplicates + summary.rejected
