"""Invariants of the loaded fixture database, declared as data tests (STYLE.md item 10)."""

import pytest

INVARIANTS = {
    "article ids are unique and not null": "select count(*) from (select article_id from articles group by 1 "
    "having count(*) > 1 or article_id is null)",
    "pairs are canonical": "select count(*) from article_pairs where country_a >= country_b",
    "evidence pairs are canonical": "select count(*) from evidence where country_a >= country_b",
    "countries are ISO alpha-3": "select count(*) from mentions where not regexp_full_match(country, '[A-Z]{3}')",
    "every pair's countries are mentioned in its article": "select count(*) from article_pairs p anti join mentions m "
    "on m.article_id = p.article_id and m.country = p.country_a",
    "pair sentences never exceed either country's sentences": "select count(*) from article_pairs p join mentions m "
    "on m.article_id = p.article_id and m.country in (p.country_a, p.country_b) "
    "where p.sentence_count > m.sentence_count",
    "evidence exists only for pairs that share a sentence": "select count(*) from evidence e anti join article_pairs p using "
    "(article_id, country_a, country_b)",
    "languages are lowercase codes": "select count(*) from articles where not regexp_full_match(lang, '[a-z]{2,3}')",
    "published_date is the UTC day of published_at": "select count(*) from articles where published_date <> published_at::date",
    "mentions belong to loaded articles": "select count(*) from mentions anti join articles using (article_id)",
    "aggregates count every article once": "select (select sum(articles) from daily_totals) - (select count(*) from articles)",
}


@pytest.mark.parametrize("name", INVARIANTS)
def test_invariant(sample_con, name):
    assert sample_con.execute(INVARIANTS[name]).fetchone()[0] == 0, name


def test_the_fixture_has_pairs_and_evidence(sample_con):
    pairs = sample_con.execute(
        "select sentence_count from article_pairs where country_a = 'PRK' and country_b = 'RUS'"
    ).fetchall()
    assert len(pairs) >= 6 and sum(p[0] for p in pairs) >= 6
    assert sample_con.execute("select count(*) from evidence").fetchone()[0] > 0
