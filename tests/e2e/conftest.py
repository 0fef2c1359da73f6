"""A real `streamlit run serve.py` server (the dashboard and its streamed CSV route) and
headless Chromium, shared by browser tests.

The server reads a copy of `sample_db` (the real ETL over tests/fixtures/) through
TENSION_DB, on a free port of 127.0.0.1. Chromium is Debian's /usr/bin/chromium driven by
Playwright; without it the browser tests are skipped, unless REQUIRE_BROWSER=1 (CI), where
a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_SECONDS = 60


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def served_db(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database the server reads: a copy, so tests may publish over it."""
    path = tmp_path_factory.mktemp("served") / "tension.duckdb"
    shutil.copyfile(sample_db, path)
    return path


@pytest.fixture(scope="session")
def server(served_db: Path, chromium_path: Path) -> Iterator[str]:
    """Base URL of a dashboard server started for the session, stopped at its end."""
    with serve(served_db) as url:
        yield url


@contextmanager
def serve(db: Path, *options: str, port: int | None = None) -> Iterator[str]:
    """`streamlit run serve.py` over db with these extra command-line options, on port (a
    free one by default) of 127.0.0.1: its base URL until the block ends."""
    port = port or free_port()
    env = {**os.environ, "TENSION_DB": str(db)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO / "serve.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *options,
    ]
    log = (db.parent / f"streamlit-{port}.log").open("w")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where views are photographed for a person to look at (not committed)."""
    folder = Path(os.environ.get("TENSION_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen) -> None:
    """Until the dashboard's health check answers at url (directly or through a proxy)."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered on {url} within {SERVER_START_SECONDS} s")
