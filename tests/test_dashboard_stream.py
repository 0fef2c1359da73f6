"""The streamed CSV route (board/stream.py): every matching row, chunk by chunk, the same
bytes as the in-memory download."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from starlette.requests import ClientDisconnect, Request

import queries
from board import export, stream
from board.auth import User
from board.page import build_options
from board.state import from_query
from board.views import LISTINGS
from monitor.store import Store
from monitor.team import Requester
from tests.test_dashboard import DASHBOARD, main_module_restored  # noqa: F401 (autouse)
from tests.tiny_db import build_tiny_db

ANA = "ana@team.example"


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More articles than one DuckDB vector (2,048 rows), so the download has several chunks."""
    from bench.gen_synthetic import generate

    path = tmp_path_factory.mktemp("stream") / "synthetic.duckdb"
    with duckdb.connect(str(path)) as con:
        generate(con, 5_000, seed=11)
        con.execute("checkpoint")
    return path


def download(
    table: str,
    query: str,
    user: User | None = None,
    fail_at: int | None = None,
    spec: str = "2.4",
) -> tuple[int, dict[str, str], list[bytes]]:
    """GET the route as a server would serve it: the status, headers and body chunks the
    client received. `user` is whom the sign-in check let in; `fail_at` the number of the
    body chunk the client does not wait for: under ASGI 2.4 its send fails (an OSError),
    under 2.3 (uvicorn's) the server hears of the disconnect as soon as the chunk before
    went out."""
    scope = {
        "type": "http",
        "asgi": {"spec_version": spec},
        "method": "GET",
        "path": f"/export/{table}.csv",
        "path_params": {"table": table},
        "query_string": query.encode(),
        "headers": [],
        "state": {"user": user},
    }
    response = stream.csv_response(Request(scope))
    chunks: list[bytes] = []

    async def serve() -> None:
        gone = asyncio.Event()

        async def send(message: dict) -> None:
            if message["type"] == "http.response.body" and message["body"]:
                if len(chunks) == fail_at:
                    raise OSError("the client went away")
                chunks.append(message["body"])
                if len(chunks) == fail_at:
                    gone.set()

        async def receive() -> dict:
            await gone.wait()
            return {"type": "http.disconnect"}

        with contextlib.suppress(ClientDisconnect):
            await response(scope, receive, send)

    # in a thread of its own: the browser tests' Playwright keeps an event loop running in
    # this one
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, serve()).result()
    return response.status_code, dict(response.headers), chunks


def in_memory(path: Path, table: str, query: dict[str, str]) -> bytes:
    """What the download button builds when clicked (board/panel.py), for comparison."""
    with duckdb.connect(str(path), read_only=True) as con:
        options = build_options(
            queries.run("filter_options", con),
            queries.run("dashboard_status", con),
            queries.run("busiest_pair", con),
        )
        listing = LISTINGS[table](from_query(query, options)[0])
        name, params = listing.request
        return export.to_csv(listing.shape(queries.run(name, con, **params)))


def test_every_article_streams_in_chunks_with_the_bytes_of_the_in_memory_csv(
    many_articles, monkeypatch
):
    monkeypatch.setenv("TENSION_DB", str(many_articles))
    monkeypatch.setattr(stream, "CHUNK_VECTORS", 1)
    status, headers, chunks = download("articles", "view=articles&scope=all&unit=article")
    assert status == 200
    assert headers["content-disposition"].startswith('attachment; filename="tension-articles-')
    assert len(chunks) == 3  # 5,000 rows in batches of one DuckDB vector: 2,048, 2,048, 904
    body = b"".join(chunks)
    assert len(list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))) == 5_000
    assert body == in_memory(
        many_articles, "articles", {"view": "articles", "scope": "all", "unit": "article"}
    )


@pytest.mark.parametrize(
    "table,query",
    [
        ("top-pairs", "view=overview&window=sentence"),
        ("edges", "view=network&countries=PRK"),
        ("third-countries", "view=pair&pair=PRK-RUS"),
        ("articles", "view=articles&pair=PRK-RUS"),
    ],
)
def test_each_table_streams_what_the_button_would_build(tmp_path, monkeypatch, table, query):
    tiny = build_tiny_db(tmp_path / "tiny.duckdb")
    monkeypatch.setenv("TENSION_DB", str(tiny))
    status, _, chunks = download(table, query)
    expected = in_memory(tiny, table, dict(pair.split("=") for pair in query.split("&")))
    assert status == 200 and b"".join(chunks) == expected


