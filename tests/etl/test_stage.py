"""Loads publish what they add (issue #13): aggregates merged, not rebuilt; no whole copy.

Each load stages its rows and merges their signed aggregate rows into the published tables;
the file it replaces is kept as a spare that the next load brings up to date instead of
copying the database. These tests hold that to what a rebuild from scratch gives, after
loads, re-loads, re-tags (which move articles to other days and countries) and a
crash-and-rerun.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import duckdb
import pytest

import queries
from etl import publish, stage
from etl import run as etl_run
from etl.database import refresh_aggregates
from etl.faults import CRASH_ENV
from etl.run import load_inputs
from etl.settings import REPO_ROOT, Settings
from tests.published import fetch

FIXTURES = Path(__file__).parents[1] / "fixtures"
# the merged aggregates and the article indexes a load inserts into: all a rebuild makes
AGGREGATES = (
    *stage.AGGREGATES,
    "pair_articles",
    "country_articles",
    # the story days a stage rebuilds for the stories it touches (refs #16)
    "story_days",
    "pair_story_days",
    # and by language and source, which a re-tag into another language moves
    "story_facet_days",
    "pair_story_facet_days",
)
COUNTRIES = ["Russia", "China", "Iran", "Japan", "France", "Indonesia", "Brazil"]


def settings(db: Path, **overrides) -> Settings:
    return Settings(db_path=db, workers=1, with_tone=False, **overrides)


def write_articles(path: Path, count: int, *, prefix: str, shift: int = 0) -> Path:
    """`count` articles; the same prefix gives the same urls, `shift` other days and
    countries (what a re-tag of changed sources sees)."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            a = COUNTRIES[(i + shift) % 7]
            b = COUNTRIES[(i + 1 + i // 7 + 2 * shift) % 7]
            record = {
                "url": f"https://example.org/{prefix}/{i}",
                "published": f"2024-{1 + (i + shift) % 3:02d}-{1 + (i * 5 + shift) % 28:02d}",
                "lang": ["en", "id"][i % 2] if not shift else "en",
                "source": f"wire-{i % 3}",
                "title": f"{a} and {b}, item {i}",
                "text": f"Officials from {a} met {b} envoys. Trade was discussed. " * 2
                if (i + shift) % 5
                else f"{a} is in the news.",
            }
            handle.write(json.dumps(record) + "\n")
    return path


def rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """A table's rows in a fixed order, sums rounded (adding in another order can change
    the last bits of a float sum)."""
    columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
    shown = [
        f"round({c}, 9)" if c.endswith("_sum") or c in ("tone", "conflict") else c for c in columns
    ]
    return con.execute(f"select {', '.join(shown)} from {table} order by all").fetchall()


def value_of(db: Path, sql: str):
    """The one value `sql` returns on the published `db`."""
    [(value,)] = fetch(db, sql)
    return value


def aggregates(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {table: rows(con, table) for table in AGGREGATES}
        # the search index by article: a rebuild numbers the articles anew (refs #18)
        tables["search_postings"] = con.execute(
            "select d.article_id, p.term, p.word_no from search_postings as p "
            "join search_docs as d using (doc_no) order by all"
        ).fetchall()
        for table in ("search_docs", "search_doc_mentions", "search_doc_pairs"):
            tables[table] = by_article(con, table)
        return tables
    finally:
        con.close()


def by_article(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """A search index table's rows with the article_id for the doc_no (refs #18)."""
    return con.execute(
        f"select d.article_id, t.* exclude (doc_no) from {table} as t "
        "join search_docs as d using (doc_no) order by all"
    ).fetchall()


def rebuilt(db: Path, folder: Path) -> dict[str, list[tuple]]:
    """The aggregates refresh_aggregates.sql builds from scratch over `db`'s tagged tables."""
    copy = folder / "rebuilt.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    try:
        refresh_aggregates(con)
        con.execute("checkpoint")
    finally:
        con.close()
    return aggregates(copy)


def killed_load(db: Path, new: Path, phase: str) -> None:
    env = {**os.environ, CRASH_ENV: phase}
    command = [sys.executable, "-m", "etl", "--db", str(db), "load", str(new), "--no-tone"]
    code = subprocess.call([*command, "--workers", "1"], cwd=REPO_ROOT, env=env, timeout=300)
    assert code == -signal.SIGKILL


def test_aggregates_kept_up_by_loads_equal_a_rebuild_from_scratch(tmp_path):
    db = tmp_path / "tension.duckdb"
    first = write_articles(tmp_path / "first.jsonl", 300, prefix="a")
    second = write_articles(tmp_path / "second.jsonl", 300, prefix="b", shift=0)
    changed = write_articles(tmp_path / "changed.jsonl", 150, prefix="a", shift=3)
    third = write_articles(tmp_path / "third.jsonl", 600, prefix="c", shift=1)
    load_inputs([FIXTURES / "articles.jsonl", FIXTURES / "bad.jsonl"], settings(db))
    load_inputs([first], settings(db))
    assert load_inputs([first], settings(db)).duplicates == 300
    load_inputs([second, first], settings(db))
    # half of the first articles come back changed: other days, countries and languages
    assert load_inputs([changed], settings(db, retag=True)).loaded == 150
    load_inputs([FIXTURES / "articles.jsonl"], settings(db, retag=True))
    killed_load(db, third, "write:2")
    assert load_inputs([third], settings(db)).loaded == 600

    assert aggregates(db) == rebuilt(db, tmp_path)


def applied_on_threads(monkeypatch, *, fail: bool = False) -> list[tuple[str, bool]]:
    """What of a stage each apply step adds (a table's staged rows, or "search" for the
    search index's) and whether on the loading thread; with `fail`, adding the search
    index's rows on another thread fails."""
    applied: list[tuple[str, bool]] = []
    execute = queries.execute

    def watched(name: str, con, /, **kwargs) -> None:
        if name in ("append_staged_rows", "apply_stage_search"):
            on_main = threading.current_thread() is threading.main_thread()
            applied.append((kwargs.get("identifiers", {}).get("table", "search"), on_main))
            if fail and not on_main and name == "apply_stage_search":
                raise RuntimeError("injected failure")
        execute(name, con, **kwargs)

    monkeypatch.setattr(queries, "execute", watched)
    return applied


def test_a_load_applies_what_no_story_decides_while_it_assigns_stories(tmp_path, monkeypatch):
    # the search index's rows and the story-free tables' wait for no story id, so they are
    # applied beside story assignment rather than after it, on the serial tail (refs #20)
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    applied = applied_on_threads(monkeypatch)
    assign = etl_run.stage_stories
    seen_by_assignment: list[list[tuple[str, bool]]] = []

    def assign_once_the_rest_is_under_way(con) -> None:
        deadline = time.monotonic() + 60
        while not applied and time.monotonic() < deadline:
            time.sleep(0.01)
        seen_by_assignment.append(list(applied))
        assign(con)

    monkeypatch.setattr(etl_run, "stage_stories", assign_once_the_rest_is_under_way)
    load_inputs([write_articles(tmp_path / "a.jsonl", 80, prefix="a")], settings(db))
    assert seen_by_assignment[0] and not any(on_main for _, on_main in seen_by_assignment[0])
    story_free = {*stage.STORY_FREE_TABLES, "search"}
    assert {what for what, on_main in applied if not on_main} == story_free
    assert {what for what, on_main in applied if on_main} == {"articles"}
    assert aggregates(db) == rebuilt(db, tmp_path)
    # the next load applies that stage to the spare in one transaction on its own thread
    monkeypatch.setattr(publish, "_copy", None)
    caught_up_from = len(applied)
    load_inputs([write_articles(tmp_path / "b.jsonl", 40, prefix="b")], settings(db))
    assert story_free <= {what for what, on_main in applied[caught_up_from:] if on_main}
    assert aggregates(db) == rebuilt(db, tmp_path)
    assert value_of(db, "select count(*) from story_signatures") == 16 + 80 + 40


def search_rows_held_until_the_rest_is_applied(monkeypatch, *, fail: bool) -> list[bool]:
    """Hold the search index's rows (built on another thread) until the loading thread has
    applied the rest of the stage, or a deadline passes; whether it had, per load. With
    `fail`, building them then fails."""
    held: list[bool] = []
    rest_applied = threading.Event()
    execute = queries.execute

    def watched(name: str, con, /, **kwargs) -> None:
        on_main = threading.current_thread() is threading.main_thread()
        if name == "apply_stage_search" and not on_main:
            held.append(rest_applied.wait(timeout=20))
            if fail:
                raise RuntimeError("injected failure")
        execute(name, con, **kwargs)
        if name == "merge_aggregate" and on_main:
            rest_applied.set()

    monkeypatch.setattr(queries, "execute", watched)
    return held


def test_a_load_applies_the_rest_of_its_stage_while_the_search_rows_are_built(
    tmp_path, monkeypatch
):
    # after story assignment the rest of the stage (its articles, aggregates and story
    # days) waits for the search index's rows only where it sets their story ids (refs #20)
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    held = search_rows_held_until_the_rest_is_applied(monkeypatch, fail=False)
    load_inputs([write_articles(tmp_path / "a.jsonl", 80, prefix="a")], settings(db))
    assert held == [True]
    assert aggregates(db) == rebuilt(db, tmp_path)


def fail_beside_story_assignment(monkeypatch) -> list[bool]:
    applied_on_threads(monkeypatch, fail=True)
    return [True]


def fail_once_the_rest_is_applied(monkeypatch) -> list[bool]:
    # the rest of the stage is then committed to the working file already
    return search_rows_held_until_the_rest_is_applied(monkeypatch, fail=True)


@pytest.mark.parametrize("inject", [fail_beside_story_assignment, fail_once_the_rest_is_applied])
def test_a_failure_of_the_search_rows_publishes_nothing(tmp_path, monkeypatch, inject):
    db = tmp_path / "tension.duckdb"
    load_inputs([write_articles(tmp_path / "a.jsonl", 60, prefix="a")], settings(db))
    published = aggregates(db)
    new = write_articles(tmp_path / "b.jsonl", 60, prefix="b")
    held = inject(monkeypatch)
    with pytest.raises(RuntimeError, match="injected failure"):
        load_inputs([new], settings(db))
    assert held == [True]
    assert aggregates(db) == published
    for table in ("articles", "story_signatures", "mentions"):
        assert value_of(db, f"select count(distinct article_id) from {table}") == 60
    monkeypatch.undo()
    assert load_inputs([new], settings(db)).loaded == 60
    assert aggregates(db) == rebuilt(db, tmp_path)


def write_feed(path: Path, count: int) -> Path:
    """An RSS feed of `count` items on the days and countries `write_articles` uses: the
    same keys of the aggregates under another origin ('rss')."""
    items = []
    for i in range(count):
        a, b = COUNTRIES[i % 7], COUNTRIES[(i + 1 + i // 7) % 7]
        day = datetime(2024, 1 + i % 3, 1 + (i * 5) % 28, 8, tzinfo=UTC)
        items.append(
            f"<item><title>{a} and {b}, feed item {i}</title>"
            f"<link>https://feed.example.org/{i}</link><pubDate>{format_datetime(day)}</pubDate>"
            f"<description>Officials from {a} met {b} envoys.</description></item>"
        )
    path.write_text(
        f'<rss version="2.0"><channel><title>Feed</title>{"".join(items)}</channel></rss>',
        encoding="utf-8",
    )
    return path


def test_a_load_of_another_origin_on_the_same_days_keeps_the_rollups_per_origin(tmp_path):
    # the rollups keep origin as a key (refs #15): merging a feed's rows into the days and
    # countries a file already filled must not overwrite the file's rows (refs #12)
    db = tmp_path / "tension.duckdb"
    load_inputs([write_articles(tmp_path / "a.jsonl", 60, prefix="a")], settings(db))
    assert load_inputs([write_feed(tmp_path / "news.rss", 60)], settings(db)).loaded == 60
    assert value_of(db, "select count(distinct origin) from country_daily_all") == 2
    assert aggregates(db) == rebuilt(db, tmp_path)


def test_a_load_after_a_load_does_not_copy_the_database(tmp_path, monkeypatch):
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    load_inputs([write_articles(tmp_path / "a.jsonl", 50, prefix="a")], settings(db))
    assert publish.spare_path(db).exists() and publish.stage_path(db).exists()

    def no_copy(source: Path, target: Path) -> None:
        raise AssertionError(f"copied {source}: the spare should have been brought up to date")

    monkeypatch.setattr(publish, "_copy", no_copy)
    summary = load_inputs([write_articles(tmp_path / "b.jsonl", 50, prefix="b")], settings(db))
    assert summary.loaded == 50
    assert value_of(db, "select count(*) from articles") == 16 + 100
    assert value_of(db, "select sum(articles) from daily_totals") == 116


def test_a_spare_made_for_another_file_is_not_used(tmp_path):
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    load_inputs([write_articles(tmp_path / "a.jsonl", 50, prefix="a")], settings(db))
    # someone replaced the published file behind the ETL's back (a restore from backup)
    other = tmp_path / "other.duckdb"
    load_inputs([write_articles(tmp_path / "o.jsonl", 20, prefix="o")], settings(other))
    shutil.copyfile(other, db)
    summary = load_inputs([write_articles(tmp_path / "b.jsonl", 30, prefix="b")], settings(db))
    assert summary.loaded == 30
    assert value_of(db, "select count(*) from articles") == 20 + 30


@pytest.mark.parametrize("phase", ["checkpoint", "published"])
def test_a_kill_around_publishing_leaves_no_half_spare_behind(tmp_path, phase):
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    load_inputs([write_articles(tmp_path / "a.jsonl", 40, prefix="a")], settings(db))
    killed_load(db, write_articles(tmp_path / "b.jsonl", 40, prefix="b"), phase)
    summary = load_inputs([write_articles(tmp_path / "c.jsonl", 40, prefix="c")], settings(db))
    assert summary.loaded == 40
    expected = 16 + 40 + (40 if phase == "published" else 0) + 40
    assert aggregates(db) == rebuilt(db, tmp_path)
    assert value_of(db, "select count(*) from articles") == expected


def test_a_reader_still_holding_the_spare_makes_the_load_copy_instead(tmp_path):
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    load_inputs([write_articles(tmp_path / "a.jsonl", 50, prefix="a")], settings(db))
    # a dashboard session still reading the file that was published before the last one:
    # DuckDB will not let the load lock it for writing, so the load copies as before
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(publish.spare_path(db))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        summary = load_inputs([write_articles(tmp_path / "b.jsonl", 50, prefix="b")], settings(db))
    finally:
        holder.kill()
        holder.wait()
    assert summary.loaded == 50
    assert aggregates(db) == rebuilt(db, tmp_path)


def test_a_dashboard_that_opened_the_file_twice_still_keeps_it_from_being_rewritten(tmp_path):
    db = tmp_path / "tension.duckdb"
    load_inputs([FIXTURES / "articles.jsonl"], settings(db))
    load_inputs([write_articles(tmp_path / "a.jsonl", 50, prefix="a")], settings(db))
    # the dashboard's cached connection reads the published file; a streamed CSV download
    # opens and closes a second one, which drops DuckDB's lock (a POSIX lock is the
    # process's): the pin must still stop the next loads from rewriting the file under it
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LIKE_THE_DASHBOARD, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "holding 66"
        held = db.stat().st_ino
        for prefix in ("b", "c"):
            load_inputs(
                [write_articles(tmp_path / f"{prefix}.jsonl", 20, prefix=prefix)], settings(db)
            )
            assert db.stat().st_ino != held
        holder.stdin.write("count\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "still 66"
    finally:
        holder.kill()
        holder.wait()
    assert value_of(db, "select count(*) from articles") == 16 + 50 + 40
    assert aggregates(db) == rebuilt(db, tmp_path)


HOLD_LIKE_THE_DASHBOARD = """
import sys
from board.data import connect_read_only
cached = connect_read_only(sys.argv[1])
connect_read_only(sys.argv[1]).close()
count = "select count(*) from articles"
print("holding", cached.execute(count).fetchone()[0], flush=True)
sys.stdin.readline()
rows = cached.execute("select count(*), count(distinct title) from articles").fetchone()[0]
print("still", rows, flush=True)
"""


HOLD_READ_ONLY = """
import sys, time, duckdb
con = duckdb.connect(":memory:")
con.execute("attach $path as spare (read_only)", {"path": sys.argv[1]})
print("holding", flush=True)
time.sleep(120)
"""
