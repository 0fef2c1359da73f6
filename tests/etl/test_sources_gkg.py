import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import queries
from etl.dates import ACCEPTED_FORMS
from etl.records import Article, Reject
from etl.settings import Settings
from etl.sources import ReadOptions, detect_format, plan_inputs, read_inputs
from etl.sources.encoding import FALLBACK_NOTE
from etl.sources.gkg import COLUMNS, read_gkg, read_gkg_zip, record_to_item, zip_problem
from tests.published import fetch

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXCERPT = FIXTURES / "gkg" / "excerpt-20230702153000.gkg.csv"
"""Six unmodified records of GDELT's 2023-07-02 15:30 file (see tests/fixtures/README.md)."""

SAMPLE_DIR = Path(__file__).parents[3] / "shared" / "eval-data" / "gdelt-v2-samples"
SAMPLE = SAMPLE_DIR / "20230702153000.gkg.csv"
SAMPLE_RECORDS = 951

OPTIONS = ReadOptions(max_text_bytes=5 * 2**20, max_line_bytes=16 * 2**20)


def excerpt_lines() -> list[str]:
    return EXCERPT.read_text(encoding="utf-8").splitlines()


def with_fields(line: str, **changes: str) -> str:
    """A copy of a real record with some columns replaced (a synthetic record, for edge cases)."""
    fields = line.split("\t")
    for name, value in changes.items():
        fields[COLUMNS.index(name)] = value
    return "\t".join(fields)


