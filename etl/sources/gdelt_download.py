"""Fetch GDELT GKG 2.1 15-minute files into data/cache/gdelt/ (`python -m etl gdelt`).

GDELT publishes one file per stream every 15 minutes, at :00, :15, :30 and :45 UTC:
http://data.gdeltproject.org/gdeltv2/YYYYMMDDHHMMSS.gkg.csv.zip (and .translation.gkg.csv.zip
for the translated stream). Some batches are missing on the server: a 404 is logged, counted
and skipped. A file that arrives truncated or corrupt is still handed to the load, so the GKG
reader records it as a reject with the reason, and is then removed from the cache so that the
next run downloads it again (`etl.gdelt_command` does the wiring; sources never load).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from etl.sources.fetch import CACHE_DIR, Fetcher, FetchError
from etl.sources.gkg import zip_problem

BASE_URL = "http://data.gdeltproject.org/gdeltv2"
"""GDELT 2.0's file server; --base-url points elsewhere (a mirror, a test server)."""

GDELT_CACHE = CACHE_DIR / "gdelt"

BATCH = timedelta(minutes=15)
EVERY = {"15min": BATCH, "hour": timedelta(hours=1), "day": timedelta(days=1)}
"""--every: all batches, or only the first of each hour or day (a cheap sample)."""

MAX_FILES = 31 * 96 * 2
"""More files than a month of both streams is almost surely a typo in --start/--end."""


@dataclass
class DownloadSummary:
    requested: int = 0
    downloaded: int = 0
    cached: int = 0
    missing: list[str] = field(default_factory=list)
    """File names the server answered 404 for (GDELT has gaps)."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(file name, reason) for downloads that failed after retries."""
    corrupt: list[tuple[str, str]] = field(default_factory=list)
    """(file name, reason) for files that arrived truncated or corrupt; removed after the load."""

    def line(self) -> str:
        return (
            f"gdelt: {self.requested} files, downloaded {self.downloaded}, cached {self.cached}, "
            f"missing (404) {len(self.missing)}, failed {len(self.failed)}, "
            f"corrupt {len(self.corrupt)}"
        )


class DownloadProgress:
    """What a download reports while it works; the CLI draws it, tests ignore it."""

    def start(self, files: int) -> None: ...

    def advance(self, name: str) -> None: ...

    def finish(self) -> None: ...


def plan_files(start: datetime, end: datetime, every: str, translation: bool) -> list[str]:
    """The GKG file names for [start, end), thinned to `every`.

    Raises:
        ValueError: a bad range, an unknown `every`, or far too many files.
    """
    return file_names(batch_times(start, end, every), translation)


def batch_times(start: datetime, end: datetime, every: str = "15min") -> list[datetime]:
    """Batch times in [start, end), on GDELT's 15-minute grid, thinned to `every`.

    Raises:
        ValueError: `end` is not after `start`, `every` is unknown, or the range is too long.
    """
    if every not in EVERY:
        raise ValueError(f"--every must be one of {', '.join(EVERY)}, got {every!r}")
    if end <= start:
        raise ValueError(f"--end ({end:%Y-%m-%d %H:%M}) must be after --start")
    step = EVERY[every]
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    steps_before = -(-(start - midnight) // step)  # ceiling: the first grid point >= start
    times = []
    moment = midnight + steps_before * step
    while moment < end:
        times.append(moment)
        moment += step
    return times


def file_names(times: list[datetime], translation: bool = False) -> list[str]:
    """GKG file names for the batch times; with `translation`, the translated stream's too."""
    names = []
    for moment in times:
        stamp = moment.strftime("%Y%m%d%H%M%S")
        names.append(f"{stamp}.gkg.csv.zip")
        if translation:
            names.append(f"{stamp}.translation.gkg.csv.zip")
    if len(names) > MAX_FILES:
        raise ValueError(
            f"{len(names)} files requested (over {MAX_FILES}); narrow --start/--end or pass "
            "--every hour or --every day"
        )
    return names


def download(
    names: list[str],
    cache: Path = GDELT_CACHE,
    base_url: str = BASE_URL,
    *,
    fetcher: Fetcher | None = None,
    progress: DownloadProgress | None = None,
    say: Callable[[str], None] | None = None,
) -> tuple[list[Path], DownloadSummary]:
    """Fetch the files not yet cached; return the cached files to load, and what happened."""
    fetcher = fetcher or Fetcher()
    progress = progress or DownloadProgress()
    say = say or (lambda _message: None)
    summary = DownloadSummary(requested=len(names))
    cache.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    progress.start(len(names))
    for name in names:
        target = cache / name
        fresh = not target.exists()
        if fresh and not _fetch(f"{base_url.rstrip('/')}/{name}", target, fetcher, summary, say):
            progress.advance(name)
            continue
        summary.downloaded += fresh
        summary.cached += not fresh
        # a fresh file is checked in full once; a cached one passed that check when it came
        problem = zip_problem(target, deep=fresh)
        if problem:
            say(f"corrupt: {name}: {problem}")
            summary.corrupt.append((name, problem))
        files.append(target)
        progress.advance(name)
    progress.finish()
    return files, summary


def _fetch(
    url: str, target: Path, fetcher: Fetcher, summary: DownloadSummary, say: Callable[[str], None]
) -> bool:
    name = target.name
    try:
        body = fetcher.get(url)
    except FetchError as err:
        if err.status == 404:
            say(f"missing (404), skipped: {name}")
            summary.missing.append(name)
        else:
            say(f"failed, skipped: {name}: {err.reason}")
            summary.failed.append((name, err.reason))
        return False
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(body)
    partial.replace(target)  # a crash mid-write never leaves a half file under the real name
    return True


def remove_corrupt(cache: Path, summary: DownloadSummary) -> None:
    """Delete the corrupt files from the cache, so that the next run downloads them again."""
    for name, _reason in summary.corrupt:
        (cache / name).unlink(missing_ok=True)
