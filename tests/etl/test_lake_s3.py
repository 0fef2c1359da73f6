"""The lake on S3: written and read through s3fs against a local S3 stand-in (moto).

DuckDB would read s3:// only through its httpfs extension, a download; `attach` therefore
reads a remote lake through pyarrow and fsspec, which is what this test exercises.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from etl.engines.attach import attach_lake
from etl.engines.dask_engine import DaskOptions, load_to_lake
from etl.engines.lake import Lake
from etl.run import load_inputs
from etl.settings import Settings
from tests.conftest import FIXTURES

REASON = "the S3 lake needs the optional extra: pip install -r requirements-dev.txt (s3fs, moto)"
pytest.importorskip("s3fs", reason=REASON)
moto_server = pytest.importorskip("moto.server", reason=REASON)
boto3 = pytest.importorskip("boto3", reason=REASON)
pytest.importorskip("distributed")

BUCKET = "tension-lake"
DAYS = ("2024-06-19", "2024-06-20")
"""Every fixture article is moved to one of two days: each S3 request to the stand-in costs
~30 ms, so fewer partitions keep the test fast; the layout is what it checks."""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list:
    folder = tmp_path_factory.mktemp("inputs")
    records = [json.loads(line) for line in (FIXTURES / "articles.jsonl").open(encoding="utf-8")]
    for number, record in enumerate(records):
        record["published"] = f"{DAYS[number % 2]}T12:00:00Z"
    articles = folder / "articles.jsonl"
    articles.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return [articles, FIXTURES / "bad.jsonl"]


@pytest.fixture(scope="module")
def s3_options(tmp_path_factory):
    """storage_options of a moto S3 server on 127.0.0.1, on a free port, with one bucket."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=BUCKET)
    yield {
        "endpoint_url": endpoint,
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"region_name": "us-east-1"},
    }
    server.stop()


def test_a_lake_on_s3_is_written_read_and_attached_without_duplicates(
    s3_options, cluster, inputs, tmp_path
):
    lake = Lake(f"s3://{BUCKET}/tension", s3_options)
    options = DaskOptions(
        lake.url, scheduler=cluster.scheduler_address, split_bytes=1500, storage_options=s3_options
    )
    settings = Settings(db_path=tmp_path / "unused.duckdb", with_tone=False)
    first = load_to_lake(inputs, settings, options)
    again = load_to_lake(inputs, settings, options)
    assert (first.loaded, again.loaded, again.duplicates) == (16, 0, 17)
    assert lake.files_per_partition("articles") == {f"published_date={day}": 1 for day in DAYS}
    assert all(
        f.startswith(f"{BUCKET}/tension/articles/published_date=") for f in lake.files("articles")
    )

    attached, local = tmp_path / "attached.duckdb", tmp_path / "local.duckdb"
    attach_lake(lake, Settings(db_path=attached))
    load_inputs(inputs, Settings(db_path=local, workers=1, with_tone=False))
    compared = "select article_id, published_date, lang, country_count from articles order by 1"
    pairs = "select article_id, country_a, country_b, sentence_count from article_pairs order by 1, 2, 3"
    with (
        duckdb.connect(str(attached), read_only=True) as over_s3,
        duckdb.connect(str(local), read_only=True) as loaded,
    ):
        for sql in (compared, pairs, "select * from pair_daily order by all"):
            assert over_s3.execute(sql).fetchall() == loaded.execute(sql).fetchall()
        assert over_s3.execute("select count(*) from ingest_runs").fetchone() == (2,)


def test_a_missing_bucket_is_an_error_not_created(s3_options):
    from etl.engines.lake import LakeError

    lake = Lake("s3://no-such-bucket/tension", s3_options)
    with pytest.raises(LakeError, match="does not exist"):
        lake.check(create=True)
    assert not lake.fs.exists("no-such-bucket")
