"""Page-level pieces: opening the database, the freshness line, the filter options."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import NoReturn

import pandas as pd
import streamlit as st

from board import auth, controls, data, requests, settings, state
from board.data import Database, DataUnavailable
from board.search import SearchError
from board.state import Filters, Options
from board.views import VIEWS


def database_or_stop() -> Database:
    """The published database, or an error that says what to do (and the page stops)."""
    try:
        return data.open_database()
    except DataUnavailable as err:
        st.error(str(err), icon=":material/database:")
        st.stop()


def freshness(database: Database) -> int:
    """The data-freshness line (always shown); returns the number of articles."""
    status = data.run(database, *requests.status()).frame.iloc[0]
    articles = int(status["articles"])
    finished = status["last_run_at"]
    run = (
        "no completed ETL run"
        if pd.isna(finished)
        else f"last ETL run {finished:%Y-%m-%d %H:%M} UTC (run {int(status['last_run_id'])})"
    )
    st.caption(
        f"{articles:,} articles · {run} · database `{database.path}` · {auth.audience_note()}"
    )
    if sources := _sources_line(database):
        st.caption(sources)
    return articles


def origin_mix(database: Database, filters: Filters) -> None:
    """Under the freshness line: whether the period and filters mix GDELT rows with text
    sources, whose tones come from different text (titles, bodies) (refs #15)."""
    counts = data.run(database, *requests.view_origins(filters)).frame.iloc[0]
    text, gdelt = int(counts["text_articles"]), int(counts["gdelt_articles"])
    if text and gdelt:
        st.caption(
            f"This view mixes origins: {text:,} articles from text sources and {gdelt:,} "
            "GDELT rows (tone from their title only). Pick an origin in the sidebar to hold "
            "the mix fixed."
        )


def wait_for_articles(database: Database) -> NoReturn:
    """The empty database's page: what to run, a Reload button, and a check every few
    seconds that reloads by itself once the ETL publishes (refs #11), then stop."""
    st.info(
        "The database has no articles yet. Load some with `python -m etl load FILE` "
        "(or `python -m etl sample`): this page checks for them every "
        f"{settings.EMPTY_POLL_SECONDS:g} seconds, or press Reload.",
        icon=":material/inbox:",
    )
    st.button("Reload", key="reload", icon=":material/refresh:")
    _reload_when_published(database)
    st.stop()


@st.fragment(run_every=settings.EMPTY_POLL_SECONDS)
def _reload_when_published(database: Database) -> None:
    try:
        published = data.open_database(database.path)
    except DataUnavailable:
        return  # mid-publish or gone: the next check or the Reload button will tell
    if published.identity != database.identity:
        st.rerun(scope="app")


def _sources_line(database: Database) -> str | None:
    """When each watched source (`etl watch`) last delivered, flagging failing or stale ones."""
    if data.run(database, "table_exists", {"table_name": "source_state"}).frame.empty:
        return None
    # to the minute: one cached result per minute, not one per rerun
    now = datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
    health = data.run(database, "source_health", {"now": now}).frame
    parts = []
    for row in health.itertuples(index=False):
        delivered = (
            "never delivered"
            if pd.isna(row.last_delivery_at)
            else f"delivered {row.last_delivery_at:%Y-%m-%d %H:%M} UTC"
        )
        if row.is_failing:
            flag = f" · ⚠ failing ({row.consecutive_failures}×: {row.last_error})"
        elif row.is_stale:
            flag = " · ⚠ stale"
        else:
            flag = ""
        parts.append(f"**{row.source}** {delivered}{flag}")
    return "Sources: " + "; ".join(parts) if parts else None


def options(database: Database, user: auth.User | None) -> Options:
    """What the sidebar offers, from the data; the views, from the user's role."""
    offered = build_options(
        data.run(database, *requests.filter_options()).frame,
        data.run(database, *requests.status()).frame,
        data.run(database, *requests.busiest_pair()).frame,
    )
    return replace(offered, views=state.ADMIN_VIEWS) if user and user.is_admin else offered


def build_options(values: pd.DataFrame, status: pd.DataFrame, busiest: pd.DataFrame) -> Options:
    """Options from the rows of filter_options, dashboard_status and busiest_pair."""
    status = status.iloc[0]
    return Options(
        first_day=_day(status["first_day"]),
        last_day=_day(status["last_day"]),
        countries=_labels(values, "country"),
        languages=tuple(_labels(values, "lang")),
        sources=tuple(_labels(values, "source")),
        busiest_pair=None
        if busiest.empty
        else (busiest["country_a"].iloc[0], busiest["country_b"].iloc[0]),
        has_stories=bool(status["has_stories"]),
    )


@st.fragment
def view(database: Database, filters: Filters, options: Options, messages: list[str]) -> None:
    """The view switcher and the chosen view, as a fragment: switching views reruns only
    this, not the freshness line and the sidebar, which every browser session re-rendered on
    each switch for nothing (about 0.1 CPU s of Chromium's a switch: bench/load_dashboard.py,
    refs #19). A newly published database reruns the whole page, as any interaction did."""
    if _republished(database):
        st.rerun(scope="app")
    shown, page_run = controls.view_control(filters, options.views)
    search_or_stop(database, shown)
    origin_mix(database, shown)
    if page_run:
        # a link's refused values are said once, as the page's run found them
        notices(messages)
    VIEWS[shown.view](database, shown, options)


def _republished(database: Database) -> bool:
    try:
        return data.open_database(database.path).identity != database.identity
    except DataUnavailable:
        return True


def search_or_stop(database: Database, filters: Filters) -> None:
    """Check the search's syntax before any view runs it: a notice and a stop, never a
    traceback (refs #18)."""
    if not filters.q:
        return
    try:
        data.check_search(database, filters.q)
    except SearchError as err:
        st.warning(f"Search {filters.q!r}: {err}. Change the search in the sidebar.")
        st.stop()


def notices(messages: list[str]) -> None:
    for message in messages:
        st.warning(message, icon=":material/link_off:")


def _labels(values: pd.DataFrame, dimension: str) -> dict[str, str]:
    rows = values[values["dimension"] == dimension]
    return dict(zip(rows["value"], rows["label"], strict=True))


def _day(value: object) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()
