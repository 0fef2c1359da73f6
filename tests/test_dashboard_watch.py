"""Watchlists and alerts in the dashboard (refs #17): a watchlist saved with "Watch this" is
in the store the watcher reads, and fires there; the Watchlists page edits and deletes; the
Alerts page shows the history with links to the views, and never a secret."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from etl import clock
from etl.alerts.run import run_alerts
from etl.alerts.settings import AlertSettings
from monitor.store import Store, Watchlist
from monitor.team import Requester
from tests import alerts_world
from tests.receivers import webhook
from tests.test_auth import AUTH, TEAM

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
SECRET = "s3cr3t-dashboard-token-77"


@pytest.fixture(autouse=True)
def main_module_restored() -> Iterator[None]:
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="module")
def world_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("watch")
    return alerts_world.build(folder / "tension.duckdb", folder / "in")


@pytest.fixture
def world(world_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TENSION_DB", str(world_db))
    monkeypatch.setenv("TENSION_STORE", str(tmp_path / "store.sqlite"))
    monkeypatch.setattr(clock, "utc_now", lambda: alerts_world.NOW)
    return world_db


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def test_a_watchlist_saved_with_watch_this_is_seen_by_the_watcher(world, tmp_path, monkeypatch):
    monkeypatch.setenv("HOOK", SECRET)
    at = open_page(view="pair", pair="PRK-RUS", start="2026-02-01", end="2026-03-10")
    assert not at.exception
    with webhook() as (address, received):
        at.text_input(key="watch_name").input("Korea watch")
        at.text_area(key="watch_notify").input(f"json://{address}/hook?+X-Token={{HOOK}}")
        at.button(key="watch_save").click().run()
        assert not at.exception
        assert any("Saved watchlist 'Korea watch'" in s.value for s in at.success)
        store = Store(tmp_path / "store.sqlite")
        [saved] = store.watchlists()
        assert (saved.name, saved.pairs, saved.countries) == ("Korea watch", ("PRK-RUS",), ())
        # the watcher reads the same store: the burst fires for the dashboard's watchlist
        report = run_alerts(world, store, [], AlertSettings(backoff_seconds=0))
    assert report.new == 1 and len(received.posts) == 1
    assert received.posts[0]["headers"]["X-Token"] == SECRET


def test_a_password_in_a_notify_url_is_refused_not_stored(world, tmp_path):
    at = open_page(view="pair", pair="PRK-RUS")
    at.text_area(key="watch_notify").input(f"mailtos://me:{SECRET}@smtp.example.org")
    at.button(key="watch_save").click().run()
    assert any("holds a password" in e.value for e in at.error)
    assert Store(tmp_path / "store.sqlite").watchlists() == []


def test_the_watchlists_page_edits_and_deletes(world, tmp_path):
    store = Store(tmp_path / "store.sqlite")
    store.save_watchlist(Watchlist("Reef", pairs=("CHN-PHL",)))
    at = open_page(view="watchlists")
    assert not at.exception
    at.text_input(key="edit_keywords").input("reef, fishing")
    at.selectbox(key="edit_sensitivity").select("high")
    at.button(key="edit_save").click().run()
    [edited] = store.watchlists()
    assert (edited.keywords, edited.sensitivity) == (("reef", "fishing"), "high")
    at.button(key="edit_delete").click().run()
    assert not at.exception
    assert store.watchlists() == []
    assert any("No watchlist yet" in i.value for i in at.info)


def test_the_watchlists_page_lists_the_monitor_configs_watchlists_read_only(
    world, tmp_path, monkeypatch
):
    config = tmp_path / "monitor.toml"
    config.write_text(
        f"""
[[source]]
name = "gdelt"
kind = "gdelt"
every = "15min"

[[watch]]
name = "Korea-Russia"
pairs = ["RUS-PRK"]
sensitivity = "high"
notify = ["mailtos://alerts:{{SMTP_PASSWORD}}@smtp.example.org",
          "json://hooks.example.org/tension/{SECRET}?token={SECRET}"]
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("TENSION_MONITOR_CONFIG", str(config))
    Store(tmp_path / "store.sqlite").save_watchlist(Watchlist("Reef", pairs=("CHN-PHL",)))
    at = open_page(view="watchlists")
    assert not at.exception
    table = at.dataframe[0].value.set_index("Name")
    assert list(table.index) == ["Reef", "Korea-Russia"]
    assert table.loc["Reef", "Saved in"] == "dashboard"
    assert table.loc["Korea-Russia", "Saved in"] == f"from config {config}"
    assert table.loc["Korea-Russia", "Pairs"] == "PRK-RUS"
    assert table.loc["Korea-Russia", "Sensitivity"] == "high"
    assert table.loc["Korea-Russia", "Channels"] == (
        "mailtos://smtp.example.org, json://hooks.example.org"
    )
    assert SECRET not in table.to_csv()
    assert any(f"from config {config} are read-only" in c.value for c in at.caption)
    # only the dashboard's own can be edited
    assert at.selectbox(key="watchlist_chosen").options == ["Reef"]


