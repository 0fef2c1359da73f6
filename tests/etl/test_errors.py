"""Expected failures through the CLI: one line that says what to do, exit 1, no traceback.

Covered: a missing database, a newer schema, a lock held by another run (--no-wait), a
read-only data folder, a full disk while loading (a file size limit set with setrlimit in
the child, so no root or tmpfs is needed), and a damaged database file. --debug shows the
traceback. Also the schema migration path, with a temporary migrate_to_<next>.sql (refs #7).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import queries
from etl import publish
from etl.database import connect_published
from etl.errors import DatabaseError
from etl.run import load_inputs
from etl.settings import REPO_ROOT, Settings

FIXTURES = Path(__file__).parents[1] / "fixtures"

DROP_ROOT_OVERRIDE = [
    "setpriv",
    "--inh-caps=-all",
    "--bounding-set=-dac_override,-dac_read_search,-fowner",
]
"""Run a command as root without root's power to write anywhere, so a 0555 folder binds."""


def settings(db: Path) -> Settings:
    return Settings(db_path=db, workers=1, with_tone=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def etl(db: Path, *args: str, prefix: list[str] | None = None, **kwargs):
    command = [*(prefix or []), sys.executable, "-m", "etl", "--db", str(db), *args]
    return subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, **kwargs
    )


def load_command(path: Path) -> list[str]:
    return ["load", str(path), "--workers", "1", "--no-tone"]


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture
def published(tmp_path) -> Path:
    db = tmp_path / "data" / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    return db


def write_articles(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            record = {
                "url": f"https://example.org/disk/{i}",
                "date": "2024-06-01",
                "title": f"Russia and China, part {i}",
                "text": "Moscow and Beijing signed an energy deal on Monday. " * 30,
            }
            handle.write(json.dumps(record) + "\n")
    return path


@pytest.mark.parametrize("command", [["stats"], ["rejects"]])
def test_a_missing_database_says_how_to_build_one(tmp_path, command):
    result = etl(tmp_path / "nope.duckdb", *command)
    assert_one_line_error(result, "no database at", "python -m etl sample", "TENSION_DB")


def test_debug_shows_the_traceback_of_an_expected_failure(tmp_path):
    result = etl(tmp_path / "nope.duckdb", "--debug", "stats")
    assert result.returncode != 0 and "Traceback" in result.stderr
    assert "DatabaseError: no database at" in result.stderr


@pytest.mark.parametrize("command", [["stats"], ["rejects"], load_command(FIXTURES / "bad.jsonl")])
def test_a_newer_schema_is_refused_and_left_untouched(published, command):
    con = duckdb.connect(str(published))
    con.execute("update meta set value = '999' where key = 'schema_version'")
    con.close()
    before = digest(published)
    result = etl(published, *command)
    assert_one_line_error(result, f"{published} has schema version 999", "git pull")
    assert digest(published) == before


def test_a_lock_held_by_another_run_fails_fast_with_no_wait(published, tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from etl import publish\n"
            f"with publish.exclusive_lock(Path({str(published)!r}), wait=False):\n"
            "    print('locked', flush=True); sys.stdin.read()",
        ],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = etl(published, *load_command(FIXTURES / "bad.jsonl"), "--no-wait")
    finally:
        holder.communicate("")
    assert_one_line_error(
        result, f"another ETL run (pid {holder.pid}) is writing", "drop --no-wait"
    )


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None,
    reason="as root a read-only folder binds only without CAP_DAC_OVERRIDE (needs setpriv)",
)
def test_a_read_only_data_folder_says_how_to_fix_it(published):
    folder = published.parent
    before = digest(published)
    folder.chmod(0o555)
    try:
        prefix = DROP_ROOT_OVERRIDE if os.geteuid() == 0 else None
        result = etl(published, *load_command(FIXTURES / "bad.jsonl"), prefix=prefix)
    finally:
        folder.chmod(0o755)
    assert_one_line_error(result, f"the data folder {folder} is read-only", "TENSION_DB")
    assert digest(published) == before


