"""kill -9 at every phase of a load: the published database survives, a re-run completes it.

Random kill timing rarely lands inside a checkpoint or between `os.replace` and the lock
release, so the load kills itself at named points (TENSION_CRASH_AT, etl/faults.py): while
copying, reading, tagging, writing, checkpointing and publishing. Before `os.replace` the
published file must stay byte-identical; after it, it must be the complete new database.
Either way a re-run must end with exactly what an uninterrupted load gives (refs #7).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from bench import article_inputs
from etl import publish
from etl.faults import CRASH_ENV
from etl.run import load_inputs
from etl.settings import REPO_ROOT, Settings

FIXTURES = Path(__file__).parents[1] / "fixtures"
NEW_ARTICLES = 600
"""More than two of the CLI's 256-record batches, so 'the second batch' is mid-run."""

SNAPSHOT_QUERIES = {
    "articles": "select article_id, url, title, text, published_at, lang, source from articles",
    "mentions": "select article_id, country, mention_count, first_offset from mentions",
    "pairs": "select article_id, country_a, country_b, sentence_count from article_pairs",
    "evidence": "select article_id, country_a, country_b, sentence_no, sentence from evidence",
    "runs": "select run_id, read, loaded, duplicates, rejected from ingest_runs",
    "rejects": "select run_id, locator, reason from rejects",
}
"""Everything a load decides, without the wall-clock columns (loaded_at, started_at)."""


def settings(db: Path, **overrides) -> Settings:
    return Settings(db_path=db, workers=1, with_tone=False, **overrides)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            name: con.execute(f"{sql} order by all").fetchall()
            for name, sql in SNAPSHOT_QUERIES.items()
        }
    finally:
        con.close()


def write_articles(path: Path, count: int) -> Path:
    return article_inputs.write_articles(
        path,
        count,
        prefix="crash",
        countries=["Russia", "China", "Iran", "Japan", "France", "Indonesia"],
        published=lambda i: f"2024-03-{1 + i % 28:02d}",
    )


@dataclass(frozen=True)
class Scenario:
    published: Path
    """The database before the load (fixtures loaded)."""
    new: Path
    """The input of the load that gets killed."""
    expected: dict[str, list[tuple]]
    """What an uninterrupted load of `new` over `published` leaves."""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    folder = tmp_path_factory.mktemp("crash")
    published = folder / "before.duckdb"
    load_inputs([FIXTURES / "articles.jsonl", FIXTURES / "bad.jsonl"], settings(published))
    new = write_articles(folder / "new.jsonl", NEW_ARTICLES)
    reference = folder / "reference.duckdb"
    shutil.copyfile(published, reference)
    load_inputs([new], settings(reference))
    return Scenario(published, new, snapshot(reference))


def killed_load(db: Path, new: Path, phase: str, *, workers: int = 1, mark: str = "") -> None:
    """Run `python -m etl load` with TENSION_CRASH_AT=phase; it must die by SIGKILL.

    Output goes to a file, not a pipe: a surviving worker would hold a pipe open and make
    the wait hang instead of failing the test.
    """
    env = {**os.environ, CRASH_ENV: phase, "TENSION_TEST_MARK": mark}
    command = [sys.executable, "-m", "etl", "--db", str(db), "load", str(new), "--no-tone"]
    log = db.with_name("killed-load.log")
    with log.open("w") as output:
        code = subprocess.call(
            [*command, "--workers", str(workers)],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=output,
            timeout=300,
        )
    assert code == -signal.SIGKILL, log.read_text()


@pytest.mark.parametrize(
    "phase",
    ["copy", "read:2", "tag:2", "write:2", "checkpoint", "publish"],
)
def test_a_kill_before_publishing_leaves_the_published_database_byte_identical(
    scenario, tmp_path, phase
):
    db = tmp_path / "tension.duckdb"
    shutil.copyfile(scenario.published, db)
    before = digest(db)
    killed_load(db, scenario.new, phase)
    assert digest(db) == before
    # the OS released the lock with the process, so a run that refuses to wait still runs
    rerun = load_inputs([scenario.new], settings(db, wait_for_lock=False))
    assert (rerun.loaded, rerun.duplicates, rerun.rejected) == (NEW_ARTICLES, 0, 0)
    assert snapshot(db) == scenario.expected
    assert not publish.work_path(db).exists()


def test_a_kill_after_os_replace_leaves_the_complete_new_database(scenario, tmp_path):
    db = tmp_path / "tension.duckdb"
    shutil.copyfile(scenario.published, db)
    killed_load(db, scenario.new, "published")
    assert snapshot(db) == scenario.expected
    rerun = load_inputs([scenario.new], settings(db, wait_for_lock=False))
    assert (rerun.loaded, rerun.duplicates) == (0, NEW_ARTICLES)


def processes_marked(mark: str) -> list[int]:
    """Processes whose environment carries TENSION_TEST_MARK=mark (Linux /proc)."""
    found = []
    needle = f"TENSION_TEST_MARK={mark}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_a_kill_with_a_process_pool_leaves_no_worker_behind(scenario, tmp_path):
    db = tmp_path / "tension.duckdb"
    shutil.copyfile(scenario.published, db)
    before = digest(db)
    mark = uuid.uuid4().hex
    killed_load(db, scenario.new, "write:2", workers=2, mark=mark)
    deadline = time.monotonic() + 15
    while processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = processes_marked(mark)
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)  # so a failing run leaves nothing behind either
    assert survivors == []
    assert digest(db) == before
