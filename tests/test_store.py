"""The writable store (monitor/store.py, refs #17): several writers at once lose nothing, and
what is saved survives a restart (a new Store on the same file)."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

from monitor.store import Store, Watchlist
from monitor.team import Requester

WRITES = 40


def test_sessions_and_the_watcher_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "store.sqlite"

    def session(number: int) -> None:
        # each call opens its own connection, as each browser session's script run does
        for index in range(WRITES):
            Store(path).save_watchlist(Watchlist(f"s{number}-{index}", pairs=("PRK-RUS",)))

    def watcher() -> None:
        for day in range(WRITES):
            Store(path).record_alert(
                ("json://hooks.example.org/x",),
                owner="",
                watch_name="w",
                country_a="PRK",
                country_b="RUS",
                day=f"2026-01-{day + 1:02d}",
                articles=12,
                expected=1.0,
                why="why",
                url="http://x/",
                message="m",
            )

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(session, 1), pool.submit(session, 2), pool.submit(watcher)]
        for future in futures:
            future.result()  # a "database is locked" would raise here
    reopened = Store(path)
    assert len(reopened.watchlists()) == 2 * WRITES
    assert len(reopened.history(row_limit=1000)) == WRITES
    assert len(reopened.pending_deliveries(max_attempts=1)) == WRITES


def test_sessions_opening_a_new_store_at_the_same_moment_all_get_in(tmp_path):
    # the first connections switch a new file to WAL; two switching at once deadlock and
    # SQLite fails one at once, without the busy timeout (1 in 8 such starts did before the
    # store tried again; 40 starts make a miss all but certain)
    sessions = 4
    for start in range(40):
        path = tmp_path / f"store-{start}.sqlite"
        together = threading.Barrier(sessions)

        def session(path=path, together=together) -> int:
            together.wait()
            return len(Store(path).watchlists())

        with ThreadPoolExecutor(max_workers=sessions) as pool:
            counts = [f.result() for f in [pool.submit(session) for _ in range(sessions)]]
        assert counts == [0] * sessions
        with closing(sqlite3.connect(path)) as con:
            assert con.execute("pragma journal_mode").fetchone() == ("wal",)


def test_a_watchlist_saved_again_is_replaced_not_doubled(tmp_path):
    store = Store(tmp_path / "store.sqlite")
    store.save_watchlist(Watchlist("Korea", pairs=("PRK-RUS",)))
    store.save_watchlist(Watchlist("Korea", pairs=("RUS-PRK", "CHN-TWN"), sensitivity="high"))
    [saved] = Store(tmp_path / "store.sqlite").watchlists()
    assert (saved.pairs, saved.sensitivity) == (("PRK-RUS", "CHN-TWN"), "high")


def test_a_store_made_before_sign_in_keeps_its_watchlists_as_the_teams(tmp_path):
    path = tmp_path / "store.sqlite"
    # the watchlists table as #17 made it, without is_shared (refs #19)
    with closing(sqlite3.connect(path)) as con, con:
        con.execute(
            "create table watchlists (watch_id integer primary key, owner text not null "
            "default '', name text not null, pairs text not null default '[]', countries "
            "text not null default '[]', lang text, source text, keywords text not null "
            "default '[]', sensitivity text not null default 'normal', notify text not null "
            "default '[]', created_at text not null, updated_at text not null, "
            "unique (owner, name))"
        )
        con.execute(
            "insert into watchlists (name, pairs, created_at, updated_at) "
            "values ('Korea', '[\"PRK-RUS\"]', '2026-01-01', '2026-01-01')"
        )
    [kept] = Store(path).watchlists()
    assert (kept.name, kept.owner, kept.is_shared) == ("Korea", "", False)
    # a team watchlist: every signed-in user sees it, only an admin changes it
    assert Store(path).visible_watchlists(Requester("ana@team.example")) == [kept]
    assert Requester("lead@example.org", is_admin=True).may_change(kept)
    assert not Requester("ana@team.example").may_change(kept)
