"""Audit: who downloaded which CSV and who changed which watchlist, newest first; for the
admins of `[tension] admins` only (refs #19). To anyone else `view=audit` is an unknown view
(board/state.py), and the store refuses them the rows as well."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from board import audit, panel
from board.data import Database
from board.state import Filters, Options
from monitor import team

AUDIT_SHOWN = 1000
"""Rows the page shows (and its CSV holds), newest first."""

SINCE_DAYS = 30
"""The default period: the last 30 days."""

ACTION_LABELS = {
    "": "Any action",
    team.DOWNLOAD: "CSV download",
    team.WATCHLIST_CREATE: "Watchlist created",
    team.WATCHLIST_EDIT: "Watchlist edited",
    team.WATCHLIST_DELETE: "Watchlist deleted",
}

COLUMNS = {
    "recorded_at": st.column_config.TextColumn("When (UTC)"),
    "user_email": st.column_config.TextColumn("User"),
    "action": st.column_config.TextColumn("Action"),
    "view_name": st.column_config.TextColumn("View"),
    "target": st.column_config.TextColumn("File or watchlist", width="large"),
    "count_rows": st.column_config.NumberColumn("Rows", format="%d"),
    "is_complete": st.column_config.CheckboxColumn("Complete"),
    "filters": st.column_config.TextColumn("Filters (query string)"),
    "link": st.column_config.LinkColumn("View", display_text="Open"),
}


def render(database: Database, filters: Filters, options: Options) -> None:
    st.subheader("Audit")
    who = audit.requester(filters)
    if who is None or not who.is_admin:
        panel.empty("The audit trail is for the admins named in `[tension] admins`.")
    store = audit.store()
    left, middle, right = st.columns(3)
    since = left.date_input(
        "Since (UTC)", datetime.now(UTC).date() - timedelta(days=SINCE_DAYS), key="audit_since"
    )
    user = middle.selectbox(
        "User", ["", *store.audited_users()], key="audit_user",
        format_func=lambda email: email or "Any user",
    )  # fmt: skip
    action = right.selectbox(
        "Action", list(ACTION_LABELS), key="audit_action", format_func=ACTION_LABELS.get
    )
    rows = store.audit_trail(
        who, since=since.isoformat(), user_email=user, action=action, row_limit=AUDIT_SHOWN
    )
    if not rows:
        panel.empty("No audited action matches: choose an earlier day, or any user or action.")
    table = audit_table(rows)
    st.caption(
        f"The latest {len(table):,} audited actions (at most {AUDIT_SHOWN:,}); a download's rows "
        "are those sent, and *Complete* is off where the client left before the end."
    )
    st.dataframe(table, hide_index=True, column_config=COLUMNS, key="audit_table")
    panel.audited_download(
        table.drop(columns="link"), f"tension-audit-since-{since.isoformat()}.csv", who,
        key="download_audit",
    )  # fmt: skip


def audit_table(rows: list[dict]) -> pd.DataFrame:
    """The rows as shown, with a link to the view each action was taken on."""
    frame = pd.DataFrame(rows).drop(columns="event_id")
    frame["recorded_at"] = frame["recorded_at"].str.replace("T", " ").str[:19]
    frame["is_complete"] = frame["is_complete"].astype(bool)
    frame["count_rows"] = frame["count_rows"].astype("Int64")
    frame["link"] = "./?" + frame["filters"]
    return frame
