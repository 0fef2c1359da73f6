"""Watchlists: every watchlist saved from the dashboard, to edit or delete (refs #17).
Those of the monitor config (`[[watch]]`) live in that file and are edited there."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from board import watch
from board.data import Database
from board.state import Filters, Options
from monitor.spikes import SENSITIVITY
from monitor.store import Watchlist, WatchlistError, channel_label


def render(database: Database, filters: Filters, options: Options) -> None:
    st.subheader("Watchlists")
    saved = watch.store().watchlists()
    if not saved:
        st.info(
            "No watchlist yet: choose a pair or countries and press **Watch this** in the "
            "sidebar. Watchlists of the monitor config ([[watch]]) are edited in that file.",
            icon=":material/info:",
        )
        return
    st.dataframe(_table(saved), hide_index=True, key="watchlists_table")
    chosen = st.selectbox("Edit", [w.name for w in saved], key="watchlist_chosen")
    _edit(next(w for w in saved if w.name == chosen), options)


def _table(saved: list[Watchlist]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Name": [w.name for w in saved],
            "Pairs": [", ".join(w.pairs) for w in saved],
            "Countries": [", ".join(w.countries) for w in saved],
            "Language": [w.lang or "" for w in saved],
            "Source": [w.source or "" for w in saved],
            "Keywords": [", ".join(w.keywords) for w in saved],
            "Sensitivity": [w.sensitivity for w in saved],
            # scheme and host only: a URL's path or query can hold a token
            "Channels": [", ".join(channel_label(c) for c in w.notify) for w in saved],
        }
    )


def _edit(current: Watchlist, options: Options) -> None:
    with st.form("watchlist_edit_form"):
        pairs = st.text_input("Pairs", ", ".join(current.pairs), key="edit_pairs",
                              help="ISO-3 pairs like PRK-RUS, separated by commas")  # fmt: skip
        countries = st.multiselect(
            "Countries", sorted({*options.countries, *current.countries}),
            default=list(current.countries), key="edit_countries",
        )  # fmt: skip
        keywords = st.text_input("Keywords", ", ".join(current.keywords), key="edit_keywords")
        sensitivity = st.selectbox(
            "Sensitivity", list(SENSITIVITY), index=list(SENSITIVITY).index(current.sensitivity),
            key="edit_sensitivity", format_func=watch.SENSITIVITY_LABELS.get,
        )  # fmt: skip
        notify = st.text_area("Notify", "\n".join(current.notify), key="edit_notify",
                              help=watch.NOTIFY_HELP)  # fmt: skip
        if st.form_submit_button("Save changes", key="edit_save"):
            changed = Watchlist(
                current.name, _split(pairs), tuple(countries), current.lang, current.source,
                _split(keywords), sensitivity, tuple(_lines(notify)), current.owner,
            )  # fmt: skip
            try:
                watch.store().save_watchlist(changed)
            except WatchlistError as err:
                st.error(str(err), icon=":material/error:")
            else:
                st.success(f"Saved {current.name!r}.")
    if st.button(f"Delete {current.name!r}", key="edit_delete", icon=":material/delete:"):
        watch.store().delete_watchlist(current.name, current.owner)
        st.rerun()


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
