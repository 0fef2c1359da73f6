"""The search box (`q`, refs #18) through Streamlit's AppTest on the hand-counted tiny
database (tests/tiny_db.py): titles and evidence are indexed, so "troops" matches a8 only
("Troops from North Korea in Russia", evidence "... North Korean troops fight for Russia.").
"""

from __future__ import annotations

import pytest

from tests.test_dashboard import (  # noqa: F401  (the fixtures main_module_restored, on_tiny, tiny_db)
    assert_healthy,
    main_module_restored,
    metric,
    on_tiny,
    open_page,
    shown_text,
    sql_shown,
    tiny_db,
)

pytestmark = pytest.mark.usefixtures("on_tiny")


def test_a_search_narrows_the_overview_to_the_matching_articles():
    at = open_page(view="overview", q="troops")
    assert_healthy(at)
    assert metric(at, "Articles") == "1"
    assert at.text_input(key="q").value == "troops"


def test_the_evidence_cards_mark_the_search_matches_beside_the_countries():
    at = open_page(view="articles", pair="PRK-RUS", q="TROOPS")
    assert_healthy(at)
    text = shown_text(at)
    assert "Articles 1–1 of 1 naming North Korea – Russia" in text
    # the title and the sentence mark "troops" whatever its case; the countries stay marked
    assert ":blue-background[**Troops**] from North Korea in Russia" in text
    assert ":blue-background[**troops**] fight for" in text
    assert ":orange-background[**Russia**]" in text


def test_without_a_pair_the_matching_titles_are_listed_marked():
    at = open_page(view="articles", scope="all", q='"korea utara"')
    assert_healthy(at)
    assert ":blue-background[**Korea Utara**] dan Rusia" in shown_text(at)


def test_a_bad_search_gets_a_notice_not_a_traceback():
    at = open_page(view="pair", pair="PRK-RUS", q="(troops OR")
    assert not at.exception
    assert any("a word, phrase or parenthesis is missing" in w.value for w in at.warning)


def test_the_sql_expander_shows_the_search_and_its_scope():
    at = open_page(view="overview", q="troops -ukraine")
    assert_healthy(at)
    code = sql_shown(at)
    assert "-- search: troops -ukraine" in code
    assert "create or replace temp view articles as" in code
    assert '"search": "troops -ukraine"' in code


def test_typing_a_search_writes_it_to_the_url():
    at = open_page(view="overview")
    at.text_input(key="q").input("pasukan OR troops").run()
    assert_healthy(at)
    assert at.query_params["q"] == "pasukan OR troops"
