"""The server settings a shared dashboard relies on (README "Running it as a service", refs
#19) stay in the repo's .streamlit/config.toml, which `streamlit run` reads from the checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "section,key,value",
    [
        ("server", "enableXsrfProtection", True),
        # Streamlit's name for refusing cross-origin requests: CORS protection on
        ("server", "enableCORS", True),
        ("server", "headless", True),
        ("browser", "gatherUsageStats", False),
        # the dashboard takes no uploads: every one is refused
        ("server", "maxUploadSize", 0),
        ("server", "enableStaticServing", False),
        ("server", "enableAgentApi", False),
        # a full collection after each run cost more than half the server's CPU a page
        ("runner", "postScriptGC", False),
    ],
)
def test_the_repos_streamlit_config_holds_the_safe_server_settings(section, key, value):
    assert CONFIG[section][key] == value


def test_the_secrets_file_is_never_committed():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
