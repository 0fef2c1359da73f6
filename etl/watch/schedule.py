"""Run each source when due, one cycle at a time, until SIGTERM or SIGINT.

Sources run one after another in a single thread, each `every` after its previous start, so
a cycle that overruns its interval is followed at once by the next, never run twice at once. A
signal only sets a flag: the run being loaded finishes and publishes (or, if the process is
killed outright, publishes nothing), then the watcher exits.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from etl.errors import EtlError
from etl.settings import Settings
from etl.watch.config import MonitorConfig, SourceConfig
from etl.watch.context import WatchContext
from etl.watch.cycle import Outcome, run_cycle

RETRY_AFTER_ERROR_SECONDS = 60.0
"""After a failed load (database locked, disk full) the cycle is retried this much later."""


def watch(
    config: MonitorConfig,
    settings: Settings,
    *,
    once: bool = False,
    ctx: WatchContext | None = None,
    say: Callable[[str], None] = lambda _line: None,
    command: str = "",
    stop: threading.Event | None = None,
    after_cycle: Callable[[], object] = lambda: None,
) -> int:
    """Run the configured sources when due; with `once`, each source once. `after_cycle`
    runs after each cycle that published (the alerts pass, refs #17).

    Returns the number of cycles whose load failed (a message was said for each).
    """
    ctx = ctx or WatchContext()
    stop = stop or threading.Event()
    due_at = {source.name: 0.0 for source in config.sources}
    failed = 0
    with _stopped_by_signals(stop):
        while not stop.is_set():
            now = time.monotonic()
            due = [s for s in config.sources if due_at[s.name] <= now]
            failures = _cycle(due, settings, ctx, stop, say, command, due_at)
            failed += failures
            if not failures:
                after_cycle()
            if once:
                break
            stop.wait(max(min(due_at.values()) - time.monotonic(), 0.0))
    return failed


def _cycle(
    due: list[SourceConfig],
    settings: Settings,
    ctx: WatchContext,
    stop: threading.Event,
    say: Callable[[str], None],
    command: str,
    due_at: dict[str, float],
) -> int:
    started = time.monotonic()
    try:
        outcomes: list[Outcome] = run_cycle(
            due, settings, ctx, stopping=stop.is_set, say=say, command=command
        )
    except EtlError as err:
        say(f"cycle failed, retrying in {RETRY_AFTER_ERROR_SECONDS:g} s: {err}")
        for source in due:
            due_at[source.name] = time.monotonic() + RETRY_AFTER_ERROR_SECONDS
        return 1
    for outcome in outcomes:
        # an overrun makes the next cycle due at once, after this one: never two at a time
        due_at[outcome.source.name] = started + outcome.source.every
    return 0


@contextmanager
def _stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop` instead of interrupting a load half-way."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread (tests call from others)
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for sig in previous:
        signal.signal(sig, lambda _sig, _frame: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
