"""The Parquet lake: the tagged tables as files partitioned by publication date.

Layout under the lake's root (a local folder or any fsspec URL such as s3://bucket/prefix):

    articles/published_date=2024-06-19/part-r000003-1a2b3c4d.parquet
    mentions/published_date=2024-06-19/...     (the article's date, so a day reads together)
    article_pairs/published_date=.../...
    evidence/published_date=.../...
    rejects/run_id=3/part-r000003-....parquet  (rejects carry no trustworthy date)
    ingest_runs/run-000003.parquet             (one row per run, as in the database)

Hive-style folder names carry the partition value; the files do not repeat it. Every load
rewrites the date partitions it touches into one file per table, so the lake stays at one file
per date and table however many runs fed it (DuckDB's time over a day grows with its files).

A partition is replaced in three steps, so a crash at any point is repaired by the next load
(`recover`): write `part-X.parquet.tmp` and rename it to `part-X.parquet.pending` (a complete
file: the partition's old rows plus the new ones), delete the old files, rename the pending
file to `part-X.parquet`. A reader of the lake during a load may briefly see a partition
without its file; readers of an attached database never do.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from fsspec.core import url_to_fs

from etl import publish
from etl.errors import EtlError

DATE_COLUMN = "published_date"
DATED_TABLES = ("articles", "mentions", "article_pairs", "evidence", "story_signatures")
"""Tables partitioned by publication date, in the order a load writes them."""

KEYS = {
    "articles": ("article_id",),
    "mentions": ("article_id", "country"),
    "article_pairs": ("article_id", "country_a", "country_b"),
    "evidence": ("article_id", "country_a", "country_b", "sentence_no"),
    "story_signatures": ("article_id",),
}
"""The primary key of each dated table: a partition never holds two rows with one key."""

ROW_GROUP_ROWS = 122_880
"""Rows per Parquet row group: DuckDB's own row-group size, so it scans a file in parallel."""

COMPRESSION = "zstd"

_RUN_FILE = re.compile(r"run-(\d+)\.parquet$")


class LakeError(EtlError):
    """The lake cannot be read or written (missing folder or bucket, permissions, bad URL)."""


