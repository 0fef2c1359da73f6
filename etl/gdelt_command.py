"""`python -m etl gdelt`: download GDELT GKG files for a time range, then load them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from etl.run import Progress, RunSummary, load_inputs
from etl.settings import Settings
from etl.sources import ReadOptions
from etl.sources.fetch import Fetcher
from etl.sources.gdelt_download import (
    BASE_URL,
    GDELT_CACHE,
    DownloadProgress,
    DownloadSummary,
    download,
    remove_corrupt,
)


def fetch_and_load(
    names: list[str],
    settings: Settings,
    *,
    cache: Path = GDELT_CACHE,
    base_url: str = BASE_URL,
    fetcher: Fetcher | None = None,
    command: str = "",
    download_progress: DownloadProgress | None = None,
    load_progress: Progress | None = None,
    say: Callable[[str], None] | None = None,
) -> tuple[DownloadSummary, RunSummary | None]:
    """Download the named files not yet cached, then load all of them through `load_inputs`.

    `names` come from `gdelt_download.plan_files`. Returns what the download did, and the
    load's summary (None when no file was available).

    Raises:
        EtlError: the load failed (database locked, unreadable).
    """
    files, fetched = download(
        names, cache, base_url, fetcher=fetcher, progress=download_progress, say=say
    )
    if not files:
        return fetched, None
    options = ReadOptions(settings.max_article_bytes, settings.max_line_bytes)
    try:
        loaded = load_inputs(
            files,
            settings,
            fmt="gkg",
            read_options=options,
            command=command,
            progress=load_progress,
            say=say,
        )
    finally:
        remove_corrupt(cache, fetched)
    return fetched, loaded
