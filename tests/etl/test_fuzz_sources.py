"""Readers under fuzzing: whatever the bytes, every record becomes one Article or one Reject.

Hypothesis writes adversarial JSONL, CSV, Parquet and gzip files (wrong types, huge fields,
deep nesting, NUL, invalid UTF-8, BOMs, CRLF, mixed encodings, one-column and duplicate-header
CSVs, far dates, emoji and RTL) and checks that the readers never raise, account for every
non-blank line or row exactly once, and only hand on values the database can store.
Derandomized and bounded, so CI runs the same examples in a few seconds (refs #7).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import tempfile
import zipfile
from datetime import UTC
from pathlib import Path
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq
from adversarial import (
    FIELD_SPELLINGS,
    FIELD_VALUES,
    NASTY_TEXT,
    dumps,
    encode,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.dates import EARLIEST, LATEST
from etl.records import RAW_EXCERPT_BYTES, Article, Reject
from etl.sources import plan_inputs, read_inputs
from etl.sources.base import ReadOptions
from etl.sources.fields import article_from_record
from etl.sources.gkg import COLUMNS
from tests.etl.fuzzing import deterministic

MAX_TEXT = 4096
MAX_LINE = 16384
"""Small limits, so 'huge' fields cross them without making the examples slow."""

OPTIONS = ReadOptions(max_text_bytes=MAX_TEXT, max_line_bytes=MAX_LINE)

FUZZ = deterministic(80, HealthCheck.data_too_large)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(NASTY_TEXT),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=10,
)
huge_text = st.builds(
    lambda char, count: char * count,
    st.sampled_from(["x", "é", "🇷🇺", "\x00", "\u202e"]),
    st.integers(MAX_TEXT // 4, MAX_TEXT * 2),
)


@st.composite
def records(draw) -> dict:
    """A record with each tolerant field present or not, in any spelling, plausible or nasty."""
    record = {}
    for field, spellings in FIELD_SPELLINGS.items():
        if draw(st.booleans()):
            nasty = st.sampled_from(FIELD_VALUES[field])
            value = draw(
                st.one_of(
                    nasty,
                    nasty,
                    json_values,
                    huge_text if field == "text" else st.text(max_size=30),
                )
            )
            record[draw(st.sampled_from(spellings))] = value
    extra = draw(st.dictionaries(st.text(max_size=8), json_values, max_size=2))
    return {**extra, **record}


@st.composite
def jsonl_lines(draw) -> bytes:
    """One line's bytes, without its terminator."""
    kinds = ["record", "record", "record", "bytes", "nested", "blank", "big number"]
    kind = draw(st.sampled_from(kinds))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "nested":
        depth = draw(st.sampled_from([10, 1000, 100_000]))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        return opener * depth + b"1" + closer * depth
    if kind == "blank":
        return draw(st.sampled_from([b"", b" ", b"\t", b"\xef\xbb\xbf", b"\x0b\x0c"]))
    if kind == "big number":
        # more digits than Python converts by default (sys.get_int_max_str_digits)
        return b'{"date": ' + b"9" * draw(st.integers(4000, 6000)) + b', "text": "x"}'
    record = draw(records())
    # ascii escapes turn lone surrogates into '\\ud800' text that json.loads brings back
    line = encode(json.dumps(record)) if draw(st.booleans()) else encode(dumps(record))
    mangle = draw(st.sampled_from(["none", "none", "truncate", "latin-1", "bom", "nul", "utf-16"]))
    if mangle == "truncate":
        return line[: draw(st.integers(0, len(line)))]
    if mangle == "latin-1":
        return line.decode("utf-8", "replace").encode("latin-1", "replace")
    if mangle == "bom":
        return b"\xef\xbb\xbf" + line
    if mangle == "nul":
        cut = draw(st.integers(0, len(line)))
        return line[:cut] + b"\x00" + line[cut:]
    if mangle == "utf-16":
        return line.decode("utf-8", "replace").encode("utf-16")
    return line


@st.composite
def jsonl_files(draw) -> bytes:
    lines = draw(st.lists(jsonl_lines(), max_size=12))
    if draw(st.booleans()):
        lines.append(b"y" * (MAX_LINE + draw(st.integers(1, 3000))))
    terminators = st.sampled_from([b"\n", b"\r\n", b"\n\r\n", b"\r"])
    return b"".join(line + draw(terminators) for line in lines)


def counted_lines(data: bytes) -> list[int]:
    """Numbers of the lines that must yield one item: not blank, or over the length limit."""
    numbers = []
    for number, content in enumerate(data.split(b"\n"), start=1):
        if number > data.count(b"\n") and not content:
            break
        text = content.rstrip(b"\r\n").decode("utf-8", "replace").removeprefix("\ufeff")
        if len(content) > MAX_LINE or text.strip():
            numbers.append(number)
    return numbers


