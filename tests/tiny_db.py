"""A tiny hand-written database for dashboard tests, with values worked out by hand.

Written straight into the real schema (queries/schema.sql) and aggregated by the real
queries/refresh_aggregates.sql, so the dashboard queries meet the ETL's shapes; unlike
`sample_db`, every count here is known in advance:

- PRK-RUS: 5 articles (a1, a2, a3, a4, a8); in one sentence in 3 (a1, a2, a8); a4 is a
  GDELT row without text (not measured), a3 names both but never in one sentence.
- a5 has a `<script>` title (CHN-PHL), a6 a formula title and a javascript: URL (USA only),
  a7 names no country.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

import queries
from etl.database import refresh_aggregates
from etl.load import write_countries

ANY_FILTERS = {
    "view": "overview",
    "start": date(2024, 1, 1),
    "end": date(2024, 12, 31),
    "countries": (),
    "pair": ("PRK", "RUS"),
    "lang": None,
    "source": None,
    "window": "article",
    "measure": "count",
    "bucket": "week",
    "min_articles": 1,
    "cell": "count",
    "scope": "pair",
}
"""Arguments of board.state.Filters over the tiny database's year (the fields left out keep
their defaults): a base for tests that change only what they are about."""


SCRIPT_TITLE = "<script>alert('x')</script> China and the Philippines trade accusations"
FORMULA_TITLE = '=HYPERLINK("http://x","y")'

# id, published, lang, source, origin, title, url, tone, conflict, countries
ARTICLES = [
    ("a1", "2024-01-10 08:00", "en", "wire-a", "file", "North Korea and Russia deepen ties",
     "https://news.example.org/a1", -2.0, 0.02, ["PRK", "RUS"]),
    ("a2", "2024-01-11 09:00", "en", "wire-a", "file", "Pyongyang, Moscow and Washington",
     "https://news.example.org/a2", -3.0, 0.04, ["PRK", "RUS", "USA"]),
    ("a3", "2024-02-05 10:00", "id", "wire-b", "file", "Korea Utara dan Rusia",
     "https://berita.example.id/a3", 1.0, 0.0, ["PRK", "RUS"]),
    ("a4", "2024-02-06 11:00", "en", "gdelt", "gkg", "",
     "https://gdelt.example.org/a4", -4.0, None, ["PRK", "RUS"]),
    ("a5", "2024-03-01 12:00", "en", "wire-c", "file", SCRIPT_TITLE,
     "https://news.example.org/a5", -1.0, 0.01, ["CHN", "PHL"]),
    ("a6", "2024-03-02 13:00", "en", "wire-c", "file", FORMULA_TITLE,
     "javascript:alert(1)", 0.5, 0.0, ["USA"]),
    ("a7", "2024-03-03 14:00", "fr", "wire-c", "file", "Les Jeux olympiques",
     "https://actu.example.fr/a7", 2.0, 0.0, []),
    ("a8", "2024-03-04 15:00", "en", "wire-a", "file", "Troops from North Korea in Russia",
     "https://news.example.org/a8", -5.0, 0.08, ["PRK", "RUS", "UKR"]),
]  # fmt: skip

GKG_V2TONE = -6.25
"""GDELT's V2Tone of the GKG row a4, stored apart from its (encoder) tone (refs #15)."""

# (article, country_a, country_b) -> (sentence_count, tone, conflict, evidence sentences)
PAIRS = {
    ("a1", "PRK", "RUS"): (1, -2.5, 0.05, ["North Korea shipped shells to Russia."]),
    ("a2", "PRK", "RUS"): (2, -3.5, 0.1, ["North Korea and Russia met.", "Russia thanked North Korea."]),
    ("a2", "PRK", "USA"): (0, None, None, []),
    ("a2", "RUS", "USA"): (1, -1.0, 0.0, ["The United States warned Russia."]),
    ("a3", "PRK", "RUS"): (0, None, None, []),
    ("a4", "PRK", "RUS"): (None, -4.0, None, []),
    ("a5", "CHN", "PHL"): (1, -1.5, 0.02, ["<b>China</b> and the Philippines traded accusations."]),
    ("a8", "PRK", "RUS"): (1, -6.0, 0.2, ["=1+1 North Korean troops fight for Russia."]),
    ("a8", "PRK", "UKR"): (0, None, None, []),
    ("a8", "RUS", "UKR"): (1, -5.5, 0.15, ["Russia attacked Ukraine."]),
}  # fmt: skip


