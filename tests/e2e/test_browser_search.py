"""The search box in a real browser (refs #18): typing a query narrows the view, marks the
matches in the evidence and the streamed CSV holds exactly the matching articles."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from board import search
from board.data import connect_read_only
from tests.e2e.browser import settle
from tests.e2e.test_browser import assert_no_exception, download_csv, open_view

pytestmark = pytest.mark.browser

QUERY = "troops OR pasukan"


def matching_pair_titles(db) -> set[str]:
    """The titles of the PRK-RUS articles the search matches, read from the database."""
    con = connect_read_only(str(db))
    try:
        con.register("hits", pd.DataFrame({"doc_no": search.matching_docs(con, QUERY)}))
        rows = con.execute(
            "select a.title from search_docs d join articles a using (article_id) "
            "join article_pairs p using (article_id) "
            "where p.country_a = 'PRK' and p.country_b = 'RUS' "
            "and d.doc_no in (select doc_no from hits)"
        ).fetchall()
    finally:
        con.close()
    return {title for (title,) in rows}


def test_typing_a_search_marks_the_evidence_and_the_csv_holds_only_the_matches(
    page, server, served_db
):
    open_view(page, server, "view=articles&pair=PRK-RUS&start=2023-01-01&end=2024-12-31")
    box = page.get_by_role("textbox", name="Search")
    box.fill(QUERY)
    box.press("Enter")
    settle(page)
    assert_no_exception(page)
    assert parse_qs(urlsplit(page.url).query)["q"] == [QUERY]
    marked = page.locator('[data-testid="stMarkdownContainer"] strong', has_text="troops")
    marked.first.wait_for()
    assert {text.lower() for text in marked.all_inner_texts()} == {"troops"}
    name, rows = download_csv(page)
    expected = matching_pair_titles(served_db)
    assert expected and len(expected) < 8
    assert {row["title"] for row in rows} == expected
    assert name.startswith("tension-articles-PRK-RUS-") and "-q-troops_OR_pasukan-" in name
