"""Sign-in through a real OpenID Connect flow (refs #19): the real `streamlit run serve.py`
server with `--secrets.files`, oidc-provider-mock as the identity provider on this machine,
and Chromium going through the provider's sign-in form. Nothing leaves 127.0.0.1/localhost.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from board import auth
from monitor.store import Store, store_path
from monitor.team import Requester
from tests.e2e.browser import settle
from tests.e2e.conftest import free_port, serve

pytestmark = pytest.mark.browser

TEAM = {"allowed_users": ["analyst@example.org", "@team.example"], "admins": ["lead@example.org"]}
EXPORT = "/export/articles.csv?view=articles&scope=all"
DATA_MARKERS = ("Russia", "North Korea", " articles · ")
"""Text the dashboard shows of the sample's data: pair names and the freshness line."""
AUDIT_POLLS = 50
AUDIT_POLL_SECONDS = 0.1


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """Base URL of an OpenID provider that signs in whichever address is typed in."""
    from oidc_provider_mock import run_server_in_thread

    with pytest.MonkeyPatch.context() as patch:
        # the provider's Authlib refuses plain http unless told this is a test on one machine
        patch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        with run_server_in_thread() as server:
            yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def team_server(
    provider: str, served_db: Path, chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dashboard with sign-in on, its secrets in a file outside the repo."""
    port = free_port()
    path = tmp_path_factory.mktemp("signin") / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "tension-monitor"\n'
        'client_secret = "not-secret-in-a-test"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "[tension]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in TEAM.items()),
        encoding="utf-8",
    )
    with serve(served_db, "--secrets.files", str(path), port=port) as url:
        yield url


@pytest.fixture
def tab(browser, team_server):
    """A fresh browser profile (no cookies) on the dashboard's first page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(team_server)
    settle(page)
    yield page
    context.close()


def log_in(page, server: str, email: str) -> None:
    """Press Log in and sign in as email on the provider's form; back on the dashboard."""
    page.get_by_role("button", name="Log in").click()
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server}/**")
    settle(page)


def shown(page) -> str:
    return page.locator("body").inner_text()


def assert_no_data(page) -> None:
    text = shown(page)
    assert not [marker for marker in DATA_MARKERS if marker in text]
    assert page.locator(".js-plotly-plot, [data-testid='stDataFrame']").count() == 0


def export(page, server: str) -> tuple[int, str]:
    """A direct GET of the streamed articles CSV with this browser's cookies."""
    response = page.context.request.get(server + EXPORT)
    return response.status, response.text()


def test_before_sign_in_neither_the_page_nor_a_direct_csv_holds_data(tab, team_server):
    tab.get_by_role("button", name="Log in").wait_for()
    assert_no_data(tab)
    status, body = export(tab, team_server)
    assert status == 401 and "Log in on the dashboard first" in body
    assert "title" not in body


def test_an_allowed_user_signs_in_sees_the_data_and_signs_out_with_one_click(tab, team_server):
    # a domain entry, and the address typed in another case
    log_in(tab, team_server, "Ana@Team.example")
    text = shown(tab)
    assert "Signed in as ana@team.example" in text
    assert " articles · " in text and auth.SIGNED_IN_NOTE in text
    status, body = export(tab, team_server)
    assert status == 200 and "title" in body.splitlines()[0]
    assert len(body.splitlines()) > 1

    tab.get_by_role("button", name="Log out").click()
    # the provider offers to end its own session too, then sends the browser back
    tab.get_by_role("button", name="End session").click()
    tab.wait_for_url(f"{team_server}/**")
    settle(tab)
    tab.get_by_role("button", name="Log in").wait_for()
    assert_no_data(tab)
    assert export(tab, team_server)[0] == 401


def test_a_refused_user_sees_why_and_no_data(tab, team_server):
    log_in(tab, team_server, "mallory@elsewhere.org")
    assert "mallory@elsewhere.org is not on this dashboard's allow-list" in shown(tab)
    tab.get_by_role("button", name="Log out").wait_for()
    assert_no_data(tab)
    status, body = export(tab, team_server)
    assert status == 403 and "not on this dashboard's allow-list" in body


def audited(served_db: Path, email: str) -> list[dict]:
    """The audit rows of `email`, once there are any: the server records a download just
    after its last byte went out, so the client can read the trail before it is written."""
    store = Store(store_path(served_db))
    for _ in range(AUDIT_POLLS):
        trail = store.audit_trail(Requester("x@example.org", is_admin=True), user_email=email)
        if trail:
            return trail
        time.sleep(AUDIT_POLL_SECONDS)
    return []


def test_a_signed_in_download_is_audited_with_its_rows_and_the_audit_is_for_admins(
    browser, tab, team_server, served_db
):
    # an address of its own, so the rows of other tests' downloads do not mix in
    log_in(tab, team_server, "bo@team.example")
    status, body = export(tab, team_server)
    assert status == 200
    sent = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    [row] = audited(served_db, "bo@team.example")
    assert (row["action"], row["view_name"], row["count_rows"], row["is_complete"]) == (
        "download", "articles", len(sent), 1,
    )  # fmt: skip
    tab.goto(f"{team_server}/?view=audit")
    settle(tab)
    assert "Unknown view audit" in shown(tab)
    assert tab.get_by_role("heading", name="Audit").count() == 0

    admin = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    admin.goto(team_server)
    settle(admin)
    log_in(admin, team_server, "lead@example.org")
    admin.goto(f"{team_server}/?view=audit")
    settle(admin)
    admin.get_by_role("heading", name="Audit").wait_for()
    admin.locator("[role=gridcell]", has_text="bo@team.example").first.wait_for(state="attached")
    admin.context.close()
