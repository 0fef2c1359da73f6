"""The full rebuild's search postings, a chunk of articles at a time (refs #18): the same
rows as one sort of them all, laid out as loads append theirs (each chunk sorted by word)."""

from __future__ import annotations

import duckdb
import pytest

from etl.search_build import build_search_postings
from tests.tiny_db import build_tiny_db

# every posting, as one sort of all the articles' words gives them (the rebuild before chunks)
ONE_SORT = "select * from search_postings_rows('search_docs', 'articles') order by all"


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(build_tiny_db(tmp_path / "tiny.duckdb")))
    yield con
    con.close()


def rebuilt_postings(con: duckdb.DuckDBPyConnection, chunk_articles: int) -> list[tuple]:
    """Rebuild search_postings in chunks; its rows in the table's order with each row's
    chunk (its article's rowid // chunk_articles) in front."""
    con.execute("delete from search_postings")
    build_search_postings(con, chunk_articles)
    return con.execute(
        "select a.rowid // $chunk as chunk, p.term, p.doc_no, p.word_no "
        "from search_postings as p "
        "join search_docs as d using (doc_no) join articles as a using (article_id) "
        "order by p.rowid",
        {"chunk": chunk_articles},
    ).fetchall()


def test_chunks_hold_every_posting_each_chunk_sorted_by_word(con):
    one_sort = con.execute(ONE_SORT).fetchall()
    rows = rebuilt_postings(con, chunk_articles=3)

    assert sorted(row[1:] for row in rows) == one_sort
    # the 8 articles in three chunks, appended in turn, each sorted by word then position
    assert {row[0] for row in rows} == {0, 1, 2}
    assert rows == sorted(rows)
    # so a word's rows lie in several runs, as after loads, not in one
    assert [row[1] for row in rows] != sorted(row[1] for row in rows)


def test_articles_deleted_leave_gaps_in_the_rowids_not_in_the_postings(con):
    con.execute("delete from articles where article_id in ('a2', 'a3', 'a4')")
    con.execute("delete from search_docs where article_id in ('a2', 'a3', 'a4')")
    one_sort = con.execute(ONE_SORT).fetchall()

    rows = rebuilt_postings(con, chunk_articles=2)

    assert sorted(row[1:] for row in rows) == one_sort
    assert rows == sorted(rows)


def test_articles_as_a_view_are_indexed_in_one_sort(con):
    # attach --views: `articles` is a view over the lake's files, which has no rowid
    con.execute("alter table articles rename to articles_table")
    con.execute("create view articles as from articles_table")
    one_sort = con.execute(ONE_SORT).fetchall()

    con.execute("delete from search_postings")
    build_search_postings(con, chunk_articles=3)

    assert con.execute("select * from search_postings order by rowid").fetchall() == one_sort