@dataclass(frozen=True)
class Lake:
    url: str
    """A local folder or an fsspec URL (s3://bucket/prefix, gs://..., abfs://...)."""
    storage_options: dict = field(default_factory=dict)
    """fsspec options, e.g. {"endpoint_url": ..., "key": ..., "secret": ...} for S3."""

    @cached_property
    def _fs_and_root(self):
        url = self.url if "://" in self.url else str(Path(self.url).resolve())
        return url_to_fs(url, **self.storage_options)

    @property
    def fs(self):
        return self._fs_and_root[0]

    @property
    def root(self) -> str:
        return self._fs_and_root[1].rstrip("/")

    @property
    def is_local(self) -> bool:
        return "://" not in self.url or self.url.startswith("file://")

    def uri(self, path: str) -> str:
        """A path inside the lake as a URL DuckDB understands (local paths stay plain)."""
        return path if self.is_local else self.fs.unstrip_protocol(path)

    def check(self, *, create: bool) -> None:
        """Fail early, with what to do, when the lake cannot be reached (or holds no lake).

        Raises:
            LakeError: the URL, folder, bucket or credentials are wrong, or (`create` False)
                nothing was ever loaded there.
        """
        try:
            if create:
                self._make_folder(self.root)
            self.fs.invalidate_cache()
            found = self.fs.exists(f"{self.root}/ingest_runs")
            # an object store's bucket is never created on the way: a typo would make one
            bucket = self.is_local or self.fs.exists(self.root.split("/", 1)[0])
        except OSError as err:
            raise LakeError(
                f"cannot reach the lake {self.url}: {err}; check the path or URL and, for "
                "object stores, the credentials (AWS_* environment variables for s3://)"
            ) from err
        if not bucket:
            raise LakeError(f"the bucket of {self.url} does not exist; create it first")
        if not create and not found:
            raise LakeError(
                f"no lake at {self.url}; write one with "
                f"`python -m etl load FILES --engine dask --out {self.url}`"
            )

    def partition_dir(self, table: str, day: date) -> str:
        return f"{self.root}/{table}/{DATE_COLUMN}={day.isoformat()}"

    def files(self, table: str) -> list[str]:
        """Every data file of a table, sorted."""
        return sorted(self._glob(f"{self.root}/{table}/*/*.parquet"))

    def partition_files(self, table: str, day: date) -> list[str]:
        return sorted(self._glob(f"{self.partition_dir(table, day)}/*.parquet"))

    def files_per_partition(self, table: str) -> dict[str, int]:
        """'published_date=2024-06-19' -> number of files: what compaction keeps at one."""
        counts: dict[str, int] = {}
        for path in self.files(table):
            folder = path.rsplit("/", 2)[-2]
            counts[folder] = counts.get(folder, 0) + 1
        return counts

    @contextlib.contextmanager
    def lock(self, *, wait: bool, say: Callable[[str], None] | None = None) -> Iterator[None]:
        """One writer at a time: a lock file for a local lake (see the README for S3)."""
        if not self.is_local:
            yield
            return
        root = Path(self.root)
        root.mkdir(parents=True, exist_ok=True)
        with publish.exclusive_lock(root / "lake", wait=wait, say=say):
            yield

    def recover(self) -> None:
        """Finish partition replacements an interrupted load left half done."""
        for pending in self._glob(f"{self.root}/*/*/*.parquet.pending"):
            folder = pending.rsplit("/", 1)[0]
            for old in self._glob(f"{folder}/*.parquet"):
                self.fs.rm(old)
            self.fs.mv(pending, pending.removesuffix(".pending"))
        partials = self._glob(f"{self.root}/*/*.tmp")
        for partial in partials + self._glob(f"{self.root}/*/*/*.tmp"):
            self.fs.rm(partial)

    def _read(self, files: list[str]) -> pa.Table:
        return pa.concat_tables(
            [pq.read_table(f, filesystem=self.fs) for f in files], promote_options="default"
        )

    def replace_partition(
        self, table: str, day: date, new_rows: pa.Table, replace_ids: pa.Array, token: str
    ) -> int:
        """Rewrite a date partition as one file: its rows minus `replace_ids`, plus new rows.

        Returns the number of rows the partition holds afterwards.
        """
        old_files = self.partition_files(table, day)
        rows = new_rows
        if old_files:
            old = self._read(old_files)
            if len(replace_ids):
                old = old.filter(pc.invert(pc.is_in(old["article_id"], value_set=replace_ids)))
            rows = _first_per_key(_concat(old, new_rows), KEYS[table])
        final = f"{self.partition_dir(table, day)}/part-{token}.parquet"
        if not old_files:
            # a new partition has nothing to replace: one write (each costs a round trip on S3)
            if rows.num_rows:
                self._write(rows, final)
            return rows.num_rows
        if rows.num_rows:
            self._write(rows, final + ".pending")
        for path in old_files:
            self.fs.rm(path)
        if rows.num_rows:
            self.fs.mv(final + ".pending", final)
        return rows.num_rows

    def ids_in(self, files: list[str], ids: pa.Array) -> pa.Table:
        """(article_id, published_date) of the articles in `files` whose id is in `ids`."""
        found = []
        for path in files:
            table = pq.read_table(path, columns=["article_id"], filesystem=self.fs)
            hits = table.filter(pc.is_in(table["article_id"], value_set=ids))
            day = date.fromisoformat(path.rsplit("/", 2)[-2].split("=", 1)[1])
            found.append(hits.append_column(DATE_COLUMN, pa.array([day] * len(hits), pa.date32())))
        schema = pa.schema([("article_id", pa.string()), (DATE_COLUMN, pa.date32())])
        return pa.concat_tables(found) if found else schema.empty_table()

    def write_rejects(self, run_id: int, rejects: pa.Table, token: str) -> None:
        folder = f"{self.root}/rejects/run_id={run_id}"
        self._write(rejects.drop_columns(["run_id"]), f"{folder}/part-{token}.parquet")

    def next_run_id(self) -> int:
        numbers = [int(m.group(1)) for p in self._run_files() if (m := _RUN_FILE.search(p))]
        return max(numbers, default=0) + 1

    def write_run(self, row: dict) -> None:
        """Create or complete a run's ingest_runs row (one small file per run)."""
        folder = f"{self.root}/ingest_runs"
        self._write(
            pa.Table.from_pylist([row], RUN_SCHEMA), f"{folder}/run-{row['run_id']:06d}.parquet"
        )

    def runs(self) -> pa.Table:
        files = self._run_files()
        if not files:
            return RUN_SCHEMA.empty_table()
        return pa.concat_tables([pq.read_table(f, filesystem=self.fs) for f in files])

    def _make_folder(self, folder: str) -> None:
        # object stores have no folders, and s3fs's makedirs would create a missing bucket
        if self.is_local:
            self.fs.makedirs(folder, exist_ok=True)

    def _glob(self, pattern: str) -> list[str]:
        # object-store filesystems cache listings per process, and other workers write
        # here too: a stale listing would read a deleted file or miss a new one
        self.fs.invalidate_cache()
        return self.fs.glob(pattern)

    def _run_files(self) -> list[str]:
        return sorted(self._glob(f"{self.root}/ingest_runs/run-*.parquet"))

    def _write(self, table: pa.Table, path: str) -> None:
        """Write a whole file or nothing: locally under a temporary name, then renamed; an
        object store shows an object only once it is completely uploaded."""
        target = path + ".tmp" if self.is_local else path
        self._make_folder(path.rsplit("/", 1)[0])
        pq.write_table(
            table,
            target,
            filesystem=self.fs,
            compression=COMPRESSION,
            row_group_size=ROW_GROUP_ROWS,
        )
        if target != path:
            self.fs.mv(target, path)


RUN_SCHEMA = pa.schema(
    [
        ("run_id", pa.int32()),
        ("started_at", pa.timestamp("us")),
        ("finished_at", pa.timestamp("us")),
        ("read", pa.int32()),
        ("loaded", pa.int32()),
        ("duplicates", pa.int32()),
        ("rejected", pa.int32()),
        ("inputs", pa.string()),
        ("command", pa.string()),
        ("seconds", pa.float64()),
    ]
)
"""The columns of ingest_runs (queries/schema.sql), as the lake stores them."""


def new_token(run_id: int) -> str:
    """A file name part unique to one write: the run, then random bits."""
    return f"r{run_id:06d}-{uuid.uuid4().hex[:8]}"


def _concat(old: pa.Table, new: pa.Table) -> pa.Table:
    # a lake written by an older version may lack newer columns: they are filled with nulls
    return pa.concat_tables([old, new.select(new.column_names)], promote_options="default")


def _first_per_key(rows: pa.Table, keys: tuple[str, ...]) -> pa.Table:
    """Rows in order, dropping any later row whose key was already seen (heals a partition
    that an interrupted load left with two files of the same rows)."""
    numbered = rows.append_column("_row", pa.array(range(rows.num_rows), pa.int64()))
    first = numbered.group_by(list(keys), use_threads=False).aggregate([("_row", "min")])
    if first.num_rows == rows.num_rows:
        return rows
    keep = first["_row_min"]
    return rows.take(keep.take(pc.sort_indices(keep)))
