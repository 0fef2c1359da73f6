"""What a Dask worker does: scan a split for its article ids, tag the copies the run keeps
with the very `tag_batch` the local engine runs, and write a group of date partitions.

Everything here is a plain function of its arguments returning Arrow tables, so Dask can ship
it to any worker; the client (`dask_engine`) decides which copy of each article to keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from etl.engines.lake import DATE_COLUMN, DATED_TABLES, Lake
from etl.engines.splits import Split, read_split
from etl.records import Article, Reject, TaggedArticle
from etl.sources import ReadOptions
from etl.tables import (
    articles_table,
    empty_table,
    evidence_table,
    mentions_table,
    pairs_table,
    rejects_table,
    signatures_table,
)
from etl.tag.pipeline import TagOptions, tag_batch

ORDER = "_order"
"""Hidden column: (split index << 32) | position of the record in its split. The smallest is
the first copy in input order, the one the local engine keeps too."""

POSITION_BITS = 32

KEY_SCHEMA = pa.schema(
    [("article_id", pa.string()), (DATE_COLUMN, pa.date32()), (ORDER, pa.int64())]
)


def order_of(split_index: int, position: int) -> int:
    return (split_index << POSITION_BITS) | position


def positions_of(orders: pa.Array) -> pa.Array:
    return pc.bit_wise_and(orders, (1 << POSITION_BITS) - 1)


@dataclass
class SplitScan:
    """A split read without tagging: its first copy of each article, and its read rejects."""

    keys: pa.Table
    rejects: pa.Table
    read: int


@dataclass(frozen=True)
class TagJob:
    """What every tagging task of a run shares."""

    read_options: ReadOptions
    tag_options: TagOptions
    batch_size: int
    run_id: int
    loaded_at: datetime
    days: tuple[date, ...]
    """Every publication date the run writes, sorted ..."""
    groups: tuple[int, ...]
    """... and the write task (group) that writes each of them."""


def scan_split(split: Split, options: ReadOptions, run_id: int, rejected_at: datetime) -> SplitScan:
    """Read a split: keys of the first copy of each article in it, and its rejects."""
    ids: list[str] = []
    days: list[date] = []
    orders: list[int] = []
    rejects: list[Reject] = []
    reject_orders: list[int] = []
    seen: set[str] = set()
    read = 0
    for position, item in enumerate(read_split(split, options)):
        read += 1
        if isinstance(item, Reject):
            rejects.append(item)
            reject_orders.append(order_of(split.index, position))
        elif item.article_id not in seen:
            seen.add(item.article_id)
            ids.append(item.article_id)
            days.append(_day(item))
            orders.append(order_of(split.index, position))
    keys = pa.Table.from_arrays(
        [pa.array(ids, pa.string()), pa.array(days, pa.date32()), pa.array(orders, pa.int64())],
        schema=KEY_SCHEMA,
    )
    return SplitScan(
        keys, _with_order(rejects_table(rejects, run_id, rejected_at), reject_orders), read
    )


def tag_split(split: Split, keep: pa.Array, job: TagJob) -> dict[object, dict[str, pa.Table]]:
    """Tag the articles at positions `keep` of a split, in batches, with `tag_batch`.

    Returns the rows per write group (`{group: {table: rows}}`) and, under "rejects", the
    articles tagging rejected (pre-tags naming an unknown country).
    """
    wanted = set(keep.to_pylist())
    chosen = [
        (order_of(split.index, position), item)
        for position, item in enumerate(read_split(split, job.read_options))
        if position in wanted and isinstance(item, Article)
    ]
    tables: dict[str, list[pa.Table]] = {name: [] for name in (*DATED_TABLES, "rejects")}
    for start in range(0, len(chosen), job.batch_size):
        batch = chosen[start : start + job.batch_size]
        results = tag_batch([article for _, article in batch], job.tag_options)
        _convert(batch, results, job, tables)
    merged = {name: pa.concat_tables(parts) for name, parts in tables.items() if parts}
    return {"rejects": merged.pop("rejects", None), **_by_group(merged, job)}


def write_group(
    lake: Lake,
    days: list[date],
    pieces: list[dict[str, pa.Table]],
    replace_ids: pa.Array,
    token: str,
) -> dict[str, int]:
    """Rewrite the date partitions of `days` with their new rows; returns new rows per table."""
    written = {}
    for table in DATED_TABLES:
        found = [piece[table] for piece in pieces if table in piece]
        rows = pa.concat_tables(found).sort_by(ORDER) if found else None
        written[table] = rows.num_rows if rows is not None else 0
        for day in days:
            new = _rows_of_day(rows, day)
            if new is None and not len(replace_ids):
                continue
            # re-tagging may empty a day of the articles it replaces, with nothing new there
            new = new if new is not None else _no_rows(table)
            lake.replace_partition(table, day, new, replace_ids, token)
    return written


def _no_rows(table: str) -> pa.Table:
    empty = empty_table(table)
    return empty.drop_columns([DATE_COLUMN]) if DATE_COLUMN in empty.column_names else empty


def _convert(
    batch: list[tuple[int, Article]],
    results: list[TaggedArticle | Reject],
    job: TagJob,
    tables: dict[str, list[pa.Table]],
) -> None:
    tagged = [
        (o, r) for (o, _), r in zip(batch, results, strict=True) if isinstance(r, TaggedArticle)
    ]
    rejected = [(o, r) for (o, _), r in zip(batch, results, strict=True) if isinstance(r, Reject)]
    done = [r for _, r in tagged]
    articles = _with_order(articles_table(done, job.run_id, job.loaded_at), [o for o, _ in tagged])
    tables["articles"].append(articles)
    for name, convert in (
        ("mentions", mentions_table),
        ("article_pairs", pairs_table),
        ("evidence", evidence_table),
        ("story_signatures", signatures_table),
    ):
        tables[name].append(_owned_by(convert(done), articles))
    rejects = rejects_table([r for _, r in rejected], job.run_id, job.loaded_at)
    tables["rejects"].append(_with_order(rejects, [o for o, _ in rejected]))


def _owned_by(rows: pa.Table, articles: pa.Table) -> pa.Table:
    """Child rows with their article's date and order, to partition and sort them alike."""
    index = pc.index_in(rows["article_id"], value_set=articles["article_id"])
    return rows.append_column(DATE_COLUMN, articles[DATE_COLUMN].take(index)).append_column(
        ORDER, articles[ORDER].take(index)
    )


def _by_group(tables: dict[str, pa.Table], job: TagJob) -> dict[int, dict[str, pa.Table]]:
    days = pa.array(job.days, pa.date32())
    groups = pa.array(job.groups, pa.int32())
    out: dict[int, dict[str, pa.Table]] = {}
    for name, rows in tables.items():
        group_of_row = groups.take(pc.index_in(rows[DATE_COLUMN], value_set=days))
        for group in pc.unique(group_of_row).to_pylist():
            out.setdefault(group, {})[name] = rows.filter(pc.equal(group_of_row, group))
    return out


def _rows_of_day(rows: pa.Table | None, day: date) -> pa.Table | None:
    if rows is None:
        return None
    selected = rows.filter(pc.equal(rows[DATE_COLUMN], pa.scalar(day, pa.date32())))
    if not selected.num_rows:
        return None
    return selected.drop_columns([ORDER, DATE_COLUMN])


def _with_order(table: pa.Table, orders: list[int]) -> pa.Table:
    return table.append_column(ORDER, pa.array(orders, pa.int64()))


def _day(article: Article) -> date:
    # as etl.load.articles_table computes published_date
    return article.published_at.astimezone(UTC).date()
