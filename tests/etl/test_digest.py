"""The digest (refs #17): the burst pair first, the watch hit, the stories, in Markdown and
in HTML a mail client can show (and send, with a plain-text part)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from etl import clock
from etl.alerts.digest import STORIES_PER_PAIR
from etl.alerts.run import run_alerts
from etl.alerts.settings import AlertSettings
from etl.digest_command import digest_command
from etl.watch.config import MonitorConfig
from monitor.store import Store, Watchlist, store_path
from tests import alerts_world
from tests.etl_cli import etl
from tests.receivers import smtp


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(clock, "utc_now", lambda: alerts_world.NOW)
    return alerts_world.build(tmp_path / "tension.duckdb", tmp_path / "in")


def config(world: Path, *notify: str) -> MonitorConfig:
    watch = Watchlist("Korea-Russia", pairs=("PRK-RUS",), notify=notify, origin="config")
    return MonitorConfig(world, (), (watch,), AlertSettings(dashboard_url="http://dash/"))


def test_the_digest_lists_the_burst_pair_first_with_its_hit_and_stories(world):
    monitor = config(world)
    run_alerts(world, Store(store_path(world)), list(monitor.watches), monitor.alerts)
    text = digest_command(world, monitor, "24h", None, None, False, say=lambda _: None)
    rose = text.split("## Rose most")[1].split("## Watch hits")[0]
    rows = [line for line in rose.splitlines() if line.startswith("| [")]
    assert rows[0].startswith("| [North Korea – Russia](http://dash/?view=pair&pair=PRK-RUS")
    assert "| 12 |" in rows[0]
    assert rows[0].rstrip(" |").endswith("█")  # the sparkline peaks on the last day
    assert "**Korea-Russia**: PRK-RUS on 2026-03-10: 12 articles" in text
    stories = text.split("### North Korea – Russia")[1]
    # twelve stories, one sentence each, the first STORIES_PER_PAIR of them
    assert stories.count("troops") == STORIES_PER_PAIR == 10


def test_the_html_digest_is_escaped_and_mailed_with_a_plain_text_part(world, tmp_path):
    lines: list[str] = []
    with smtp() as (address, envelopes):
        monitor = config(world, f"mailto://{address}?from=a@example.org&to=b@example.org")
        out = tmp_path / "digest.html"
        digest_command(world, monitor, "1d", "Korea-Russia", out, True, say=lines.append)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert "North Korea – Russia" in page
    assert lines[-1].startswith("digest to mailto://") and lines[-1].endswith(": sent")
    mailed = email.message_from_bytes(envelopes[0].content, policy=email.policy.default)
    parts = [part.get_content_type() for part in mailed.walk()]
    assert "text/plain" in parts and "text/html" in parts


def test_an_unknown_watch_or_output_kind_is_a_usage_error(world):
    with pytest.raises(ValueError, match="no watchlist named 'Nope'"):
        digest_command(world, config(world), "24h", "Nope", None, False, say=print)
    with pytest.raises(ValueError, match=r"\.html or \.md"):
        digest_command(world, config(world), "24h", None, Path("x.pdf"), False, say=print)


def test_the_digest_command_takes_db_before_or_after_its_name(world, tmp_path):
    after = etl("digest", "--since", "7d", "--db", str(world))
    assert after.returncode == 0, after.stderr
    assert after.stdout.startswith("# Tension Monitor digest, ")
    out = tmp_path / "digest.md"
    before = etl("--db", str(world), "digest", "--out", str(out))
    assert before.returncode == 0, before.stderr
    assert out.read_text(encoding="utf-8").startswith("# Tension Monitor digest, ")
    assert etl("digest", "--since", "yesterday", "--db", str(world)).returncode == 2
