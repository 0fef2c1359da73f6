from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from etl import clock
from etl.dates import parse_date
from etl.records import Article, Reject
from etl.settings import Settings
from etl.sources import ReadOptions, detect_format, plan_inputs, read_inputs
from etl.sources.page_text import clean_page, first_full_date, is_short
from etl.sources.pages import NO_DATE, page_language, read_html, read_text

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"
SEED_LIKE = PAGES / "menlu-jepang-taiwan.txt"
"""Written for these tests in the shape of the project's seed: a scraped Indonesian article
with the site's chrome (skip link, menu, repeated caption, related links, font-size picker)."""
SEED = Path(__file__).parents[3] / "shared" / "seeds" / "000_f0e51293980d6f50.txt"

OPTIONS = ReadOptions(max_text_bytes=5 * 2**20, max_line_bytes=16 * 2**20)


def with_date(date: str) -> ReadOptions:
    return ReadOptions(OPTIONS.max_text_bytes, OPTIONS.max_line_bytes, date=parse_date(date))


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_seed_like_text_becomes_a_dated_titled_article_without_chrome():
    article = only(read_text(SEED_LIKE, OPTIONS))
    assert isinstance(article, Article) and article.origin == "text"
    assert article.title == (
        "Menlu Jepang: Latihan Militer China di Sekitar Taiwan Mengancam Stabilitas Kawasan"
    )
    # no date line at the top: the first full date in the text, in the photo caption
    assert article.published_at == datetime(2024, 2, 14, tzinfo=UTC)
    assert article.url is None and article.source == "menlu-jepang-taiwan"
    lines = article.text.split("\n")
    for chrome in ("Lompat ke konten utama", "Beranda", "Artikel Terkait", "Pemilu Taiwan"):
        assert chrome not in lines
    for chrome in ("Bagikan", "Forum", "XS", "SM", "MD", "LG"):
        assert chrome not in lines
    assert article.text.count("(Foto: Reuters)") == 1  # the caption printed twice, kept once
    assert "Kekhawatiran Bersama" in lines  # a lone subheading is content
    assert article.text.endswith("[xy/zz]")
    assert article.title not in article.text


@pytest.mark.skipif(not SEED.exists(), reason="the seed article is not present (../shared/seeds)")
def test_the_seed_itself_loses_its_chrome_and_keeps_its_story():
    page = clean_page(SEED.read_text(encoding="utf-8"))
    assert page.title.startswith("Menlu AS: Hubungan Militer Korea Utara-Rusia")
    assert page.dropped[0] == "Tautan-tautan Akses"
    assert page.dropped[-5:] == ["Forum", "XS", "SM", "MD", "LG"]
    assert sum("(Foto:" in line for line in page.dropped) == 2  # the two repeated captions
    assert first_full_date(page.text) == datetime(2023, 11, 9, tzinfo=UTC)
    assert page.text.endswith("perang Israel-Hamas. [ab/uh]")


@pytest.mark.parametrize(
    "line,short",
    [
        ("Forum", True),
        ("XS", True),
        ("Tautan-tautan Akses", True),
        ("Lompat ke konten utama", True),
        ("XS SM MD LG", True),  # a picker on one line
        ("Kremlin membantah.", False),  # ends like a sentence: a one-line paragraph
        ("Apa langkah berikutnya?", False),
        ("Menlu AS: Hubungan Militer Korea Utara-Rusia Makin Berbahaya", False),
        ("", False),
    ],
)
def test_short_lines_are_the_chrome_candidates(line, short):
    assert is_short(line) is short


