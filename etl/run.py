"""A load run: read inputs, drop duplicates, tag in a process pool, stage, apply, publish.

`load_inputs` is what `python -m etl load` and `python -m etl sample` call.
"""

from __future__ import annotations

import os
import shlex
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

import queries
from etl import pool_server, publish, stage
from etl.database import connect_working
from etl.faults import crash_point
from etl.load import Loader, utc_now
from etl.parent_watch import exit_with_parent
from etl.records import Article, Reject
from etl.settings import Settings, default_db_path
from etl.sources import InputFile, ReadOptions, plan_inputs, read_inputs
from etl.story_load import stage_stories
from etl.tables import TaggedTables, tag_as_tables

if TYPE_CHECKING:
    from etl.tag.options import TagOptions

IN_FLIGHT_PER_WORKER = 2
"""Batches queued per worker: keeps every core busy while bounding memory."""

DEDUP_WINDOW_BATCHES = 8
"""Batches whose ids are checked against the loaded ones in one query: the check scans every
loaded id (0.45 s at 10M articles), so a 1,000-article load checks once, not four times."""

READ_AHEAD_BATCHES = 64
"""Batches read, at most, while the pool's server starts (`_while_the_pool_starts`): reading
the rest of the input then would hold it all in memory."""

LAST_WINDOW_SPLIT = 4
"""With a pool, the batches of the input's last window are this many times smaller, so that
the workers finish together: with whole batches one of them idled while the other tagged the
last one (~0.4 s of a Reuters-21578 load with tone). Small batches cost a little more per
article, so only the last window's are."""


