import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.dates import ACCEPTED_FORMS
from etl.errors import SourceError
from etl.records import RAW_EXCERPT_BYTES, Article, Reject
from etl.sources import ReadOptions, detect_format, plan_inputs, read_inputs
from etl.sources.encoding import FALLBACK_NOTE
from etl.sources.files import read_csv, read_jsonl, read_parquet

OPTIONS = ReadOptions(max_text_bytes=1024 * 1024, max_line_bytes=4 * 1024 * 1024)


def write_jsonl(path: Path, *records) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write((record if isinstance(record, str) else json.dumps(record)) + "\n")
    return path


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize(
    "record",
    [
        {"published": "2024-01-02", "body": "Text.", "headline": "T", "link": "https://a.b/c"},
        {"date": "2024-01-02", "content": "Text.", "title": "T", "url": "https://a.b/c"},
        {
            "pubDate": "Tue, 02 Jan 2024 00:00:00 GMT",
            "text": "Text.",
            "title": "T",
            "URL": "https://a.b/c",
        },
        {"published_at": 1704153600, "text": "Text.", "Title": "T", "link": "https://a.b/c"},
    ],
)
def test_field_names_are_tolerant(tmp_path, record):
    article = only(read_jsonl(write_jsonl(tmp_path / "in.jsonl", record), OPTIONS))
    assert isinstance(article, Article)
    assert (article.title, article.text, article.url) == ("T", "Text.", "https://a.b/c")
    assert article.published_at == datetime(2024, 1, 2, tzinfo=UTC)


def test_source_and_language_come_from_the_record_or_the_defaults(tmp_path):
    path = write_jsonl(
        tmp_path / "feed-x.jsonl",
        {"date": "2024-01-02", "text": "a", "outlet": "Wire", "language": "id-ID"},
        {"date": "2024-01-02", "text": "b"},
    )
    first, second = read_jsonl(path, OPTIONS)
    assert (first.source, first.lang) == ("Wire", "id")
    assert (second.source, second.lang) == ("feed-x", None)
    named = ReadOptions(OPTIONS.max_text_bytes, OPTIONS.max_line_bytes, source="My outlet")
    assert list(read_jsonl(path, named))[1].source == "My outlet"


