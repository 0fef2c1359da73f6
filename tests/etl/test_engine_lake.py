"""The lake's layout and its crash repair (etl/engines/lake.py), and the two CLI commands."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.engines.lake import Lake, new_token
from tests.conftest import FIXTURES
from tests.etl_cli import etl

DAY = date(2024, 6, 19)


def mentions(*ids: str) -> pa.Table:
    return pa.table(
        {
            "article_id": pa.array(ids, pa.string()),
            "country": pa.array(["PRK"] * len(ids), pa.string()),
            "mention_count": pa.array([1] * len(ids), pa.int32()),
        }
    )


def no_ids() -> pa.Array:
    return pa.array([], pa.string())


def test_each_load_rewrites_a_day_into_one_file_with_old_and_new_rows(tmp_path):
    lake = Lake(str(tmp_path))
    lake.replace_partition("mentions", DAY, mentions("a", "b"), no_ids(), new_token(1))
    lake.replace_partition("mentions", DAY, mentions("c"), no_ids(), new_token(2))
    (path,) = lake.partition_files("mentions", DAY)
    assert "published_date=2024-06-19/part-r000002-" in path
    assert pq.read_table(path)["article_id"].to_pylist() == ["a", "b", "c"]


def test_replaced_ids_leave_the_day(tmp_path):
    lake = Lake(str(tmp_path))
    lake.replace_partition("mentions", DAY, mentions("a", "b"), no_ids(), new_token(1))
    lake.replace_partition("mentions", DAY, mentions("b"), pa.array(["a", "b"]), new_token(2))
    (path,) = lake.partition_files("mentions", DAY)
    assert pq.read_table(path)["article_id"].to_pylist() == ["b"]


@pytest.mark.parametrize(
    "leftovers,expected",
    [
        # killed after writing the pending file: it holds the old rows plus the new ones
        (["old", "pending"], ["a", "b", "c"]),
        # killed after deleting the old file, before the rename
        (["pending"], ["a", "b", "c"]),
        # killed while writing: the partial file goes, the old one stays
        (["old", "tmp"], ["a", "b"]),
    ],
)
def test_recover_finishes_or_undoes_an_interrupted_replacement(tmp_path, leftovers, expected):
    lake = Lake(str(tmp_path))
    folder = tmp_path / "mentions" / "published_date=2024-06-19"
    folder.mkdir(parents=True)
    files = {
        "old": ("part-r000001-aaaaaaaa.parquet", mentions("a", "b")),
        "pending": ("part-r000002-bbbbbbbb.parquet.pending", mentions("a", "b", "c")),
        "tmp": ("part-r000002-bbbbbbbb.parquet.pending.tmp", mentions("x")),
    }
    for name in leftovers:
        pq.write_table(files[name][1], folder / files[name][0])
    lake.recover()
    assert sorted(p.name for p in folder.iterdir()) == [
        "part-r000002-bbbbbbbb.parquet"
        if "pending" in leftovers
        else "part-r000001-aaaaaaaa.parquet"
    ]
    (path,) = lake.partition_files("mentions", DAY)
    assert pq.read_table(path)["article_id"].to_pylist() == expected


def test_load_with_the_dask_engine_needs_a_lake():
    result = etl("load", str(FIXTURES / "articles.jsonl"), "--engine", "dask")
    assert result.returncode == 2
    assert "--out" in result.stderr


@pytest.mark.slow
def test_cli_loads_on_a_local_cluster_and_attaches(tmp_path):
    lake, db = tmp_path / "lake", tmp_path / "attached.duckdb"
    inputs = [str(FIXTURES / "articles.jsonl"), str(FIXTURES / "bad.jsonl")]
    loaded = etl(
        "load", *inputs, "--engine", "dask", "--out", str(lake), "--workers", "1", "--no-tone"
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 16, duplicates 1, rejected 4" in loaded.stdout
    assert "files per partition and table: max 1" in loaded.stdout
    attached = etl("attach", str(lake), "--db", str(db), "--as-views")
    assert attached.returncode == 0, attached.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from articles").fetchone() == (16,)
        kinds = dict(
            con.execute("select table_name, table_type from information_schema.tables").fetchall()
        )
        # the attach's rebuild makes the story days by language the story unit reads (#16)
        by_language = con.execute(
            "select lang, count(*) from story_facet_days "
            "where source is null and previous_day is null group by lang order by lang"
        ).fetchall()
        stories = con.execute(
            "select lang, count(distinct coalesce(story_id, article_id)) from articles "
            "group by lang order by lang"
        ).fetchall()
    assert kinds["articles"] == "VIEW" and kinds["pair_daily"] == "BASE TABLE"
    assert by_language == stories and kinds["pair_story_facet_days"] == "BASE TABLE"
