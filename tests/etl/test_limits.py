"""Input limits through the CLI: long articles, long lines, decompression bombs, symlinks.

One `python -m etl load` over a folder that holds one of each trap, with small limits set by
the options a user would pass; each trap must become a reject with a reason that names the
knob (or, for a symlink out of the folder, a skipped file), and the good rows around the
traps must load (refs #7).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.settings import REPO_ROOT

GOOD = {"date": "2024-05-01", "title": "Russia and China", "text": "Moscow and Beijing met."}


def good(url: str) -> str:
    return json.dumps({**GOOD, "url": f"https://example.org/{url}"})


def etl(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", "--db", str(db), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def loaded(result: subprocess.CompletedProcess) -> int:
    """The 'loaded N' of a load's summary line."""
    return int(result.stdout.split(", loaded ")[1].split(",")[0])


def gzip_bomb(path: Path, head: list[str], expands_to: int) -> Path:
    """A few good lines, then `expands_to` bytes of blank lines: kilobytes on disk."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress("".join(f"{line}\n" for line in head).encode())]
    blank = (b" " * 1023 + b"\n") * 1024
    parts += [compressor.compress(blank) for _ in range(expands_to // len(blank) + 1)]
    path.write_bytes(b"".join([*parts, compressor.flush()]))
    return path


def zip_bomb(path: Path, expands_to: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(path.name.removesuffix(".zip"), b"\0" * expands_to)
    return path


@dataclass(frozen=True)
class Run:
    folder: Path
    outside: Path
    result: subprocess.CompletedProcess
    seconds: float
    rejects: dict[str, str]
    """Reject reason by file name."""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("limits")
    folder = root / "in"
    folder.mkdir()
    big_article = {**GOOD, "url": "https://example.org/big", "text": "word " * 42_000}
    (folder / "article.jsonl").write_text(json.dumps(big_article) + "\n" + good("a2") + "\n")
    long_line = {**GOOD, "url": "https://example.org/long", "pad": "x" * 400_000}
    (folder / "line.jsonl").write_text(json.dumps(long_line) + "\n" + good("l2") + "\n")
    gzip_bomb(folder / "bomb.jsonl.gz", [good("g1"), good("g2")], 64 * 2**20)
    data = gzip.compress(("\n".join(good(f"c{i}") for i in range(200)) + "\n").encode())
    (folder / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    zip_bomb(folder / "bomb.gkg.csv.zip", 64 * 2**20)
    outside = root / "outside.jsonl"
    outside.write_text(good("secret") + "\n")
    (folder / "link.jsonl").symlink_to(outside)
    db = root / "tension.duckdb"
    options = ["--max-article-mb", "0.1", "--max-line-mb", "0.25", "--max-unzipped-mb", "4"]
    started = time.monotonic()
    result = etl(db, "load", str(folder), "--workers", "1", "--no-tone", *options)
    seconds = time.monotonic() - started
    listed = etl(db, "rejects", "--json", "--limit", "100")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    rejects = {Path(row["locator"].split(":")[0]).name: row["reason"] for row in rows}
    return Run(folder, outside, result, seconds, rejects)


def test_the_load_succeeds_and_keeps_the_good_rows_around_the_traps(run):
    assert run.result.returncode == 0, run.result.stderr
    assert "Traceback" not in run.result.stderr
    # a2 and l2 after the traps in their files, g1 and g2 before the bomb, some of cut.jsonl.gz
    assert loaded(run.result) >= 4


def test_max_article_mb_rejects_a_longer_article_and_says_by_how_much(run):
    assert run.rejects["article.jsonl"] == "text over 0.1 MB (0.2 MB)"


def test_max_line_mb_rejects_a_longer_line_without_reading_it_whole(run):
    assert run.rejects["line.jsonl"] == "line over 0.25 MB"


def test_a_gzip_bomb_is_cut_off_at_max_unzipped_mb(run):
    reason = run.rejects["bomb.jsonl.gz"]
    assert reason.startswith("expands to over 4 MB when decompressed (a decompression bomb?)")
    assert "--max-unzipped-mb" in reason
    assert run.seconds < 60  # 64 MB were never inflated in full


def test_a_truncated_gzip_is_one_reject_for_the_rest_of_the_file(run):
    assert run.rejects["cut.jsonl.gz"].startswith("corrupt gzip data (Compressed file ended")


def test_a_zip_bomb_gkg_file_is_refused_before_inflating(run):
    reason = run.rejects["bomb.gkg.csv.zip"]
    assert "decompression bomb" in reason


def test_a_symlink_out_of_the_folder_is_skipped_with_the_option_to_follow_it(run):
    skipped = f"skipped {run.folder / 'link.jsonl'}: symlink leads outside the folder; "
    assert skipped + "pass --follow-symlinks" in run.result.stderr
    assert "link.jsonl" not in run.rejects


def test_follow_symlinks_loads_the_linked_file_too(run, tmp_path):
    options = ["--max-article-mb", "0.1", "--max-line-mb", "0.25", "--max-unzipped-mb", "4"]
    followed = etl(
        tmp_path / "t.duckdb",
        "load",
        str(run.folder),
        "--no-tone",
        "--workers",
        "1",
        "--follow-symlinks",
        *options,
    )
    assert followed.returncode == 0 and "symlink" not in followed.stderr
    assert loaded(followed) == loaded(run.result) + 1
