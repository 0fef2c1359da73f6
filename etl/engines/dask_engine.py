"""`python -m etl load --engine dask`: the local run's steps, spread over a Dask cluster.

1. Plan: expand the inputs as the local engine does, cut large JSONL/CSV files into splits.
2. Scan (one task per split): read, and keep each article id's first copy and the rejects.
3. Choose (client): per article id, its first copy in input order, unless the lake already
   holds it (ids looked up in the lake's articles files, one task per batch of files) or
   the run re-tags. This is the local engine's rule, so both keep the same copies.
4. Tag (one task per split): read again and run `tag_batch` on the chosen copies only, so a
   re-run over the same inputs tags nothing.
5. Write (one task per group of dates): each date partition is rewritten as one file per
   table with its old and new rows (see `etl.engines.lake`); rejects and the run row last.

Reading twice costs far less than tagging and keeps nothing but ids in memory between the
steps; the client holds ~40 bytes per input article (ids, dates, order) to choose.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from operator import getitem
from pathlib import Path

import dask
import pyarrow as pa
import pyarrow.compute as pc
from distributed import Client, LocalCluster

from etl.engines.lake import DATE_COLUMN, Lake, new_token
from etl.engines.parts import (
    KEY_SCHEMA,
    ORDER,
    POSITION_BITS,
    SplitScan,
    TagJob,
    positions_of,
    scan_split,
    tag_split,
    write_group,
)
from etl.engines.splits import SPLIT_BYTES, is_splittable, make_splits, scan_boundaries
from etl.load import utc_now
from etl.run import RunSummary
from etl.settings import Settings
from etl.sources import InputFile, ReadOptions, plan_inputs
from etl.tag.pipeline import TagOptions

GROUPS_PER_WORKER = 2
"""Write tasks per worker: every worker writes, and a slow day does not hold up the rest."""

SPLITS_PER_WORKER = 4
"""Inputs are cut into at least this many splits per worker (down to MIN_SPLIT_BYTES), so
every worker has work until the end and a slow split delays little."""

MIN_SPLIT_BYTES = 2**20

ID_LOOKUP_FILES = 32
"""Lake files one id-lookup task reads: few tasks for a year of daily files."""


@dataclass(frozen=True)
class DaskOptions:
    out: str
    """The lake: a local folder or an fsspec URL (s3://bucket/prefix)."""
    scheduler: str | None = None
    """A running scheduler's address (tcp://host:8786); None starts a LocalCluster."""
    workers: int | None = None
    """LocalCluster worker processes [default: one per core]."""
    split_bytes: int = SPLIT_BYTES
    storage_options: dict = field(default_factory=dict)
    """fsspec options for the lake (endpoint, credentials); see etl.engines.lake.Lake."""


@dataclass
class LakeSummary(RunSummary):
    files_per_partition: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per table, files per partition folder after the run (compaction keeps them at one)."""
    started_at: datetime | None = None

    def layout_line(self) -> str:
        counts = self.files_per_partition.get("articles", {})
        if not counts:
            return "lake: no article partitions"
        return (
            f"lake: {len(counts)} date partitions, files per partition and table: "
            f"max {max(counts.values())}"
        )


def load_to_lake(
    paths: Iterable[Path | str],
    settings: Settings,
    options: DaskOptions,
    *,
    fmt: str = "auto",
    read_options: ReadOptions | None = None,
    command: str = "",
    say: Callable[[str], None] | None = None,
) -> LakeSummary:
    """Load files into the Parquet lake at `options.out` on a Dask cluster.

    Raises:
        SourceError, LockedError: as the local engine, with a message to show.
    """
    read_options = read_options or ReadOptions(settings.max_article_bytes, settings.max_line_bytes)
    files, skipped = plan_inputs(list(paths), fmt, follow_symlinks=read_options.follow_symlinks)
    lake = Lake(options.out, options.storage_options)
    lake.check(create=True)
    started = time.monotonic()
    with lake.lock(wait=settings.wait_for_lock, say=say), dask_client(options) as client:
        lake.recover()
        summary = _run(client, lake, files, read_options, settings, options, command)
        summary.seconds = time.monotonic() - started
        _record_run(lake, summary, files, command)
    summary.skipped_files = skipped
    summary.files_per_partition = {t: lake.files_per_partition(t) for t in ("articles", "evidence")}
    return summary


@contextlib.contextmanager
def dask_client(options: DaskOptions) -> Iterator:
    """A client of the given scheduler, or of a LocalCluster sized to this machine."""
    if options.scheduler:
        with Client(options.scheduler) as client:
            yield client
        return
    # tagging is pure Python: one single-threaded process per core, no GIL contention
    with (
        dask.config.set(_worker_config()),
        LocalCluster(
            n_workers=options.workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _worker_config() -> dict:
    """Dask settings for the workers we start, for a CPU-bound Python task:

    - no MALLOC_TRIM_THRESHOLD_ in the worker environment: Dask's 64 KiB makes glibc hand
      memory back after every few arrays the tone encoder allocates;
    - no statistical profiler sampling the task's stack every 10 ms.

    Measured on 5,000 4 KB articles in one worker, median of 3 runs on a shared 2-core
    machine: 28.3 CPU seconds with Dask's defaults, 24.4 without both (the trim threshold
    is most of it). Give a cluster of your own the same settings (README, "Scaling out").
    """
    environ = dask.config.get("distributed.nanny.pre-spawn-environ", {})
    return {
        "distributed.nanny.pre-spawn-environ": {
            name: value for name, value in environ.items() if name != "MALLOC_TRIM_THRESHOLD_"
        },
        "distributed.worker.profile.enabled": False,
    }


def _run(client, lake, files, read_options, settings, options, command) -> LakeSummary:
    summary = LakeSummary(run_id=lake.next_run_id(), started_at=utc_now())
    lake.write_run(_run_row(summary, None, files, command))
    splits = _splits(client, files, options.split_bytes, read_options.max_line_bytes)
    scans = client.gather(
        client.map(
            scan_split,
            splits,
            options=read_options,
            run_id=summary.run_id,
            rejected_at=summary.started_at,
            pure=False,
        )
    )
    winners, replaced = _choose(client, lake, scans, settings.retag)
    job = _job(client, read_options, settings, summary, winners, replaced)
    token = new_token(summary.run_id)
    tagged = _tag(client, splits, winners, job)
    written, tag_rejects = _write(client, lake, tagged, winners, job, replaced, token)
    rejects = pa.concat_tables([s.rejects for s in scans] + tag_rejects).sort_by(ORDER)
    if rejects.num_rows:
        lake.write_rejects(summary.run_id, rejects.drop_columns([ORDER]), token)
    summary.read = sum(s.read for s in scans)
    summary.loaded, summary.rejected = written, rejects.num_rows
    summary.duplicates = summary.read - summary.loaded - summary.rejected
    return summary


def _choose(client, lake: Lake, scans: list[SplitScan], retag: bool) -> tuple[pa.Table, pa.Table]:
    """The copies to tag, and (with --retag) the lake's rows they replace."""
    keys = pa.concat_tables([s.keys for s in scans]) if scans else KEY_SCHEMA.empty_table()
    existing = _existing(client, lake, pc.unique(keys["article_id"]))
    winners = _first_copies(keys, existing, retag)
    return winners, existing if retag else existing.slice(0, 0)