def zipped(source: Path, target: Path, member: str | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(source, member or source.name)
    return target


def read_line(line: str) -> Article | Reject:
    return record_to_item(line, "in.gkg.csv", "in.gkg.csv:1", OPTIONS)


def test_every_excerpt_record_becomes_a_pretagged_article_without_text():
    items = list(read_gkg(EXCERPT, OPTIONS))
    assert len(items) == 6 and all(isinstance(i, Article) for i in items)
    first = items[0]
    assert first.origin == "gkg" and first.text == "" and first.is_pretagged
    assert first.record_id == "20230702153000-0"
    assert first.title == "Hunt for suspects after shooting at street party leaves two dead"
    assert first.url.startswith("https://www.thewestmorlandgazette.co.uk/news/national/")
    assert first.source == "thewestmorlandgazette.co.uk"
    assert first.published_at == datetime(2023, 7, 2, 15, 30, tzinfo=UTC)
    assert first.lang == "en"
    assert first.locator == f"{EXCERPT}:1"


def test_v2tone_gives_gdelt_tone_and_its_parts_and_the_seventh_field_is_the_word_count():
    first = next(read_gkg(EXCERPT, OPTIONS))
    # V2Tone is GDELT's instrument: the article's own tone is left for the encoder (refs #15)
    assert first.tone is None
    tone = first.gdelt_tone
    assert tone.tone == pytest.approx(-5.99078341013825)
    assert tone.positive == pytest.approx(1.38248847926267)
    assert tone.negative == pytest.approx(7.37327188940092)
    assert tone.polarity == pytest.approx(8.75576036866359)
    assert tone.word_count == 613


def test_countries_are_fips_codes_mapped_to_iso3_with_their_reference_counts():
    by_id = {a.record_id: a for a in read_gkg(EXCERPT, OPTIONS)}
    # "US Flies B-52 Bombers ... Against North Korea": KN and KS, never read as ISO codes;
    # counts are the V2Locations blocks per country (GDELT also files "Korea" under KS)
    assert by_id["20230702153000-143"].countries == {"KOR": 28, "USA": 5, "PRK": 13}
    # "Wagner Uprising Highlights China's Risks With Russia": RS, CH, KN, TW, BO, BX, AS
    wagner = by_id["20230702153000-699"].countries
    assert set(wagner) == {"CHN", "RUS", "PRK", "TWN", "UKR", "USA", "BLR", "BRN", "AUS", "IND"}
    assert (wagner["CHN"], wagner["RUS"], wagner["PRK"]) == (57, 37, 2)
    # a record without locations is still an article: it counts in the day's coverage
    assert by_id["20230702153000-477"].countries == {}


def test_a_record_naming_rs_kn_ks_and_ch_maps_each_to_its_own_country():
    # no record of the 951 in the sample has all four, so this one is built from a real one
    locations = ";".join(
        [
            "1#Russia#RS#RS##60#100#RS#10",
            "4#Moscow, Moskva, Russia#RS#RS48##55.75#37.61#-2960561#40",
            "1#North Korea#KN#KN##40#127#KN#80",
            "1#South Korea#KS#KS##37#127.5#KS#120",
            "1#China#CH#CH##35#105#CH#160",
            "4#North Sea, Oceans (General), Oceans#OS#OS##56#3#-1#200",
            "1#Nowhere#XX#XX##0#0#XX#240",
        ]
    )
    article = read_line(with_fields(excerpt_lines()[0], V2Locations=locations))
    assert article.countries == {"RUS": 2, "PRK": 1, "KOR": 1, "CHN": 1}
    assert "unknown FIPS codes skipped: XX" in article.notes
    assert "FIPS codes naming no ISO country skipped: OS" in article.notes


def test_v1_locations_are_used_when_a_record_has_no_v2_locations():
    line = with_fields(excerpt_lines()[0], V2Locations="", Locations="1#Indonesia#ID#ID#-5#120#ID")
    assert read_line(line).countries == {"IDN": 1}


def test_translated_records_take_their_language_from_srclc():
    info = "srclc:fra;eng:GT-FRA 1.0"
    assert read_line(with_fields(excerpt_lines()[0], TranslationInfo=info)).lang == "fr"
    info = "srclc:ger;eng:GT-DEU 1.0"  # the bibliographic ISO 639-2 form
    assert read_line(with_fields(excerpt_lines()[0], TranslationInfo=info)).lang == "de"


def test_title_entities_are_unescaped_and_a_missing_title_is_empty():
    extras = "<PAGE_TITLE>Seoul &amp; Tokyo talk</PAGE_TITLE>"
    assert read_line(with_fields(excerpt_lines()[0], Extras=extras)).title == "Seoul & Tokyo talk"
    assert read_line(with_fields(excerpt_lines()[0], Extras="")).title == ""


def test_a_document_identifier_that_is_not_a_url_gives_no_url_but_a_stable_id():
    line = with_fields(
        excerpt_lines()[0], SourceCollectionIdentifier="5", DocumentIdentifier="JSTOR 12345"
    )
    article, again = read_line(line), read_line(line)
    assert article.url is None
    assert article.article_id == again.article_id
    other = read_line(with_fields(line, DocumentIdentifier="JSTOR 99999"))
    assert other.article_id != article.article_id  # same title, different document


@pytest.mark.parametrize(
    "change,reason",
    [
        (
            {"DATE": "20231345000000"},
            f"bad DATE: unparseable date '20231345000000'; accepted: {ACCEPTED_FORMS}",
        ),
        ({"DATE": ""}, "bad DATE: missing date"),
        ({"V2Tone": "-1.5,2,3"}, "V2Tone needs 7 finite numbers, got '-1.5,2,3'"),
        ({"V2Tone": "a,b,c,d,e,f,g"}, "V2Tone is not numeric: 'a,b,c,d,e,f,g'"),
    ],
)
def test_malformed_records_are_rejected_with_the_reason(change, reason):
    reject = read_line(with_fields(excerpt_lines()[0], **change))
    assert isinstance(reject, Reject)
    assert reject.reason == reason
    assert reject.record_id == "20230702153000-0"
    assert reject.raw.startswith("20230702153000-0\t")


def test_a_record_with_the_wrong_number_of_columns_is_rejected(tmp_path):
    path = tmp_path / "cut.gkg.csv"
    lines = excerpt_lines()
    short = "\t".join(lines[1].split("\t")[:20])
    path.write_text("\n".join([lines[0], short, lines[2]]) + "\n", encoding="utf-8")
    items = list(read_gkg(path, OPTIONS))
    assert [type(i).__name__ for i in items] == ["Article", "Reject", "Article"]
    assert items[1].reason == "expected 27 tab-separated columns, got 20"
    assert items[1].locator == f"{path}:2"


def test_latin1_in_a_title_is_read_as_windows_1252_and_noted(tmp_path):
    line = with_fields(excerpt_lines()[0], Extras="<PAGE_TITLE>Caf\udce9</PAGE_TITLE>")
    path = tmp_path / "latin1.gkg.csv"
    path.write_bytes(line.encode("utf-8", "surrogateescape") + b"\n")
    article = next(read_gkg(path, OPTIONS))
    assert article.title == "Café"
    assert FALLBACK_NOTE in article.notes


def test_a_zip_reads_like_the_csv_it_contains(tmp_path):
    archive = zipped(EXCERPT, tmp_path / "20230702153000.gkg.csv.zip")
    from_zip = list(read_gkg(archive, OPTIONS))
    from_csv = list(read_gkg(EXCERPT, OPTIONS))
    assert [a.article_id for a in from_zip] == [a.article_id for a in from_csv]
    assert [a.countries for a in from_zip] == [a.countries for a in from_csv]
    assert from_zip[1].locator == f"{archive}:2"


def test_a_truncated_zip_is_one_reject_and_no_rows(tmp_path):
    archive = zipped(EXCERPT, tmp_path / "20230702153000.gkg.csv.zip")
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    items = list(read_gkg(archive, OPTIONS))
    assert len(items) == 1 and isinstance(items[0], Reject)
    assert items[0].reason.startswith("truncated or corrupt zip")


def test_a_zip_with_a_corrupt_member_loads_no_rows(tmp_path):
    archive = zipped(EXCERPT, tmp_path / "20230702153000.gkg.csv.zip")
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)  # damage the deflate stream, keep the directory
    archive.write_bytes(bytes(data))
    items = list(read_gkg(archive, OPTIONS))
    assert len(items) == 1 and isinstance(items[0], Reject)
    assert "corrupt zip" in items[0].reason
    assert zip_problem(archive, deep=True) is not None


