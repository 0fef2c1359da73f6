"""Alerts end to end, offline (refs #17): the real ETL loads a small world, the one detector
judges it, a local webhook receiver and a local SMTP server stand in for the channels."""

from __future__ import annotations

import email
import email.policy
import json
import logging
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import duckdb
import pytest

import queries
from board import state
from board.page import build_options
from etl import clock
from etl.alerts.run import run_alerts
from etl.alerts.settings import AlertSettings
from monitor.store import Store, Watchlist, store_path
from tests import alerts_world
from tests.etl_cli import etl
from tests.receivers import smtp, webhook

SECRET = "s3cr3t-token-4242"
BASE_URL = "http://dash.example.org/"
SETTINGS = AlertSettings(dashboard_url=BASE_URL, backoff_seconds=0.0)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(clock, "utc_now", lambda: alerts_world.NOW)
    monkeypatch.setenv("HOOK_TOKEN", SECRET)
    return alerts_world.build(tmp_path / "tension.duckdb", tmp_path / "in")


def korea_russia(*notify: str) -> Watchlist:
    return Watchlist("Korea-Russia", pairs=("PRK-RUS",), notify=notify, origin="config")


def reef(*notify: str) -> Watchlist:
    return Watchlist("Reef", pairs=("CHN-PHL",), notify=notify, origin="config")


def hook(address: str, path: str = "hook") -> str:
    # the token is a placeholder: its value comes from the environment at delivery
    return f"json://{address}/{path}?+X-Token={{HOOK_TOKEN}}"


def mail(address: str) -> str:
    return f"mailto://{address}?from=alerts@example.org&to=analyst@example.org"


def check(world: Path, watches: list[Watchlist], settings: AlertSettings = SETTINGS, **kw):
    lines: list[str] = []
    report = run_alerts(world, Store(store_path(world)), watches, settings, say=lines.append, **kw)
    return report, lines


def test_a_burst_fires_one_alert_per_channel_with_the_pair_the_why_and_a_working_link(world):
    with webhook() as (address, received), smtp() as (mail_address, envelopes):
        watches = [korea_russia(hook(address), mail(mail_address)), reef(hook(address, "reef"))]
        report, _ = check(world, watches)
    assert (report.new, report.sent, report.failed) == (1, 2, 0)
    assert [post["path"] for post in received.posts] == ["/hook"]  # the steady reef: nothing
    post = received.posts[0]
    assert post["headers"]["X-Token"] == SECRET
    assert len(envelopes) == 1
    posted = json.loads(post["body"])
    mailed = email.message_from_bytes(envelopes[0].content, policy=email.policy.default)
    for body in (
        f"{posted['title']}\n{posted['message']}",
        f"{mailed['Subject']}\n{mailed.get_content()}",
    ):
        assert "North Korea – Russia spiked on 2026-03-10" in body
        assert "Why: 12 articles, 12 stories from 4 sources vs 0." in body
    message = Store(store_path(world)).history()[0]
    evidence = [line for line in message_lines(world) if line[:3] in ("1. ", "2. ", "3. ")]
    assert len(evidence) == 3 and all("troops" in line for line in evidence)
    assert len({line.split("(")[-1] for line in evidence}) == 3  # each from its own story
    assert_opens_the_pair_view(world, message["url"])


def message_lines(world: Path) -> list[str]:
    con = __import__("sqlite3").connect(store_path(world))
    try:
        return con.execute("select message from alerts").fetchone()[0].splitlines()
    finally:
        con.close()


def assert_opens_the_pair_view(world: Path, url: str) -> None:
    """The link, read by the dashboard's own URL parser, is the pair's view of the day."""
    assert url.startswith(BASE_URL)
    con = duckdb.connect(str(world), read_only=True)
    try:
        options = build_options(
            queries.run("filter_options", con),
            queries.run("dashboard_status", con),
            queries.run("busiest_pair", con),
        )
    finally:
        con.close()
    filters, notices = state.from_query(dict(parse_qsl(urlsplit(url).query)), options)
    assert notices == []
    assert (filters.view, filters.pair, filters.bucket) == ("pair", ("PRK", "RUS"), "day")
    assert filters.end == alerts_world.TODAY
    # the day and its baseline (the detector's 56 days)
    assert filters.start == alerts_world.TODAY - timedelta(days=56)


