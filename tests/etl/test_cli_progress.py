"""The CLI's progress bars show what the load and the download have done."""

from __future__ import annotations

from rich.console import Console

from etl.cli_progress import TerminalDownloadProgress, TerminalProgress
from etl.run import RunSummary


def shown(bar: TerminalProgress | TerminalDownloadProgress) -> str:
    console = Console(record=True, width=120)
    console.print(bar._bar.get_renderable())
    return console.export_text()


def test_the_load_bar_shows_its_label_and_the_run_counts():
    bar = TerminalProgress()
    bar.start(2**20)
    bar.advance(2**19)
    bar.counts(RunSummary(read=3, loaded=2, duplicates=1))
    text = shown(bar)
    bar.finish()
    assert text.startswith("loading") and "read 3 loaded 2 dup 1 rejected 0" in text


def test_the_download_bar_counts_files_and_names_the_last():
    bar = TerminalDownloadProgress()
    bar.start(3)
    bar.advance("20240101000000.gkg.csv.zip")
    text = shown(bar)
    bar.finish()
    assert text.startswith("gdelt") and "1/3" in text and "20240101000000.gkg.csv.zip" in text
