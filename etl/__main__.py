"""`python -m etl`: a thin command line over the ETL's library functions.

Exit codes: 0 success (even with rejects), 1 a fatal error with a one-line reason,
2 a usage error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from etl.errors import EtlError
from etl.settings import DB_ENV, Settings, default_db_path
from etl.sources.base import MAX_UNZIPPED_BYTES

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Tension Monitor ETL: load news into DuckDB, tag countries, tone and conflict.",
)


class State:
    db: Path
    debug: bool = False


state = State()

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help=f"Database path [default: ${DB_ENV} or data/tension.duckdb]."),
]


@app.callback()
def main(
    db: DbOption = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Tension Monitor ETL."""
    state.db = db or default_db_path()
    state.debug = debug


def _settings(**overrides) -> Settings:
    return replace(Settings(db_path=state.db), **overrides)


def _fail(err: Exception) -> None:
    if state.debug:
        raise err
    # one line, whatever the message: duckdb's can span several
    typer.echo(f"error: {' '.join(str(err).split())}", err=True)
    raise typer.Exit(1)


@app.command()
def load(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders, or feed URLs (http/https) to load.")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="Input format: auto (from the file name), jsonl, csv, parquet, gkg, rss, html "
            "or text.",
        ),
    ] = "auto",
    source: Annotated[str | None, typer.Option(help="Outlet name for records without one.")] = None,
    date: Annotated[
        str | None,
        typer.Option(
            help="Publication date (YYYY-MM-DD) of text pages; HTML uses it if it has none."
        ),
    ] = None,
    fetch_full: Annotated[
        bool, typer.Option(help="Fetch each feed item's page for its full text.")
    ] = False,
    retag: Annotated[
        bool, typer.Option(help="Tag again, replacing loaded articles and ignoring pre-tags.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Tagging processes [default: one per core; one for inputs under 8 MB]."
        ),
    ] = None,
    tone: Annotated[bool, typer.Option(help="Score tone (the slow part of tagging).")] = True,
    wait: Annotated[
        bool, typer.Option(help="Wait for a concurrent run instead of failing.")
    ] = True,
    follow_symlinks: Annotated[
        bool, typer.Option(help="Follow symlinks out of input folders.")
    ] = False,
    max_article_mb: Annotated[float, typer.Option(min=0.001, help="Reject longer articles.")] = 5.0,
    max_line_mb: Annotated[
        float, typer.Option(min=0.001, help="Reject longer input lines.")
    ] = 16.0,
    max_unzipped_mb: Annotated[
        float,
        typer.Option(min=0.001, help="Stop reading a .gz or .zip input that expands past this."),
    ] = MAX_UNZIPPED_BYTES / 2**20,
    engine: Annotated[
        str,
        typer.Option(
            help="local: a process pool into the database; dask: a Dask cluster into a "
            "Parquet lake (--out), published with `attach`."
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address [default: a local cluster, --workers big]."),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(help="The Parquet lake of --engine dask: a folder or s3://bucket/prefix."),
    ] = None,
) -> None:
    """Load articles from files into the database; prints a summary line."""
    from etl.cli_progress import progress_for_terminal
    from etl.run import load_inputs
    from etl.sources import ReadOptions, format_names

    if fmt not in format_names():
        raise typer.BadParameter(
            f"choose one of {', '.join(format_names())}", param_hint="--format"
        )
    _check_engine(engine, out, scheduler)
    settings = _settings(
        retag=retag,
        with_tone=tone,
        wait_for_lock=wait,
        workers=workers,
        max_article_bytes=int(max_article_mb * 2**20),
        max_line_bytes=int(max_line_mb * 2**20),
    )
    options = ReadOptions(
        settings.max_article_bytes,
        settings.max_line_bytes,
        source=source,
        date=date,
        fetch_full=fetch_full,
        follow_symlinks=follow_symlinks,
        max_unzipped_bytes=int(max_unzipped_mb * 2**20),
    )
    try:
        if engine == "dask":
            from etl.engines.dask_engine import DaskOptions, load_to_lake

            summary = load_to_lake(
                paths,
                settings,
                DaskOptions(out, scheduler, workers),
                fmt=fmt,
                read_options=options,
                command=" ".join(sys.argv),
                say=lambda message: typer.echo(message, err=True),
            )
        else:
            summary = load_inputs(
                paths,
                settings,
                fmt=fmt,
                read_options=options,
                command=" ".join(sys.argv),
                progress=progress_for_terminal(),
            )
    except EtlError as err:
        _fail(err)
    for path, reason in summary.skipped_files:
        typer.echo(f"skipped {path}: {reason}", err=True)
    typer.echo(summary.line())
    if engine == "dask":
        typer.echo(summary.layout_line())


