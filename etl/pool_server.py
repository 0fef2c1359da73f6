"""The tagging pool's forkserver: how many workers a load uses, and starting their server.

It imports nothing of the loader (DuckDB, pandas, the tagger), so that the load command can
start the server before it imports them (`start_for_files`, refs #20).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from etl.settings import Settings

PRELOAD = ["etl.tag.pipeline", "etl.tables", "etl.pool_preload"]
"""Modules the pool's forkserver imports once, so that each worker forked from it has them."""
PRELOAD_TONE = ["etl.tag.preload_encoder", *PRELOAD]
"""With tone, the encoder too: loaded once rather than once per worker, in a thread beside
the other imports, which `ENCODER_LOADED`, imported last, waits for."""
ENCODER_LOADED = "etl.tag.encoder_loaded"
FREEZE = "etl.pool_freeze"
"""Imported last: freezes what the server imported, out of the workers' collections' way."""


def worker_count(settings: Settings, input_bytes: int) -> int:
    if settings.workers is not None:
        return settings.workers
    return 1 if input_bytes < settings.pool_min_bytes else os.cpu_count() or 1


def start(with_tone: bool) -> multiprocessing.context.BaseContext:
    """The pool's process context, its server started now if it is not running.

    The server imports the tagger (and loads the encoder, with tone) before it forks the
    first worker, and submitting the first batch waits for that; started at the beginning of
    the run, it does so while this process opens the database and reads (refs #20).
    """
    context = multiprocessing.get_context("forkserver")
    if with_tone:
        context.set_forkserver_preload([*PRELOAD_TONE, *_main_module(), ENCODER_LOADED, FREEZE])
    else:
        context.set_forkserver_preload([*PRELOAD, *_main_module(), FREEZE])
    multiprocessing.forkserver.ensure_running()
    return context


def start_for_files(paths: Iterable[Path | str], settings: Settings) -> None:
    """Start the server now if `paths` are files whose sizes alone call for a pool.

    The load command calls this before it imports the loader (DuckDB, pandas, rich: ~0.2 s
    of a load's start, refs #20), which the server's own imports then run beside instead of
    before. Folders and URLs are sized once planned; their load starts the server then.
    """
    files = [Path(p) for p in paths]
    if not files or not all(f.is_file() for f in files):
        return
    if worker_count(settings, sum(f.stat().st_size for f in files)) > 1:
        start(settings.with_tone)


def _main_module() -> list[str]:
    """The module `python -m` ran, if any: every worker runs it again before its first task
    (multiprocessing's spawn preparation), which for `python -m etl` imported the CLI's
    libraries, ~0.5 s of each worker's CPU before it tagged anything; imported once in the
    server, they come with the fork (refs #20). Imported under its own name, a module's
    `if __name__ == "__main__"` block does not run."""
    name = getattr(sys.modules["__main__"].__spec__, "name", None)
    return [name] if name else []
