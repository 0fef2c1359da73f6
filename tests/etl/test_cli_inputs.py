"""`python -m etl load` on the inputs an analyst tripped over (issue #11, items 5-8): each is
read right or rejected with a reason the user can act on, and the summary says where to look."""

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from etl import clock
from etl.__main__ import app
from etl.dates import ACCEPTED_FORMS
from etl.sources.encoding import FALLBACK_NOTE

runner = CliRunner()
TEXT = "Russia and North Korea signed a defence pact in Pyongyang on Wednesday."


def load(db: Path, *args: str):
    return runner.invoke(app, ["load", *args, "--db", str(db), "--workers", "1", "--no-tone"])


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def rejects(db: Path) -> list[str]:
    result = runner.invoke(app, ["rejects", "--db", str(db)])
    return result.stdout.splitlines()


def test_a_latin1_file_is_read_as_such_never_stored_with_replacement_characters(tmp_path):
    path = tmp_path / "latin1.jsonl"
    record = {"date": "2024-05-02", "title": "Café diplomacy", "text": f"{TEXT} Señor Kim."}
    path.write_bytes((json.dumps(record, ensure_ascii=False) + "\n").encode("latin-1"))
    db = tmp_path / "t.duckdb"
    result = load(db, str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("run 1: read 1, loaded 1, duplicates 0, rejected 0")
    [(title, text, notes)] = rows(db, "select title, text, notes from articles")
    assert (title, text) == ("Café diplomacy", f"{TEXT} Señor Kim.")
    assert notes == FALLBACK_NOTE


def test_a_date_more_than_a_day_ahead_is_a_reject_and_the_summary_says_how_to_see_it(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(clock, "utc_now", lambda: datetime(2025, 9, 16, 12, tzinfo=UTC))
    path = tmp_path / "dates.jsonl"
    records = [
        {"id": "tomorrow", "date": "2025-09-17T06:00:00Z", "text": TEXT},
        {"id": "typo", "date": "2031-01-01", "text": TEXT},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "t.duckdb"
    result = load(db, str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("run 1: read 2, loaded 1, duplicates 0, rejected 1")
    assert result.stdout.strip().endswith(f"; see why: python -m etl rejects --run 1 --db {db}")
    assert rejects(db) == [f"run 1  {path}:2  date in the future: 2031-01-01"]


def test_a_semicolon_separated_csv_is_read_and_a_missing_column_names_those_found(tmp_path):
    good = tmp_path / "excel.csv"
    good.write_text(
        f"date;title;text\n2024-05-02;Pact;{TEXT}\n2024-05-03;Talks;Seoul and Tokyo talk.\n",
        encoding="utf-8",
    )
    undated = tmp_path / "undated.csv"
    undated.write_text(f"when|title|text\nyesterday|Pact|{TEXT}\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    result = load(db, str(good), str(undated))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("run 1: read 3, loaded 2, duplicates 0, rejected 1")
    assert rows(db, "select title from articles order by title") == [("Pact",), ("Talks",)]
    reason = "no date column; columns found: 'when', 'title', 'text'"
    assert rejects(db) == [f"run 1  {undated}:2  {reason}"]


def test_an_empty_file_is_a_warning_not_a_silent_nothing(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = load(tmp_path / "t.duckdb", str(empty))
    assert result.exit_code == 0, result.output
    assert f"skipped {empty}: empty file, nothing to read" in result.stderr
    assert result.stdout.startswith("run 1: read 0, loaded 0")


def test_a_json_file_holding_an_array_is_read_item_by_item(tmp_path):
    path = tmp_path / "export.json"
    records = [
        {"date": "2024-05-02", "title": "Pact", "text": TEXT},
        {"date": "2024-05-03", "title": "Talks", "text": "Seoul and Tokyo talk."},
        "not a record",
    ]
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    db = tmp_path / "t.duckdb"
    result = load(db, str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("run 1: read 3, loaded 2, duplicates 0, rejected 1")
    assert rejects(db) == [f"run 1  {path}:item 3  not a JSON object (got str)"]


@pytest.mark.parametrize("value", ["16/09/2025", "2031-01-01"])
def test_a_bad_date_option_is_a_usage_error_that_lists_the_accepted_forms(tmp_path, value):
    page = tmp_path / "page.txt"
    page.write_text(f"A Long Enough Headline For The Page\n\n{TEXT}\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    result = load(db, str(page), "--date", value)
    assert result.exit_code == 2
    assert "--date" in result.stderr
    if "/" in value:
        assert ACCEPTED_FORMS.split(",")[0] in " ".join(result.stderr.split())
    else:
        assert "date in the future: 2031-01-01" in result.stderr
    assert not db.exists()


def test_an_undated_feed_item_takes_the_date_option(tmp_path):
    feed = tmp_path / "undated.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>Pact</title><link>https://w.example/1</link><description>{TEXT}"
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    db = tmp_path / "t.duckdb"
    assert load(db, str(feed)).stdout.startswith(
        "run 1: read 1, loaded 0, duplicates 0, rejected 1"
    )
    assert rejects(db) == [f"run 1  {feed}:item 1  no date; pass --date"]
    dated = load(db, str(feed), "--date", "2024-05-02")
    assert dated.stdout.startswith("run 2: read 1, loaded 1")