def _check_engine(engine: str, out: str | None, scheduler: str | None) -> None:
    if engine not in ("local", "dask"):
        raise typer.BadParameter("choose local or dask", param_hint="--engine")
    if engine == "dask" and not out:
        raise typer.BadParameter("--engine dask writes a Parquet lake: pass --out PATH|URL")
    if engine == "local" and (out or scheduler):
        raise typer.BadParameter("--out and --scheduler go with --engine dask")


@app.command()
def attach(
    lake: Annotated[
        str, typer.Argument(help="A Parquet lake from `load --engine dask`: folder or URL.")
    ],
    db: DbOption = None,
    as_views: Annotated[
        bool,
        typer.Option(
            "--as-views", help="Views over the lake's files instead of tables copied from them."
        ),
    ] = False,
    wait: Annotated[
        bool, typer.Option(help="Wait for a concurrent run instead of failing.")
    ] = True,
) -> None:
    """Publish the database from a Parquet lake: same schema and aggregates, same dashboard."""
    from etl.engines.attach import attach_lake
    from etl.engines.lake import Lake

    settings = replace(_settings(wait_for_lock=wait), db_path=db or state.db)
    try:
        summary = attach_lake(
            Lake(lake),
            settings,
            as_views=as_views,
            say=lambda message: typer.echo(message, err=True),
        )
    except EtlError as err:
        _fail(err)
    typer.echo(summary.line())


@app.command()
def gdelt(
    start: Annotated[str, typer.Option(help="First batch time, UTC: YYYY-MM-DD[THH:MM].")],
    end: Annotated[str, typer.Option(help="End of the range, UTC, exclusive.")],
    translation: Annotated[
        bool, typer.Option(help="Also fetch GDELT's translated (non-English) stream.")
    ] = False,
    every: Annotated[
        str, typer.Option(help="15min (all batches), hour or day: the first batch of each.")
    ] = "15min",
    cache: Annotated[
        Path | None, typer.Option(help="Download folder [default: data/cache/gdelt].")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="GDELT v2 file server [default: data.gdeltproject.org].")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Tagging processes.")] = None,
) -> None:
    """Download GDELT GKG 2.1 files for a time range and load them."""
    from etl.cli_progress import progress_for_terminal
    from etl.dates import parse_date
    from etl.gdelt_command import download_progress_for_terminal, fetch_and_load
    from etl.sources.gdelt_download import BASE_URL, GDELT_CACHE, plan_files

    try:
        names = plan_files(parse_date(start), parse_date(end), every, translation)
    except ValueError as err:  # DateError included
        raise typer.BadParameter(str(err)) from None
    try:
        downloaded, loaded = fetch_and_load(
            names,
            _settings(workers=workers),
            cache=cache or GDELT_CACHE,
            base_url=base_url or BASE_URL,
            command=" ".join(sys.argv),
            download_progress=download_progress_for_terminal(),
            load_progress=progress_for_terminal(),
            say=lambda message: typer.echo(message, err=True),
        )
    except EtlError as err:
        _fail(err)
    typer.echo(downloaded.line())
    typer.echo(loaded.line() if loaded else "nothing to load")


@app.command()
def sample(
    workers: Annotated[int | None, typer.Option(min=1, help="Tagging processes.")] = None,
) -> None:
    """(Re)build the database from the bundled sample corpus."""
    from etl.cli_progress import progress_for_terminal
    from etl.run import load_inputs

    settings = _settings(workers=workers)
    try:
        summary = load_inputs(
            [settings.sample_corpus],
            settings,
            fresh=True,
            command=" ".join(sys.argv),
            progress=progress_for_terminal(),
        )
    except EtlError as err:
        _fail(err)
    typer.echo(summary.line())


@app.command()
def stats() -> None:
    """Print JSON: rows per table, date span, languages, origins, the last run."""
    from etl.report import database_stats

    try:
        typer.echo(json.dumps(database_stats(state.db), indent=2, ensure_ascii=False))
    except EtlError as err:
        _fail(err)


@app.command()
def rejects(
    run: Annotated[int | None, typer.Option("--run", help="Only this run [default: all].")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List rejected input rows with their reasons, newest run first."""
    from etl.report import reject_rows

    try:
        rows = reject_rows(state.db, run, limit)
    except EtlError as err:
        _fail(err)
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
        else:
            typer.echo(f"run {row['run_id']}  {row['locator']}  {row['reason']}")
    if not rows:
        typer.echo("no rejects", err=True)


@app.command()
def tag(
    path: Annotated[str, typer.Argument(help="A file, or - for standard input.")] = "-",
    fmt: Annotated[
        str,
        typer.Option("--format", help="Input format [default: from the name; jsonl for stdin]."),
    ] = "auto",
    tone: Annotated[bool, typer.Option(help="Score tone.")] = True,
) -> None:
    """Tag records without loading them: one JSON object per input record on stdout."""
    from etl.tag_command import tag_records

    try:
        for line in tag_records(path, fmt, with_tone=tone):
            typer.echo(line)
    except EtlError as err:
        _fail(err)


if __name__ == "__main__":
    app(prog_name="python -m etl")