def storable(value: object) -> bool:
    """Whether DuckDB (through Arrow) can store this string: valid Unicode, no surrogates."""
    if not isinstance(value, str):
        return value is None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def assert_sound(item: Article | Reject) -> None:
    """What every item a reader yields must satisfy before it reaches tagging and DuckDB."""
    if isinstance(item, Reject):
        assert item.reason and all(map(storable, (item.reason, item.locator, item.raw)))
        assert len(item.raw.encode("utf-8")) <= RAW_EXCERPT_BYTES
        return
    assert isinstance(item, Article)
    fields = (item.url, item.title, item.text, item.source, item.lang, item.record_id)
    assert all(map(storable, fields)), fields
    assert len(item.text.encode("utf-8")) <= MAX_TEXT
    assert item.published_at.tzinfo == UTC and EARLIEST <= item.published_at < LATEST
    assert item.article_id and item.source
    if item.countries is not None:
        assert all(isinstance(n, str) and c >= 1 for n, c in item.countries.items())
    if item.tone is not None:
        assert math.isfinite(item.tone.tone)


def read_bytes(name: str, data: bytes, options: ReadOptions = OPTIONS) -> list:
    """Write `data` to a file called `name` and read it through read_inputs, as the ETL does."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        files, skipped = plan_inputs([path])
        # an empty file is not read at all: the CLI warns of it instead (issue #11)
        assert (skipped == [(path, "empty file, nothing to read")]) == (data == b"")
        items = list(read_inputs(files, options))
    for item in items:
        assert_sound(item)
    return items


def line_number(item: Article | Reject) -> int:
    return int(item.locator.rsplit(":", 1)[1])


@settings(FUZZ, max_examples=300)
@given(records())
def test_any_record_becomes_one_sound_article_or_reject(record):
    item = article_from_record(record, Path("fuzz.jsonl"), "fuzz.jsonl:1", OPTIONS)
    assert_sound(item)
    # file records drop NUL from title and text (DuckDB would store it, readers trip on it)
    assert isinstance(item, Reject) or "\x00" not in item.title + item.text


@FUZZ
@given(jsonl_files())
def test_jsonl_reader_yields_one_item_per_nonblank_line(data):
    items = read_bytes("fuzz.jsonl", data)
    assert [line_number(item) for item in items] == counted_lines(data)


@FUZZ
@given(jsonl_files())
def test_gzipped_jsonl_reads_like_the_plain_file(data):
    plain = read_bytes("fuzz.jsonl", data)
    zipped = read_bytes("fuzz.jsonl.gz", gzip.compress(data))
    assert [(type(i), line_number(i)) for i in zipped] == [(type(i), line_number(i)) for i in plain]


@FUZZ
@given(st.binary(max_size=2000), st.data())
def test_corrupt_or_truncated_gzip_ends_in_one_reject_never_a_crash(data, draw):
    packed = bytearray(gzip.compress(data))
    how = draw.draw(st.sampled_from(["truncate", "flip", "garbage"]))
    if how == "truncate":
        packed = packed[: draw.draw(st.integers(0, len(packed) - 1))]
    elif how == "flip":
        where = draw.draw(st.integers(0, len(packed) - 1))
        packed[where] ^= draw.draw(st.integers(1, 255))
    else:
        packed = bytearray(draw.draw(st.binary(min_size=1, max_size=200)))
    items = read_bytes("fuzz.jsonl.gz", bytes(packed))
    rests = [i for i in items if isinstance(i, Reject) and i.locator.endswith(".gz")]
    assert len(rests) <= 1 and (not rests or items[-1] is rests[0])


CSV_COLUMNS = ["date", "text", "title", "url", "countries", "tone", "id", "Date", "body"]


@st.composite
def csv_files(draw) -> tuple[bytes, int]:
    """A CSV written by csv.writer from nasty cells, and its number of data rows.

    Every row starts with a non-blank id cell, so none of them may be skipped as blank.
    """
    columns = draw(st.lists(st.sampled_from(CSV_COLUMNS), min_size=0, max_size=6))
    columns = ["id", *columns]  # 'id' first, duplicates allowed, one column possible
    cell = st.one_of(
        st.sampled_from(NASTY_TEXT),
        st.sampled_from([str(v) for v in FIELD_VALUES["published_at"]]),
        st.text(max_size=40),
        huge_text.map(lambda text: text.replace("\x00", "")),
    )
    rows = draw(st.lists(st.lists(cell, max_size=len(columns) + 2), max_size=10))
    dialect = {
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        "lineterminator": draw(st.sampled_from(["\r\n", "\n"])),
    }
    out = io.StringIO(newline="")
    writer = csv.writer(out, **dialect)
    writer.writerow(columns)
    chunks = [draw(st.sampled_from([b"", b"\xef\xbb\xbf"])), encode(out.getvalue())]
    for number, row in enumerate(rows):
        out = io.StringIO(newline="")
        csv.writer(out, **dialect).writerow([f"r{number}", *row])
        codec = draw(st.sampled_from(["utf-8", "utf-8", "latin-1"]))
        chunks.append(
            out.getvalue().encode(codec, "surrogatepass" if codec == "utf-8" else "replace")
        )
    return b"".join(chunks), len(rows)


@FUZZ
@given(csv_files())
def test_csv_reader_yields_one_item_per_row(file):
    data, rows = file
    options = ReadOptions(max_text_bytes=MAX_TEXT, max_line_bytes=MAX_LINE)
    assert len(read_bytes("fuzz.csv", data, options)) == rows


@FUZZ
@given(st.binary(max_size=3000))
def test_csv_and_tsv_readers_survive_arbitrary_bytes(data):
    read_bytes("fuzz.csv", data)
    read_bytes("fuzz.tsv", data)


@FUZZ
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_jsonl_reader_survives_arbitrary_bytes(lines):
    data = b"\n".join(lines)
    items = read_bytes("fuzz.jsonl", data)
    assert [line_number(item) for item in items] == counted_lines(data)


STORABLE_TEXT = [text for text in NASTY_TEXT if storable(text)]
"""Arrow refuses to write lone surrogates, so Parquet cannot carry them."""

PARQUET_COLUMNS = {
    "published_at": st.sampled_from(
        [
            (pa.string(), st.sampled_from([str(v) for v in FIELD_VALUES["published_at"]])),
            (pa.int64(), st.integers(-(2**63), 2**63 - 1)),
            (pa.float64(), st.floats()),
            (pa.timestamp("us"), st.datetimes()),
            (pa.timestamp("s", tz="Asia/Tokyo"), st.datetimes(timezones=st.just(UTC))),
            (pa.date32(), st.dates()),
            (pa.bool_(), st.booleans()),
        ]
    ),
    "text": st.sampled_from(
        [
            (pa.string(), st.sampled_from(STORABLE_TEXT) | st.text(max_size=50)),
            (pa.large_string(), huge_text),
            (pa.binary(), st.binary(max_size=100)),
            (pa.list_(pa.string()), st.lists(st.text(max_size=10), max_size=3)),
            (pa.struct([("a", pa.int64())]), st.fixed_dictionaries({"a": st.integers(0, 9)})),
        ]
    ),
    "countries": st.sampled_from(
        [
            (pa.list_(pa.string()), st.lists(st.sampled_from(["RU", "CN", "", "Atlantis"]))),
            (pa.string(), st.sampled_from(["RU;CN", "", "KP"])),
            (
                pa.map_(pa.string(), pa.int64()),
                st.dictionaries(st.sampled_from(["RU", "CN"]), st.integers(-5, 5)).map(
                    lambda counts: list(counts.items())
                ),
            ),
        ]
    ),
    "tone": st.sampled_from([(pa.float64(), st.floats()), (pa.string(), st.text(max_size=5))]),
}


@st.composite
def parquet_files(draw) -> tuple[bytes, int]:
    """Parquet with optional columns of surprising types, nulls included."""
    rows = draw(st.integers(0, 20))
    columns = {}
    for name, choices in PARQUET_COLUMNS.items():
        if draw(st.booleans()):
            kind, values = draw(choices)
            columns[name] = pa.array(
                draw(st.lists(st.none() | values, min_size=rows, max_size=rows)), kind
            )
    table = pa.table(columns) if columns else pa.table({"other": pa.nulls(rows)})
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=draw(st.integers(1, 8)))
    return out.getvalue(), rows


@FUZZ
@given(parquet_files())
def test_parquet_reader_yields_one_item_per_row(file):
    data, rows = file
    assert len(read_bytes("fuzz.parquet", data)) == rows


def damaged(data: bytes, draw) -> bytes:
    """`data` with one byte flipped or cut short at a drawn place: a file broken in transit."""
    damaged = bytearray(data)
    where = draw.draw(st.integers(0, len(damaged) - 1))
    if draw.draw(st.booleans()):
        damaged[where] ^= draw.draw(st.integers(1, 255))
        return bytes(damaged)
    return bytes(damaged[:where])


@FUZZ
@given(parquet_files(), st.data())
def test_corrupt_parquet_is_rejected_never_a_crash(file, draw):
    read_bytes("fuzz.parquet", damaged(file[0], draw))


def test_one_huge_record_of_several_megabytes_is_one_reject():
    record = {"date": "2024-01-01", "text": "🇷🇺" * (2 * 2**20)}
    items = read_bytes("huge.jsonl", encode(json.dumps(record)) + b"\n")
    assert len(items) == 1 and isinstance(items[0], Reject)


GKG_EXCERPT = Path(__file__).parents[1] / "fixtures" / "gkg" / "excerpt-20230702153000.gkg.csv"
GKG_LINES = GKG_EXCERPT.read_text(encoding="utf-8").splitlines()
GKG_FIELDS = {
    "DATE": st.sampled_from([str(v) for v in FIELD_VALUES["published_at"]]),
    "V2Tone": st.one_of(
        st.lists(st.floats().map(repr), min_size=6, max_size=8).map(",".join),
        st.sampled_from(["", "1,2,3", "-1,2,3,4,5,6,1e300", "nan,0,0,0,0,0,1", "a,b"]),
    ),
    "V2Locations": st.lists(
        st.tuples(
            st.sampled_from(["1", "4", ""]), st.sampled_from(["RS", "KN", "ZZ", "", "OS"])
        ).map(lambda t: f"{t[0]}#Place#{t[1]}#ADM#1.0#2.0#id#0"),
        max_size=4,
    ).map(";".join),
    "Extras": st.sampled_from(STORABLE_TEXT).map(lambda t: f"<PAGE_TITLE>{t}</PAGE_TITLE>")
    | st.sampled_from(["<PAGE_TITLE>&#xd800;&amp;</PAGE_TITLE>", "<PAGE_TITLE>", ""]),
    "DocumentIdentifier": st.sampled_from([u for u in FIELD_VALUES["url"] if isinstance(u, str)]),
    "TranslationInfo": st.sampled_from(["", "srclc:rus;eng:x", "srclc:zzz", "srclc:"]),
}


@st.composite
def gkg_lines(draw) -> bytes:
    """A real GKG record with some columns replaced, or one with the wrong column count."""
    fields = draw(st.sampled_from(GKG_LINES)).split("\t")
    if draw(st.integers(0, 9)) == 0:
        fields = fields[: draw(st.integers(0, len(fields) - 1))]
    for name, values in GKG_FIELDS.items():
        if len(fields) == len(COLUMNS) and draw(st.booleans()):
            fields[COLUMNS.index(name)] = draw(values).replace("\t", " ").replace("\n", " ")
    return encode("\t".join(fields))


@FUZZ
@given(st.lists(gkg_lines(), max_size=8))
def test_gkg_reader_yields_one_item_per_record(lines):
    data = b"\n".join(lines) + b"\n"
    items = read_bytes("fuzz.gkg.csv", data)
    assert [line_number(item) for item in items] == counted_lines(data)


@FUZZ
@given(st.lists(gkg_lines(), min_size=1, max_size=4), st.data())
def test_gkg_zip_truncated_or_flipped_is_one_reject_never_a_crash(lines, draw):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("fuzz.gkg.csv", b"\n".join(lines))
    read_bytes("fuzz.gkg.csv.zip", damaged(out.getvalue(), draw))


@st.composite
def feed_items(draw) -> str:
    def text() -> str:
        return escape(draw(st.sampled_from(STORABLE_TEXT) | st.text(max_size=30)))

    date = escape(str(draw(st.sampled_from(FIELD_VALUES["published_at"]))))
    link = escape(str(draw(st.sampled_from(FIELD_VALUES["url"]))))
    return (
        f"<item><title>{text()}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description>{text()}</description></item>"
    )


@settings(FUZZ, max_examples=40)
@given(st.lists(feed_items(), min_size=1, max_size=6))
def test_rss_reader_yields_one_item_per_feed_item(items):
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{"".join(items)}'
    assert len(read_bytes("fuzz.rss", encode(feed + "</channel></rss>"))) == len(items)


@FUZZ
@given(st.binary(max_size=2000) | st.text(max_size=300).map(encode))
def test_rss_reader_survives_arbitrary_bytes(data):
    assert len(read_bytes("fuzz.rss", data)) >= (1 if data else 0)


@st.composite
def pages(draw) -> bytes:
    parts = draw(st.lists(st.sampled_from(NASTY_TEXT) | st.text(max_size=40), max_size=8))
    date = str(draw(st.sampled_from(FIELD_VALUES["published_at"])))
    html = (
        f"<html><head><title>{parts[0] if parts else ''}</title>"
        f'<meta property="article:published_time" content="{escape(date)}"></head>'
        f"<body><article>{''.join(f'<p>{p}</p>' for p in parts)}</article></body></html>"
    )
    return draw(st.sampled_from([encode(html), encode(date + "\n\n" + "\n".join(parts))]))


@settings(FUZZ, max_examples=25)
@given(pages() | st.binary(max_size=1000))
def test_html_and_text_pages_are_one_item_each(data):
    assert len(read_bytes("fuzz.html", data)) == (1 if data else 0)
    assert len(read_bytes("fuzz.txt", data)) == (1 if data else 0)