def test_a_zip_that_expands_too_far_is_refused_as_a_bomb(tmp_path):
    bomb_source = tmp_path / "bomb.gkg.csv"
    bomb_source.write_bytes(b"\t" * (4 * 2**20))  # compresses about a thousandfold
    archive = zipped(bomb_source, tmp_path / "bomb.gkg.csv.zip")
    (reject,) = read_gkg(archive, OPTIONS)
    assert "expands" in reject.reason and "decompression bomb" in reject.reason
    small_limit = ReadOptions(
        OPTIONS.max_text_bytes, OPTIONS.max_line_bytes, max_unzipped_bytes=1024
    )
    (reject,) = read_gkg_zip(zipped(EXCERPT, tmp_path / "x.gkg.csv.zip"), small_limit)
    assert "over the 1024 bytes limit" in reject.reason


@pytest.mark.parametrize(
    "name,fmt",
    [
        ("20230702153000.gkg.csv", "gkg"),
        ("20230702153000.gkg.csv.zip", "gkg"),
        ("20230702153000.translation.gkg.csv", "gkg"),
        ("20230702153000.translation.gkg.csv.zip", "gkg"),
        ("20230702153000.GKG.CSV.ZIP", "gkg"),
        ("articles.csv", "csv"),  # only the longer .gkg.csv ending claims a file for gkg
    ],
)
def test_gkg_files_are_recognised_by_their_names(name, fmt):
    assert detect_format(Path(name)) == fmt


def test_a_translation_zip_in_a_folder_is_planned_as_gkg(tmp_path):
    zipped(EXCERPT, tmp_path / "20230702153000.translation.gkg.csv.zip")
    files, skipped = plan_inputs([tmp_path])
    assert [(f.path.name, f.format) for f in files] == [
        ("20230702153000.translation.gkg.csv.zip", "gkg")
    ]
    assert len(list(read_inputs(files, OPTIONS))) == 6


@pytest.mark.skipif(not SAMPLE.exists(), reason="GDELT sample not present (../shared/eval-data)")
@pytest.mark.parametrize("name", [SAMPLE.name, SAMPLE.name + ".zip"])
def test_the_real_gkg_sample_reads_every_record_as_article_or_reject_with_a_reason(name):
    items = list(read_gkg(SAMPLE_DIR / name, OPTIONS))
    articles = [i for i in items if isinstance(i, Article)]
    rejects = [i for i in items if isinstance(i, Reject)]
    print(f"{name}: {len(articles)} articles, {len(rejects)} rejects")
    assert len(items) == SAMPLE_RECORDS
    assert all(r.reason for r in rejects)
    assert len({a.article_id for a in articles}) == len(articles)
    with_pairs = sum(len(a.countries) >= 2 for a in articles)
    assert with_pairs == 313  # SOURCE.md: 313 records name locations in >= 2 countries


