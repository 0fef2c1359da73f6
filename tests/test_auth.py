"""Sign-in (board/auth.py, refs #19): the allow-list rules, the gate in front of the page, and
the sign-in cookie check that guards the streamed CSV route outside script runs."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from streamlit import config
from streamlit.auth_util import validate_auth_credentials
from streamlit.testing.v1 import AppTest
from streamlit.web.server.starlette.starlette_app_utils import create_signed_value
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

from board import auth
from tests.test_dashboard import (  # noqa: F401 (fixtures)
    DASHBOARD,
    TIMEOUT,
    main_module_restored,
    on_tiny,
    open_page,
    shown_text,
    tiny_db,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / ".streamlit" / "secrets.example.toml"
SECRET = "a-cookie-secret-long-enough-for-hs256"
ORIGIN = "http://127.0.0.1:8501"
AUTH = {
    "redirect_uri": f"{ORIGIN}/oauth2callback",
    "cookie_secret": SECRET,
    "client_id": "tension",
    "client_secret": "s",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}
TEAM = {"allowed_users": ["Analyst@Example.org", "@team.example"], "admins": ["lead@example.org"]}
ACCESS = auth.access_from(TEAM)


@pytest.mark.parametrize(
    "email,allowed",
    [
        ("analyst@example.org", True),
        # addresses compare case-insensitively, on both sides
        ("ANALYST@example.ORG", True),
        (" analyst@example.org ", True),
        ("other@example.org", False),
        # "@team.example" lets in the whole domain, and only that domain
        ("anyone@team.example", True),
        ("Anyone@TEAM.example", True),
        ("anyone@sub.team.example", False),
        ("anyone@evilteam.example", False),
        ("team.example@evil.org", False),
        # an admin gets in without being listed under allowed_users
        ("lead@example.org", True),
        ("", False),
        ("not-an-address", False),
    ],
)
def test_the_allow_list_takes_addresses_and_domains_in_any_case(email, allowed):
    assert (ACCESS.refusal({"email": email, "email_verified": True}) is None) is allowed


def test_an_address_the_provider_has_not_verified_is_refused_with_the_reason():
    reason = ACCESS.refusal({"email": "analyst@example.org", "email_verified": False})
    assert reason is not None and "not verified" in reason


def test_a_refusal_names_the_address_and_what_to_ask_for():
    reason = ACCESS.refusal({"email": "mallory@elsewhere.org"})
    assert "mallory@elsewhere.org is not on this dashboard's allow-list" in reason
    assert "[tension] allowed_users" in reason


def test_without_an_allow_list_nobody_gets_in():
    assert auth.access_from({}).refusal({"email": "analyst@example.org"}) is not None


def test_admins_are_marked_and_keyed_by_lower_cased_address():
    assert ACCESS.user({"email": "Lead@Example.org"}) == auth.User(
        email="lead@example.org", name="lead@example.org", is_admin=True
    )
    assert not ACCESS.user({"email": "analyst@example.org", "name": "Ana"}).is_admin


@pytest.mark.parametrize(
    "section,message",
    [
        ({"allowed_users": "analyst@example.org"}, "must be a list of strings"),
        ({"allowed_users": ["example.org"]}, "neither an address nor an @domain"),
        # a domain of admins would make a whole organisation admins
        ({"admins": ["@example.org"]}, "full addresses, not domains"),
    ],
)
def test_an_unusable_allow_list_is_an_error_that_says_how_to_write_it(section, message):
    with pytest.raises(auth.AccessConfigError, match=message):
        auth.access_from(section)


def test_the_documented_example_configures_sign_in_and_the_allow_list():
    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert auth.sign_in_required(example)
    assert auth.providers(example["auth"]) == [None]
    assert set(example["tension"]) == {auth.ALLOWED_KEY, auth.ADMINS_KEY}
    assert auth.access_from(example["tension"]).refusal({"email": "x@example.org"}) is None


def test_named_providers_are_offered_in_file_order():
    section = {"redirect_uri": "r", "cookie_secret": "c", "google": {"client_id": "g"}}
    section["okta"] = {"server_metadata_url": "o"}
    assert auth.providers(section) == ["google", "okta"]


def team_page(user: dict) -> AppTest:
    """The dashboard on the tiny database with sign-in on, for this st.user."""
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.secrets.update({"auth": AUTH, "tension": TEAM})
    at.user = user
    return at.run()


def nothing_of_the_data(at: AppTest) -> None:
    text = shown_text(at)
    assert "articles" not in text
    assert not at.dataframe and not at.get("plotly_chart") and not at.download_button
    assert not at.sidebar.multiselect and not at.sidebar.date_input


@pytest.mark.usefixtures("on_tiny")
def test_before_sign_in_the_page_offers_log_in_and_nothing_of_the_data():
    at = team_page({})
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    nothing_of_the_data(at)


@pytest.mark.usefixtures("on_tiny")
def test_with_several_providers_the_page_asks_which_one_to_log_in_with():
    several = {key: AUTH[key] for key in ("redirect_uri", "cookie_secret")}
    several |= {"google": {"client_id": "g"}, "okta": {"client_id": "o"}}
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.secrets.update({"auth": several, "tension": TEAM})
    at.run()
    assert at.radio(key="provider").options == ["google", "okta"]
    assert [b.label for b in at.button] == ["Log in"]
    nothing_of_the_data(at)


@pytest.mark.usefixtures("on_tiny")
def test_a_refused_user_sees_why_and_can_log_out_but_sees_no_data():
    at = team_page({"is_logged_in": True, "email": "mallory@elsewhere.org"})
    assert "mallory@elsewhere.org is not on this dashboard's allow-list" in at.error[0].value
    assert [b.label for b in at.button] == ["Log out"]
    nothing_of_the_data(at)


@pytest.mark.usefixtures("on_tiny")
def test_an_allowed_user_sees_the_data_and_a_log_out_button():
    at = team_page({"is_logged_in": True, "email": "ana@team.example"})
    assert not at.exception and not at.error
    text = shown_text(at)
    assert "8 articles" in text and auth.SIGNED_IN_NOTE in text
    # the address is escaped markdown: the backslashes do not show
    assert "Signed in as **ana@team.example**" in text.replace("\\", "")
    assert "Log out" in [b.label for b in at.sidebar.button]


@pytest.mark.usefixtures("on_tiny")
def test_without_auth_the_freshness_line_says_the_page_is_open():
    text = shown_text(open_page())
    assert "8 articles" in text and auth.OPEN_NOTE in text


def test_the_example_secrets_pass_streamlits_own_check(secrets_file):
    secrets_file(EXAMPLE.read_text(encoding="utf-8"))
    validate_auth_credentials("default")


@pytest.fixture
def secrets_file(tmp_path: Path) -> Iterator:
    """Write the server's secrets file (what `--secrets.files PATH` names)."""
    saved = config.get_option("secrets.files")
    path = tmp_path / "secrets.toml"

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        config.set_option("secrets.files", [str(path)])
        st.secrets._reset()
        return path

    yield write
    config.set_option("secrets.files", saved)
    st.secrets._reset()


