"""Loads under fuzzing: adversarial corpora in every format go through the real load path.

Each example writes a seeded adversarial corpus (tests/etl/adversarial.py: JSONL plain and
gzipped, CSV/TSV, Parquet, GKG plain and zipped, RSS, HTML and text pages, a decompression
bomb and a cut gzip), loads it twice with `load_inputs`, and checks that nothing crashes,
that every record is accounted for exactly once (loaded + duplicates + rejected = read =
what was written, and the rejects table holds one row per reject), and that the published
database stays valid. Derandomized and bounded (refs #7).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from adversarial import MoreFormats, Written
from hypothesis import Phase, given
from hypothesis import strategies as st

import queries
from etl.run import RunSummary, load_inputs
from etl.settings import Settings
from etl.sources import ReadOptions
from tests.etl.fuzzing import deterministic

MAX_TEXT = 64 * 1024
MAX_LINE = 128 * 1024
MAX_UNZIPPED = 2 * 2**20
"""Small limits, so huge fields and the bomb cross them quickly."""

FUZZ = deterministic(8, phases=[Phase.explicit, Phase.generate])
"""No shrinking: a failing example reports its seed, and re-running a load per shrink step
would take minutes."""


def load(inputs: list[Path], db: Path, *, workers: int = 1, batch_size: int = 64) -> RunSummary:
    return load_inputs(
        inputs,
        Settings(db_path=db, workers=workers, with_tone=False, batch_size=batch_size),
        read_options=ReadOptions(MAX_TEXT, MAX_LINE, max_unzipped_bytes=MAX_UNZIPPED),
    )


def assert_accounted(summary: RunSummary, written: list[Written]) -> None:
    assert summary.read == sum(w.records for w in written)
    assert summary.loaded + summary.duplicates + summary.rejected == summary.read


def assert_valid_database(db: Path, runs: list[RunSummary]) -> None:
    """The published file opens read-only, has our schema, and its tables agree with the runs."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        version = con.execute("select value from meta where key = 'schema_version'").fetchone()
        assert int(version[0]) == queries.SCHEMA_VERSION
        articles, distinct = con.execute(
            "select count(*), count(distinct article_id) from articles"
        ).fetchone()
        assert articles == distinct == sum(run.loaded for run in runs)
        for run in runs:
            row = con.execute(
                "select read, loaded, duplicates, rejected, finished_at is not null "
                "from ingest_runs where run_id = ?",
                [run.run_id],
            ).fetchone()
            assert row == (run.read, run.loaded, run.duplicates, run.rejected, True)
            rejects = con.execute("select count(*) from rejects where run_id = ?", [run.run_id])
            assert rejects.fetchone()[0] == run.rejected
        orphans = con.execute(
            "select (select count(*) from mentions where article_id not in "
            "(select article_id from articles)) + (select count(*) from article_pairs where "
            "article_id not in (select article_id from articles)) + (select count(*) from "
            "evidence where article_id not in (select article_id from articles))"
        ).fetchone()[0]
        assert orphans == 0
        assert con.execute(
            "select count(*) from articles where published_date <> cast(published_at as date)"
        ).fetchone() == (0,)
    finally:
        con.close()


@FUZZ
@given(
    seed=st.integers(0, 2**32 - 1),
    records=st.integers(10, 250),
    batch_size=st.sampled_from([1, 7, 64]),
)
def test_every_record_of_an_adversarial_corpus_is_accounted_for_once(seed, records, batch_size):
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder) / "in"
        inputs.mkdir()
        written = MoreFormats(seed, MAX_LINE).corpus(inputs, records, MAX_UNZIPPED)
        db = Path(folder) / "fuzz.duckdb"
        first = load([inputs], db, batch_size=batch_size)
        assert_accounted(first, written)
        again = load([inputs], db, batch_size=batch_size)
        assert_accounted(again, written)
        assert again.loaded == 0
        assert_valid_database(db, [first, again])


@pytest.mark.slow
def test_a_process_pool_accounts_for_every_record_of_an_adversarial_corpus(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    written = MoreFormats(7, MAX_LINE).corpus(inputs, 400, MAX_UNZIPPED)
    db = tmp_path / "pool.duckdb"
    summary = load([inputs], db, workers=2, batch_size=16)
    assert_accounted(summary, written)
    assert_valid_database(db, [summary])


# found by the pool fuzz test: a rejected copy of a URL used to hide a valid one, refs #7
@pytest.mark.slow
def test_a_process_pool_loads_an_adversarial_corpus_like_one_process(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    written = MoreFormats(11, MAX_LINE).corpus(inputs, 400, MAX_UNZIPPED)
    single = load([inputs], tmp_path / "one.duckdb", batch_size=16)
    pooled = load([inputs], tmp_path / "pool.duckdb", workers=2, batch_size=16)
    for summary in (single, pooled):
        assert_accounted(summary, written)
    counts = [(s.loaded, s.duplicates, s.rejected) for s in (single, pooled)]
    assert counts[0] == counts[1]
    query = "select article_id, country_a, country_b from article_pairs order by all"
    tables = []
    for db in ("one.duckdb", "pool.duckdb"):
        con = duckdb.connect(str(tmp_path / db), read_only=True)
        tables.append(con.execute(query).fetchall())
        con.close()
    assert tables[0] == tables[1]


def test_a_valid_copy_of_a_url_whose_first_copy_is_rejected_at_tagging_is_loaded(tmp_path):
    path = tmp_path / "copies.jsonl"
    path.write_text(
        '{"url": "https://a.example/1", "date": "2024-01-01", "countries": "Atlantis"}\n'
        '{"url": "https://a.example/1", "date": "2024-01-01", "text": "Russia and China."}\n',
        encoding="utf-8",
    )
    summary = load([path], tmp_path / "t.duckdb")
    assert (summary.loaded, summary.duplicates, summary.rejected) == (1, 0, 1)


# found by the pool fuzz test: --retag used to load an input repeat twice, refs #7
def test_retag_counts_a_record_repeated_in_the_input_once(tmp_path):
    path = tmp_path / "repeat.jsonl"
    line = '{"url": "https://a.example/1", "date": "2024-01-01", "text": "Russia and China."}\n'
    path.write_text(line * 2, encoding="utf-8")
    settings = Settings(db_path=tmp_path / "t.duckdb", workers=1, with_tone=False, batch_size=1)
    summary = load_inputs([path], replace(settings, retag=True))
    assert (summary.loaded, summary.duplicates) == (1, 1)
