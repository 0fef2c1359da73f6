"""A GDELT source: the batches `lastupdate.txt` announces, and those missed while down.

GDELT writes `lastupdate.txt` (and `lastupdate-translation.txt`) every 15 minutes with the
URLs of the newest batch. Each cycle loads every batch on the 15-minute grid from the
newest back `catch_up` batches that this source has not loaded or found missing (404) yet,
never reaching before the first batch it ever handled. A batch that failed to download
(5xx, timeout) or arrived corrupt stays unrecorded, so the next cycle tries it again.
"""

from __future__ import annotations

import re
from datetime import datetime

from etl.sources.fetch import FetchError
from etl.sources.gdelt_download import BATCH, batch_times, download, file_names
from etl.watch.config import SourceConfig
from etl.watch.context import WatchContext
from etl.watch.state import Delivery, Known

LASTUPDATE = {False: "lastupdate.txt", True: "lastupdate-translation.txt"}
_BATCH_NAME = re.compile(r"(\d{14})\.(translation\.)?gkg\.csv\.zip$")


def newest_batch(text: str) -> datetime | None:
    """The GKG batch time named in a lastupdate file ('size hash url' lines), if any."""
    for line in text.splitlines():
        match = _BATCH_NAME.search(line.strip())
        if match:
            return datetime.strptime(match[1], "%Y%m%d%H%M%S")
    return None


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def window_start(newest: datetime, catch_up: int) -> datetime:
    return newest - (catch_up - 1) * BATCH


def find_new(source: SourceConfig, known: Known, ctx: WatchContext) -> Delivery:
    """Download the batches due; the Delivery names them and what to record."""
    base = source.urls[0].rstrip("/")
    delivery = Delivery(fmt="gkg")
    wanted: list[str] = []
    for translation in (False, True) if source.translation else (False,):
        try:
            body = ctx.fetcher.get(f"{base}/{LASTUPDATE[translation]}")
        except FetchError as err:
            delivery.error = f"{LASTUPDATE[translation]}: {err.reason}"
            continue
        newest = newest_batch(body.decode("utf-8", "replace"))
        if newest is None:
            delivery.error = f"{LASTUPDATE[translation]} names no GKG batch"
            continue
        handled = known.batches_since(stamp(window_start(newest, source.catch_up)))
        wanted += _due(newest, translation, source.catch_up, handled)
    if not wanted:
        delivery.notes.append("no new batch")
        return delivery
    files, fetched = download(wanted, ctx.folder(source.name), base, fetcher=ctx.fetcher)
    delivery.cleanup = list(files)
    corrupt = {name for name, _ in fetched.corrupt}
    # a corrupt batch is still read, so its reject is recorded, but left to retry
    delivery.files = list(files)
    delivery.batches = [(f.name, "loaded") for f in files if f.name not in corrupt]
    delivery.batches += [(name, "missing") for name in fetched.missing]
    delivery.last_batch = max((name for name, _ in delivery.batches), default=None)
    delivery.notes.append(f"{len(files)} batches")
    if fetched.missing:
        delivery.notes.append(f"{len(fetched.missing)} missing (404)")
    if fetched.failed or fetched.corrupt:
        failures = fetched.failed + fetched.corrupt
        delivery.error = f"{len(failures)} batches to retry: {failures[0][0]}: {failures[0][1]}"
    return delivery


def _due(newest: datetime, translation: bool, catch_up: int, handled: set[str]) -> list[str]:
    first = min(handled, default=None)
    if first is None:
        # a new source starts at the newest batch, not a day back
        return _stream(file_names([newest], translation), translation)
    start = window_start(newest, catch_up)
    first_time = datetime.strptime(first[:14], "%Y%m%d%H%M%S")
    times = batch_times(max(start, first_time), newest + BATCH)
    return [n for n in _stream(file_names(times, translation), translation) if n not in handled]


def _stream(names: list[str], translation: bool) -> list[str]:
    return [n for n in names if (".translation." in n) == translation]
