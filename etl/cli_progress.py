"""The CLI's progress bars (a load's bytes, a GDELT download's files), drawn on stderr only
when it is a terminal."""

from __future__ import annotations

import sys

from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from etl.run import Progress as RunProgress
from etl.run import RunSummary
from etl.sources.gdelt_download import DownloadProgress


class TerminalBar:
    """One task's transient bar: `label`, the bar, then `columns`, which may show the task's
    `fields` (refs #12: the load and the download draw theirs the same way)."""

    def __init__(self, label: str, *columns: ProgressColumn, **fields: str) -> None:
        self._bar = Progress(TextColumn(label), BarColumn(), *columns, transient=True)
        self._label = label
        self._fields = fields
        self._task = None

    def _start(self, total: int | None) -> None:
        self._bar.start()
        self._task = self._bar.add_task(self._label, total=total, **self._fields)

    def finish(self) -> None:
        self._bar.stop()


class TerminalProgress(TerminalBar, RunProgress):
    def __init__(self) -> None:
        super().__init__(
            "loading",
            DownloadColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeRemainingColumn(),
            counts="",
        )

    def start(self, total_bytes: int) -> None:
        self._start(total_bytes or None)

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


class TerminalDownloadProgress(TerminalBar, DownloadProgress):
    def __init__(self) -> None:
        super().__init__("gdelt", MofNCompleteColumn(), TextColumn("{task.fields[name]}"), name="")

    def start(self, files: int) -> None:
        self._start(files)

    def advance(self, name: str) -> None:
        if self._task is not None:
            self._bar.update(self._task, advance=1, name=name)


def progress_for_terminal() -> RunProgress:
    """A progress bar on an interactive terminal; nothing when output goes to a file or CI."""
    return TerminalProgress() if sys.stderr.isatty() else RunProgress()


def download_progress_for_terminal() -> DownloadProgress:
    """A progress bar on an interactive terminal; nothing when output goes to a file or CI."""
    return TerminalDownloadProgress() if sys.stderr.isatty() else DownloadProgress()
