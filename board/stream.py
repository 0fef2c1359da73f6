"""Streamed CSV downloads of every row a table matches, at `export/<table>.csv?<filters>`.

`serve.py` mounts `csv_response` next to the dashboard. The query string is the dashboard's
own (validated by `state.from_query`, as for the page), the table names a listing in
`board.views.LISTINGS`, and the rows go out in chunks as DuckDB produces them, so a CSV of
any size passes through a few thousand rows of memory (refs #11).

With sign-in, each download is recorded in the audit trail when its stream ends, with the
rows actually sent: also when the client leaves early (refs #19).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Generator, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.types import Send

import queries
from board import audit, data, export, requests, search, settings, state
from board.listing import Listing
from board.page import build_options
from board.views import LISTINGS
from monitor.team import Requester

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
    who = audit.requester_of(getattr(request.state, "user", None), filters)
    return AuditedStream(
        _chunks(con, listing),
        partial(_ended, con, who, name),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class AuditedStream(StreamingResponse):
    """A streamed CSV that counts the rows it hands to the server and, however the stream
    ends, closes its chunk generator and calls `on_end(rows sent, whether all were)`.

    Starlette's own loop stops when the client goes (a failed send, or a disconnect that
    cancels the task) and leaves the generator to the garbage collector, so whatever it
    holds would be released at some later time, or never; and it cannot say how many rows
    went out. A chunk's rows count once `send` returned for it.
    """

    def __init__(
        self,
        chunks: Generator[tuple[bytes, int]],
        on_end: Callable[[int, bool], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(chunks, **kwargs)
        self.chunks = chunks
        self.on_end = on_end

    async def stream_response(self, send: Send) -> None:
        sent, is_complete = 0, False
        start = {"type": "http.response.start", "status": self.status_code}
        try:
            await send({**start, "headers": self.raw_headers})
            async for chunk, rows in self.body_iterator:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                sent += rows
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            is_complete = True
        finally:
            # a chunk being made in a worker thread has finished by now: a cancelled
            # thread call waits for it, so the generator is suspended, never running here
            self.chunks.close()
            self.on_end(sent, is_complete)


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


def _chunks(con: duckdb.DuckDBPyConnection, listing: Listing) -> Generator[tuple[bytes, int]]:
    """The listing's CSV (its query started on `con`), one chunk per batch of rows, each with
    its number of rows."""
    for number, frame in enumerate(_frames(con)):
        shaped = listing.shape(frame)
        yield export.csv_chunk(shaped, first=number == 0), len(shaped)


def _ended(
    con: duckdb.DuckDBPyConnection,
    who: Requester | None,
    file_name: str,
    sent: int,
    is_complete: bool,
) -> None:
    """A download's end: the connection closed, and the audit row written (with sign-in)."""
    con.close()
    audit.record_download(who, file_name, sent, is_complete)


def _frames(con: duckdb.DuckDBPyConnection) -> Iterator[pd.DataFrame]:
    """The pending result in batches; the first even when empty, for the header."""
    frame = con.fetch_df_chunk(CHUNK_VECTORS)
    yield frame
    while not frame.empty:
        frame = con.fetch_df_chunk(CHUNK_VECTORS)
        if not frame.empty:
            yield frame
