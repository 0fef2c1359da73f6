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


def make_version_3(db: Path) -> None:
    """Turn a current database back into what version 3 wrote: GKG rows toned by V2Tone."""
    con = duckdb.connect(str(db))
    con.execute(
        "update articles set tone = gdelt_tone, tone_positive = gdelt_positive, "
        "tone_negative = gdelt_negative, tone_polarity = gdelt_polarity, "
        "word_count = gdelt_word_count where origin = 'gkg'"
    )
    con.execute(
        "update article_pairs p set tone = a.tone from articles a "
        "where a.article_id = p.article_id and a.origin = 'gkg'"
    )
    for column in ("tone", "positive", "negative", "polarity", "word_count"):
        con.execute(f"alter table articles drop column gdelt_{column}")
    con.execute("update meta set value = '3' where key = 'schema_version'")
    con.close()


def tones(db: Path) -> tuple[list, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        articles = con.execute(
            "select article_id, round(tone, 6), word_count, gdelt_tone, gdelt_word_count "
            "from articles order by all"
        ).fetchall()
        pairs = con.execute(
            "select country_a, country_b, origin, round(sum(tone_sum), 6), sum(tone_n) "
            "from pair_daily group by all order by all"
        ).fetchall()
        return articles, pairs
    finally:
        con.close()


def test_a_version_3_database_moves_v2tone_aside_and_rescores_gkg_titles(tmp_path):
    old, fresh = tmp_path / "old.duckdb", tmp_path / "fresh.duckdb"
    inputs = [FIXTURES / "articles.jsonl", FIXTURES / "gkg" / "excerpt-20230702153000.gkg.csv"]
    load_inputs(inputs, Settings(db_path=old, workers=1))
    make_version_3(old)
    # any run upgrades the file: the migration re-scores, no --retag and no GKG file needed
    load_inputs([FIXTURES / "articles.jsonl"], Settings(db_path=old, workers=1))
    load_inputs(inputs, Settings(db_path=fresh, workers=1))
    assert columns(old) == columns(fresh)
    assert tones(old) == tones(fresh)
    con = duckdb.connect(str(old), read_only=True)
    version = con.execute("select value from meta where key = 'schema_version'").fetchone()[0]
    gkg = con.execute(
        "select count(*), count(tone), count(gdelt_tone) from articles where origin = 'gkg'"
    ).fetchone()
    con.close()
    assert int(version) == queries.SCHEMA_VERSION
    assert gkg == (6, 6, 6)


def test_an_upgrade_migrates_the_published_file_once_and_drops_the_old_spare(tmp_path, monkeypatch):
    import etl.gkg_tone
    from etl import publish

    db = tmp_path / "tension.duckdb"
    settings = Settings(db_path=db, workers=1, with_tone=False)
    load_inputs([FIXTURES / "gkg" / "excerpt-20230702153000.gkg.csv"], settings)
    load_inputs([FIXTURES / "articles.jsonl"], settings)
    assert publish.spare_path(db).exists()
    make_version_3(db)
    make_version_3(publish.spare_path(db))
    rescored = []
    real = etl.gkg_tone.rescore_gkg_titles
    monkeypatch.setattr(etl.gkg_tone, "rescore_gkg_titles", lambda con: rescored.append(real(con)))
    new = tmp_path / "new.jsonl"
    new.write_text(
        json.dumps({"url": "https://example.org/y", "date": "2024-02-03", "text": "Hi."})
    )
    assert load_inputs([new], settings).loaded == 1
    # the spare of schema 3 is not migrated (and re-scored) only to be found unusable
    assert rescored == [6]
    con = duckdb.connect(str(db), read_only=True)
    gkg = con.execute("select count(tone), count(gdelt_tone) from articles where origin = 'gkg'")
    assert gkg.fetchone() == (6, 6)
    con.close()


def upgraded_from(version: int, folder: Path, *statements: str) -> Path:
    """A database of the fixtures turned back into `version` by `statements`, then loaded
    into again, which upgrades it."""
    db = folder / "tension.duckdb"
    settings = Settings(db_path=db, workers=1, with_tone=False)
    load_inputs([FIXTURES / "articles.jsonl"], settings)
    con = duckdb.connect(str(db))
    for statement in statements:
        con.execute(statement)
    con.execute(
        "update meta set value = $version where key = 'schema_version'", {"version": str(version)}
    )
    con.close()
    load_inputs([FIXTURES / "articles.jsonl"], settings)
    return db


def test_a_version_4_database_gains_stories_one_per_article(tmp_path):
    # schema.sql creates the tables a version lacks before the migrations run, so the
    # stories table is declared once (refs #12) and migrate_to_5 only fills it
    db = upgraded_from(
        4, tmp_path, "drop table stories", "alter table articles drop column story_id"
    )
    con = duckdb.connect(str(db), read_only=True)
    stories = con.execute("select count(*), count(distinct story_id) from stories").fetchone()
    own = con.execute("select count(*) from articles where story_id = article_id").fetchone()[0]
    articles = con.execute("select count(*) from articles").fetchone()[0]
    con.close()
    assert stories == (articles, articles) and own == articles


def test_a_version_7_database_gains_each_pair_articles_story(tmp_path):
    # the spike detector's distinct stories read pair_articles.story_id (refs #17); a copy
    # grouped under another article's story must keep that story after the upgrade
    db = tmp_path / "tension.duckdb"
    settings = Settings(db_path=db, workers=1, with_tone=False)
    load_inputs([FIXTURES / "articles.jsonl"], settings)
    con = duckdb.connect(str(db))
    first, copy = [row[0] for row in con.execute(
        "select distinct article_id from pair_articles order by article_id limit 2"
    ).fetchall()]  # fmt: skip
    con.execute("update articles set story_id = ? where article_id = ?", [first, copy])
    con.execute("alter table pair_articles drop column story_id")
    con.execute("update meta set value = '7' where key = 'schema_version'")
    con.close()
    load_inputs([FIXTURES / "articles.jsonl"], settings)
    con = duckdb.connect(str(db), read_only=True)
    stories = dict(con.execute("select article_id, story_id from pair_articles").fetchall())
    expected = dict(
        con.execute("select article_id, coalesce(story_id, article_id) from articles").fetchall()
    )
    version = con.execute("select value from meta where key = 'schema_version'").fetchone()[0]
    con.close()
    assert version == str(queries.SCHEMA_VERSION)
    assert stories[copy] == first
    assert stories == {article: expected[article] for article in stories}


def test_a_version_9_database_gains_the_search_index_by_doc_no(tmp_path):
    # a search's scope reads its matches' dimensions, mentions and pairs from the index by
    # doc_no (refs #18); an older index has none of them until the upgrade's rebuild
    db = upgraded_from(
        9,
        tmp_path,
        "drop table search_doc_mentions",
        "drop table search_doc_pairs",
        "create or replace table search_docs as select doc_no, article_id from search_docs",
    )
    con = duckdb.connect(str(db), read_only=True)
    by_doc = {
        table: con.execute(
            f"select d.article_id, t.* exclude (doc_no) from {table} as t "
            "join search_docs as d using (doc_no) order by all"
        ).fetchall()
        for table in ("search_doc_mentions", "search_doc_pairs")
    }
    mentions = con.execute("select * from mentions order by all").fetchall()
    pairs = con.execute("select * from article_pairs order by all").fetchall()
    undated = con.execute(
        "select count(*) from search_docs join articles using (article_id) "
        "where search_docs.published_date is distinct from articles.published_date "
        "or search_docs.lang is distinct from articles.lang"
    ).fetchone()[0]
    con.close()
    assert by_doc == {"search_doc_mentions": mentions, "search_doc_pairs": pairs}
    assert mentions and pairs and undated == 0


def test_a_version_10_database_gains_the_story_days_by_language_and_source(tmp_path):
    # the story unit counts a language's or source's stories from these (refs #16); a
    # version 10 database has none until the upgrade's rebuild
    db = upgraded_from(
        10, tmp_path, "drop table story_facet_days", "drop table pair_story_facet_days"
    )
    con = duckdb.connect(str(db), read_only=True)
    by_language = con.execute(
        "select lang, count(*) from story_facet_days "
        "where source is null and previous_day is null group by lang order by lang"
    ).fetchall()
    expected = con.execute(
        "select lang, count(distinct coalesce(story_id, article_id)) from articles "
        "group by lang order by lang"
    ).fetchall()
    pairs = con.execute("select count(*) from pair_story_facet_days").fetchone()[0]
    version = con.execute("select value from meta where key = 'schema_version'").fetchone()[0]
    con.close()
    assert version == str(queries.SCHEMA_VERSION)
    assert by_language == expected and pairs > 0


def test_a_version_11_database_rebuilds_its_search_index_with_positions_and_stories(tmp_path):
    # a phrase is matched from the postings' positions and a search's story days read the
    # matches' stories from search_docs (refs #18); a version 11 index has one row per word x
    # article, no positions and no stories until the upgrade's rebuild
    db = upgraded_from(
        11,
        tmp_path,
        "create or replace table search_postings as "
        "select distinct term, doc_no from search_postings order by term, doc_no",
        "create or replace table search_docs as select * exclude (story_id) from search_docs",
    )
    con = duckdb.connect(str(db), read_only=True)
    version = con.execute("select value from meta where key = 'schema_version'").fetchone()[0]
    stories = con.execute(
        "select count(*), count(*) filter (where d.story_id = coalesce(a.story_id, a.article_id)) "
        "from search_docs as d join articles as a using (article_id)"
    ).fetchone()
    # "North Korea" is in the fixtures' texts: its two words one position apart
    phrases = con.execute(
        "select count(*) from search_postings as n join search_postings as k "
        "on n.doc_no = k.doc_no and k.word_no = n.word_no + 1 "
        "where n.term = 'north' and k.term = 'korea'"
    ).fetchone()[0]
    con.close()
    assert version == str(queries.SCHEMA_VERSION)
    assert phrases > 0
    assert stories[0] > 0 and stories[1] == stories[0]