@pytest.mark.parametrize(
    "raw,title,dropped",
    [
        # a short headline in Title Case is a title; a short sentence-case skip link is not
        (
            "Korut Tembakkan Rudal Balistik\n\nKorea Utara menembakkan dua rudal, kata Seoul.",
            "Korut Tembakkan Rudal Balistik",
            [],
        ),
        (
            "Skip to main content\n\nPutin visits Pyongyang for talks with Kim\n\nBody text.",
            "Putin visits Pyongyang for talks with Kim",
            ["Skip to main content"],
        ),
        # a menu: a run of short lines, even Title Case ones, is never the title
        (
            "Home\nWorld News Today\nPolitics\n\nSeoul and Tokyo pledge closer ties\n\nBody.",
            "Seoul and Tokyo pledge closer ties",
            ["Home", "World News Today", "Politics"],
        ),
        # breadcrumbs go wherever they are
        (
            "Beranda > Berita > Dunia\nJepang dan Korea Selatan sepakat berbagi data rudal\n\n"
            "Isi.\nBeranda > Berita > Dunia",
            "Jepang dan Korea Selatan sepakat berbagi data rudal",
            ["Beranda > Berita > Dunia", "Beranda > Berita > Dunia"],
        ),
    ],
)
def test_the_title_is_the_first_meaningful_line(raw, title, dropped):
    page = clean_page(raw)
    assert (page.title, page.dropped) == (title, dropped)


def test_a_date_line_near_the_top_gives_the_time_and_leaves_the_text(tmp_path):
    path = write(
        tmp_path,
        "a.txt",
        "Kamis, 9 November 2023 14:05 WIB\n"
        "Blinken Minta China Kendalikan Pyongyang\n\n"
        "Menteri Luar Negeri AS berbicara di Seoul pada 1 Oktober 2023, kata pejabat.\n",
    )
    article = only(read_text(path, OPTIONS))
    assert article.published_at == datetime(2023, 11, 9, 7, 5, tzinfo=UTC)  # WIB is UTC+7
    assert "14:05" not in article.text and article.title.startswith("Blinken")


def test_the_date_option_wins_over_dates_in_the_text():
    article = only(read_text(SEED_LIKE, with_date("2024-02-15")))
    assert article.published_at == datetime(2024, 2, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        "Tidak ada tanggal di sini sama sekali, hanya teks berita biasa.",
        # day and month order cannot be told without the site's locale: not guessed
        "Pertemuan digelar pada 09/11/2023 di Seoul, kata pejabat setempat.",
        "Rabu (14/2) Menteri Luar Negeri berbicara di Tokyo tentang Taiwan.",
    ],
)
def test_a_page_without_a_full_date_is_rejected_asking_for_the_date_option(tmp_path, body):
    path = write(tmp_path, "p.txt", f"Judul Berita Yang Cukup Panjang Sekali\n\n{body}\n")
    reject = only(read_text(path, OPTIONS))
    assert isinstance(reject, Reject)
    assert reject.reason == NO_DATE == "no date found; pass --date"
    assert isinstance(only(read_text(path, with_date("2024-01-01"))), Article)


def test_a_page_dated_more_than_a_day_ahead_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: datetime(2024, 2, 14, 12, tzinfo=UTC))
    assert only(read_text(SEED_LIKE, with_date("2024-02-15"))).published_at.day == 15
    reject = only(read_text(SEED_LIKE, with_date("2024-02-16")))
    assert reject.reason == "date in the future: 2024-02-16"


def test_a_page_of_nothing_but_chrome_is_rejected(tmp_path):
    path = write(tmp_path, "menu.txt", "Beranda\nForum\n\nXS\nSM\nMD\nLG\n")
    assert only(read_text(path, OPTIONS)).reason == "no text left after dropping page chrome"


def test_a_saved_html_page_gives_main_text_title_date_url_language_and_site():
    article = only(read_html(PAGES / "wire-seoul-tokyo.html", OPTIONS))
    assert article.origin == "html"
    assert article.title == "Seoul and Tokyo pledge closer coordination on North Korea"
    assert article.url == "https://wire.example.com/world/2024/03/21/seoul-tokyo-north-korea"
    assert article.published_at == datetime(2024, 3, 21, tzinfo=UTC)
    assert (article.lang, article.source) == ("en", "Example Wire")
    assert article.text.startswith("South Korea and Japan agreed")
    for chrome in ("Home", "Forum", "About us", "XS SM MD LG"):
        assert chrome not in article.text


