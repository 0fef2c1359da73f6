from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from etl.errors import SourceError
from etl.records import Article, Reject
from etl.settings import Settings
from etl.sources import ReadOptions, detect_format, feeds, fetch, plan_inputs, read_inputs
from etl.sources.feeds import LENIENT_NOTE, html_to_text, read_feed
from etl.sources.fetch import USER_AGENT, Fetcher
from tests.etl.local_http import serve

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
WORLD = FEEDS / "world-news.rss"
ASIA = FEEDS / "asia-id.atom"

OPTIONS = ReadOptions(max_text_bytes=5 * 2**20, max_line_bytes=16 * 2**20)
FULL = ReadOptions(OPTIONS.max_text_bytes, OPTIONS.max_line_bytes, fetch_full=True)


@pytest.fixture
def quick_fetches(monkeypatch):
    """No pause between pages and no retries: the local server answers at once."""
    monkeypatch.setattr(feeds, "FETCH_DELAY_SECONDS", 0.0)
    monkeypatch.setattr(feeds, "PAGE_FETCHER", Fetcher(timeout=5.0, retries=1, backoff=0.0))


def test_rss_items_become_articles_with_title_link_date_and_plain_text():
    first, second, _undated, fourth = read_feed(WORLD, OPTIONS)
    assert isinstance(first, Article) and first.origin == "rss"
    assert first.title == "Seoul and Tokyo pledge closer coordination on North Korea"
    assert first.url == "https://wire.example.com/world/2024/03/21/seoul-tokyo-north-korea"
    assert first.published_at == datetime(2024, 3, 21, 9, 30, tzinfo=UTC)
    assert (first.source, first.lang, first.record_id) == (
        "Example Wire: World",
        "en",
        "wire-2024-0321-01",
    )
    # HTML stripped to paragraphs, scripts dropped
    assert first.text == (
        "South Korea and Japan agreed to share missile-warning data in real time after "
        "North Korea launched two ballistic missiles.\n\nWashington welcomed the step."
    )
    # content:encoded wins over the short description; +0300 is converted to UTC
    assert second.text.startswith("Russian President Vladimir Putin and North Korean leader")
    assert second.published_at == datetime(2024, 6, 19, 11, 0, tzinfo=UTC)
    assert first.locator == f"{WORLD}:item 1" and fourth.locator == f"{WORLD}:item 4"


def test_an_item_without_a_date_is_rejected_and_the_rest_of_the_feed_loads():
    items = list(read_feed(WORLD, OPTIONS))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Reject", "Article"]
    undated = items[2]
    assert (undated.reason, undated.locator) == ("no date; pass --date", f"{WORLD}:item 3")
    assert undated.record_id == "wire-undated-03"
    assert "An item the publisher forgot to date" in undated.raw
    dated = replace(OPTIONS, date=datetime(2024, 6, 20, tzinfo=UTC))
    assert list(read_feed(WORLD, dated))[2].published_at == datetime(2024, 6, 20, tzinfo=UTC)


def test_atom_entries_take_language_from_xml_lang_and_fall_back_to_the_update_time():
    first, second = read_feed(ASIA, OPTIONS)
    assert (first.lang, first.source) == ("id", "Contoh Berita: Asia")
    assert first.published_at == datetime(2024, 2, 20, 2, 0, tzinfo=UTC)  # published, not updated
    assert second.published_at == datetime(2024, 2, 21, 8, 0, tzinfo=UTC)  # only <updated>
    assert (
        second.text == "Jepang dan Filipina menggelar latihan penjagaan pantai bersama di Manila."
    )


def test_a_feed_that_is_not_well_formed_still_loads_its_items_with_a_note(tmp_path):
    broken = WORLD.read_text(encoding="utf-8").replace(
        "<title>Jakarta hosts ASEAN defence ministers</title>",
        "<title>Jakarta & friends <b>unclosed</title>",
    )
    path = tmp_path / "broken.rss"
    path.write_text(broken, encoding="utf-8")
    items = list(read_feed(path, OPTIONS))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Reject", "Article"]
    assert items[3].title.startswith("Jakarta & friends")
    assert LENIENT_NOTE in items[0].notes


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"this is not a feed at all", "not a readable feed"),
        (b"", "feed has no items"),
    ],
)
def test_a_file_that_is_no_feed_is_one_reject(tmp_path, content, reason):
    path = tmp_path / "x.rss"
    path.write_bytes(content)
    (reject,) = read_feed(path, OPTIONS)
    assert isinstance(reject, Reject) and reject.reason.startswith(reason)


