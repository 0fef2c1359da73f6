"""One cycle of the due sources: find what is new, load it through `load_inputs`, record it.

Each source with something new is loaded in its own run, its state written by the run's
`before_publish` hook, so its articles and its state are published together. Sources with
nothing new (a 304, no new batch) ride along with the next run of the cycle, or share one
empty run at the end, so an idle cycle still records each source's attempt.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from etl.run import RunSummary, load_inputs
from etl.settings import Settings
from etl.sources import ReadOptions
from etl.watch import feed_source, folder_source, gdelt_source
from etl.watch.config import SourceConfig
from etl.watch.context import WatchContext
from etl.watch.state import Delivery, read_known, write_delivery

FINDERS = {
    "gdelt": gdelt_source.find_new,
    "feed": feed_source.find_new,
    "folder": folder_source.find_new,
}


@dataclass
class Outcome:
    """One source's cycle, as its stderr line shows it."""

    source: SourceConfig
    delivery: Delivery
    counts: RunSummary
    attempt_at: datetime
    seconds: float

    def line(self) -> str:
        c = self.counts
        status = f"error: {self.delivery.error}" if self.delivery.error else "ok"
        notes = "".join(f", {note}" for note in self.delivery.notes)
        return (
            f"{self.source.name}: read {c.read}, loaded {c.loaded}, duplicates {c.duplicates}, "
            f"rejected {c.rejected}, {self.seconds:.1f} seconds{notes}; {status}"
        )


def run_cycle(
    due: list[SourceConfig],
    settings: Settings,
    ctx: WatchContext,
    *,
    stopping: Callable[[], bool] = lambda: False,
    say: Callable[[str], None] = lambda _line: None,
    command: str = "",
) -> list[Outcome]:
    """Run each due source once, in order, until done or `stopping()` says to end.

    Raises:
        EtlError: a load failed (database locked or unwritable, an input vanished).
    """
    outcomes: list[Outcome] = []
    waiting: list[Outcome] = []
    for source in due:
        if stopping():
            break
        started = time.monotonic()
        attempt_at = ctx.now()
        known = read_known(settings.db_path, source.name)
        delivery = FINDERS[source.kind](source, known, ctx)
        outcome = Outcome(source, delivery, RunSummary(), attempt_at, 0.0)
        if not delivery.files:
            outcome.seconds = time.monotonic() - started
            waiting.append(outcome)
            continue
        _load([*waiting, outcome], settings, delivery, command, say, started)
        outcomes += _said([*waiting, outcome], say)
        waiting = []
    if waiting:
        _load(waiting, settings, Delivery(), command, say, time.monotonic())
        outcomes += _said(waiting, say)
    return outcomes


def _load(
    outcomes: list[Outcome],
    settings: Settings,
    delivery: Delivery,
    command: str,
    say: Callable[[str], None],
    started: float,
) -> None:
    """One run: the last outcome's files (if any), and every outcome's state."""
    loading = outcomes[-1] if delivery.files else None

    def record(con, summary: RunSummary) -> None:
        for outcome in outcomes:
            if outcome is loading:
                outcome.counts = summary
            else:
                # the sources that waited share the run, not its counts
                outcome.counts = RunSummary(summary.run_id)
            write_delivery(
                con, outcome.source, outcome.delivery, outcome.counts, outcome.attempt_at
            )

    options = ReadOptions(settings.max_article_bytes, settings.max_line_bytes)
    try:
        load_inputs(
            delivery.files,
            settings,
            fmt=delivery.fmt,
            read_options=options,
            command=command,
            say=say,
            before_publish=record,
        )
        if loading is not None:
            loading.seconds = time.monotonic() - started
    finally:
        for path in delivery.cleanup:
            path.unlink(missing_ok=True)


def _said(outcomes: list[Outcome], say: Callable[[str], None]) -> list[Outcome]:
    for outcome in outcomes:
        say(outcome.line())
    return outcomes
