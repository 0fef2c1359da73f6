"""The sidebar filters and the view switcher, kept in step with the URL's query string.

On a session's first run the query string decides; afterwards the widgets do, unless the
URL is no longer the one this module wrote: then the browser went Back or Forward, and the
URL decides again. Only values
someone chose (in the URL or a widget) are kept as choices: the rest follow the data, so
when a new database is published the default date range grows with it. Every run
validates the choices against the data (`state.from_query`), seeds the widgets from the
result and writes the whole state back to the URL, so a copied link reopens the view.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import streamlit as st

from board import measures, settings, state
from board.languages import language_label
from board.state import Filters, Options

CHOSEN = "_chosen"
"""Session key: the query-string form of the values someone chose."""
SEEDED = "_seeded"
"""Session key: the widget values this module set on the previous run."""
WRITTEN = "_written"
"""Session key: the query string this module wrote on the previous run."""
PAGE_RUN = "_page_run"
"""Session key: set by a run of the whole page, taken by the view's fragment in that run."""

VIEW_LABELS = {
    "overview": "Overview",
    "pair": "Pair",
    "matrix": "Matrix",
    "network": "Network",
    "map": "Map",
    "articles": "Articles",
    "watchlists": "Watchlists",
    "alerts": "Alerts",
    "audit": "Audit",
}
UNIT_LABELS = {unit: counted.capitalize() for unit, counted in measures.COUNTED.items()}
WINDOW_LABELS = {"article": "Same article", "sentence": "Same sentence"}
MEASURE_LABELS = {name: measure.label for name, measure in measures.BY_NAME.items()}
BUCKET_LABELS = {"day": "Day", "week": "Week", "month": "Month"}
ORIGIN_LABELS = {"all": "All", "text": "Text sources", "gdelt": "GDELT"}

VIEW_STATE = "page"
"""`persist_state` of the controls a view draws itself (inside the view's fragment)."""

_EARLIEST = date(settings.EARLIEST_DATE_YEAR, 1, 1)
_LATEST = date(settings.LATEST_DATE_YEAR, 12, 31)


def filters(options: Options) -> tuple[Filters, list[str]]:
    """Render the sidebar; the state it and the URL show, and any notices. The view switcher
    is drawn by `view_control`, inside the view's fragment."""
    chosen, refused = _chosen()
    current, notices = state.from_query(chosen, options)
    notices = refused + notices
    canonical = state.to_query(current)
    st.session_state[CHOSEN] = {key: canonical[key] for key in chosen if key in canonical}
    seeded = _widget_values(current)
    for key, value in seeded.items():
        # a widget set again to the value it holds is sent with `set_value`, which every
        # browser session re-applies: ~0.1 CPU s of Chromium's a filter change (refs #19)
        if key not in st.session_state or st.session_state[key] != value:
            st.session_state[key] = value
    st.session_state[SEEDED] = seeded
    _sidebar(options)
    if dict(st.query_params) != canonical:
        # Streamlit pushes a browser history entry for each change, so Back returns here
        st.query_params.from_dict(canonical)
    st.session_state[WRITTEN] = canonical
    st.session_state[PAGE_RUN] = True
    return current, notices


def drop_from_url(name: str) -> None:
    """Remove a value from the URL after the filters were written (a page past the end)."""
    st.query_params.pop(name, None)
    written = st.session_state.get(WRITTEN)
    if written is not None:
        written.pop(name, None)


def _chosen() -> tuple[dict[str, str], list[str]]:
    """The query-string values chosen so far, updated with any widget the user changed, and
    a notice for a change that was refused."""
    url = {key: st.query_params.get(key) for key in st.query_params}
    # a URL this module did not write: the session's first run, or browser Back/Forward
    # (which used to be overwritten by the widgets, so Back stayed on the pair, refs #11)
    if CHOSEN not in st.session_state or url != st.session_state.get(WRITTEN, url):
        return url, []
    chosen = dict(st.session_state[CHOSEN])
    seeded = st.session_state.get(SEEDED, {})
    changed = {
        key
        for key, value in seeded.items()
        if key in st.session_state and st.session_state[key] != value
    }
    widgets = {key: st.session_state.get(key, seeded.get(key)) for key in seeded}
    refused = _dates_crossed(widgets, changed)
    for url in state.FIELDS.values():
        if url.name not in refused and changed & set(url.keys):
            chosen[url.name] = url.query_text(widgets)
    return chosen, [refused[name] for name in refused]


def _dates_crossed(widgets: dict[str, Any], changed: set[str]) -> dict[str, str]:
    """A date moved past the other one is refused (and said so), keeping the other date:
    resetting both silently lost the user's other choice (refs #11)."""
    start, end = widgets.get("start"), widgets.get("end")
    if not (isinstance(start, date) and isinstance(end, date)) or start <= end:
        return {}
    moved = "end" if "end" in changed else "start"
    if moved == "end":
        message = f"“To” {end} is before “From” {start}: “To” is left as it was."
    else:
        message = f"“From” {start} is after “To” {end}: “From” is left as it was."
    return {moved: message}


def _widget_values(filters: Filters) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attr, url in state.FIELDS.items():
        values.update(url.widget_values(getattr(filters, attr)))
    return values


