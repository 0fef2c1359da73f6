"""Cross-check from input file to CSV download: no loaded text becomes a spreadsheet formula.

The dashboard's export neutralises formula cells (board/export.py, tested there on frames).
This test takes the long way an attacker would: titles, sources and texts that start with
`=`, `+`, `-`, `@`, tab or CR, wrapped around the fuzz catalogue's nasty strings, go through
the real ETL into DuckDB, come back through the articles view's own query, and are exported;
every text cell of the CSV must either be safe as it is or carry the neutralising
apostrophe in front of the exact loaded text (refs #7).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import duckdb
import pytest
from adversarial import NASTY_TEXT

import queries
from board.export import FORMULA_PREFIXES, NEUTRALISER, to_csv
from etl.run import load_inputs
from etl.settings import Settings

PREFIXES = ("", *(p for p in FORMULA_PREFIXES if p != "\r"), " =", "＝")
"""The formula starters, plus two that are not (a leading space, a full-width '=').

A bare carriage return is covered by its own test at the end: the prefix '\r' and texts
holding a bare CR are left to it."""

TEXT_COLUMNS = ("title", "source", "url")


def storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bare_cr(text: str) -> bool:
    return "\r" in text.replace("\r\n", "")


def records() -> list[dict]:
    nasty = [text for text in NASTY_TEXT if storable(text) and text.strip() and not bare_cr(text)]
    rows = []
    for number, (prefix, text) in enumerate((p, t) for p in PREFIXES for t in nasty):
        rows.append(
            {
                "url": f"https://example.org/export/{number}",
                "date": "2024-07-01",
                "title": f"{prefix}{text}",
                "source": f"{prefix}outlet {number % 3}",
                "text": f"{prefix}Russia and China met in Moscow. {text}",
            }
        )
    return rows


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[dict]]:
    folder = tmp_path_factory.mktemp("export")
    path = folder / "formulas.jsonl"
    written = records()
    path.write_text("".join(json.dumps(r) + "\n" for r in written), encoding="utf-8")
    db = folder / "tension.duckdb"
    summary = load_inputs([path], Settings(db_path=db, workers=1, with_tone=False))
    assert summary.loaded == len(written)
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = queries.run(
            "articles_list",
            con,
            start=date(2024, 1, 1),
            end=date(2024, 12, 31),
            lang=None,
            source=None,
            origin=None,
            countries=[],
            country_a=None,
            country_b=None,
            window="article",
            unit="article",
            row_limit=10_000,
            row_offset=0,
        )
    finally:
        con.close()
    text = to_csv(frame).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return frame.to_dict("records"), rows


def test_every_loaded_article_reaches_the_csv(exported):
    shown, rows = exported
    assert len(rows) == len(shown) == len(records())


@pytest.mark.parametrize("column", TEXT_COLUMNS)
def test_no_text_cell_of_the_csv_starts_a_formula(exported, column):
    shown, rows = exported
    for original, row in zip(shown, rows, strict=True):
        cell = row[column]
        assert not cell.startswith(FORMULA_PREFIXES), (column, cell)
        value = original[column] or ""
        if value.startswith(FORMULA_PREFIXES):
            # neutralised, not altered: the apostrophe in front of exactly what was loaded
            assert cell == NEUTRALISER + value
        else:
            assert cell == value


# found by this cross-check: a bare CR used to end the CSV row before the formula, refs #7
def test_a_bare_carriage_return_in_a_loaded_title_cannot_start_a_formula_row(tmp_path):
    path = tmp_path / "cr.jsonl"
    record = {"url": "https://example.org/cr", "date": "2024-07-01", "text": "Russia."}
    path.write_text(json.dumps({**record, "title": "Harmless\r=1+2"}) + "\n", encoding="utf-8")
    db = tmp_path / "tension.duckdb"
    load_inputs([path], Settings(db_path=db, workers=1, with_tone=False))
    con = duckdb.connect(str(db), read_only=True)
    frame = con.execute("select title, tone from articles").df()
    con.close()
    text = to_csv(frame).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