def test_an_html_page_without_a_date_takes_the_date_option_or_is_rejected(tmp_path):
    html = (PAGES / "wire-seoul-tokyo.html").read_text(encoding="utf-8")
    # trafilatura finds dates in the metadata and in the URL's path: remove both
    meta = '<meta property="article:published_time" content="2024-03-21T09:30:00+00:00">'
    html = html.replace(meta, "").replace("2024/03/21/", "")
    path = write(tmp_path, "undated.html", html)
    assert only(read_html(path, OPTIONS)).reason == NO_DATE
    dated = only(read_html(path, with_date("2024-03-22")))
    assert dated.published_at == datetime(2024, 3, 22, tzinfo=UTC)


def test_an_html_page_without_main_text_is_rejected(tmp_path):
    path = write(tmp_path, "empty.html", "<html><body><nav>Home</nav></body></html>")
    assert only(read_html(path, OPTIONS)).reason == "no main text found in the page"


@pytest.mark.parametrize(
    "head,lang",
    [
        (b'<html lang="id-ID"><head>', "id"),
        (b"<html class=x lang=fr>", "fr"),
        (b'<html><meta property="og:locale" content="en_GB">', "en"),
        (b"<html><head><title>x</title>", None),
    ],
)
def test_the_page_language_is_what_the_page_declares(head, lang):
    assert page_language(head) == lang


def test_a_folder_of_pages_is_read_recursively_by_file_type():
    files, skipped = plan_inputs([PAGES])
    assert [(f.path.relative_to(PAGES).as_posix(), f.format) for f in files] == [
        ("menlu-jepang-taiwan.txt", "text"),
        ("wire-seoul-tokyo.html", "html"),
        ("nested/depeche-kiev.htm", "html"),
    ]
    items = list(read_inputs(files, OPTIONS))
    assert all(isinstance(i, Article) for i in items)
    assert [i.origin for i in items] == ["text", "html", "html"]
    assert (items[2].lang, items[2].source) == ("fr", "depeche-kiev")
    assert detect_format(Path("x.HTM")) == "html"


def test_a_folder_of_pages_loads_with_the_countries_a_careful_reader_lists(tmp_path):
    from etl.run import load_inputs  # the full path: sources, tagging, load

    settings = Settings(db_path=tmp_path / "t.duckdb", workers=1, with_tone=False)
    first = load_inputs([PAGES], settings)
    assert (first.loaded, first.rejected) == (3, 0)
    again = load_inputs([PAGES], settings)
    assert (again.loaded, again.duplicates) == (0, 3)
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        rows = con.execute(
            "select a.locator, list(m.country order by m.country) from articles a "
            "join mentions m using (article_id) group by all"
        ).fetchall()
    countries = {Path(locator).name: found for locator, found in rows}
    # Jepang/Tokyo, China/Beijing, Taiwan, Washington/AS/Amerika Serikat, Manila/Filipina,
    # Korea Selatan/Seoul, Rusia; not "Pemilu Taiwan" (a related-links menu) on its own
    assert countries["menlu-jepang-taiwan.txt"] == ["CHN", "JPN", "KOR", "PHL", "RUS", "TWN", "USA"]
    # South Korea/Seoul, Japan/Tokyo, North Korea/Pyongyang, Washington, Russia; not the
    # Korean Peninsula, not the United Nations
    assert countries["wire-seoul-tokyo.html"] == ["JPN", "KOR", "PRK", "RUS", "USA"]
    assert countries["depeche-kiev.htm"] == ["DEU", "FRA", "RUS", "UKR"]


@pytest.mark.skipif(not SEED.exists(), reason="the seed article is not present (../shared/seeds)")
def test_the_seed_loads_with_the_countries_a_careful_reader_lists(tmp_path):
    from etl.run import load_inputs

    page = tmp_path / "seed.txt"
    page.write_bytes(SEED.read_bytes())
    settings = Settings(db_path=tmp_path / "t.duckdb", workers=1, with_tone=False)
    assert load_inputs([page], settings).loaded == 1
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        (countries,) = con.execute("select list(country order by country) from mentions").fetchone()
    # AS/Amerika Serikat, China, Israel (Israel-Hamas), Jepang, Korea Selatan/Seoul,
    # Korea Utara/Pyongyang/DPRK, Gaza, Rusia/Moskow/Kremlin, Ukraina; not Asia, not
    # Timur Tengah, not G7
    assert countries == ["CHN", "ISR", "JPN", "KOR", "PRK", "PSE", "RUS", "UKR", "USA"]
