"""The sidebar's "Watch this": save the current filters as a watchlist the watcher checks
(refs #17). Watchlists go to the small writable store beside the published database
(monitor/store.py), never into the published file, which the dashboard only reads."""

from __future__ import annotations

import streamlit as st

from board import audit
from board.audit import store
from board.state import Filters
from monitor.spikes import SENSITIVITY
from monitor.store import Watchlist, WatchlistError
from monitor.team import Requester, WatchlistAccessError

SENSITIVITY_LABELS = {"low": "Low (fewer alerts)", "normal": "Normal", "high": "High (more alerts)"}
NOTIFY_HELP = (
    "apprise URLs, one per line (mailto://, slack://, json://, ...). Write a secret as {NAME} "
    "and set NAME in the watcher's environment or secrets file: it is never stored here."
)
SHARED_LABEL = "Shared with the team"
SHARED_HELP = (
    "Everyone signed in sees a shared watchlist; only you and the admins can change it. "
    "Unshared, it is yours alone."
)


def watched(filters: Filters) -> Watchlist:
    """What the current filters watch: the selected countries, else the focus pair."""
    countries = tuple(filters.countries)
    pairs = () if countries or filters.pair is None else ("-".join(filters.pair),)
    name = " – ".join(pairs[0].split("-")) if pairs else ", ".join(countries)
    return Watchlist(name, pairs, countries, filters.lang, filters.source)


def watch_this(filters: Filters) -> None:
    """The button and its form, at the foot of the sidebar."""
    proposal = watched(filters)
    who = audit.requester(filters)
    popover = st.sidebar.popover("Watch this", icon=":material/notifications:", width="stretch")
    with popover, st.form("watch_this_form", border=False):
        st.caption(_described(proposal))
        name = st.text_input("Name", value=proposal.name, key="watch_name")
        sensitivity = st.selectbox(
            "Sensitivity", list(SENSITIVITY), index=1, key="watch_sensitivity",
            format_func=SENSITIVITY_LABELS.get,
        )  # fmt: skip
        notify = st.text_area("Notify", key="watch_notify", help=NOTIFY_HELP)
        # without sign-in every watchlist is the team's already
        shared = who is not None and st.checkbox(SHARED_LABEL, key="watch_shared", help=SHARED_HELP)
        if st.form_submit_button("Save watchlist", key="watch_save"):
            save(proposal, name, sensitivity, notify, shared, who)


def save(
    proposal: Watchlist,
    name: str,
    sensitivity: str,
    notify: str,
    shared: bool,
    who: Requester | None,
) -> None:
    urls = tuple(line.strip() for line in notify.splitlines() if line.strip())
    try:
        saved = store().save_watchlist(
            Watchlist(name, proposal.pairs, proposal.countries, proposal.lang,
                      proposal.source, (), sensitivity, urls, is_shared=shared),
            who,
        )  # fmt: skip
    except (WatchlistError, WatchlistAccessError) as err:
        st.error(str(err), icon=":material/error:")
        return
    st.success(f"Saved watchlist {saved.name!r}; the watcher checks it after its next cycle.")


def _described(watchlist: Watchlist) -> str:
    what = ", ".join(watchlist.pairs) or "every pair naming " + ", ".join(watchlist.countries)
    filters = [f for f in (watchlist.lang, watchlist.source) if f]
    return f"Watch {what}" + (f" ({', '.join(filters)})" if filters else "") + "."