@pytest.mark.skipif(not SAMPLE.exists(), reason="GDELT sample not present (../shared/eval-data)")
def test_the_real_sample_zip_and_csv_give_the_same_articles(tmp_path):
    copy = shutil.copy(SAMPLE_DIR / (SAMPLE.name + ".zip"), tmp_path)
    from_zip = [a.article_id for a in read_gkg(Path(copy), OPTIONS)]
    assert from_zip == [a.article_id for a in read_gkg(SAMPLE, OPTIONS)]


def load(paths: list[Path], db: Path):
    from etl.run import load_inputs  # the full path: sources, tagging, load

    return load_inputs(paths, Settings(db_path=db, workers=1, with_tone=False))


def test_loading_gkg_rows_stores_fips_countries_as_iso3_and_reloading_adds_nothing(tmp_path):
    db = tmp_path / "t.duckdb"
    first = load([EXCERPT], db)
    assert (first.loaded, first.rejected) == (6, 0)
    archive = zipped(EXCERPT, tmp_path / "20230702153000.gkg.csv.zip")
    again = load([EXCERPT, archive], db)
    assert (again.loaded, again.duplicates) == (0, 12)
    assert fetch(db, "select count(*) from articles") == [(6,)]
    [(countries,)] = fetch(
        db,
        "select list(country order by country) from mentions m join articles a using "
        "(article_id) where a.record_id = '20230702153000-143'",
    )
    [tone] = fetch(
        db,
        "select gdelt_tone, gdelt_word_count, tone, origin, lang from articles "
        "where record_id = '20230702153000-0'",
    )
    [pair_sentences] = fetch(db, "select count(sentence_count) from article_pairs")
    assert countries == ["KOR", "PRK", "USA"]
    assert tone == (pytest.approx(-5.99078341013825), 613, None, "gkg", "en")
    assert pair_sentences == (0,)  # no text, so no sentence co-occurrence is claimed


def test_a_gkg_row_is_toned_by_the_encoder_from_its_title_and_keeps_v2tone_apart(tmp_path):
    from etl.run import load_inputs
    from etl.tag.tone import sentence_tones

    db = tmp_path / "t.duckdb"
    load_inputs([EXCERPT], Settings(db_path=db, workers=1))
    title = "Hunt for suspects after shooting at street party leaves two dead"
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "select tone, word_count, gdelt_tone, gdelt_word_count from articles "
            "where record_id = '20230702153000-0'"
        ).fetchone()
        pairs = con.execute(
            "select count(*), count(*) filter (p.tone = a.tone) from article_pairs p "
            "join articles a using (article_id) where a.origin = 'gkg'"
        ).fetchone()
    assert row == (
        pytest.approx(sentence_tones([title])[0]),
        len(title.split()),
        pytest.approx(-5.99078341013825),
        613,
    )
    # a GKG row has no text, so each of its pairs takes the article's (encoder) tone
    assert pairs[0] > 0 and pairs[1] == pairs[0]


def test_a_mixed_databases_pair_tone_is_the_mean_of_encoder_tones_only(tmp_path):
    from statistics import fmean

    from etl.run import load_inputs
    from etl.tag.tone import sentence_tones

    db = tmp_path / "t.duckdb"
    load_inputs([FIXTURES / "articles.jsonl", EXCERPT], Settings(db_path=db, workers=1))
    with duckdb.connect(str(db), read_only=True) as con:
        summary = queries.run(
            "pair_summary",
            con,
            country_a="CHN",
            country_b="RUS",
            start=datetime(2000, 1, 1).date(),
            end=datetime(2030, 1, 1).date(),
            lang=None,
            source=None,
            origin=None,
            window="article",
            unit="article",
        )
    # China and Russia share no sentence in the text article, so its pair tone is its
    # article tone (title and two lead sentences); the GKG row's is its title's, not V2Tone
    text_article = fmean(
        sentence_tones(
            [
                "Putin visits Pyongyang, signs partnership treaty",
                "Russian President Vladimir Putin arrived in Pyongyang and signed a comprehensive "
                "strategic partnership treaty with North Korea that includes a mutual defence "
                "clause.",
                "Japan and South Korea voiced concern.",
            ]
        )
    )
    gkg_row = sentence_tones(["Wagner Uprising Highlights China's Risks With Russia"])[0]
    assert summary["mean_tone"].iloc[0] == pytest.approx((text_article + gkg_row) / 2, abs=1e-9)
