"""Read-only reports over the published database: `stats` and `rejects`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import queries
from etl.database import reading_published

TABLES = (
    "articles",
    "stories",
    "mentions",
    "article_pairs",
    "evidence",
    "rejects",
    "ingest_runs",
    "countries",
)


def database_stats(db_path: Path) -> dict[str, Any]:
    """Rows per table, date span, languages, origins, sources and the last run."""
    with reading_published(db_path) as con:
        counts = queries.run("stats_table_counts", con).iloc[0].to_dict()
        span = queries.run("stats_date_span", con).iloc[0]
        runs = queries.run("last_run", con)
        return {
            "database": str(db_path),
            "schema_version": int(
                queries.run("get_meta", con, key="schema_version")["value"].iloc[0]
            ),
            "tables": {name: int(counts[name]) for name in TABLES},
            "stories": {
                name: int(value)
                for name, value in queries.run("stats_stories", con).iloc[0].items()
            },
            "published": {"first": _iso(span["first_day"]), "last": _iso(span["last_day"])},
            "languages": _counts(queries.run("stats_by_column", con, column_name="lang")),
            "origins": _counts(queries.run("stats_by_column", con, column_name="origin")),
            "sources": _counts(queries.run("stats_by_column", con, column_name="source")),
            "last_run": _jsonable(runs.iloc[0].to_dict()) if not runs.empty else None,
        }


def reject_rows(db_path: Path, run_id: int | None, limit: int) -> list[dict[str, Any]]:
    with reading_published(db_path) as con:
        rows = queries.run("rejects_list", con, run_id=run_id, row_limit=limit)
        return [_jsonable(row) for row in rows.to_dict("records")]


def _counts(frame) -> dict[str, int]:
    return {str(k): int(v) for k, v in zip(frame["value"], frame["articles"], strict=True)}


def _iso(value) -> str | None:
    return None if value is None or value != value else str(value)[:10]


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and value != value:
            value = None
        out[key] = value
    return out
