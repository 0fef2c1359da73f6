"""Pieces every view shows the same way: the CSV download, the SQL, the empty state."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from functools import partial
from typing import Any, NoReturn

import pandas as pd
import streamlit as st

import queries
from board import audit, export, settings
from board.data import Database, Result, run_uncached
from board.listing import Listing
from board.state import Filters
from monitor.team import Requester

DOWNLOAD_LABEL = "Download CSV"
MISSING = "–"
"""What a table shows for a missing value (no previous period, no web link); Streamlit would
show the word "None" (refs #11). The CSV leaves such a field empty."""


PERCENT = "%.0f%%"
"""A share in a table, in whole percent as the pair view's headline shows it ("65%"); the
table gets the share times 100 (`on_screen`). Streamlit's own "percent" format keeps up to
two decimals and drops trailing zeros, so one column read "96.1%" beside "77.91%"."""

_DECIMALS = re.compile(r"%\+?\.(\d)f")


def percent_column(label: str, **options: Any) -> dict:
    """A NumberColumn showing a 0–1 share as a whole percent."""
    return st.column_config.NumberColumn(label, format=PERCENT, **options)


def on_screen(frame: pd.DataFrame, columns: dict[str, dict]) -> pd.DataFrame:
    """The table's numbers as its `columns` show them, for st.dataframe only (the CSV keeps
    full precision): shares times 100 for `PERCENT`, and every value rounded to its format's
    decimals with the sign of zero dropped, so a tone of -0.0007 reads 0.00, not -0.00."""
    shown = frame.copy()
    for name, config in columns.items():
        number_format = (config.get("type_config") or {}).get("format") or ""
        if name not in shown or not number_format:
            continue
        if number_format == PERCENT:
            shown[name] = (shown[name] * 100).round(0) + 0.0
        elif decimals := _DECIMALS.fullmatch(number_format):
            shown[name] = shown[name].round(int(decimals[1])) + 0.0
    return shown


def empty(message: str) -> NoReturn:
    """Say why there is nothing to show and what to change, then stop the page."""
    st.info(message, icon=":material/info:")
    st.stop()


def what_to_change(filters: Filters, *first: str, countries: bool = True) -> str:
    """The empty state's advice, naming only the filters that are set: 'Widen the dates,
    clear the language, or switch the co-occurrence window to the same article.'

    `first` are the view's own suggestions; `countries` whether the view uses that filter.
    """
    steps = [*first, "widen the dates"]
    chosen = [
        name
        for name, value in (
            ("language", filters.lang),
            ("source", filters.source),
            ("countries", filters.countries if countries else None),
        )
        if value
    ]
    if chosen:
        steps.append("clear the " + ", ".join(chosen))
    # few pairs share a sentence in a small corpus (French in the sample): say where the
    # articles are rather than leave a bare "nothing here" (refs #11)
    if filters.window == "sentence":
        steps.append("switch the co-occurrence window to the same article")
    advice = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + ", or " + steps[-1]
    return advice[0].upper() + advice[1:] + "."


def download_every_row(
    view: str,
    shown: pd.DataFrame,
    filters: Filters,
    *results: Result,
    database: Database,
    every: Listing,
) -> None:
    """`download_and_sql` of a view showing the first rows of `every`, named by its part."""
    download_and_sql(view, every.part, shown, filters, *results, every_row=(database, every))


def download_and_sql(
    view: str,
    part: str,
    shown: pd.DataFrame,
    filters: Filters,
    *results: Result,
    every_row: tuple[Database, Listing] | None = None,
) -> None:
    """A `Download CSV` of `shown`, and the SQL with bound parameters behind it.

    `part` names the table within the view; it also keys the button. When the view shows
    only the first rows (a page, the top 25), `every_row` gives the query for all of them
    (refs #11): served by `serve.py`, the button links to a streamed download of any size
    (board/stream.py); under a plain `streamlit run dashboard.py` the CSV is built in
    memory when clicked.

    With sign-in, each download is recorded in the audit trail (refs #19): by the streamed
    route, by the CSV built when clicked, or by the button's click for the rows shown.
    """
    key = f"download_{view}_{part}"
    if every_row is not None and os.environ.get(settings.STREAMED_CSV_ENV):
        st.link_button(
            DOWNLOAD_LABEL,
            export.url(every_row[1].table, filters),
            key=key,
            icon=":material/download:",
        )
    else:
        audited_download(
            shown if every_row is None else partial(_every_row, *every_row),
            export.file_name(view, filters, part),
            audit.requester(filters),
            key,
        )
    # the SQL is drawn only once the analyst opens it: highlighted, the queries and their
    # macros were thousands of DOM nodes on every rerun of every view, a cost each browser
    # session paid whether or not it looked (bench/load_dashboard.py, refs #19)
    sql = st.expander("SQL", icon=":material/code:", key=sql_key(view, part), on_change="rerun")
    if not sql.open:
        return
    with sql:
        for result in results:
            st.caption(f"queries/{result.name}.sql")
            st.code(result.sql, language="sql")
            st.caption("Bound parameters")
            st.code(_parameters(result.params), language="json")
        if any(queries.uses_macros(result.name) for result in results):
            # the macros the queries above call, so that the SQL shown can be run elsewhere
            st.caption(f"queries/{queries.MACROS}.sql")
            st.code(queries.sql(queries.MACROS), language="sql")


def sql_key(view: str, part: str) -> str:
    """The widget key of a panel's SQL expander: open, it shows the queries."""
    return f"sql_{view}_{part}"


def audited_download(
    rows: pd.DataFrame | Callable[[], pd.DataFrame],
    file_name: str,
    who: Requester | None,
    key: str,
) -> None:
    """A `Download CSV` button of `rows` (or of the frame a callable builds when the button
    is clicked), recorded in the audit trail when `who` is signed in.

    Rows built in advance are recorded by the click (`on_click`, which reruns the page, so
    only with sign-in); rows built on click are recorded as they are built, which also counts
    a request for the file that did not come from a click.
    """
    if callable(rows):
        data = partial(_built_on_click, rows, file_name, who)
        on_click: Any = "ignore"
    else:
        data = export.to_csv(rows)
        on_click = (
            "ignore" if who is None else partial(audit.record_download, who, file_name, len(rows))
        )
    st.download_button(
        DOWNLOAD_LABEL,
        data=data,
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click=on_click,
    )


def _built_on_click(
    build: Callable[[], pd.DataFrame], file_name: str, who: Requester | None
) -> bytes:
    frame = build()
    audit.record_download(who, file_name, len(frame))
    return export.to_csv(frame)


def _every_row(database: Database, listing: Listing) -> pd.DataFrame:
    return listing.shape(run_uncached(database, *listing.request))


def _parameters(params: dict[str, Any]) -> str:
    return json.dumps(params, default=str, indent=2, ensure_ascii=False)