@dataclass
class RunSummary:
    run_id: int = 0
    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    skipped_files: list[tuple[Path, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int | float]:
        """The run's id and counts, as the queries that record a run bind them."""
        return {
            "run_id": self.run_id,
            "read": self.read,
            "loaded": self.loaded,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "seconds": self.seconds,
        }

    def line(self, rejects_in: Path | None = None) -> str:
        """The run's counts; with the database the run wrote, how to list its rejects."""
        counts = (
            f"run {self.run_id}: read {self.read}, loaded {self.loaded}, "
            f"duplicates {self.duplicates}, rejected {self.rejected}, "
            f"{self.seconds:.1f} seconds"
        )
        if not self.rejected or rejects_in is None:
            return counts
        db = "" if rejects_in == default_db_path() else f" --db {shlex.quote(str(rejects_in))}"
        return f"{counts}; see why: python -m etl rejects --run {self.run_id}{db}"


BeforePublish = Callable[[duckdb.DuckDBPyConnection, RunSummary], None]
"""A hook of `load_inputs`: writes more in the run's transaction (see its docstring)."""


class Progress:
    """What a run reports while it works; the CLI draws it, tests ignore it."""

    def start(self, total_bytes: int) -> None: ...

    def advance(self, consumed_bytes: int) -> None: ...

    def counts(self, summary: RunSummary) -> None: ...

    def finish(self) -> None: ...


def load_inputs(
    paths: Iterable[Path],
    settings: Settings,
    *,
    fmt: str = "auto",
    read_options: ReadOptions | None = None,
    fresh: bool = False,
    command: str = "",
    progress: Progress | None = None,
    say: Callable[[str], None] | None = None,
    before_publish: BeforePublish | None = None,
) -> RunSummary:
    """Load the given files/folders into the published database, atomically.

    Args:
        fresh: start from an empty database instead of a copy of the published one.
        before_publish: called with the working connection and the run's counts after the
            articles are written and before the run is recorded and published, so what it
            writes (the watcher's source state) is published with them or not at all.

    Raises:
        SourceError, LockedError, DatabaseError: expected failures, with a message to show.
    """
    progress = progress or Progress()
    options = read_options or ReadOptions(settings.max_article_bytes, settings.max_line_bytes)
    files, skipped = plan_inputs(list(paths), fmt, follow_symlinks=options.follow_symlinks)
    options = _with_progress(options, progress)
    started = time.monotonic()
    input_bytes = sum(f.path.stat().st_size for f in files)
    workers = pool_server.worker_count(settings, input_bytes)
    if workers > 1:
        pool_server.start(settings.with_tone)
    with (
        publish.exclusive_lock(settings.db_path, wait=settings.wait_for_lock, say=say),
        publish.working_copy(
            settings.db_path, fresh=fresh, memory_limit=settings.memory_limit
        ) as work,
    ):
        con = connect_working(work, published=settings.db_path, memory_limit=settings.memory_limit)
        try:
            stage.start(con, publish.new_stage_path(settings.db_path), replaces=settings.retag)
            summary = _run(con, files, options, settings, command, progress, (input_bytes, workers))
            summary.skipped_files = skipped
            summary.seconds = time.monotonic() - started
            if before_publish is not None:
                before_publish(con, summary)
            _finish(con, summary)
        finally:
            con.close()
    progress.finish()
    return summary


def _with_progress(options: ReadOptions, progress: Progress) -> ReadOptions:
    return replace(options, on_bytes=progress.advance)


def _run(
    con,
    files: list[InputFile],
    options: ReadOptions,
    settings: Settings,
    command: str,
    progress: Progress,
    size: tuple[int, int],
) -> RunSummary:
    """The run's reading, tagging and staging; `size` is (input bytes, tagging workers)."""
    # not from the tagger, which a pool's workers import: this process only names their
    # options (etl/tag/options.py, refs #20)
    from etl.tag.options import TagOptions

    started_at = utc_now()
    inputs = " ".join(str(f.path) for f in files)
    run_id = int(
        queries.run("start_run", con, started_at=started_at, inputs=inputs, command=command)[
            "run_id"
        ].iloc[0]
    )
    summary = RunSummary(run_id=run_id)
    loader = Loader(con, run_id)
    input_bytes, workers = size
    progress.start(input_bytes)
    tag_options = TagOptions(
        with_tone=settings.with_tone,
        evidence_per_pair=settings.evidence_per_pair,
        retag=settings.retag,
    )
    pending: set[str] = set()
    fresh_batches = _fresh_batches(
        read_inputs(files, options), settings, loader, summary, pending, workers=workers
    )
    for batch, result, last in _tagged(fresh_batches, tag_options, workers, run_id):
        # the last batches are staged as they come, while the workers still tag the rest:
        # what waits for the last result is then one batch, not up to STAGE_ARTICLES
        pending.difference_update(loader.write_tables(result, now=last))
        crash_point("write")
        loader.write_rejects(result.rejects)
        summary.loaded += len(result.article_ids)
        summary.rejected += len(result.rejects)
        # a batch's rejected articles are done with now; its tagged ones once written
        staged = set(result.article_ids)
        pending.difference_update(a.article_id for a in batch if a.article_id not in staged)
        progress.counts(summary)
    loader.flush()
    return summary


def _fresh_batches(
    items: Iterator[Article | Reject],
    settings: Settings,
    loader: Loader,
    summary: RunSummary,
    pending: set[str],
    *,
    workers: int = 1,
) -> Iterator[list[Article]]:
    """Batches of articles not yet loaded, recording rejects and counting duplicates.

    `pending` holds the ids handed to tagging but not yet written, so a duplicate inside the
    run is caught even before its first copy reaches the database. With more than one
    tagging worker, the batches of the input's last window are smaller (`LAST_WINDOW_SPLIT`).
    """
    window_size = settings.batch_size * DEDUP_WINDOW_BATCHES
    while window := list(islice(items, window_size)):
        read: list[Article] = []
        for start in range(0, len(window), settings.batch_size):
            read += _read_batch(window[start : start + settings.batch_size], settings, loader)
        summary.read += len(window)
        summary.rejected += len(window) - len(read)
        articles = _unique(read, pending)
        # a re-tagging run replaces what is loaded, but still loads an input repeat only once
        known = loader.existing_ids((a.article_id for a in articles), this_run_only=settings.retag)
        fresh = [a for a in articles if a.article_id not in known]
        summary.duplicates += len(read) - len(fresh)
        pending.update(a.article_id for a in fresh)
        size = settings.batch_size
        if workers > 1 and len(window) < window_size:
            size = max(1, size // LAST_WINDOW_SPLIT)
        for start in range(0, len(fresh), size):
            yield fresh[start : start + size]


def _read_batch(chunk: list[Article | Reject], settings: Settings, loader: Loader) -> list[Article]:
    """A batch's articles (pre-tags resolved unless re-tagging); its rejects are written."""
    from etl.tag.pretags import resolve_pretags

    crash_point("read")
    if not settings.retag:
        chunk = [resolve_pretags(item) if isinstance(item, Article) else item for item in chunk]
    loader.write_rejects([item for item in chunk if isinstance(item, Reject)])
    return [item for item in chunk if isinstance(item, Article)]


def _unique(articles: list[Article], pending: set[str]) -> list[Article]:
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.article_id not in seen and article.article_id not in pending:
            seen.add(article.article_id)
            unique.append(article)
    return unique


def _tagged(
    batches: Iterator[list[Article]], options: TagOptions, workers: int, run_id: int
) -> Iterator[tuple[list[Article], TaggedTables, bool]]:
    """(batch, its tagging results as tables, whether the input is exhausted and the pool
    only finishes what it has) in input order; in a process pool when workers > 1."""
    if workers <= 1:
        for batch in batches:
            crash_point("tag")
            yield batch, tag_as_tables(batch, options, run_id), False
        return
    context = pool_server.start(options.with_tone)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        in_flight: deque[tuple[list[Article], Future]] = deque()
        ahead = _ReadAhead(batches)
        started = False
        while True:
            while (
                len(in_flight) < workers * IN_FLIGHT_PER_WORKER
                and (batch := ahead.next()) is not None
            ):
                crash_point("tag")
                in_flight.append((batch, pool.submit(tag_as_tables, batch, options, run_id)))
            if not in_flight:
                return
            if not started:
                _while_the_pool_starts(in_flight[0][1], ahead)
                started = True
            done, future = in_flight.popleft()
            yield done, future.result(), ahead.ended


def _while_the_pool_starts(first: Future, ahead: _ReadAhead) -> None:
    """What this process can do before the pool's first result, done while it waits for it.

    The pool's server imports the tagger and loads the encoder (~1.2 s, one core) before it
    forks the workers, and this process is idle meanwhile: what it does now, it does not do
    later beside two busy workers, or alone at the end (refs #20).
    """
    # story assignment at the end of the run imports numba (~0.3 s)
    import etl.stories  # noqa: F401

    ahead.read(until=first, most=READ_AHEAD_BATCHES)


class _ReadAhead:
    """The batches to tag, of which some may be read before they are asked for."""

    def __init__(self, batches: Iterator[list[Article]]) -> None:
        self._batches = batches
        self._read: deque[list[Article]] = deque()
        self._exhausted = False
        self.ended = False
        """Whether `next` found no batch left: the pool only finishes what it has."""

    def next(self) -> list[Article] | None:
        if self._read:
            return self._read.popleft()
        batch = None if self._exhausted else next(self._batches, None)
        self._exhausted = self.ended = batch is None
        return batch

    def read(self, *, until: Future, most: int) -> None:
        """Read batches until `until` is done, `most` wait, or none are left."""
        while not until.done() and len(self._read) < most and not self._exhausted:
            batch = next(self._batches, None)
            if batch is None:
                self._exhausted = True
            else:
                self._read.append(batch)


def _finish(con, summary: RunSummary) -> None:
    with stage.alongside_stories(con) as story_free:
        stage_stories(con)
        queries.execute(
            "finish_run",
            con,
            finished_at=utc_now(),
            **summary.counts(),
        )
        stage.finish(con, summary.run_id, story_free=story_free)
    crash_point("checkpoint")
    con.execute("checkpoint")
