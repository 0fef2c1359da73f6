"""Who may see the dashboard: sign-in through Streamlit's `st.login` (OpenID Connect) and the
allow-list of the `[tension]` secrets section (refs #19).

Sign-in is on when the secrets (`.streamlit/secrets.toml`, or `--secrets.files PATH`) hold an
`[auth]` section; see `.streamlit/secrets.example.toml`. Without it the dashboard is open to
anyone who can reach it, and says so. This module is the one place that answers "who is
signed in, and are they an admin": `signed_in_user()` in a script run, `request_user()` for
the routes serve.py adds outside script runs. The allow-list rules are `Access.refusal`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from streamlit import config
from streamlit.auth_util import get_cookie_with_chunks, get_origin_from_redirect_uri
from streamlit.web.server.server_util import get_cookie_secret
from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

from board.text import escape_markdown

SECTION = "tension"
"""The secrets section of the allow-list (a contract, like its two keys)."""

ALLOWED_KEY = "allowed_users"
"""Addresses ("analyst@example.org") or whole domains ("@example.org") that may sign in."""

ADMINS_KEY = "admins"
"""Addresses of admins (full addresses only); an admin may sign in without being listed
under allowed_users."""

SECTION_AUTH = "auth"
"""Streamlit's own secrets section for st.login: its presence turns sign-in on."""

PROVIDER_KEYS = ("client_id", "server_metadata_url")
"""Keys that make an `[auth]` table (or `[auth.<name>]` sub-table) an identity provider."""

OPEN_NOTE = "open to anyone who can reach this server (no sign-in configured)"
"""The freshness line's word on who can see the page when `[auth]` is absent."""


SIGNED_IN_NOTE = "for signed-in users on the allow-list"
"""... and when it is present."""


class AccessConfigError(ValueError):
    """The secrets name an allow-list Streamlit or this module cannot use."""


@dataclass(frozen=True)
class User:
    """A signed-in user the allow-list let in. `email` is lower-cased: the key to store a
    user's things under (watchlists, audit rows)."""

    email: str
    name: str
    is_admin: bool


@dataclass(frozen=True)
class Access:
    """The allow-list: lower-cased addresses and "@domain" entries, and admin addresses."""

    allowed: frozenset[str]
    admins: frozenset[str]

    def refusal(self, claims: Mapping[str, Any]) -> str | None:
        """Why the identity in these OIDC claims may not see the dashboard; None if it may.

        An address matches itself or its exact domain ("@example.org" lets in
        ana@example.org, not ana@sub.example.org), case-insensitively. An address the
        provider says it has not verified is refused: anyone can type any address into
        some providers' sign-up forms.
        """
        email = str(claims.get("email") or "").strip()
        if "@" not in email:
            return (
                "Your identity provider did not share an email address, and this dashboard's "
                "allow-list is by address. Ask your administrator to request the `email` scope."
            )
        if claims.get("email_verified") is False:
            return (
                f"Your identity provider has not verified the address {email}. Verify it "
                "there, then log in again."
            )
        address = email.lower()
        if address in self.admins or address in self.allowed:
            return None
        if "@" + address.rsplit("@", 1)[1] in self.allowed:
            return None
        return (
            f"{email} is not on this dashboard's allow-list. Ask its administrator to add "
            f"your address (or your domain as @domain) to `[{SECTION}] {ALLOWED_KEY}`, or "
            "log out and sign in with another account."
        )

    def user(self, claims: Mapping[str, Any]) -> User:
        """The user of claims this allow-list let in."""
        email = str(claims["email"]).strip().lower()
        return User(
            email=email, name=str(claims.get("name") or email), is_admin=email in self.admins
        )


def access_from(section: Mapping[str, Any]) -> Access:
    """The allow-list of a `[tension]` section (empty when absent: nobody gets in)."""
    allowed = _entries(section, ALLOWED_KEY)
    admins = _entries(section, ADMINS_KEY)
    if bad := sorted(entry for entry in admins if entry.startswith("@")):
        raise AccessConfigError(
            f"[{SECTION}] {ADMINS_KEY} takes full addresses, not domains ({', '.join(bad)}): "
            "an admin sees every user's audit trail."
        )
    return Access(allowed=frozenset(allowed), admins=frozenset(admins))


def _entries(section: Mapping[str, Any], key: str) -> list[str]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise AccessConfigError(
            f'[{SECTION}] {key} must be a list of strings, such as ["ana@example.org", '
            f'"@example.org"]; got {value!r}.'
        )
    entries = [entry.strip().lower() for entry in value]
    if bad := [entry for entry in entries if "@" not in entry]:
        raise AccessConfigError(
            f"[{SECTION}] {key}: {', '.join(bad)} is neither an address nor an @domain."
        )
    return entries


def secrets() -> Mapping[str, Any]:
    """The secrets Streamlit reads; empty when there is no secrets file.

    Raises:
        AccessConfigError: a secrets file exists but cannot be read. Streamlit would then
            run without `[auth]`, that is open to anyone: refuse instead.
    """
    if st.secrets.load_if_toml_exists():
        return st.secrets
    unreadable = [path for path in config.get_option("secrets.files") if Path(path).exists()]
    if unreadable:
        raise AccessConfigError(
            f"Cannot read the secrets in {', '.join(unreadable)}: fix the file (TOML) or "
            "remove it; until then nobody can sign in."
        )
    return {}