@pytest.mark.parametrize(
    "line,reason",
    [
        ('{"title": "t", "text": "x"}', "missing date"),
        (
            '{"date": "31/31/2023", "text": "x"}',
            f"unparseable date '31/31/2023'; accepted: {ACCEPTED_FORMS}",
        ),
        (
            '{"date": "2024-01-01", "text": "  ", "title": "only a title"}',
            "empty text and no pre-tagged countries",
        ),
        (
            '{"date": "2024-01-01", "text": "x", "tone": "very bad"}',
            "tone is not a number: 'very bad'",
        ),
        (
            '{"date": "2024-01-01", "countries": 7}',
            "countries must be a list or a ;-separated string, got int",
        ),
        ('{"date": "2024-01-01", "text": ', "invalid JSON: Expecting value at column 32"),
        ("[1, 2]", "not a JSON object (got list)"),
        ('"just a string"', "not a JSON object (got str)"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
    ],
)
def test_each_bad_row_becomes_a_reject_with_its_reason(tmp_path, line, reason):
    reject = only(read_jsonl(write_jsonl(tmp_path / "bad.jsonl", line), OPTIONS))
    assert isinstance(reject, Reject)
    assert reject.reason == reason
    assert reject.locator == f"{tmp_path / 'bad.jsonl'}:1"


def test_text_over_the_limit_is_rejected(tmp_path):
    big = {"date": "2024-01-01", "text": "x" * (2 * 1024 * 1024)}
    reject = only(read_jsonl(write_jsonl(tmp_path / "big.jsonl", big), OPTIONS))
    assert reject.reason == "text over 1 MB (2.0 MB)"
    assert len(reject.raw.encode()) <= RAW_EXCERPT_BYTES


def test_an_overlong_line_is_rejected_without_losing_the_next_one(tmp_path):
    options = ReadOptions(max_text_bytes=10**9, max_line_bytes=1000)
    path = write_jsonl(
        tmp_path / "long.jsonl",
        {"date": "2024-01-01", "text": "y" * 5000},
        {"date": "2024-01-02", "text": "fine"},
    )
    first, second = read_jsonl(path, options)
    assert isinstance(first, Reject) and first.reason == "line over 1000 bytes"
    assert isinstance(second, Article) and second.text == "fine"
    assert second.locator.endswith(":2")


def test_latin1_is_read_as_windows_1252_and_noted_never_a_replacement_character(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        '{"date": "2024-01-01", "title": "Caf\xe9", "text": "Fran\xe7ais \u20ac"}\n'.encode(
            "cp1252"
        )
        + b'{"date": "2024-01-02", "text": "Caf\xc3\xa9 in UTF-8, \xe9"}\n'
    )
    latin, mixed = read_jsonl(path, OPTIONS)
    assert (latin.title, latin.text) == ("Café", "Français €")
    assert latin.notes == (FALLBACK_NOTE,)
    # a stray Latin-1 byte in a UTF-8 line: each part read as what it is
    assert mixed.text == "Café in UTF-8, é" and mixed.notes == (FALLBACK_NOTE,)


def test_a_named_encoding_is_used_and_bytes_invalid_in_it_are_a_reject(tmp_path):
    path = tmp_path / "ru.jsonl"
    path.write_bytes(
        '{"date": "2024-01-01", "text": "Путин и Ким"}\n'.encode("cp1251")
        # 0x98 is the one byte cp1251 leaves undefined
        + b'{"date": "2024-01-01", "text": "\x98"}\n'
    )
    options = ReadOptions(OPTIONS.max_text_bytes, OPTIONS.max_line_bytes, encoding="koi8-u")
    assert next(read_jsonl(path, options)).text != "Путин и Ким"
    options = ReadOptions(OPTIONS.max_text_bytes, OPTIONS.max_line_bytes, encoding="cp1251")
    article, reject = read_jsonl(path, options)
    assert article.text == "Путин и Ким" and article.notes == ()
    assert reject.reason.startswith("not cp1251 text (") and "check --encoding" in reject.reason
    assert "\ufffd" not in reject.raw


def test_bom_crlf_and_blank_lines_are_tolerated(tmp_path):
    path = tmp_path / "windows.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"date": "2024-01-01", "text": "a"}\r\n\r\n'
        b'{"date": "2024-01-02", "text": "b"}\r\n'
    )
    first, second = read_jsonl(path, OPTIONS)
    assert (first.text, second.text) == ("a", "b")
    assert second.locator.endswith(":3")


def test_gzipped_jsonl_is_read(tmp_path):
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(json.dumps({"date": "2024-01-01", "text": "zipped"}) + "\n")
    assert only(read_jsonl(path, OPTIONS)).text == "zipped"


def test_pretagged_countries_and_tone_are_kept(tmp_path):
    path = write_jsonl(
        tmp_path / "tags.jsonl",
        {"date": "2024-01-01", "countries": "RU; KP;RU", "tone": -2.5},
        {"date": "2024-01-01", "countries": ["Russia"], "text": "x"},
    )
    first, second = read_jsonl(path, OPTIONS)
    assert first.countries == {"RU": 2, "KP": 1}
    assert first.tone.tone == -2.5
    assert second.countries == {"Russia": 1}


def test_csv_rows_with_tolerant_headers(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "headline,body,date,link,title\n"
        '"A, quoted title","Body with\nnewline",2024-01-01,https://x.y/1,second\n'
        ",,,,\n"
        "B,Body,31/31/2023,https://x.y/2,\n",
        encoding="utf-8",
    )
    first, second = read_csv(path, OPTIONS)
    # the first of 'headline' and 'title' in FIELD_NAMES order wins: title, then headline
    assert first.title == "second" and first.text == "Body with\nnewline"
    assert (
        isinstance(second, Reject)
        and second.reason == f"unparseable date '31/31/2023'; accepted: {ACCEPTED_FORMS}"
    )
    assert second.locator == f"{path}:5"


