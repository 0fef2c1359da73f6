"""deploy/Caddyfile in front of the real server (refs #19): the page, which lives on the
WebSocket at /_stcore/stream, and a streamed CSV both come through the proxy.

The committed file runs unchanged, over plain http on a spare port of 127.0.0.1 (its site
address and upstream are environment variables). Needs Debian's caddy; skipped without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from tests.e2e.browser import settle
from tests.e2e.conftest import REPO, free_port, wait_for_health

pytestmark = pytest.mark.browser

CADDYFILE = REPO / "deploy" / "Caddyfile"


@pytest.fixture(scope="module")
def proxy(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of Caddy running deploy/Caddyfile in front of the session's server."""
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is missing (apt-get install caddy)")
    home = tmp_path_factory.mktemp("caddy")
    url = f"http://127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "TENSION_SITE": url,
        "TENSION_UPSTREAM": server.removeprefix("http://"),
        "TENSION_CADDY_ADMIN": f"127.0.0.1:{free_port()}",
    }
    command = [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"]
    log = (home / "caddy.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_health(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_the_page_and_a_streamed_csv_come_through_the_proxy(page, proxy):
    page.goto(f"{proxy}/?view=pair&pair=PRK-RUS&start=2024-01-01&end=2024-12-31&bucket=month")
    settle(page)
    # drawn from what the WebSocket delivered: the forwarding works
    page.get_by_role("heading", name="North Korea – Russia").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()

    response = page.context.request.get(f"{proxy}/export/articles.csv?view=articles&scope=all")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "title" in response.text().splitlines()[0]
    # the proxy's headers are on: Caddy answered, not the dashboard directly
    assert response.headers["x-content-type-options"] == "nosniff"
