"""The writable store (monitor/store.py, refs #17): several writers at once lose nothing, and
what is saved survives a restart (a new Store on the same file)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from monitor.store import Store, Watchlist

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


def test_a_watchlist_saved_again_is_replaced_not_doubled(tmp_path):
    store = Store(tmp_path / "store.sqlite")
    store.save_watchlist(Watchlist("Korea", pairs=("PRK-RUS",)))
    store.save_watchlist(Watchlist("Korea", pairs=("RUS-PRK", "CHN-TWN"), sensitivity="high"))
    [saved] = Store(tmp_path / "store.sqlite").watchlists()
    assert (saved.pairs, saved.sensitivity) == (("PRK-RUS", "CHN-TWN"), "high")