def test_csv_duplicate_headers_keep_the_first_column(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("date,text,text\n2024-01-01,first,second\n", encoding="utf-8")
    assert only(read_csv(path, OPTIONS)).text == "first"


def test_tsv_is_tab_separated(tmp_path):
    path = tmp_path / "in.tsv"
    path.write_text("date\ttext\n2024-01-01\ta, b\n", encoding="utf-8")
    assert only(read_csv(path, OPTIONS)).text == "a, b"


def test_parquet_rows_are_read_in_batches(tmp_path):
    path = tmp_path / "in.parquet"
    count = 2500
    pq.write_table(
        pa.table(
            {
                "published_at": pa.array([datetime(2024, 1, 1)] * count, pa.timestamp("us")),
                "text": [f"article {i}" for i in range(count)],
            }
        ),
        path,
        row_group_size=1000,
    )
    items = list(read_parquet(path, OPTIONS))
    assert len(items) == count
    assert items[-1].text == "article 2499" and items[-1].locator == f"{path}:row 2500"


def test_unreadable_parquet_is_one_reject_not_a_crash(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    reject = only(read_parquet(path, OPTIONS))
    assert reject.reason.startswith("unreadable Parquet file")


@pytest.mark.parametrize(
    "name,fmt",
    [
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.JSONL.gz", "jsonl"),
        ("a.csv", "csv"),
        ("a.tsv", "csv"),
        ("a.parquet", "parquet"),
        ("a.docx", None),
    ],
)
def test_format_is_detected_from_the_name(name, fmt):
    assert detect_format(Path(name)) == fmt


def test_folders_are_walked_and_unknown_files_reported(tmp_path):
    (tmp_path / "sub").mkdir()
    write_jsonl(tmp_path / "sub" / "b.jsonl", {"date": "2024-01-01", "text": "b"})
    write_jsonl(tmp_path / "a.jsonl", {"date": "2024-01-01", "text": "a"})
    (tmp_path / "notes.docx").write_text("x")
    files, skipped = plan_inputs([tmp_path])
    assert [f.path.name for f in files] == ["a.jsonl", "b.jsonl"]
    assert skipped == [(tmp_path / "notes.docx", "unknown file type")]
    assert [a.text for a in read_inputs(files, OPTIONS)] == ["a", "b"]


def test_symlinks_out_of_the_folder_are_refused_unless_asked(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    write_jsonl(outside / "secret.jsonl", {"date": "2024-01-01", "text": "s"})
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.jsonl").symlink_to(outside / "secret.jsonl")
    files, skipped = plan_inputs([root])
    assert files == [] and skipped[0][1].startswith("symlink leads outside the folder")
    followed, _ = plan_inputs([root], follow_symlinks=True)
    assert [f.path.name for f in followed] == ["link.jsonl"]


def test_missing_path_and_unknown_format_are_clear_errors(tmp_path):
    with pytest.raises(SourceError, match="no such file or folder"):
        plan_inputs([tmp_path / "nope.jsonl"])
    (tmp_path / "x.bin").write_text("")
    with pytest.raises(SourceError, match="pass --format"):
        plan_inputs([tmp_path / "x.bin"])
    with pytest.raises(SourceError, match="unknown format"):
        plan_inputs([tmp_path / "x.bin"], "xml")


def test_records_stream_before_the_file_is_read(tmp_path):
    # a 200 MB file: the first record must arrive after reading a few buffers, not the file
    path = tmp_path / "huge.jsonl"
    line = (json.dumps({"date": "2024-01-01", "text": "z" * 4000}) + "\n").encode()
    with path.open("wb") as handle:
        handle.write(line * (200 * 2**20 // len(line)))
    consumed = []
    options = ReadOptions(OPTIONS.max_text_bytes, OPTIONS.max_line_bytes, on_bytes=consumed.append)
    records = read_jsonl(path, options)
    for _ in range(100):
        assert isinstance(next(records), Article)
    assert sum(consumed) < 2**20
    records.close()


def test_an_unterminated_string_reads_plainly(tmp_path):
    reject = only(read_jsonl(write_jsonl(tmp_path / "cut.jsonl", '{"text": "cut off'), OPTIONS))
    assert reject.reason == "invalid JSON: Unterminated string starting at column 10"
