"""CSV export: formula neutralisation (OWASP CSV injection) and file names."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from board.export import file_name, neutralise, to_csv
from board.state import Filters
from tests.tiny_db import ANY_FILTERS


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        # only the first character matters: a formula later in the cell is just text
        ("North Korea = trouble", "North Korea = trouble"),
        ("", ""),
        # numbers are data: a negative tone stays a number
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def read_back(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_neutralises_text_cells_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "title": ['=HYPERLINK("http://x","y")', "<script>alert('x')</script>"],
            "tone": [-2.5, 1.0],
            "articles": pd.array([3, None], dtype="Int64"),
            "is_spike": [True, False],
            "evidence": [np.array(["=1+1 first", "second"]), None],
        }
    )
    rows = read_back(to_csv(frame))
    assert rows[0]["title"] == '\'=HYPERLINK("http://x","y")'
    assert rows[1]["title"] == "<script>alert('x')</script>"
    assert (rows[0]["tone"], rows[1]["articles"]) == ("-2.5", "")
    assert rows[0]["is_spike"] == "True"
    # a list cell is joined; it starts with the first item, so it is neutralised as a whole
    assert rows[0]["evidence"] == "'=1+1 first | second"


def test_csv_has_a_bom_for_excel_and_round_trips_accents():
    data = to_csv(pd.DataFrame({"title": ["Corée du Nord"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert read_back(data)[0]["title"] == "Corée du Nord"


def test_file_name_carries_the_active_filters():
    # the tiny database's filters (pair PRK-RUS, from 2024-01-01) with every filter changed
    # that a file name spells
    changed = {
        "view": "pair",
        "end": date(2024, 6, 30),
        "countries": ("PRK", "RUS"),
        "lang": "id",
        "source": "wire/b c",
        "window": "sentence",
        "measure": "share",
        "bucket": "month",
        "min_articles": 3,
    }
    filters = Filters(**{**ANY_FILTERS, **changed})
    assert file_name("pair", filters, "timeline") == (
        "tension-pair-timeline-2024-01-01_2024-06-30-PRK_RUS-PRK-RUS-lang-id-source-wire_b_c-"
        "sentence-share-month-min3.csv"
    )
    assert file_name("overview", filters).startswith("tension-overview-2024-01-01_2024-06-30-")
    assert "month" not in file_name("overview", filters)
    gdelt = file_name("overview", replace(filters, origin="gdelt"))
    assert "-source-wire_b_c-origin-gdelt-sentence-" in gdelt
    searched = file_name("overview", replace(filters, q='troops OR "Korea Utara"'))
    assert "-source-wire_b_c-q-troops_OR_Korea_Utara-sentence-" in searched


def test_the_articles_file_name_names_the_pair_only_when_it_filtered_the_rows_and_once():
    base = {**ANY_FILTERS, "view": "articles", "start": date(2024, 3, 1), "end": date(2024, 5, 31)}
    pair = Filters(**{**base, "pair": ("PRK", "RUS"), "scope": "pair"})
    everything = Filters(**{**base, "pair": ("RUS", "UKR"), "scope": "all"})
    assert file_name("articles", pair, "PRK-RUS").count("PRK-RUS") == 1
    assert file_name("articles", pair).count("PRK-RUS") == 1
    assert "RUS-UKR" not in file_name("articles", everything)


@pytest.mark.parametrize("title", ["Harmless\r=1+2", "Harmless\n=1+2", "Harmless\r\n@SUM(A1)"])
def test_a_line_break_inside_a_cell_cannot_start_a_formula_row(title):
    data = to_csv(pd.DataFrame({"title": [title], "tone": [1.0]}))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["title", "tone"], [title, "1.0"]]


def test_missing_values_are_empty_fields_not_none():
    frame = pd.DataFrame(
        {
            "pair_name": ["North Korea – Russia"],
            "previous_articles": pd.array([None], dtype="Int64"),
            "change_pct": [float("nan")],
            "url": [None],
        }
    )
    assert to_csv(frame).decode("utf-8-sig").splitlines()[1] == "North Korea – Russia,,,"