# the story unit (refs #16): a9 is ANTARA's copy of a1, and a2 joins a1's story the next day
STORY_COPY = (
    "a9", "2024-01-10 10:00", "id", "antara", "file", "Korea Utara dan Rusia perkuat hubungan",
    "https://antara.example.id/a9", -1.0, 0.01, ["PRK", "RUS"],
)  # fmt: skip
STORY_COPY_PAIR = {("a9", "PRK", "RUS"): (1, -2.0, 0.05, ["Korea Utara mengirim peluru ke Rusia."])}
STORIES = {"a2": "a1", "a9": "a1"}
"""article -> its story's first article; every other article is a story of its own. So
PRK-RUS is 6 articles in 4 stories (a1+a2+a9, a3, a4, a8), 2 of them in one sentence (a1's,
a8); the year is 9 articles in 7 stories, 6 with text; a1's story has 2 sources (wire-a,
antara), the other three 1 each: 1.25 sources per story."""


def build_tiny_db(path: Path) -> Path:
    """Write the tiny database to `path` (replacing it) and return the path."""
    return build_db(path, ARTICLES, PAIRS)


def build_story_db(path: Path) -> Path:
    """The tiny database plus a wire copy, grouped into stories (STORIES)."""
    return build_db(path, [*ARTICLES, STORY_COPY], PAIRS | STORY_COPY_PAIR, STORIES)


def build_empty_db(path: Path) -> Path:
    """The schema and empty aggregates: what the ETL publishes before any article."""
    return build_db(path, [], {})


def build_db(
    path: Path,
    articles: list[tuple],
    pairs: dict[tuple, tuple],
    stories: dict[str, str] | None = None,
) -> Path:
    """A database of hand-written `articles` and `pairs` (in the shapes of ARTICLES and
    PAIRS) over the real schema and aggregates, at `path` (replaced); `stories` maps an
    article to its story's first article (each other article is its own story)."""
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        queries.execute("schema", con)
        queries.execute("set_meta", con, key="schema_version", value=str(queries.SCHEMA_VERSION))
        if articles:
            _insert(con, articles, pairs)
            _group(con, stories or {})
        refresh_aggregates(con)
        con.execute("checkpoint")
    finally:
        con.close()
    return path


def _insert(con: duckdb.DuckDBPyConnection, articles: list[tuple], pairs: dict) -> None:
    # the countries reference a load writes (names and flags from the gazetteer)
    write_countries(con)
    loaded = datetime(2024, 4, 1, 6, 30)
    con.execute(
        "insert into ingest_runs (run_id, started_at, finished_at, read, loaded) "
        "values (1, ?, ?, ?, ?)",
        [loaded, loaded, len(articles), len(articles)],
    )
    for row in articles:
        _insert_article(con, row, loaded)
    for (article, a, b), (sentences, tone, conflict, evidence) in pairs.items():
        con.execute(
            "insert into article_pairs values (?, ?, ?, ?, ?, ?)",
            [article, a, b, sentences, tone, conflict],
        )
        for number, sentence in enumerate(evidence, start=1):
            con.execute(
                "insert into evidence values (?, ?, ?, ?, ?, 0, ?, null)",
                [article, a, b, number, sentence, len(sentence)],
            )


def _group(con: duckdb.DuckDBPyConnection, stories: dict[str, str]) -> None:
    """Each article's story_id and the stories table, as the ETL's story assignment leaves
    them."""
    con.execute("update articles set story_id = article_id")
    for article, story in stories.items():
        con.execute("update articles set story_id = ? where article_id = ?", [story, article])
    con.execute(
        """
        insert into stories
        select
            story_id,
            min(published_at),
            max(published_at),
            count(*),
            count(distinct source),
            list(distinct lang order by lang),
            arg_min(title, published_at)
        from articles
        group by story_id
        """
    )


def _insert_article(con: duckdb.DuckDBPyConnection, row: tuple, loaded: datetime) -> None:
    article, published, lang, source, origin, title, url, tone, conflict, countries = row
    has_text = origin != "gkg"
    moment = datetime.fromisoformat(published)
    con.execute(
        """
        insert into articles (
            article_id, run_id, url, source, title, text, lang, origin, tone, conflict,
            sentence_count, country_count, published_at, published_date, loaded_at, gdelt_tone
        ) values (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            article,
            url,
            source,
            title,
            f"Text of {article}." if has_text else "",
            lang,
            origin,
            tone,
            conflict,
            3 if has_text else None,
            len(countries),
            moment,
            moment.date(),
            loaded,
            None if has_text else GKG_V2TONE,
        ],
    )
    for country in countries:
        con.execute(
            "insert into mentions values (?, ?, 1, 0, ?, ?)",
            [article, country, 1 if has_text else None, tone],
        )