def team_secrets(extra: str = "") -> str:
    lines = ["[auth]", *(f"{key} = {json.dumps(value)}" for key, value in AUTH.items())]
    lines += ["[tension]", *(f"{key} = {json.dumps(value)}" for key, value in TEAM.items())]
    return "\n".join(lines) + "\n" + extra


def cookie(claims: dict, secret: str = SECRET) -> str:
    """A sign-in cookie as Streamlit's /oauth2callback sets it."""
    return create_signed_value(secret, USER_COOKIE_NAME, json.dumps(claims)).decode()


SIGNED_IN = {
    "email": "ana@team.example",
    "origin": ORIGIN,
    "is_logged_in": True,
    "provider": "default",
}


def get(cookies: dict[str, str]) -> Response:
    """A GET of a guarded route with these cookies, as the browser sends them."""

    def data(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"rows for {request.state.user}")

    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/export/x.csv",
        "query_string": b"",
        "headers": [(b"cookie", header.encode("latin-1"))] if cookies else [],
    }
    return auth.signed_in_only(data)(Request(scope))


@pytest.mark.parametrize(
    "cookies,status",
    [
        ({}, 401),
        ({USER_COOKIE_NAME: "not-signed"}, 401),
        # signed with another secret, issued for another origin, or signed out
        ({USER_COOKIE_NAME: cookie(SIGNED_IN, secret="another-secret-of-enough-length")}, 401),
        ({USER_COOKIE_NAME: cookie({**SIGNED_IN, "origin": "https://elsewhere.org"})}, 401),
        ({USER_COOKIE_NAME: cookie({**SIGNED_IN, "is_logged_in": False})}, 401),
        ({USER_COOKIE_NAME: cookie({**SIGNED_IN, "email": "mallory@elsewhere.org"})}, 403),
        ({USER_COOKIE_NAME: cookie(SIGNED_IN)}, 200),
    ],
)
def test_a_route_outside_script_runs_answers_only_an_allowed_signed_in_cookie(
    secrets_file, cookies, status
):
    secrets_file(team_secrets())
    response = get(cookies)
    assert response.status_code == status
    assert (b"rows for" in response.body) is (status == 200)


def test_a_route_is_open_without_auth(secrets_file):
    secrets_file('[other]\nkey = "value"\n')
    response = get({})
    assert (response.status_code, response.body) == (200, b"rows for None")


def test_an_unreadable_secrets_file_closes_the_route_rather_than_opening_it(secrets_file):
    secrets_file("[auth\nredirect_uri = ")
    response = get({USER_COOKIE_NAME: cookie(SIGNED_IN)})
    assert response.status_code == 503 and b"Cannot read the secrets" in response.body
