"""Streamed CSV downloads of every row a table matches, at `export/<table>.csv?<filters>`.

`serve.py` mounts `csv_response` next to the dashboard. The query string is the dashboard's
own (validated by `state.from_query`, as for the page), the table names a listing in
`board.views.LISTINGS`, and the rows go out in chunks as DuckDB produces them, so a CSV of
any size passes through a few thousand rows of memory (refs #11).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

import queries
from board import data, export, requests, search, settings, state
from board.listing import Listing
from board.page import build_options
from board.views import LISTINGS

CHUNK_VECTORS = 8
"""DuckDB vectors (2,048 rows each) per chunk: ~16k rows, a few MB of CSV at most."""


def csv_response(request: Request) -> Response:
    """The CSV of every row of the table in the path, for the filters in the query string."""
    table = request.path_params["table"]
    if table not in LISTINGS:
        return PlainTextResponse(
            f"No table {table!r} to download; one of {', '.join(LISTINGS)}.", status_code=404
        )
    try:
        # the page's checks (a file, a Tension Monitor database, a schema it knows) first
        con = connect(data.open_database().path)
    except data.DataUnavailable as err:
        return PlainTextResponse(str(err), status_code=503)
    filters = _filters(con, dict(request.query_params))
    listing = LISTINGS[table](filters)
    try:
        # the scope is set up (and a bad search refused) before the response starts
        search.start(*listing.request, con)
    except search.SearchError as err:
        con.close()
        return PlainTextResponse(f"Search {filters.q!r}: {err}", status_code=400)
    name = export.file_name(filters.view, filters, listing.part)
    return StreamingResponse(
        _chunks(con, listing),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection of its own for one download, its memory capped: DuckDB sorts the rows
    before the first one goes out, and spills that sort to disk rather than grow."""
    return data.connect_read_only(
        str(path),
        memory_limit=settings.EXPORT_MEMORY_LIMIT,
        spill_to=Path(tempfile.gettempdir()) / settings.EXPORT_SPILL_DIR,
    )


def _filters(con: duckdb.DuckDBPyConnection, query: dict[str, str]) -> state.Filters:
    """The filters of the query string, validated against the data as the page does."""
    option_requests = (requests.filter_options(), requests.status(), requests.busiest_pair())
    options = build_options(*(queries.run(name, con, **params) for name, params in option_requests))
    filters, _ = state.from_query(query, options)
    return filters


def _chunks(con: duckdb.DuckDBPyConnection, listing: Listing) -> Iterator[bytes]:
    """The listing's CSV (its query started on `con`), one chunk per batch of rows; closes
    the connection at the end."""
    try:
        yield from export.csv_chunks(listing.shape(frame) for frame in _frames(con))
    finally:
        con.close()


def _frames(con: duckdb.DuckDBPyConnection) -> Iterator[pd.DataFrame]:
    """The pending result in batches; the first even when empty, for the header."""
    frame = con.fetch_df_chunk(CHUNK_VECTORS)
    yield frame
    while not frame.empty:
        frame = con.fetch_df_chunk(CHUNK_VECTORS)
        if not frame.empty:
            yield frame
