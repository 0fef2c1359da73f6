"""Readers and a second load while a load publishes: no failed read, no corrupt file (refs #7).

A dashboard-style reader (tests/etl/concurrent_reader.py, in its own process as the
dashboard is) queries the published file in a loop while loads publish new versions: every
read must succeed, must see one of the published versions (never a half-written one), and
the last reads must see the newest. Two loads started at once: one waits for the other, or,
with --no-wait, fails with a one-line message; the database stays valid either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from bench import article_inputs
from etl.run import load_inputs
from etl.settings import REPO_ROOT, Settings

FIXTURES = Path(__file__).parents[1] / "fixtures"
READER = Path(__file__).parent / "concurrent_reader.py"
PUBLISHES = 4
ARTICLES_PER_LOAD = 300


def settings(db: Path) -> Settings:
    return Settings(db_path=db, workers=1, with_tone=False)


def write_articles(path: Path, count: int, prefix: str) -> Path:
    return article_inputs.write_articles(
        path,
        count,
        prefix=prefix,
        countries=["Japan", "South Korea"],
        published=lambda i: f"2024-04-{1 + i % 28:02d}",
        text="Seoul and Tokyo officials met in {prefix}. Trade talks resumed. ",
        repeat=4,
    )


def article_count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()


def test_a_dashboard_style_reader_never_fails_while_loads_publish(tmp_path):
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    published = [article_count(db)]
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, str(READER), str(db), str(stop)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for number in range(PUBLISHES):
            new = write_articles(tmp_path / f"new{number}.jsonl", ARTICLES_PER_LOAD, f"p{number}")
            summary = load_inputs([new], settings(db))
            published.append(published[-1] + summary.loaded)
        time.sleep(1.0)  # the reader's last reads come after the last publish
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    result = json.loads(out)
    print(
        f"reader: {result['reads']} reads, {len(result['failures'])} failed, {PUBLISHES} publishes"
    )
    assert result["failures"] == []
    assert result["reads"] >= 2 * PUBLISHES
    # every version read was a published one, and the newest was seen at the end
    assert set(result["counts"]) <= set(published)
    assert result["counts"][-1] == published[-1] == 16 + PUBLISHES * ARTICLES_PER_LOAD


def etl_load(db: Path, path: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "etl", "--db", str(db), "load", str(path)]
    return subprocess.Popen(
        [*command, "--workers", "1", "--no-tone", *extra],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture
def two_inputs(tmp_path) -> tuple[Path, Path, Path]:
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    # big enough that the first load still holds the lock when the second asks for it
    first = write_articles(tmp_path / "a.jsonl", 3000, "a")
    second = write_articles(tmp_path / "b.jsonl", 3000, "b")
    return db, first, second


def test_two_loads_started_at_once_both_complete_one_after_the_other(two_inputs):
    db, first, second = two_inputs
    runs = [etl_load(db, first), etl_load(db, second)]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    waited = [err for _, err in results if "waiting for another ETL run (pid" in err]
    assert len(waited) == 1
    assert article_count(db) == 16 + 6000


def test_two_loads_started_at_once_with_no_wait_one_fails_with_one_clear_line(two_inputs):
    db, first, second = two_inputs
    runs = [etl_load(db, first, "--no-wait"), etl_load(db, second, "--no-wait")]
    results = [run.communicate(timeout=600) for run in runs]
    codes = sorted(run.returncode for run in runs)
    assert codes == [0, 1], results
    failed = next(err for run, (_, err) in zip(runs, results, strict=True) if run.returncode)
    assert failed.count("\n") == 1 and "Traceback" not in failed
    assert failed.startswith("error: another ETL run (pid ")
    assert "wait for it or drop --no-wait" in failed
    assert article_count(db) == 16 + 3000
