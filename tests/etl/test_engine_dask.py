"""The Dask engine gives the local engine's tables, and the dashboard sees no difference."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import queries
from etl.engines.attach import attach_lake
from etl.engines.dask_engine import DaskOptions, LakeSummary, load_to_lake
from etl.engines.lake import KEYS, Lake
from etl.run import load_inputs
from etl.settings import Settings
from etl.tag import tone
from tests.conftest import FIXTURES
from tests.test_dashboard_queries import DASHBOARD_QUERIES, dashboard_requests, default_filters

pytest.importorskip("distributed")

INPUTS = [FIXTURES / "articles.jsonl", FIXTURES / "bad.jsonl"]
SPLIT_BYTES = 1500
"""Small enough to cut articles.jsonl into several byte-range splits."""

COMPARED = {
    **{table: KEYS[table] for table in ("articles", "mentions", "article_pairs", "evidence")},
    "rejects": ("locator",),
    "daily_totals": ("day", "lang", "source", "origin"),
    "country_daily": ("day", "lang", "source", "origin", "country"),
    "pair_daily": ("day", "lang", "source", "origin", "country_a", "country_b"),
    "countries": ("country",),
}
"""Every table the dashboard reads, with its key; compared row for row."""

VARYING = {"loaded_at", "rejected_at"}
"""Columns that record when a row was written, which two runs never share."""

TOLERANCE = 10**-tone.DECIMALS
"""Sentence tones are rounded to this, but the encoder's float32 sums depend on the batch a
sentence is scored in, and the engines batch differently: on Reuters-21578 one article in
19,545 had a sentence at a rounding boundary, and its tone moved by one unit of it."""


def dask_load(lake: Path, cluster, paths=INPUTS, **settings) -> LakeSummary:
    options = DaskOptions(str(lake), scheduler=cluster.scheduler_address, split_bytes=SPLIT_BYTES)
    return load_to_lake(paths, Settings(db_path=lake / "unused.duckdb", **settings), options)


def local_load(db: Path, paths=INPUTS, **settings):
    return load_inputs(paths, Settings(db_path=db, workers=1, **settings))


@pytest.fixture(scope="module")
def local_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    local_load(db)
    return db


@pytest.fixture(scope="module")
def lake(tmp_path_factory, cluster) -> Path:
    folder = tmp_path_factory.mktemp("lake") / "lake"
    summary = dask_load(folder, cluster)
    assert (summary.read, summary.loaded, summary.duplicates, summary.rejected) == (21, 16, 1, 4)
    return folder


@pytest.fixture(scope="module", params=["native", "views"])
def attached(request, lake, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("attached") / "attached.duckdb"
    attach_lake(Lake(str(lake)), Settings(db_path=db), as_views=request.param == "views")
    return db


def rows(db: Path, table: str) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        frame = con.execute(f"select * from {table}").df()
    keep = {"published_date"} if table == "articles" else set()
    columns = [
        c for c in frame.columns if c not in VARYING and (c != "published_date" or c in keep)
    ]
    frame = frame[columns].sort_values(list(COMPARED[table]), ignore_index=True)
    return frame.to_dict("records")


def assert_same_rows(left: list[dict], right: list[dict], table: str) -> None:
    assert len(left) == len(right), table
    for a, b in zip(left, right, strict=True):
        assert a.keys() == b.keys(), table
        for column, value in a.items():
            other = b[column]
            if isinstance(value, float) and isinstance(other, float):
                both_nan = math.isnan(value) and math.isnan(other)
                assert both_nan or math.isclose(value, other, abs_tol=TOLERANCE), (
                    table,
                    column,
                    a,
                )
            elif isinstance(value, np.ndarray) or isinstance(other, np.ndarray):
                # list columns (evidence highlights) arrive as arrays of dicts
                assert _as_list(value) == _as_list(other), (table, column, a)
            else:
                assert value == other or (pd.isna(value) and pd.isna(other)), (table, column, a)


def _as_list(value: object) -> object:
    return value.tolist() if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("table", sorted(COMPARED))
def test_attached_lake_equals_the_local_load_row_for_row(local_db, attached, table):
    assert_same_rows(rows(local_db, table), rows(attached, table), table)


@pytest.mark.parametrize("window", ["article", "sentence"])
def test_every_dashboard_query_answers_alike_on_the_lake(local_db, attached, window):
    with (
        duckdb.connect(str(local_db), read_only=True) as local,
        duckdb.connect(str(attached), read_only=True) as over_lake,
    ):
        filters = default_filters(local, window=window)
        for name, params in dashboard_requests(filters):
            expected = queries.run(name, local, **params)
            got = queries.run(name, over_lake, **params)
            assert DASHBOARD_QUERIES[name] <= set(got.columns), name
            # two runs finish at different times; everything else must agree
            expected, got = (
                f.drop(columns=["last_run_at"], errors="ignore") for f in (expected, got)
            )
            pd.testing.assert_frame_equal(
                got, expected, check_exact=False, rtol=0, atol=TOLERANCE, obj=name
            )


def test_the_lake_keeps_one_file_per_date_and_table(lake):
    for table in ("articles", "mentions", "article_pairs", "evidence"):
        counts = Lake(str(lake)).files_per_partition(table)
        assert counts and set(counts.values()) == {1}, table
        assert all(folder.startswith("published_date=2024-") for folder in counts)


def test_a_rerun_over_the_same_inputs_adds_no_article(tmp_path, cluster):
    folder = tmp_path / "lake"
    dask_load(folder, cluster, with_tone=False)
    again = dask_load(folder, cluster, with_tone=False)
    # rejects are recorded per run, as with the local engine
    assert (again.read, again.loaded, again.duplicates, again.rejected) == (21, 0, 17, 4)
    attached = tmp_path / "attached.duckdb"
    attach_lake(Lake(str(folder)), Settings(db_path=attached))
    with duckdb.connect(str(attached), read_only=True) as con:
        assert con.execute(
            "select count(*), count(distinct article_id) from articles"
        ).fetchone() == (16, 16)
        assert con.execute("select count(*) from ingest_runs").fetchone() == (2,)
    assert set(Lake(str(folder)).files_per_partition("articles").values()) == {1}


def test_runs_in_two_parts_compact_and_keep_the_first_copy_like_the_local_engine(tmp_path, cluster):
    lines = (FIXTURES / "articles.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(lines[:10]), encoding="utf-8")
    # the second part repeats five articles of the first, one with another title
    repeated = [line.replace('"title": "', '"title": "AGAIN ', 1) for line in lines[5:10]]
    second.write_text("".join(repeated + lines[10:]), encoding="utf-8")
    folder, db = tmp_path / "lake", tmp_path / "local.duckdb"
    for part in (first, second):
        dask_load(folder, cluster, [part], with_tone=False)
        local_load(db, [part], with_tone=False)
    attached = tmp_path / "attached.duckdb"
    attach_lake(Lake(str(folder)), Settings(db_path=attached))
    for table in ("articles", "mentions", "article_pairs", "evidence"):
        assert_same_rows(rows(db, table), rows(attached, table), table)
    assert set(Lake(str(folder)).files_per_partition("articles").values()) == {1}


def test_retag_replaces_the_lake_rows_with_the_new_run(tmp_path, cluster):
    folder = tmp_path / "lake"
    dask_load(folder, cluster, with_tone=False)
    again = dask_load(folder, cluster, with_tone=False, retag=True)
    assert again.loaded == 16
    attached = tmp_path / "attached.duckdb"
    attach_lake(Lake(str(folder)), Settings(db_path=attached))
    with duckdb.connect(str(attached), read_only=True) as con:
        assert con.execute("select count(*), min(run_id) from articles").fetchone() == (16, 2)


def test_attach_of_a_folder_without_a_lake_says_how_to_make_one(tmp_path):
    from etl.engines.lake import LakeError

    with pytest.raises(LakeError, match="--engine dask --out"):
        attach_lake(Lake(str(tmp_path / "nothing")), Settings(db_path=tmp_path / "x.duckdb"))
