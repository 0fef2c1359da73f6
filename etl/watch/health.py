"""One source's health as a line of text (`python -m etl sources`)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def health_line(row: dict[str, Any]) -> str:
    """'gdelt (gdelt): ok, last delivery 2026-12-06 17:15 UTC, 1,234 articles in 24 h'."""
    if row["is_failing"]:
        status = f"FAILING ({row['consecutive_failures']} in a row: {row['last_error']})"
    elif row["is_stale"]:
        status = "STALE (no success for 3 intervals)"
    else:
        status = "ok"
    return (
        f"{row['source']} ({row['kind']}): {status}; last success {_when(row['last_success_at'])}"
        f", last delivery {_when(row['last_delivery_at'])}, "
        f"{int(row['articles_24h']):,} articles in 24 h"
    )


def _when(value: Any) -> str:
    if value is None or pd.isna(value):
        return "never"
    return f"{pd.Timestamp(value):%Y-%m-%d %H:%M} UTC"
