"""Adversarial input for the fuzz tests and `bench/fuzz_load.py` (refs #7).

A catalogue of values that have broken parsers before (wrong types, NUL, lone surrogates,
RTL and emoji, dates far outside the news, ports out of range, numbers too big for a float)
and a seeded generator that writes whole input files from them, in every format the ETL
reads, knowing how many records each file holds. The hypothesis tests draw from the same
catalogue, so a value that once broke the loader stays in both.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq

NASTY_TEXT = (
    "",
    " ",
    "\t\r\n ",
    "\x00",
    "a\x00b",
    "\ufeff",
    "\ufeffTitle after a BOM",
    "\u202eRTL override\u202c",
    "مرحبا — روسيا والصين تتفاوضان",
    "שלום, ישראל ואיראן",
    "🇷🇺🇨🇳 Russia 🤝 China 💥",
    "👩\u200d👩\u200d👧\u200d👦",
    "Z\u0334\u0321a\u0337l\u0338g\u0335o\u0336",
    "\u200b\u200d\u2060",
    "\ud800 lone surrogate",
    "a\udfffb",
    "\x1b[31mred\x1b[0m",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "'); drop table articles; --",
    "NaN",
    "null",
    "\u0085next line\u2028\u2029",
    "Korea Utara dan Rusia bertemu di Pyongyang.",
    "Russia and China signed a deal in Moscow. France objected.",
    "ﬁ ligature, Ⅻ numerals, ２０２４",
)
"""Strings that stress decoding, normalisation, storage and display."""

NASTY_DATES = (
    "2024-01-01",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31T23:59:59Z",
    "1899-12-31",
    "2100-01-01",
    "1970-01-01T00:00:00+14:00",
    "2024-03-01T12:00:00-12:00",
    "Tue, 02 Jan 2024 00:00:00 GMT",
    "Tue, 31 Feb 2024 00:00:00 GMT",
    "20240101",
    "20240101120000",
    "20241399000000",
    "２０２４-01-01",
    "2024-01-01T25:00:00",
    "\x002024-01-01",
    "31/31/2023",
    "yesterday",
    "",
    1704153600,
    1704153600.5,
    -1,
    0,
    10**11,
    10**20,
    -(10**400),
    10**400,
    1e308,
    float("inf"),
    float("nan"),
    True,
    [],
    {},
    None,
)
"""Dates far in the past and future, impossible days, numbers too big for a float."""

NASTY_URLS = (
    "https://example.org/news/1",
    "HTTPS://EXAMPLE.org/A?utm_source=x&id=2#frag",
    "http://[::1",
    "http://a:99999/x",
    "http://a:abc/",
    "http://[zz]/",
    "javascript:alert(1)",
    "http://ex ample.com/ spaced",
    "//no-scheme/path",
    "http://☃.example/",
    "",
    123,
    ["https://a.b/"],
)

NASTY_COUNTRIES = (
    "RU;KP",
    "RU, CN",
    ["Russia", "China"],
    {"RU": 3, "CN": 1},
    {"RU": "x"},
    {"RU": -5},
    {"RU": 1e308},
    {"RU": float("inf")},
    {"RU": 10**400},
    7,
    "",
    ";;;",
    ["", None],
    "Atlantis",
    [["nested"]],
)

NASTY_TONES = (-2.5, "3.1", "very bad", 10**400, float("nan"), float("inf"), {"tone": 1}, [1], "")

GKG_EXCERPT = Path(__file__).parents[1] / "fixtures" / "gkg" / "excerpt-20230702153000.gkg.csv"
GKG_COLUMNS = {"DATE": 1, "DocumentIdentifier": 4, "V2Locations": 10, "V2Tone": 15, "Extras": 26}
"""Columns of a GKG 2.1 record that the fuzzer replaces (positions from the codebook)."""

NASTY_GKG = {
    "V2Tone": ("", "1,2,3", "-1,2,3,4,5,6,1e300", "nan,0,0,0,0,0,1", "a,b", "1,2,3,4,5,6,-7"),
    "V2Locations": ("1#Place#ZZ#A#1#2#x#0", "4#P#RS#A#1#2#x#0;4#P#KN#A#1#2#x#0", "#", ";;;"),
    "Extras": ("<PAGE_TITLE>&#xd800;&amp;</PAGE_TITLE>", "<PAGE_TITLE>", ""),
}

FIELD_SPELLINGS = {
    "published_at": ("published_at", "published", "date", "pubDate", "timestamp", "DATE"),
    "text": ("text", "body", "content", "Text", "article"),
    "title": ("title", "headline", "TITLE"),
    "url": ("url", "link", "URL"),
    "source": ("source", "outlet", "domain"),
    "lang": ("lang", "language"),
    "record_id": ("id", "guid"),
    "countries": ("countries",),
    "tone": ("tone",),
}
"""Tolerant field names in several spellings and cases (etl/sources/fields.py)."""

FIELD_VALUES = {
    "published_at": NASTY_DATES,
    "text": NASTY_TEXT,
    "title": NASTY_TEXT,
    "url": NASTY_URLS,
    "source": NASTY_TEXT,
    "lang": ("en", "id", "FR-fr", "zz", "", "x" * 50, None, 3),
    "record_id": ("a1", "", 7, None, "\ud800"),
    "countries": NASTY_COUNTRIES,
    "tone": NASTY_TONES,
}


def dumps(record: object) -> str:
    """JSON as a careless producer writes it: NaN/Infinity allowed, huge ints kept."""
    return json.dumps(record, ensure_ascii=False, allow_nan=True)


def encode(text: str) -> bytes:
    """UTF-8, except that lone surrogates are written as the (invalid) bytes they encode to."""
    return text.encode("utf-8", "surrogatepass")


@dataclass
class Written:
    """A generated input file and how many records the ETL must read from it."""

    path: Path
    records: int


NASTY_FIELD_SHARE = 0.1
"""Chance that a record field gets a catalogue value: about a third of the records stay
clean, so tagging and writing see plenty of good rows next to the bad ones."""


class Generator:
    """Seeded adversarial records and files; the same seed writes the same bytes."""

    def __init__(self, seed: int, max_line_bytes: int) -> None:
        self.rng = random.Random(seed)
        self.max_line_bytes = max_line_bytes
        self.serial = 0

    def record(self) -> dict:
        """One record: mostly plausible (so some load), every field sometimes nasty."""
        rng = self.rng
        self.serial += 1
        record: dict = {
            "id": f"r{self.serial}",
            "date": f"2024-01-{rng.randint(1, 28):02d}",
            "url": f"https://example.org/{self.serial}",
            "text": "Russia and China met in Moscow. " * rng.randint(1, 5),
        }
        if rng.random() < 0.1:
            # a copy of an earlier record's url: a duplicate in the same run
            record["url"] = f"https://example.org/{rng.randint(1, self.serial)}"
        for field, spellings in FIELD_SPELLINGS.items():
            if rng.random() < NASTY_FIELD_SHARE:
                record.pop({"published_at": "date", "record_id": "id"}.get(field, field), None)
                record[rng.choice(spellings)] = self.value(field)
        if rng.random() < 0.05:
            record["text"] = rng.choice("xé🇷🇺\x00") * rng.randint(1000, 30000)
        if rng.random() < 0.05:
            record["nested"] = self.nested(rng.choice((10, 200, 400)))
        return record

    def value(self, field: str) -> object:
        if self.rng.random() < 0.15:
            return self.any_json(3)
        return self.rng.choice(FIELD_VALUES[field])

    def any_json(self, depth: int) -> object:
        rng = self.rng
        kind = rng.randrange(8 if depth > 0 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return rng.choice((True, False))
        if kind == 2:
            return rng.choice((0, -1, 2**63, -(2**64), 10**30))
        if kind == 3:
            return rng.choice((0.5, -1e-300, 1e300, float("nan"), float("-inf")))
        if kind in (4, 5):
            return rng.choice(NASTY_TEXT)
        if kind == 6:
            return [self.any_json(depth - 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(NASTY_TEXT): self.any_json(depth - 1) for _ in range(rng.randint(0, 3))}

    @staticmethod
    def nested(depth: int) -> object:
        value: object = "deep"
        for level in range(depth):
            value = [value] if level % 2 else {"k": value}
        return value

    def jsonl_line(self) -> tuple[bytes, int]:
        """One JSONL line (no terminator) and whether it counts as a record (blank lines don't)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            return rng.choice((b"", b"   ", b"\t", b"\xef\xbb\xbf")), 0
        if roll < 0.08:
            # garbage bytes: a leading '#' keeps the line non-blank, newlines are removed
            return b"#" + rng.randbytes(rng.randint(0, 200)).replace(b"\n", b" "), 1
        if roll < 0.10:
            return b"[" * 100_000 + b"]" * 100_000, 1
        if roll < 0.12:
            return b"x" * (self.max_line_bytes + rng.randint(1, 5000)), 1
        line = encode(dumps(self.record()))
        if roll < 0.16:
            return line[: rng.randint(1, max(1, len(line) - 1))].replace(b"\n", b" ") or b"{", 1
        if roll < 0.20:
            return line.decode("utf-8", "replace").encode("latin-1", "replace"), 1
        if roll < 0.22:
            return b"\xef\xbb\xbf" + line, 1
        return line, 1

    def jsonl(self, path: Path, lines: int) -> Written:
        rng = self.rng
        chunks: list[bytes] = []
        count = 0
        for _ in range(lines):
            line, counted = self.jsonl_line()
            chunks.append(line + rng.choice((b"\n", b"\r\n", b"\n\n")))
            count += counted
        data = b"".join(chunks)
        if path.name.endswith(".gz"):
            path.write_bytes(gzip.compress(data, compresslevel=1))
        else:
            path.write_bytes(data)
        return Written(path, count)

    def csv(self, path: Path, rows: int) -> Written:
        """A CSV/TSV whose every data row counts (its first cell is a non-blank id).

        Some files have one column or a duplicated header; some rows are Latin-1 in a UTF-8
        file (mixed encodings), and some files start with a BOM.
        """
        rng = self.rng
        columns = ["id", *rng.sample(["date", "text", "title", "url", "countries", "tone"], 5)]
        if rng.random() < 0.1:
            columns = ["id"]
        elif rng.random() < 0.2:
            columns.append(rng.choice(columns))
        dialect = {
            "delimiter": "\t" if path.name.endswith(".tsv") else ",",
            "quoting": rng.choice((csv.QUOTE_MINIMAL, csv.QUOTE_ALL)),
            "lineterminator": rng.choice(("\r\n", "\n")),
        }
        chunks = [b"\xef\xbb\xbf"] if rng.random() < 0.3 else []
        chunks.append(encode(_csv_row(columns, dialect)))
        for _ in range(rows):
            record = self.record()
            row = _csv_row(
                [f"r{self.serial}", *(self.cell(record, c) for c in columns[1:])], dialect
            )
            latin = rng.random() < 0.1
            chunks.append(row.encode("latin-1", "replace") if latin else encode(row))
        path.write_bytes(b"".join(chunks))
        return Written(path, rows)

    def cell(self, record: dict, column: str) -> str:
        nasty = self.rng.random() < NASTY_FIELD_SHARE
        value = record.get(column, self.rng.choice(NASTY_TEXT) if nasty else "")
        text = value if isinstance(value, str) else dumps(value)
        # a cell over the field limit is one reject, but only while it spans one line
        return text if len(text) < self.max_line_bytes // 4 else text.replace("\n", " ")

    def parquet(self, path: Path, rows: int) -> Written:
        """Parquet with columns of surprising types (dates as strings, text as binary)."""
        rng = self.rng
        records = [self.record() for _ in range(rows)]
        dates = [r.get("date") for r in records]
        table = pa.table(
            {
                "published_at": pa.array(
                    [d if isinstance(d, str) else None for d in dates], pa.string()
                ),
                "text": pa.array(
                    [
                        encode(r["text"]) if isinstance(r.get("text"), str) else None
                        for r in records
                    ],
                    rng.choice((pa.binary(), pa.large_binary())),
                ),
                "url": pa.array([str(r.get("url")) for r in records], pa.string()),
                "tone": pa.array([rng.choice((None, -1.5, 2.0)) for _ in records], pa.float64()),
            }
        )
        pq.write_table(table, path, row_group_size=rng.randint(1, 50))
        return Written(path, rows)

    def bomb(self, path: Path, lines: int, expands_to: int) -> Written:
        """`lines` records, then whitespace expanding past `expands_to` bytes when unzipped.

        The reader must keep the records and report the rest of the file as one reject.
        """
        head = b"".join(encode(dumps(self.record())) + b"\n" for _ in range(lines))
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        parts = [compressor.compress(head)]
        blank_lines = (b" " * 1023 + b"\n") * 1024
        for _ in range(expands_to // len(blank_lines) + 2):
            parts.append(compressor.compress(blank_lines))
        parts.append(compressor.flush())
        path.write_bytes(b"".join(parts))
        return Written(path, lines + 1)

    def truncated_gzip(self, path: Path, lines: int) -> Written:
        """A .jsonl.gz cut short: the complete lines before the cut, plus one reject."""
        data = b"".join(encode(dumps(self.record())) + b"\n" for _ in range(lines))
        packed = gzip.compress(data, compresslevel=6)
        cut = packed[: self.rng.randint(20, max(21, len(packed) - 9))]
        path.write_bytes(cut)
        readable = zlib.decompressobj(31).decompress(cut)
        complete = readable[: readable.rfind(b"\n") + 1]
        counted = sum(1 for line in complete.split(b"\n") if line.strip())
        return Written(path, counted + 1)


def _csv_row(cells: list[str], dialect: dict) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, **dialect).writerow(cells)
    return out.getvalue()


def gkg_lines() -> list[str]:
    return GKG_EXCERPT.read_text(encoding="utf-8").splitlines()


class MoreFormats(Generator):
    """GKG files, RSS feeds and saved pages, on top of the file formats."""

    def gkg(self, path: Path, lines: int) -> Written:
        """Real GKG records with columns replaced; zipped when the name ends in .zip."""
        rng = self.rng
        base = gkg_lines()
        out = []
        for _ in range(lines):
            fields = rng.choice(base).split("\t")
            for name, column in GKG_COLUMNS.items():
                if rng.random() < NASTY_FIELD_SHARE:
                    value = self.value("published_at") if name == "DATE" else None
                    if name == "DocumentIdentifier":
                        value = self.value("url")
                    if name in NASTY_GKG:
                        nasty = NASTY_GKG[name] if rng.random() < 0.7 else NASTY_TEXT
                        value = rng.choice(nasty)
                    fields[column] = str(value).replace("\t", " ").replace("\n", " ")
            if rng.random() < 0.05:
                fields = fields[: rng.randint(1, len(fields) - 1)]
            # a record must stay non-blank to count: GKG ids are never empty
            out.append(encode("\t".join(fields)).replace(b"\r", b" ") or b"x")
        data = b"\n".join(out) + b"\n"
        if path.name.endswith(".zip"):
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(path.name.removesuffix(".zip"), data)
        else:
            path.write_bytes(data)
        return Written(path, lines)

    def rss(self, path: Path, items: int) -> Written:
        """A well-formed RSS feed whose items carry nasty titles, dates, links and HTML."""
        entries = []
        for _ in range(items):
            record = self.record()
            nasty = self.rng.random() < NASTY_FIELD_SHARE * 3
            title = escape(str(self.value("title") if nasty else "Russia and China"))
            text = escape(str(record.get("text", self.value("text"))))
            date = escape(str(self.value("published_at") if nasty else record.get("date")))
            link = escape(str(self.value("url") if nasty else record.get("url")))
            entries.append(
                f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
                f"<description>{text}</description></item>"
            )
        feed = (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>{''.join(entries)}"
        )
        path.write_bytes(encode(feed + "</channel></rss>"))
        return Written(path, items)

    def page(self, path: Path) -> Written:
        """One saved page (.html or .txt): always exactly one record."""
        rng = self.rng
        parts = [str(self.value("text")) for _ in range(rng.randint(0, 6))]
        parts.append("Russia and China signed a trade deal in Moscow on Tuesday.")
        date = str(self.value("published_at")) if rng.random() < 0.5 else "2024-03-05"
        if path.suffix == ".html":
            body = "".join(f"<p>{part}</p>" for part in parts)
            page = (
                f"<html><head><title>{rng.choice(NASTY_TEXT)}</title><meta property="
                f'"article:published_time" content="{escape(date)}"></head>'
                f"<body><article>{body}<script>alert(1)</script></article></body></html>"
            )
        else:
            page = date + "\n\n" + "\n".join(parts)
        path.write_bytes(encode(page))
        return Written(path, 1)

    def corpus(self, folder: Path, records: int, max_unzipped_bytes: int) -> list[Written]:
        """About `records` records spread over every format, with one bomb and one cut gzip."""
        rng = self.rng
        makers = [
            (".jsonl", self.jsonl),
            (".jsonl.gz", self.jsonl),
            (".csv", self.csv),
            (".tsv", self.csv),
            (".parquet", self.parquet),
            (".gkg.csv", self.gkg),
            (".gkg.csv.zip", self.gkg),
            (".rss", self.rss),
        ]
        written = [
            self.bomb(folder / "bomb.jsonl.gz", rng.randint(0, 5), max_unzipped_bytes),
            self.truncated_gzip(folder / "cut.jsonl.gz", rng.randint(1, 40)),
            self.page(folder / "page.html"),
            self.page(folder / "page.txt"),
        ]
        remaining = records - sum(w.records for w in written)
        number = 0
        first = rng.randrange(len(makers))
        while remaining > 0:
            suffix, make = makers[(first + number) % len(makers)]
            size = min(remaining, rng.randint(1, 60))
            written.append(make(folder / f"part{number:04d}{suffix}", size))
            remaining -= written[-1].records
            number += 1
        return written