def _job(client, read_options, settings, summary, winners, replaced) -> TagJob:
    """What every tagging task shares, with the days written and their write groups."""
    days = sorted(set(winners[DATE_COLUMN].to_pylist()) | set(replaced[DATE_COLUMN].to_pylist()))
    return TagJob(
        read_options,
        TagOptions(settings.with_tone, settings.evidence_per_pair, settings.retag),
        settings.batch_size,
        summary.run_id,
        summary.started_at,
        tuple(days),
        tuple(_group_days(days, _worker_count(client) * GROUPS_PER_WORKER)),
    )


def _split_bytes(files: list[InputFile], most: int, workers: int) -> int:
    """Bytes per split: `most`, or less so that every worker gets SPLITS_PER_WORKER."""
    total = sum(f.path.stat().st_size for f in files)
    balanced = max(MIN_SPLIT_BYTES, total // (workers * SPLITS_PER_WORKER))
    return min(most, balanced)


def _splits(client, files: list[InputFile], most_bytes: int, max_line_bytes: int) -> list:
    split_bytes = _split_bytes(files, most_bytes, _worker_count(client))
    large = [i for i, f in enumerate(files) if is_splittable(f, split_bytes)]
    scanned = client.gather(
        client.map(
            scan_boundaries,
            [files[i] for i in large],
            split_bytes=split_bytes,
            max_line_bytes=max_line_bytes,
            pure=False,
        )
    )
    return make_splits(files, dict(zip(large, scanned, strict=True)))


def _existing(client, lake: Lake, ids: pa.Array) -> pa.Table:
    """(article_id, published_date) of the run's ids that the lake already holds."""
    files = lake.files("articles")
    if not files or not len(ids):
        return pa.schema([("article_id", pa.string()), (DATE_COLUMN, pa.date32())]).empty_table()
    shared = client.scatter(ids, broadcast=True)
    batches = [files[i : i + ID_LOOKUP_FILES] for i in range(0, len(files), ID_LOOKUP_FILES)]
    return pa.concat_tables(client.gather(client.map(lake.ids_in, batches, ids=shared, pure=False)))


def _first_copies(keys: pa.Table, existing: pa.Table, retag: bool) -> pa.Table:
    """Per article id, its first copy in input order, unless the lake has it (and no --retag)."""
    first = keys.group_by("article_id", use_threads=False).aggregate([(ORDER, "min")])
    winners = keys.filter(pc.is_in(keys[ORDER], value_set=first[f"{ORDER}_min"]))
    if not retag and existing.num_rows:
        winners = winners.filter(
            pc.invert(pc.is_in(winners["article_id"], value_set=existing["article_id"]))
        )
    return winners.sort_by(ORDER)


def _group_days(days: list, groups: int) -> list[int]:
    """Consecutive days in `groups` write groups of about equal numbers of days."""
    groups = max(1, min(groups, len(days)))
    return [i * groups // len(days) for i in range(len(days))]


def _tag(client, splits, winners: pa.Table, job: TagJob) -> dict[int, object]:
    """Futures of tag_split, for the splits holding chosen copies."""
    split_of = pc.shift_right(winners[ORDER], POSITION_BITS)
    futures = {}
    for split in splits:
        keep = positions_of(winners[ORDER].filter(pc.equal(split_of, split.index)))
        if len(keep):
            futures[split.index] = client.submit(
                tag_split, split, keep.combine_chunks(), job, pure=False
            )
    return futures


def _write(client, lake, tagged, winners, job, replaced, token) -> tuple[int, list[pa.Table]]:
    """Submit one write per group of days; returns articles written and the tag rejects."""
    day_group = dict(zip(job.days, job.groups, strict=True))
    split_of = pc.shift_right(winners[ORDER], POSITION_BITS).to_pylist()
    groups_of_split: dict[int, set[int]] = {}
    for split, day in zip(split_of, winners[DATE_COLUMN].to_pylist(), strict=True):
        groups_of_split.setdefault(split, set()).add(day_group[day])
    replace_ids = (
        replaced["article_id"].combine_chunks() if replaced.num_rows else pa.array([], pa.string())
    )
    writes = []
    for group in sorted(set(job.groups)):
        days = [d for d, g in day_group.items() if g == group]
        pieces = [
            client.submit(_piece, tagged[split], group, pure=False)
            for split in sorted(tagged)
            if group in groups_of_split.get(split, ())
        ]
        writes.append(
            client.submit(write_group, lake, days, pieces, replace_ids, token, pure=False)
        )
    written = sum(w["articles"] for w in client.gather(writes))
    rejects = [
        r
        for r in client.gather([client.submit(getitem, f, "rejects") for f in tagged.values()])
        if r is not None
    ]
    return written, rejects


def _piece(tagged: dict, group: int) -> dict[str, pa.Table]:
    return tagged.get(group, {})


def _worker_count(client) -> int:
    return max(1, len(client.scheduler_info(n_workers=-1)["workers"]))


def _run_row(summary: LakeSummary, finished_at, files, command) -> dict:
    return {
        "run_id": summary.run_id,
        "started_at": summary.started_at,
        "finished_at": finished_at,
        "read": summary.read,
        "loaded": summary.loaded,
        "duplicates": summary.duplicates,
        "rejected": summary.rejected,
        "inputs": " ".join(str(f.path) for f in files),
        "command": command,
        "seconds": summary.seconds,
    }


def _record_run(lake: Lake, summary: LakeSummary, files, command) -> None:
    lake.write_run(_run_row(summary, utc_now(), files, command))