@pytest.mark.parametrize(
    "fragment,text",
    [
        ("<p>One</p><p>Two &amp; three</p>", "One\n\nTwo & three"),
        ("Line<br>break", "Line\n\nbreak"),
        ("<style>p{}</style><p>Kept</p><script>x()</script>", "Kept"),
        ("  spaced\u00a0 out  ", "spaced out"),
    ],
)
def test_html_fragments_become_plain_paragraphs(fragment, text):
    assert html_to_text(fragment) == text


def test_feed_files_are_recognised_by_their_names_but_xml_needs_the_format_option():
    assert detect_format(Path("world.rss")) == "rss"
    assert detect_format(Path("asia.atom")) == "rss"
    assert detect_format(Path("sitemap.xml")) is None


def write_feed_linking_to(tmp_path: Path, base: str, pages: list[str]) -> Path:
    items = "".join(
        f"<item><title>Item {n}</title><link>{base}/{page}</link>"
        f"<pubDate>Thu, 21 Mar 2024 09:3{n}:00 +0000</pubDate>"
        f"<description>Summary {n}.</description></item>"
        for n, page in enumerate(pages)
    )
    feed = tmp_path / "links.rss"
    feed.write_text(f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>')
    return feed


def test_fetch_full_replaces_summaries_with_page_text_and_rejects_pages_it_cannot_use(
    tmp_path, quick_fetches
):
    site = tmp_path / "site"
    site.mkdir()
    article = (FEEDS.parent / "pages" / "wire-seoul-tokyo.html").read_text(encoding="utf-8")
    (site / "story.html").write_text(article, encoding="utf-8")
    (site / "empty.html").write_text("<html><body><nav>Home</nav></body></html>")
    with serve(site) as (base, requests):
        feed = write_feed_linking_to(tmp_path, base, ["story.html", "gone.html", "empty.html"])
        story, gone, empty = read_feed(feed, FULL)
    assert story.text.startswith("South Korea and Japan agreed")
    assert story.title == "Item 0"  # the feed's own title and date stay
    assert gone.reason == f"--fetch-full: could not fetch {base}/gone.html: HTTP 404 File not found"
    assert empty.reason == f"--fetch-full: no main text found at {base}/empty.html"
    assert [path for path, _ in requests] == ["/story.html", "/gone.html", "/empty.html"]
    assert {agent for _, agent in requests} == {USER_AGENT}


def test_fetch_full_pauses_between_pages(tmp_path, monkeypatch, quick_fetches):
    monkeypatch.setattr(feeds, "FETCH_DELAY_SECONDS", 30.0)
    pauses: list[float] = []
    monkeypatch.setattr(feeds.time, "sleep", pauses.append)
    with serve(tmp_path) as (base, _requests):
        feed = write_feed_linking_to(tmp_path, base, ["a.html", "b.html", "c.html"])
        assert all(isinstance(i, Reject) for i in read_feed(feed, FULL))
    assert len(pauses) == 2 and all(0 < p <= 30.0 for p in pauses)  # none before the first


def test_a_feed_url_is_fetched_into_the_cache_and_read_like_a_file(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "CACHE_DIR", tmp_path / "cache")
    with serve(FEEDS) as (base, requests):
        files, skipped = plan_inputs([f"{base}/world-news.rss", str(ASIA)])
    assert [f.format for f in files] == ["rss", "rss"]
    snapshot = files[0].path
    assert snapshot.parent == tmp_path / "cache" / "urls" and snapshot.name.endswith(".rss")
    assert snapshot.read_bytes() == WORLD.read_bytes()
    assert len([i for i in read_inputs(files, OPTIONS) if isinstance(i, Article)]) == 5
    assert requests == [("/world-news.rss", USER_AGENT)]


def test_a_feed_url_that_cannot_be_fetched_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch, "CACHE_DIR", tmp_path / "cache")
    with serve(tmp_path) as (base, _requests), pytest.raises(SourceError, match="HTTP 404"):
        plan_inputs([f"{base}/missing.rss"])


def test_a_feed_with_a_broken_item_loads_the_rest_and_reloading_adds_no_rows(tmp_path):
    from etl.run import load_inputs  # the full path: sources, tagging, load

    settings = Settings(db_path=tmp_path / "t.duckdb", workers=1, with_tone=False)
    first = load_inputs([WORLD, ASIA], settings)
    assert (first.read, first.loaded, first.rejected) == (6, 5, 1)
    again = load_inputs([WORLD, ASIA], settings)
    assert (again.loaded, again.duplicates, again.rejected) == (0, 5, 1)
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        assert con.execute("select origin, count(*) from articles group by 1").fetchall() == [
            ("rss", 5)
        ]
        # the tracking parameter is not part of the article's identity
        url = "https://wire.example.com/world/2024/11/20/jakarta-asean?utm_source=rss"
        assert con.execute(
            "select count(*) from articles where url = $u", {"u": url}
        ).fetchone() == (1,)
