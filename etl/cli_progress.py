"""The load progress bar, drawn on stderr only when it is a terminal."""

from __future__ import annotations

import sys

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from etl.run import Progress as RunProgress
from etl.run import RunSummary


class TerminalProgress(RunProgress):
    def __init__(self) -> None:
        self._bar = Progress(
            TextColumn("loading"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeRemainingColumn(),
            transient=True,
        )
        self._task = None

    def start(self, total_bytes: int) -> None:
        self._bar.start()
        self._task = self._bar.add_task("load", total=total_bytes or None, counts="")

    def advance(self, consumed_bytes: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, consumed_bytes)

    def counts(self, summary: RunSummary) -> None:
        if self._task is not None:
            text = (
                f"read {summary.read} loaded {summary.loaded} "
                f"dup {summary.duplicates} rejected {summary.rejected}"
            )
            self._bar.update(self._task, counts=text)

    def finish(self) -> None:
        self._bar.stop()


def progress_for_terminal() -> RunProgress:
    """A progress bar on an interactive terminal; nothing when output goes to a file or CI."""
    return TerminalProgress() if sys.stderr.isatty() else RunProgress()
