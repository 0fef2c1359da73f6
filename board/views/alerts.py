"""Alerts: the history of every alert sent or tried, newest first, each linking to the view
it describes (refs #17)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from board import audit, watch
from board.data import Database
from board.state import Filters, Options
from monitor.store import channel_label

ALERTS_SHOWN = 500

COLUMNS = {
    "created_at": st.column_config.TextColumn("When (UTC)"),
    "watch_name": st.column_config.TextColumn("Watch"),
    "pair": st.column_config.TextColumn("Pair"),
    "day": st.column_config.TextColumn("Day"),
    "why": st.column_config.TextColumn("Why", width="large"),
    "channel": st.column_config.TextColumn("Channel"),
    "status": st.column_config.TextColumn("Status"),
    "attempts": st.column_config.NumberColumn("Tries", format="%d"),
    "last_error": st.column_config.TextColumn("Last error"),
    "view": st.column_config.LinkColumn("View", display_text="Open"),
}


def render(database: Database, filters: Filters, options: Options) -> None:
    st.subheader("Alerts")
    # with sign-in, a private watchlist's alerts are its owner's alone, as the watchlist is
    rows = watch.store().history(row_limit=ALERTS_SHOWN, who=audit.requester(filters))
    if not rows:
        st.info(
            "No alert yet. The watcher (`python -m etl watch`) or `python -m etl alerts` checks "
            "every watchlist on the last two days and records each alert here.",
            icon=":material/info:",
        )
        return
    st.caption(f"The latest {len(rows):,} alert deliveries, one row per alert and channel.")
    st.dataframe(history_table(rows), hide_index=True, column_config=COLUMNS, key="alerts_table")


def history_table(rows: list[dict]) -> pd.DataFrame:
    """The rows as shown: a channel by its scheme and host only (its path or query can hold a
    token), and the view as a link into this dashboard, wherever the alert's base URL was."""
    frame = pd.DataFrame(rows)
    return pd.DataFrame(
        {
            "created_at": frame["created_at"].str.replace("T", " ").str[:19],
            "watch_name": frame["watch_name"],
            "pair": frame["country_a"] + "-" + frame["country_b"],
            "day": frame["day"],
            "why": frame["why"],
            "channel": [channel_label(c) if c else "" for c in frame["channel"].fillna("")],
            "status": frame["status"].fillna("no channel"),
            "attempts": frame["attempts"],
            "last_error": frame["last_error"],
            "view": ["./?" + urlsplit(url).query for url in frame["url"]],
        }
    )
