"""Watchlists: every watchlist saved from the dashboard that this user may see, to edit or
delete (refs #17), and beside them those of the monitor config (`[[watch]]`, at
$TENSION_MONITOR_CONFIG), read-only: they live in that file and are edited there. With
sign-in, a user sees their own, the shared ones and the team's, and changes what
monitor/team.py lets them (refs #19); the store enforces it, this page only follows it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from board import audit, settings, watch
from board.data import Database
from board.state import Filters, Options
from monitor.spikes import SENSITIVITY
from monitor.store import Watchlist, WatchlistError, channel_label
from monitor.team import Requester, WatchlistAccessError
from monitor.watchlists import config_watchlists

DASHBOARD = "dashboard"
"""Where a watchlist saved with Watch this is kept, as the table says."""


def render(database: Database, filters: Filters, options: Options) -> None:
    st.subheader("Watchlists")
    who = audit.requester(filters)
    saved = watch.store().visible_watchlists(who)
    configured, where = _configured()
    if not saved and not configured:
        st.info(
            "No watchlist yet: choose a pair or countries and press **Watch this** in the "
            "sidebar. Watchlists of the monitor config ([[watch]]) are edited in that file; "
            f"set {settings.MONITOR_CONFIG_ENV} to list them here.",
            icon=":material/info:",
        )
        return
    st.dataframe(_table(saved, configured, where, who), hide_index=True, key="watchlists_table")
    if configured:
        st.caption(f"Watchlists from config {where} are read-only: edit them in that file.")
    if not saved:
        return
    # a name is one owner's (the store refuses a second), so it picks the watchlist
    by_name = {w.name: w for w in saved}
    chosen = st.selectbox(
        "Edit", list(by_name), key="watchlist_chosen",
        format_func=lambda name: _label(by_name[name], who),
    )  # fmt: skip
    current = by_name[chosen]
    if who is not None and not who.may_change(current):
        st.caption(
            f"Shared by {current.owner}: only its owner or an admin can change it."
            if current.owner
            else "The team's watchlist (saved before sign-in): only an admin can change it."
        )
        return
    _edit(current, options, who)


def _label(watchlist: Watchlist, who: Requester | None) -> str:
    if who is None or watchlist.owner == who.email:
        return watchlist.name
    return f"{watchlist.name} ({watchlist.owner or 'the team'})"


def _configured() -> tuple[list[Watchlist], str]:
    """The monitor config's watchlists and its path; none (with a warning saying what to
    fix) when it cannot be read, so the dashboard's own stay usable."""
    path = settings.monitor_config_path()
    if path is None:
        return [], ""
    try:
        return list(config_watchlists(path)), str(path)
    except OSError as err:
        problem = f"{path}: cannot read ({err.strerror}); check {settings.MONITOR_CONFIG_ENV}"
    except ValueError as err:
        problem = str(err)
    st.warning(
        f"The monitor config's watchlists are not shown: {problem}", icon=":material/warning:"
    )
    return [], str(path)


def _table(
    saved: list[Watchlist], configured: list[Watchlist], where: str, who: Requester | None
) -> pd.DataFrame:
    listed = saved + configured
    table = pd.DataFrame(
        {
            "Name": [w.name for w in listed],
            "Saved in": [DASHBOARD] * len(saved) + [f"from config {where}"] * len(configured),
            "Pairs": [", ".join(w.pairs) for w in listed],
            "Countries": [", ".join(w.countries) for w in listed],
            "Language": [w.lang or "" for w in listed],
            "Source": [w.source or "" for w in listed],
            "Keywords": [", ".join(w.keywords) for w in listed],
            "Sensitivity": [w.sensitivity for w in listed],
            # scheme and host only: a URL's user, password, path or query can hold a token
            "Channels": [", ".join(channel_label(c) for c in w.notify) for w in listed],
        }
    )
    if who is not None:
        # a config watchlist is the team's, like one saved before sign-in
        table["Owner"] = [w.owner or "the team" for w in listed]
        table["Shared"] = [w.is_shared for w in saved] + [True] * len(configured)
    return table


def _edit(current: Watchlist, options: Options, who: Requester | None) -> None:
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
        shared = current.is_shared
        # sharing is the owner's decision, not an admin's
        if who is not None and who.email == current.owner:
            shared = st.checkbox(watch.SHARED_LABEL, current.is_shared, key="edit_shared",
                                 help=watch.SHARED_HELP)  # fmt: skip
        if st.form_submit_button("Save changes", key="edit_save"):
            changed = Watchlist(
                current.name, _split(pairs), tuple(countries), current.lang, current.source,
                _split(keywords), sensitivity, tuple(_lines(notify)), current.owner, shared,
            )  # fmt: skip
            try:
                watch.store().update_watchlist(changed, who)
            except (WatchlistError, WatchlistAccessError) as err:
                st.error(str(err), icon=":material/error:")
            else:
                st.success(f"Saved {current.name!r}.")
    if st.button(f"Delete {current.name!r}", key="edit_delete", icon=":material/delete:"):
        try:
            watch.store().delete_watchlist(current.name, current.owner, who)
        except WatchlistAccessError as err:
            st.error(str(err), icon=":material/error:")
        else:
            st.rerun()


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