def test_a_broken_monitor_config_is_said_and_the_dashboards_watchlists_stay(
    world, tmp_path, monkeypatch
):
    config = tmp_path / "monitor.toml"
    # a notify URL written as a string, not a list: the message names it but never echoes it
    config.write_text(f'[[watch]]\nname = "K"\nnotify = "json://h.example.org/{SECRET}"\n')
    monkeypatch.setenv("TENSION_MONITOR_CONFIG", str(config))
    Store(tmp_path / "store.sqlite").save_watchlist(Watchlist("Reef", pairs=("CHN-PHL",)))
    at = open_page(view="watchlists")
    assert not at.exception
    [warning] = at.warning
    assert "notify has the wrong type (str)" in warning.value and SECRET not in warning.value
    assert list(at.dataframe[0].value["Name"]) == ["Reef"]
    monkeypatch.setenv("TENSION_MONITOR_CONFIG", str(tmp_path / "missing.toml"))
    at = open_page(view="watchlists")
    assert not at.exception
    assert "missing.toml: cannot read" in at.warning[0].value
    assert list(at.dataframe[0].value["Name"]) == ["Reef"]


def test_the_alerts_page_links_each_alert_to_its_view_and_shows_no_secret(
    world, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOOK", SECRET)
    store = Store(tmp_path / "store.sqlite")
    with webhook() as (address, _received):
        notify = (f"json://{address}/hook/{{HOOK}}?+X-Token={{HOOK}}",)
        store.save_watchlist(Watchlist("Korea", pairs=("PRK-RUS",), notify=notify))
        run_alerts(world, store, [], AlertSettings(backoff_seconds=0))
    at = open_page(view="alerts")
    assert not at.exception
    table = at.dataframe[0].value
    row = table.iloc[0]
    assert (row["watch_name"], row["pair"], row["status"]) == ("Korea", "PRK-RUS", "sent")
    assert row["why"].startswith("12 articles, 12 stories from 4 sources")
    assert row["channel"] == f"json://{address}"
    link = dict(parse_qsl(row["view"].removeprefix("./?")))
    assert (link["view"], link["pair"], link["end"]) == ("pair", "PRK-RUS", "2026-03-10")
    assert SECRET not in table.to_csv()
    assert all(SECRET not in str(element.value) for element in at.main if hasattr(element, "value"))


def test_the_pair_view_and_the_overview_flag_the_burst_with_its_why(world):
    period = {"start": "2026-02-10", "end": "2026-03-10"}
    pair = open_page(view="pair", pair="PRK-RUS", bucket="day", **period)
    assert not pair.exception
    captions = [c.value for c in pair.caption]
    assert any(
        c.startswith("Spike 2026-03-10: 12 articles, 12 stories from 4 sources") for c in captions
    )
    assert [m.value for m in pair.metric if m.label == "Spikes"] == ["1"]
    overview = open_page(view="overview", **period)
    assert not overview.exception
    flagged = [c.value for c in overview.caption if c.value.startswith("Spike, ")]
    # the burst pair only: the steady reef pair is never a spike
    assert len(flagged) == 1
    assert flagged[0].startswith("Spike, North Korea – Russia: 2026-03-10: 12 articles")


def test_with_sign_in_the_alerts_of_a_private_watchlist_are_its_owners_alone(world, tmp_path):
    store = Store(tmp_path / "store.sqlite")
    store.save_watchlist(Watchlist("Korea", pairs=("PRK-RUS",)), Requester("ana@team.example"))
    assert run_alerts(world, store, [], AlertSettings(backoff_seconds=0)).new == 1

    def alerts_seen(email: str) -> list[str]:
        at = AppTest.from_file(DASHBOARD, default_timeout=60)
        at.secrets.update({"auth": AUTH, "tension": TEAM})
        at.user = {"is_logged_in": True, "email": email}
        at.query_params.update({"view": "alerts"})
        at.run()
        assert not at.exception
        return list(at.dataframe[0].value["watch_name"]) if at.dataframe else []

    assert alerts_seen("ana@team.example") == ["Korea"]
    # not another analyst's, nor an admin's: the watchlist is not theirs to see
    assert alerts_seen("bob@team.example") == []
    assert alerts_seen("lead@example.org") == []
    store.update_watchlist(
        Watchlist("Korea", ("PRK-RUS",), owner="ana@team.example", is_shared=True),
        Requester("ana@team.example"),
    )
    assert alerts_seen("bob@team.example") == ["Korea"]
