import zipfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from etl.sources.fetch import Fetcher, FetchError
from etl.sources.gdelt_download import batch_times, download, file_names, plan_files
from tests.etl.local_http import serve

EXCERPT = Path(__file__).parents[1] / "fixtures" / "gkg" / "excerpt-20230702153000.gkg.csv"
QUICK = Fetcher(timeout=5.0, retries=2, backoff=0.0)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def write_zip(path: Path, lines: list[str]) -> Path:
    member = path.name.removesuffix(".zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, "".join(line + "\n" for line in lines))
    return path


@pytest.fixture
def gdelt_server(tmp_path):
    """GDELT's v2 folder for 2024-06-01 00:00-01:00: a good file, a gap (404), a truncated
    zip and another good file; the records are the fixture's six real ones, split in two."""
    root = tmp_path / "gdeltv2"
    root.mkdir()
    lines = EXCERPT.read_text(encoding="utf-8").splitlines()
    write_zip(root / "20240601000000.gkg.csv.zip", lines[:3])
    broken = write_zip(root / "20240601003000.gkg.csv.zip", lines[3:])
    broken.write_bytes(broken.read_bytes()[:-200])  # cut inside the central directory
    write_zip(root / "20240601004500.gkg.csv.zip", lines[3:])
    with serve(root) as (base, requests):
        yield base, requests


@pytest.mark.parametrize(
    "start,end,every,first,count",
    [
        ("2024-06-01T00:00", "2024-06-02T00:00", "15min", "2024-06-01T00:00", 96),
        ("2024-06-01T00:00", "2024-06-02T00:00", "hour", "2024-06-01T00:00", 24),
        ("2024-06-01T00:00", "2024-06-03T00:00", "day", "2024-06-01T00:00", 2),
        # off the grid: the first batch at or after the start; the end is exclusive
        ("2024-06-01T00:10", "2024-06-01T01:00", "15min", "2024-06-01T00:15", 3),
        ("2024-06-01T00:10", "2024-06-01T03:00", "hour", "2024-06-01T01:00", 2),
    ],
)
def test_batch_times_follow_gdelts_15_minute_grid(start, end, every, first, count):
    times = batch_times(at(start), at(end), every)
    assert (times[0], len(times)) == (at(first), count)


def test_file_names_are_gdelts_and_translation_adds_the_translated_stream():
    times = [at("2024-06-01T00:00"), at("2024-06-01T00:15")]
    assert file_names(times) == ["20240601000000.gkg.csv.zip", "20240601001500.gkg.csv.zip"]
    assert file_names(times[:1], translation=True) == [
        "20240601000000.gkg.csv.zip",
        "20240601000000.translation.gkg.csv.zip",
    ]


@pytest.mark.parametrize(
    "start,end,every,message",
    [
        ("2024-06-02", "2024-06-01", "15min", "must be after --start"),
        ("2024-06-01", "2024-06-02", "weekly", "--every must be one of"),
        ("2024-01-01", "2025-01-01", "15min", "narrow --start/--end"),
    ],
)
def test_a_bad_range_is_a_usage_error_that_says_what_to_change(start, end, every, message):
    with pytest.raises(ValueError, match=message):
        plan_files(at(start), at(end), every, translation=False)


def test_download_skips_gaps_keeps_good_files_and_flags_the_truncated_one(tmp_path, gdelt_server):
    base, requests = gdelt_server
    names = plan_files(at("2024-06-01T00:00"), at("2024-06-01T01:00"), "15min", False)
    said: list[str] = []
    files, summary = download(names, tmp_path / "cache", base, fetcher=QUICK, say=said.append)
    assert [f.name for f in files] == [
        "20240601000000.gkg.csv.zip",
        "20240601003000.gkg.csv.zip",
        "20240601004500.gkg.csv.zip",
    ]
    assert summary.missing == ["20240601001500.gkg.csv.zip"]
    assert [name for name, _ in summary.corrupt] == ["20240601003000.gkg.csv.zip"]
    assert (summary.downloaded, summary.cached, summary.failed) == (3, 0, [])
    assert "missing (404), skipped: 20240601001500.gkg.csv.zip" in said
    assert not list((tmp_path / "cache").glob("*.part"))
    # a second run reads the cache and asks the server only for what it lacks
    requests.clear()
    _files, again = download(names, tmp_path / "cache", base, fetcher=QUICK)
    assert (again.downloaded, again.cached) == (0, 3)
    assert [path for path, _ in requests] == ["/20240601001500.gkg.csv.zip"]


def test_transient_errors_are_retried_and_client_errors_are_not(tmp_path):
    (tmp_path / "a.zip").write_bytes(b"data")
    flaky = {"/a.zip": [503], "/b.zip": [403]}
    with serve(tmp_path, failures=flaky) as (base, requests):
        assert QUICK.get(f"{base}/a.zip") == b"data"
        with pytest.raises(FetchError, match="HTTP 403"):
            QUICK.get(f"{base}/b.zip")
    assert [path for path, _ in requests] == ["/a.zip", "/a.zip", "/b.zip"]


def test_a_server_that_keeps_failing_is_counted_as_failed_not_fatal(tmp_path):
    flaky = {"/20240601000000.gkg.csv.zip": [500, 500, 500]}
    with serve(tmp_path, failures=flaky) as (base, _requests):
        files, summary = download(
            ["20240601000000.gkg.csv.zip"], tmp_path / "cache", base, fetcher=QUICK
        )
    assert files == []
    assert summary.failed == [("20240601000000.gkg.csv.zip", "HTTP 500 Internal Server Error")]


def test_the_gdelt_command_downloads_loads_and_drops_the_corrupt_file(tmp_path, gdelt_server):
    from etl.__main__ import app

    base, _requests = gdelt_server
    db, cache = tmp_path / "t.duckdb", tmp_path / "cache"
    args = [
        "--db", str(db), "gdelt", "--start", "2024-06-01", "--end", "2024-06-01T01:00",
        "--cache", str(cache), "--base-url", base, "--workers", "1",
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "missing (404) 1, failed 0, corrupt 1" in result.output
    assert "read 7, loaded 6, duplicates 0, rejected 1" in result.output
    assert not (cache / "20240601003000.gkg.csv.zip").exists()  # removed: re-fetched next run
    with duckdb.connect(str(db), read_only=True) as con:
        origins = con.execute("select origin, count(*) from articles group by all").fetchall()
        (reason,) = con.execute("select reason from rejects").fetchone()
        pairs = con.execute("select count(*), count(sentence_count) from article_pairs").fetchone()
    assert origins == [("gkg", 6)]
    assert reason.startswith("truncated or corrupt zip")
    assert pairs[0] > 0 and pairs[1] == 0  # GDELT rows have no text: no sentence counts
    rerun = CliRunner().invoke(app, args)
    assert rerun.exit_code == 0, rerun.output
    assert "downloaded 1, cached 2" in rerun.output
    assert "loaded 0, duplicates 6, rejected 1" in rerun.output
