"""Real schema migrations: a database of every older version upgrades to the current one."""

import json
from pathlib import Path

import duckdb

import queries
from etl.run import load_inputs
from etl.settings import Settings

FIXTURES = Path(__file__).parents[1] / "fixtures"


def columns(db: Path) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'main' and table_name not in ('pair_articles', "
            "'country_articles') order by all"
        ).fetchall()
    finally:
        con.close()


def test_every_version_has_its_migration():
    for version in range(2, queries.SCHEMA_VERSION + 1):
        assert f"migrate_to_{version}" in queries.names()


def make_version_1(db: Path) -> None:
    """Turn a current database back into what version 1 wrote: no evidence highlights."""
    con = duckdb.connect(str(db))
    con.execute("alter table evidence drop column highlights")
    con.execute("update meta set value = '1' where key = 'schema_version'")
    con.close()


def test_a_version_1_database_gains_evidence_highlights(tmp_path):
    old, fresh = tmp_path / "old.duckdb", tmp_path / "fresh.duckdb"
    settings = Settings(db_path=old, workers=1, with_tone=False)
    load_inputs([FIXTURES / "articles.jsonl"], settings)
    make_version_1(old)
    new = tmp_path / "new.jsonl"
    new.write_text(
        json.dumps(
            {
                "url": "https://example.org/x",
                "date": "2024-02-02",
                "lang": "en",
                "text": "The Kremlin and Pyongyang signed a deal.",
            }
        )
        + "\n"
    )
    load_inputs([new], settings)
    load_inputs(
        [FIXTURES / "articles.jsonl", new], Settings(db_path=fresh, workers=1, with_tone=False)
    )
    assert columns(old) == columns(fresh)
    con = duckdb.connect(str(old), read_only=True)
    version = con.execute("select value from meta where key = 'schema_version'").fetchone()[0]
    marks = con.execute(
        "select highlights from evidence where sentence like 'The Kremlin and%'"
    ).fetchone()[0]
    con.close()
    assert int(version) == queries.SCHEMA_VERSION
    assert [(m["country"], m["start_offset"], m["end_offset"]) for m in marks] == [
        ("RUS", 4, 11),
        ("PRK", 16, 25),
    ]