def test_the_next_cycle_does_not_repeat_it(world):
    with webhook() as (address, received):
        check(world, [korea_russia(hook(address))])
        report, _ = check(world, [korea_russia(hook(address))])
    assert (report.new, report.sent) == (0, 0)
    assert len(received.posts) == 1


def test_a_quiet_pair_never_fires(world):
    with webhook() as (address, received):
        report, _ = check(world, [reef(hook(address))])
    assert report.hits == [] and received.attempts == 0


def test_loading_old_data_never_fires(tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "utc_now", lambda: alerts_world.NOW)
    two_years_ago = alerts_world.TODAY - timedelta(days=730)
    old = alerts_world.build(tmp_path / "old.duckdb", tmp_path / "in", burst_day=two_years_ago)
    with webhook() as (address, received):
        report, _ = check(old, [korea_russia(hook(address))])
    assert report.hits == [] and received.attempts == 0


def test_a_receiver_failing_twice_then_succeeding_gets_the_alert_once(world):
    waits: list[float] = []
    with webhook(failures=2) as (address, received):
        settings = replace(SETTINGS, backoff_seconds=1.0)
        report, lines = check(world, [korea_russia(hook(address))], settings, sleep=waits.append)
    assert (received.attempts, len(received.posts)) == (3, 1)
    assert waits == [1.0, 2.0]  # backoff doubling
    [row] = Store(store_path(world)).history()
    assert (row["status"], row["attempts"]) == ("sent", 3)
    assert "sent after 3 tries" in lines[-1]


def test_a_failed_delivery_is_recorded_and_retried_by_the_next_run_never_dropped(world):
    with webhook(failures=3) as (address, received):
        check(world, [korea_russia(hook(address))])
        [failed] = Store(store_path(world)).history()
        report, _ = check(world, [korea_russia(hook(address))])
    assert (failed["status"], failed["attempts"]) == ("failed", 3)
    assert failed["last_error"]
    assert (report.new, report.sent) == (0, 1)
    assert len(received.posts) == 1


def test_secrets_stay_out_of_logs_the_store_and_the_database(world, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    with webhook(failures=3) as (address, _received):
        # a token in the path, as Slack's and Discord's URLs have it: apprise and urllib3
        # log that path at debug level, and a failure makes apprise warn
        in_path = f"json://{address}/hook/{{HOOK_TOKEN}}?+X-Token={{HOOK_TOKEN}}"
        _report, lines = check(world, [korea_russia(in_path)])
    logged = "\n".join(lines) + caplog.text + "".join(capfd.readouterr())
    assert "failed" in logged
    assert SECRET not in logged
    for path in (store_path(world), world):
        assert SECRET.encode() not in path.read_bytes()


def test_dry_run_says_what_would_fire_and_records_nothing(world):
    report, lines = check(world, [korea_russia("json://127.0.0.1:9/unused")], dry_run=True)
    assert len(report.hits) == 1
    assert lines == [f"would fire: Korea-Russia: PRK-RUS on 2026-03-10: {report.hits[0].why}"]
    assert Store(store_path(world)).history() == []


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_alerts_command_takes_db_before_or_after_its_name(world, where):
    # the real clock reads a later day than the world's: its burst is old news by now
    args = ["--db", str(world)]
    result = etl(
        *(args + ["alerts", "--dry-run"] if where == "before" else ["alerts", "--dry-run", *args])
    )
    assert result.returncode == 0, result.stderr
    assert "would fire" not in result.stderr


def test_each_watch_cycle_ends_with_an_alerts_pass(world, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'[[source]]\nname = "inbox"\nkind = "folder"\npath = "{inbox}"\nevery = "1min"\n\n'
        '[[watch]]\nname = "Korea-Russia"\npairs = ["PRK-RUS"]\n',
        encoding="utf-8",
    )
    result = etl("watch", "--once", "--no-tone", "--config", str(config), "--db", str(world))
    assert result.returncode == 0, result.stderr
    assert "alerts: 0 spikes on watched pairs, 0 new alerts" in result.stderr
