"""Splits of a large JSONL/CSV file read exactly like the whole file (etl/engines/splits.py)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from etl.engines.splits import is_splittable, make_splits, read_split, scan_boundaries
from etl.records import Article
from etl.sources import InputFile, ReadOptions, read_inputs

MAX_LINE = 300
OPTIONS = ReadOptions(max_text_bytes=2**20, max_line_bytes=MAX_LINE)


def jsonl_file(folder: Path) -> Path:
    """Blank lines, invalid JSON, over-long lines, duplicates, no trailing newline."""
    rng = random.Random(7)
    lines = []
    for i in range(300):
        roll = rng.random()
        if roll < 0.05:
            lines.append("")
        elif roll < 0.1:
            lines.append('{"broken": ')
        elif roll < 0.13:
            lines.append(json.dumps({"text": "x" * (MAX_LINE + 50), "published": "2024-01-01"}))
        else:
            lines.append(
                json.dumps(
                    {
                        "url": f"https://example.org/{i % 250}",
                        "title": f"t{i}",
                        "text": "Russia and Japan talk. " * rng.randint(1, 8),
                        "published": f"2024-01-0{rng.randint(1, 9)}",
                    }
                )
            )
    path = folder / "many.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def csv_file(folder: Path) -> Path:
    """Quoted fields holding newlines (LF, CRLF and a bare CR) and blank rows."""
    rng = random.Random(11)
    path = folder / "many.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "title", "text", "published"])
        for i in range(200):
            text = (
                "one\ntwo\r\nthree\rfour" if i % 7 == 0 else "Iran and Iraq. " * rng.randint(1, 9)
            )
            writer.writerow([f"https://example.org/c{i}", f"t{i}", text, "2024-02-03"])
            if i % 40 == 0:
                handle.write("\r\n")
    return path


def excel_csv_file(folder: Path) -> Path:
    """Semicolons and Windows-1252, as a spreadsheet saves a CSV in much of Europe."""
    path = folder / "excel.csv"
    rows = [
        f"https://example.org/e{i};Caf\xe9 {i};Fran\xe7a e Brasil {i};2024-02-03"
        for i in range(200)
    ]
    path.write_bytes("\r\n".join(["url;title;text;published", *rows]).encode("cp1252"))
    return path


def described(items) -> list[tuple]:
    return [
        (
            type(item).__name__,
            item.locator,
            getattr(item, "article_id", getattr(item, "reason", "")),
        )
        for item in items
    ]


@pytest.mark.parametrize(
    "make,fmt", [(jsonl_file, "jsonl"), (csv_file, "csv"), (excel_csv_file, "csv")]
)
@pytest.mark.parametrize("split_bytes", [1, 97, 1000, 4096, 10**9])
def test_splits_read_the_records_of_the_whole_file_with_its_line_numbers(
    tmp_path, make, fmt, split_bytes
):
    file = InputFile(make(tmp_path), fmt)
    whole = described(read_inputs([file], OPTIONS))
    splits = make_splits([file], {0: scan_boundaries(file, split_bytes, MAX_LINE)})
    assert described(item for split in splits for item in read_split(split, OPTIONS)) == whole
    assert [s.index for s in splits] == list(range(len(splits)))
    if make is excel_csv_file:
        first = next(read_split(splits[-1], OPTIONS))
        assert first.title.startswith("Café ") and first.text.startswith("França e Brasil")


def test_a_small_file_stays_one_split_read_by_its_reader(tmp_path):
    path = jsonl_file(tmp_path)
    file = InputFile(path, "jsonl")
    assert not is_splittable(file, path.stat().st_size)
    (split,) = make_splits([file], {})
    assert split.end is None
    assert any(isinstance(item, Article) for item in read_split(split, OPTIONS))


def test_gzip_files_are_never_cut(tmp_path):
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(b"\x1f\x8b" + b"\0" * 100)
    assert not is_splittable(InputFile(path, "jsonl"), 10)


def test_a_boundary_falls_on_the_start_of_a_line(tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"aaaa\nbbbb\ncccc\n")
    bounds, _ = scan_boundaries(InputFile(path, "jsonl"), 3, MAX_LINE)
    # a cut at byte 3 moves to the next line start (5, line 2); the next, at 8, to 10 (line 3)
    assert [(b.offset, b.line) for b in bounds] == [(0, 1), (5, 2), (10, 3)]