def file_size_limit(limit: int):
    """A preexec_fn: writes past `limit` bytes fail with EFBIG (SIGXFSZ ignored), as on a
    full disk, without root, tmpfs or a real full disk."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("headroom", [-(2**20), 2**19])
def test_a_full_disk_while_loading_leaves_the_published_database_intact(
    published, tmp_path, headroom
):
    # below the published size the copy fails; above it, writing the new rows does
    before = digest(published)
    limit = published.stat().st_size + headroom
    new = write_articles(tmp_path / "new.jsonl", 3000)
    result = etl(published, *load_command(new), preexec_fn=file_size_limit(limit))
    assert_one_line_error(
        result,
        "disk full or file size limit reached while writing",
        "free space in",
        "and re-run",
    )
    assert digest(published) == before
    assert not publish.work_path(published).exists()
    rerun = load_inputs([new], settings(published))
    assert rerun.loaded == 3000


def damage(path: Path, start: int, length: int) -> None:
    """Flip a byte every 4001 from `start`: every DuckDB block there fails its checksum."""
    data = bytearray(path.read_bytes())
    for offset in range(start, min(len(data), start + length), 4001):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["garbage", "header", "late block"])
@pytest.mark.parametrize("command", [["stats"], load_command(FIXTURES / "bad.jsonl")])
def test_a_damaged_database_file_says_to_restore_or_rebuild(published, where, command):
    if where == "garbage":
        published.write_bytes(os.urandom(300_000))
    elif where == "header":
        damage(published, 12_288, 2**18)
    else:
        # the file still opens; the damage shows when a query reads those blocks
        damage(published, 2**20, published.stat().st_size)
    before = digest(published)
    result = etl(published, *command)
    assert_one_line_error(result, str(published), "restore it from a backup", "rebuild it")
    assert digest(published) == before


CURRENT = queries.SCHEMA_VERSION
NEXT = CURRENT + 1
MIGRATION = """-- the next version: articles get a paywall flag (a made-up change, for the test)
alter table articles add column if not exists is_paywalled boolean default false;
"""


@pytest.fixture
def version_2(tmp_path, monkeypatch):
    """queries/ as it would be after the next schema bump: schema.sql has the new column, and
    migrate_to_<NEXT>.sql upgrades a database of the current version."""
    folder = tmp_path / "queries"
    shutil.copytree(queries.QUERY_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__*"))
    schema = (folder / "schema.sql").read_text(encoding="utf-8")
    schema = schema.replace(
        "    loaded_at timestamp not null\n",
        "    loaded_at timestamp not null,\n    is_paywalled boolean default false\n",
        1,
    )
    assert "is_paywalled" in schema
    (folder / "schema.sql").write_text(schema, encoding="utf-8")
    (folder / f"migrate_to_{NEXT}.sql").write_text(MIGRATION, encoding="utf-8")
    queries.sql.cache_clear()
    monkeypatch.setattr(queries, "QUERY_DIR", folder)
    monkeypatch.setattr(queries, "SCHEMA_VERSION", NEXT)
    yield
    queries.sql.cache_clear()


def columns(db: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        query = (
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'articles' order by ordinal_position"
        )
        return con.execute(query).fetchall()
    finally:
        con.close()


def stored_version(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute("select value from meta where key = 'schema_version'").fetchone()[0])
    finally:
        con.close()


def test_a_load_migrates_an_older_database_to_the_current_schema(published, tmp_path, version_2):
    assert stored_version(published) == CURRENT
    summary = load_inputs([write_articles(tmp_path / "new.jsonl", 5)], settings(published))
    assert summary.loaded == 5
    assert stored_version(published) == NEXT
    con = duckdb.connect(str(published), read_only=True)
    kept = con.execute("select count(*), count(*) filter (not is_paywalled) from articles")
    assert kept.fetchone() == (16 + 5, 16 + 5)
    con.close()
    # a migrated database has exactly the columns of one created at the next version
    fresh = tmp_path / "fresh.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(fresh))
    assert columns(published) == columns(fresh)
    assert ("is_paywalled", "BOOLEAN") in columns(published)


def test_code_of_the_older_version_refuses_the_migrated_database(
    published, tmp_path, version_2, monkeypatch
):
    load_inputs([write_articles(tmp_path / "new.jsonl", 1)], settings(published))
    monkeypatch.setattr(queries, "SCHEMA_VERSION", CURRENT)
    newer = rf"schema version {NEXT}, newer than this code knows \({CURRENT}\)"
    with pytest.raises(DatabaseError, match=newer):
        connect_published(published)
