"""The monitor configuration: a typo is one line naming the key and line, exit 2 (refs #14)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from etl.settings import REPO_ROOT
from etl.watch.config import ConfigError, load_config, parse_interval

EXAMPLE = REPO_ROOT / "monitor.example.toml"

GOOD = """\
[[source]]
name = "gdelt"
kind = "gdelt"
every = "15min"

[[source]]
name = "feeds"
kind = "feed"
urls = ["https://a.example.org/rss", "https://b.example.org/atom"]
every = "10min"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_example_is_valid_and_names_every_kind():
    config = load_config(EXAMPLE)
    assert {source.kind for source in config.sources} == {"gdelt", "feed", "folder"}


def test_many_feeds_share_one_source_through_urls(tmp_path):
    gdelt, feeds = load_config(write(tmp_path, GOOD)).sources
    assert (gdelt.every, feeds.every) == (900.0, 600.0)
    assert feeds.urls == ("https://a.example.org/rss", "https://b.example.org/atom")


@pytest.mark.parametrize(
    "value,seconds",
    [("30s", 30), ("15min", 900), ("1h", 3600), ("2 hours", 7200), ("1d", 86400)],
)
def test_intervals_read_as_seconds(value, seconds):
    assert parse_interval(value) == seconds


@pytest.mark.parametrize(
    "change,message",
    [
        # a typo in a key: named with its line
        (("every = \"10min\"", "evry = \"10min\""), "line 10: unknown key 'evry' for kind 'feed'"),
        (("kind = \"feed\"", "kind = \"feed\"\nfetch_ful = true"), "line 9: unknown key 'fetch_ful'"),
        (("every = \"10min\"", "every = \"10 minutes please\""), "line 10: every: '10 minutes"),
        (("every = \"15min\"", "every = 15"), "line 4: every: 15 is not an interval"),
        (("every = \"15min\"", "every = \"0s\""), "line 4: every: '0s' is not an interval"),
        (("name = \"feeds\"", "name = \"gdelt\""), "line 7: duplicate source name 'gdelt' (first at line 2)"),
        (("kind = \"gdelt\"", "kind = \"gdelt2\""), "line 3: kind 'gdelt2' is not one of gdelt, feed, folder"),
        (("https://a.example.org/rss", "ftp://a.example.org/rss"), "line 9: not an http(s) URL"),
        (("[[source]]\nname = \"gdelt\"", "[[sources]]\nname = \"gdelt\""), "line 1: unknown key 'sources'"),
        (("name = \"gdelt\"", "name = \"gdelt\"\ncatch_up = true"), "line 3: catch_up must be int"),
    ],
)  # fmt: skip
def test_a_bad_config_is_one_line_naming_key_and_line(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change, 1))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"{path}, {message}" in str(err.value)
    assert "\n" not in str(err.value)


def test_the_cli_says_the_config_error_on_one_line_and_exits_2(tmp_path):
    path = write(tmp_path, GOOD.replace('every = "10min"', 'every = "soon"'))
    result = subprocess.run(
        [sys.executable, "-m", "etl", "watch", "--config", str(path), "--once"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {path}, line 10: every: 'soon' is not an interval; write e.g. '30s', "
        "'15min', '1h', '1d'"
    ]


def test_the_shipped_example_has_watchlists_and_alert_settings():
    config = load_config(EXAMPLE)
    korea, taiwan = config.watches
    assert (korea.name, korea.pairs, korea.origin) == ("Korea-Russia", ("PRK-RUS",), "config")
    assert (taiwan.sensitivity, taiwan.keywords) == ("high", ("strait", "drill"))
    assert config.alerts.secrets_file == Path("/etc/tension-monitor/secrets.toml")


@pytest.mark.parametrize(
    "watch,message",
    [
        # pairs are put in order, so a reversed one is the same pair
        ('name = "w"\npairs = ["RUS-PRK"]', None),
        ('name = "w"\npairs = ["Korea"]', "'KOREA' is not a pair of two ISO-3 codes"),
        ('name = "w"', "needs at least one pair or country"),
        ('name = "w"\ncountries = ["PRK"]\nsensitivity = "max"', "sensitivity must be one of"),
        ('name = "w"\ncountries = ["PRK"]\nnotfy = []', "unknown key 'notfy'"),
        # a password written into a URL would be stored and shown: it must be a placeholder
        (
            'name = "w"\ncountries = ["PRK"]\nnotify = ["mailtos://me:hunter2@smtp.example.org"]',
            "holds a password: write it as {NAME}",
        ),
    ],
)
def test_watch_tables_are_checked_with_a_message_naming_the_watch(tmp_path, watch, message):
    path = write(tmp_path, f"{GOOD}\n[[watch]]\n{watch}\n")
    if message is None:
        assert load_config(path).watches[0].pairs == ("PRK-RUS",)
        return
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_config(path)
    assert "[[watch]] #1 ('w')" in str(caught.value)