def sign_in_required(values: Mapping[str, Any]) -> bool:
    """Whether these secrets turn sign-in on: they have an `[auth]` section."""
    return SECTION_AUTH in values


def configured_access() -> Access | None:
    """The allow-list when the secrets turn sign-in on; None when they do not.

    Raises:
        AccessConfigError: the secrets or the allow-list cannot be used.
    """
    values = secrets()
    return access_from(values.get(SECTION, {})) if sign_in_required(values) else None


def providers(auth: Mapping[str, Any]) -> list[str | None]:
    """The identity providers of an `[auth]` section: None for the unnamed one configured in
    `[auth]` itself, then the names of `[auth.<name>]` sub-tables, in file order."""
    unnamed: list[str | None] = [None] if any(key in auth for key in PROVIDER_KEYS) else []
    named = [
        name
        for name, value in auth.items()
        if isinstance(value, Mapping) and any(key in value for key in PROVIDER_KEYS)
    ]
    return unnamed + named


def gate() -> User | None:
    """Let the page go on only for an allowed, signed-in user (returned); None when sign-in
    is not configured. Everyone else gets the sign-in or refusal page, and the script stops
    before any data is read."""
    try:
        access = configured_access()
    except AccessConfigError as err:
        st.error(str(err), icon=":material/lock:")
        st.stop()
    if access is None:
        return None
    if not st.user.get("is_logged_in"):
        _log_in_page(providers(secrets()[SECTION_AUTH]))
    claims = st.user.to_dict()
    if reason := access.refusal(claims):
        st.error(reason, icon=":material/block:")
        st.button("Log out", key="log_out", on_click=st.logout, icon=":material/logout:")
        st.stop()
    user = access.user(claims)
    role = " (admin)" if user.is_admin else ""
    st.sidebar.caption(f"Signed in as **{escape_markdown(user.email)}**{role}")
    st.sidebar.button("Log out", key="log_out", on_click=st.logout, icon=":material/logout:")
    return user


def _log_in_page(names: list[str | None]) -> None:
    """The page before sign-in: what it is, a way to pick the provider when there are
    several, and the Log in button; then stop."""
    st.info(
        "This dashboard is for its team: log in with your organisation's account to see it.",
        icon=":material/lock:",
    )
    provider = names[0] if names else None
    if len(names) > 1:
        provider = st.radio("Log in with", names, key="provider", format_func=_provider_label)
    st.button("Log in", key="log_in", on_click=st.login, args=(provider,), type="primary")
    st.stop()


def _provider_label(name: str | None) -> str:
    return name or "default"


def signed_in_user() -> User | None:
    """In a script run after `gate()`: who is signed in (None when sign-in is off, so that
    every visitor is the same anonymous local user)."""
    access = configured_access()
    if access is None or not st.user.get("is_logged_in"):
        return None
    return access.user(st.user.to_dict())


def audience_note() -> str:
    """For the freshness line: who can see this page."""
    return SIGNED_IN_NOTE if sign_in_required(secrets()) else OPEN_NOTE


def request_claims(request: Request) -> dict[str, Any] | None:
    """The identity in a request's Streamlit sign-in cookie, checked as Streamlit checks it
    when a page connects: signed with the cookie secret, within its age, issued for the
    origin of `[auth] redirect_uri`. None when absent or invalid."""
    secret = get_cookie_secret()

    def signed(name: str) -> bytes | None:
        raw = request.cookies.get(name)
        # cookies travel as latin-1, as Streamlit's own reader decodes them
        return None if raw is None else decode_signed_value(secret, name, raw.encode("latin-1"))

    decoded = get_cookie_with_chunks(signed, USER_COOKIE_NAME)
    if decoded is None:
        return None
    try:
        claims = json.loads(decoded)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(claims, dict) or not claims.get("is_logged_in"):
        return None
    if claims.get("origin") != get_origin_from_redirect_uri():
        return None
    return claims


def request_user(request: Request) -> User | Response | None:
    """For a route outside script runs: the allowed user who sent the request, None when
    sign-in is off, or the response refusing it (401 signed out, 403 not allowed)."""
    try:
        access = configured_access()
    except AccessConfigError as err:
        return PlainTextResponse(str(err), status_code=503)
    if access is None:
        return None
    claims = request_claims(request)
    if claims is None:
        return PlainTextResponse(
            "Log in on the dashboard first: downloads are for signed-in users.", status_code=401
        )
    if reason := access.refusal(claims):
        return PlainTextResponse(reason, status_code=403)
    return access.user(claims)


def signed_in_only(endpoint: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A route endpoint that answers only allowed, signed-in users when sign-in is on; the
    user is in `request.state.user` (None when sign-in is off)."""

    @functools.wraps(endpoint)
    def guarded(request: Request) -> Response:
        user = request_user(request)
        if isinstance(user, Response):
            return user
        request.state.user = user
        return endpoint(request)

    return guarded
