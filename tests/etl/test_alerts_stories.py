"""The alerts and the digest count stories once stories exist, as the dashboard does by
default (refs #16, #17): wire copies of one report are one story, not a burst."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from etl.alerts.check import find_hits
from monitor.store import Watchlist
from tests.tiny_db import build_db

TODAY = date(2026, 3, 10)
SOURCES = ("wire-a", "wire-b", "wire-c", "wire-d")


def article(name: str, day: date, hour: int, source: str, pair: str) -> tuple:
    return (
        name, f"{day} {hour:02d}:00", "en", source, "file", f"Title {name}",
        f"https://{source}.example.org/{name}", 0.0, 0.0, pair.split("-"),
    )  # fmt: skip


def world() -> tuple[list[tuple], dict[str, str]]:
    """Both pairs named every third day for 90 days, each article its own story; today
    PRK-RUS has 12 articles that are 4 copies each of 3 reports, RUS-USA 12 reports."""
    rows, stories = [], {}
    for back in range(90, 0, -3):
        day = TODAY - timedelta(days=back)
        for pair in ("PRK-RUS", "RUS-USA"):
            rows.append(article(f"{pair}-{back}", day, 9, SOURCES[back % 2], pair))
    for n in range(12):
        copies = article(f"copy-{n}", TODAY, 6 + n, SOURCES[n % 4], "PRK-RUS")
        rows.append(copies)
        stories[f"copy-{n}"] = f"copy-{n // 4 * 4}"  # copy-0, copy-4, copy-8: 3 stories
        rows.append(article(f"report-{n}", TODAY, 6 + n, SOURCES[n % 4], "RUS-USA"))
    return rows, stories


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    rows, stories = world()
    pairs = {(row[0], *row[-1]): (1, 0.0, 0.0, [f"{row[5]}."]) for row in rows}
    path = build_db(tmp_path_factory.mktemp("stories") / "s.duckdb", rows, pairs, stories)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def hits_of(con, **unit) -> dict[str, tuple[int, str]]:
    watch = Watchlist("both", pairs=("PRK-RUS", "RUS-USA"))
    found = find_hits(con, [watch], TODAY, TODAY, **unit)
    return {"-".join(hit.pair): (hit.articles, hit.why) for hit in found}


def test_wire_copies_are_one_story_each_so_only_the_pair_with_twelve_reports_fires(con):
    hits = hits_of(con)
    # PRK-RUS: 12 articles but 3 stories, under a day's 10: no alert
    assert list(hits) == ["RUS-USA"]
    articles, why = hits["RUS-USA"]
    assert articles == 12
    assert why.startswith("12 stories from 4 sources vs 0.")


def test_counting_articles_the_copies_are_a_burst(con):
    hits = hits_of(con, unit="article")
    assert sorted(hits) == ["PRK-RUS", "RUS-USA"]
    assert hits["PRK-RUS"][1].startswith("12 articles, 3 stories from 4 sources vs 0.")


def test_the_digest_ranks_and_heads_its_risers_in_stories(con):
    from etl.alerts import digest

    watch = Watchlist("both", pairs=("PRK-RUS", "RUS-USA"))
    built = digest.build(con, TODAY, TODAY, [watch], [], "http://dash/")
    # today against 18 articles (each its own story) in the 56 days before: 12 reports rose
    # more than 3 stories copied 4 times each
    assert [(r.pair, r.count) for r in built.risers] == [(("RUS", "USA"), 12), (("PRK", "RUS"), 3)]
    assert "| pair | stories | expected | z | last 28 days |" in digest.to_markdown(built)