def test_an_unknown_table_or_a_missing_database_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(tmp_path / "nowhere.duckdb"))
    status, _, chunks = download("secrets", "")
    assert status == 404 and b"one of top-pairs, articles" in b"".join(chunks)
    status, _, chunks = download("articles", "")
    assert status == 503 and b"No database at" in b"".join(chunks)


def test_served_by_serve_py_the_button_links_to_the_stream(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TENSION_DB", str(build_tiny_db(tmp_path / "tiny.duckdb")))
    monkeypatch.setenv("TENSION_STREAMED_CSV", "1")
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params.update({"view": "overview", "countries": "PRK"})
    at.run()
    (link,) = at.get("link_button")
    assert link.proto.label == "Download CSV"
    assert link.proto.url.startswith("export/top-pairs.csv?view=overview&")
    assert "countries=PRK" in link.proto.url


def test_the_articles_csv_carries_gdelt_tone_apart_from_the_article_tone(tmp_path, monkeypatch):
    tiny = build_tiny_db(tmp_path / "tiny.duckdb")
    monkeypatch.setenv("TENSION_DB", str(tiny))
    _, _, chunks = download("articles", "view=articles&pair=PRK-RUS")
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    by_origin = {row["origin"]: row for row in rows}
    assert (by_origin["gkg"]["tone"], by_origin["gkg"]["gdelt_tone"]) == ("-4.0", "-6.25")
    assert by_origin["file"]["gdelt_tone"] == ""


def test_a_signed_in_download_is_audited_with_the_rows_it_sent(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(build_tiny_db(tmp_path / "tiny.duckdb")))
    monkeypatch.setenv("TENSION_STORE", str(tmp_path / "store.sqlite"))
    query = "view=articles&pair=PRK-RUS"
    status, headers, chunks = download("articles", query, User(ANA, "Ana", is_admin=False))
    assert status == 200
    # the tiny database's PRK-RUS articles: a1, a2, a3, a4 and a8
    assert len(list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))) == 5
    [row] = Store(tmp_path / "store.sqlite").audit_trail(Requester(ANA, is_admin=True))
    name = headers["content-disposition"].split('"')[1]
    assert (row["user_email"], row["action"], row["view_name"], row["target"]) == (
        ANA, "download", "articles", name,
    )  # fmt: skip
    assert (row["count_rows"], row["is_complete"]) == (5, 1)
    assert row["filters"].startswith("view=articles&") and "pair=PRK-RUS" in row["filters"]


@pytest.mark.parametrize("spec", ["2.4", "2.3"])
def test_a_download_the_client_left_is_audited_with_the_rows_sent_before(
    many_articles, tmp_path, monkeypatch, spec
):
    monkeypatch.setenv("TENSION_DB", str(many_articles))
    monkeypatch.setenv("TENSION_STORE", str(tmp_path / "store.sqlite"))
    monkeypatch.setattr(stream, "CHUNK_VECTORS", 1)
    user = User(ANA, "Ana", is_admin=False)
    _, _, chunks = download("articles", "view=articles&scope=all", user, 1, spec)
    # one DuckDB vector of 2,048 rows reached the client; the second chunk's send failed
    assert len(chunks) == 1
    assert len(list(csv.DictReader(io.StringIO(chunks[0].decode("utf-8-sig"))))) == 2_048
    [row] = Store(tmp_path / "store.sqlite").audit_trail(Requester(ANA, is_admin=True))
    assert (row["count_rows"], row["is_complete"]) == (2_048, 0)


def test_without_sign_in_a_download_is_not_audited(tmp_path, monkeypatch):
    monkeypatch.setenv("TENSION_DB", str(build_tiny_db(tmp_path / "tiny.duckdb")))
    monkeypatch.setenv("TENSION_STORE", str(tmp_path / "store.sqlite"))
    status, _, _ = download("articles", "view=articles&pair=PRK-RUS")
    assert status == 200
    assert Store(tmp_path / "store.sqlite").audit_trail(Requester(ANA, is_admin=True)) == []