def _sidebar(options: Options) -> None:
    countries = list(options.countries)

    def country_label(code: str) -> str:
        return options.countries.get(code, code)

    with st.sidebar:
        st.header("Filters")
        st.text_input(
            "Search",
            key="q",
            placeholder='troops OR pasukan, "Korea Utara", sanction*',
            help='Words, "exact phrases", AND / OR / NOT (or -word), prefix*, parentheses; '
            "any case and accents. Every view counts only the matching articles.",
        )
        for key, label in (("start", "From"), ("end", "To")):
            st.date_input(
                label, key=key, min_value=_EARLIEST, max_value=_LATEST, format="YYYY-MM-DD"
            )
        st.multiselect(
            "Countries",
            countries,
            key="countries",
            format_func=country_label,
            placeholder="All countries",
            help="Pairs, networks and articles involving any of these countries.",
        )
        st.selectbox("Focus pair", countries, key="pair_a", format_func=country_label)
        st.selectbox(
            "with", countries, key="pair_b", format_func=country_label, label_visibility="collapsed"
        )
        _comparisons()
        st.selectbox(
            "Language",
            ["", *options.languages],
            key="lang",
            format_func=lambda v: language_label(v) if v else "All languages",
        )
        st.selectbox(
            "Source", ["", *options.sources], key="source", format_func=lambda v: v or "All sources"
        )
        _segments(
            "Origin",
            "origin",
            state.ORIGINS,
            ORIGIN_LABELS,
            help="Text sources (tone from their text) or GDELT GKG rows (tone from their "
            "title, no sentences), or both: hold the source mix fixed to compare periods.",
        )
        _segments(
            "Co-occurrence window",
            "window",
            state.WINDOWS,
            WINDOW_LABELS,
            help="Both countries in the same article, or in the same sentence.",
        )
        _segments(
            "Count",
            "unit",
            state.UNITS,
            UNIT_LABELS,
            help="Articles, or stories: the copies of one report (wire copies, rewrites, "
            "translations) counted once.",
        )
        _segments(
            "Measure",
            "measure",
            state.MEASURES,
            MEASURE_LABELS,
            help="Articles naming both countries of a pair: as counts, per 1,000 of all "
            "articles, per 100 of the articles naming either country, or as an index over "
            "time (the mean of the first complete buckets = 100).",
        )
        _segments("Time bucket", "bucket", state.BUCKETS, BUCKET_LABELS)
        # the segments above have set the unit by now, so the minimum names what it counts
        counted = measures.COUNTED.get(st.session_state.get("unit"), "articles")
        st.number_input(
            f"Minimum {counted} per pair", key="min", min_value=1, max_value=state.MAX_MIN_ARTICLES
        )


def _comparisons() -> None:
    """The pairs and the second period the pair view draws beside the focus pair."""
    st.text_input(
        "Compare with pairs",
        key="compare",
        placeholder="CHN-PHL, PRK-USA",
        help=f"Up to {state.MAX_COMPARED} pairs (ISO-3 codes) drawn with the focus pair in the "
        "pair view, on one shared axis.",
    )
    columns = st.columns(2)
    for column, key, label in (
        (columns[0], "compare_start", "Also from"),
        (columns[1], "compare_end", "to"),
    ):
        column.date_input(
            label,
            key=key,
            min_value=_EARLIEST,
            max_value=_LATEST,
            format="YYYY-MM-DD",
            help="A second period of the focus pair, drawn beside the main one by days since "
            "each period's start (the end defaults to the main period's length).",
        )


def view_control(current: Filters, views: tuple[str, ...]) -> tuple[Filters, bool]:
    """The view switcher, drawn inside the view's fragment (board/page.py), and whether the
    whole page ran (False: only the fragment). A click on the switcher reruns only the
    fragment, so the new view is written to the URL here. Any other widget changed in the
    fragment (the matrix's cells, the articles' scope or page, a row opening a pair) reruns
    the whole page, which writes it to the URL; those controls keep their value while another
    view shows (`VIEW_STATE`), which a fragment's run would otherwise reset to the default."""
    page_run = st.session_state.pop(PAGE_RUN, False)
    seeded = st.session_state.get(SEEDED, {})
    if not page_run and any(
        key != "view" and key in st.session_state and st.session_state[key] != value
        for key, value in seeded.items()
    ):
        st.rerun(scope="app")
    _segments("View", "view", views, VIEW_LABELS, label_visibility="collapsed")
    view = st.session_state["view"]
    # against the URL, not `current`: the fragment keeps the page run's filters, whose view
    # may be the one switched back to
    if st.session_state.get(WRITTEN, {}).get("view") != view:
        st.query_params["view"] = view
        for key in (WRITTEN, CHOSEN, SEEDED):
            st.session_state[key] = {**st.session_state.get(key, {}), "view": view}
    return replace(current, view=view), page_run


def _segments(
    label: str, key: str, values: tuple[str, ...], labels: dict[str, str], **shown: Any
) -> None:
    """One of a field's fixed values, as labelled segments (one is always chosen)."""
    st.segmented_control(label, values, key=key, required=True, format_func=labels.get, **shown)
