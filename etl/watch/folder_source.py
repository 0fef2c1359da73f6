"""A folder source: files other tools drop into a folder, each loaded once per content.

A file is new or changed when its path, size or modification time differ from what was last
loaded and its SHA-256 differs too (a `touch` alone loads nothing). Files are only read:
never moved, renamed or modified, so the tool that writes them keeps its own bookkeeping.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from etl.errors import SourceError
from etl.sources import plan_inputs
from etl.watch.config import SourceConfig
from etl.watch.context import WatchContext
from etl.watch.state import Delivery, Known, SeenFile

HASH_CHUNK_BYTES = 1 << 20


def find_new(source: SourceConfig, known: Known, ctx: WatchContext) -> Delivery:
    """The folder's files whose content this source has not loaded yet."""
    delivery = Delivery(fmt=source.format)
    try:
        planned, _skipped = plan_inputs([source.path or Path()], source.format)
    except SourceError as err:
        delivery.error = str(err)
        return delivery
    unchanged = 0
    for file in planned:
        stat = file.path.stat()
        seen = known.files.get(str(file.path))
        if seen and (seen.size, seen.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            unchanged += 1
            continue
        current = SeenFile(str(file.path), sha256(file.path), stat.st_size, stat.st_mtime_ns)
        delivery.seen_files.append(current)
        if seen and seen.sha256 == current.sha256:
            unchanged += 1  # touched, same content: remember its new mtime, load nothing
            continue
        delivery.files.append(file.path)
    delivery.notes.append(f"{len(delivery.files)} new or changed files")
    if unchanged:
        delivery.notes.append(f"{unchanged} unchanged")
    return delivery


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
