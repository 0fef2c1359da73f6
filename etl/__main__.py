"""`python -m etl`: a thin command line over the ETL's library functions.

Exit codes: 0 success (even with rejects), 1 a fatal error with a one-line reason,
2 a usage error.
"""

from __future__ import annotations

import atexit
import gc
import json
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from etl.errors import EtlError
from etl.settings import DB_ENV, MAX_UNZIPPED_BYTES, Settings, default_db_path

if TYPE_CHECKING:
    from etl.run import RunSummary


class _EtlGroup(TyperGroup):
    """The one place an expected failure becomes a one-line message and exit status 1."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except EtlError as err:
            if state.debug:
                raise
            # one line, whatever the message: duckdb's can span several
            typer.echo(f"error: {' '.join(str(err).split())}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_EtlGroup,
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
WorkersOption = Annotated[
    int | None,
    typer.Option(
        min=1, help="Tagging processes [default: one per core; one for inputs under 8 MB]."
    ),
]
WaitOption = Annotated[bool, typer.Option(help="Wait for a concurrent run instead of failing.")]
ToneOption = Annotated[
    bool,
    typer.Option(
        help="Score tone (the slow part of tagging). Its embeddings also link stories across "
        "languages: with --no-tone, articles join stories by text and URL only."
    ),
]


@app.callback()
def main(
    db: DbOption = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """Tension Monitor ETL."""
    state.db = db or default_db_path()
    state.debug = debug


def _settings(db: Path | None, **overrides) -> Settings:
    """The run's settings; a command's own --db wins over the one given before it."""
    return replace(Settings(db_path=db or state.db), **overrides)


def _command_line() -> str:
    return " ".join(sys.argv)


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _echo_summary(summary: RunSummary, rejects_in: Path | None) -> None:
    """Warnings for the files skipped (empty, unknown type), then the summary line."""
    for path, reason in summary.skipped_files:
        _say(f"skipped {path}: {reason}")
    typer.echo(summary.line(rejects_in=rejects_in))


def _publication_date(value: str | None) -> datetime | None:
    from etl.dates import DateError, parse_published

    try:
        return parse_published(value) if value else None
    except DateError as err:
        raise typer.BadParameter(str(err), param_hint="--date") from None


@app.command()
def load(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders, or feed URLs (http/https) to load.")
    ],
    db: DbOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="Input format: auto (from the file name), jsonl, json, csv, parquet, gkg, rss, "
            "html or text.",
        ),
    ] = "auto",
    source: Annotated[str | None, typer.Option(help="Outlet name for records without one.")] = None,
    date: Annotated[
        str | None,
        typer.Option(
            help="Publication date (YYYY-MM-DD) of text pages and undated feed items; HTML uses "
            "it if it has none."
        ),
    ] = None,
    encoding: Annotated[
        str,
        typer.Option(
            help="Text encoding of the inputs: auto (UTF-8, else Windows-1252/Latin-1, noted "
            "per article) or a codec name such as cp1251 or shift_jis."
        ),
    ] = "auto",
    fetch_full: Annotated[
        bool, typer.Option(help="Fetch each feed item's page for its full text.")
    ] = False,
    retag: Annotated[
        bool, typer.Option(help="Tag again, replacing loaded articles and ignoring pre-tags.")
    ] = False,
    workers: WorkersOption = None,
    tone: ToneOption = True,
    wait: WaitOption = True,
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
    if engine == "local" and not (out or scheduler):
        # before the loader's imports, so that the pool's server imports the tagger beside
        # them rather than after (refs #20)
        from etl.pool_server import start_for_files

        start_for_files(paths, _settings(db, with_tone=tone, workers=workers))
    from etl.cli_progress import progress_for_terminal
    from etl.load_command import Engine, load_with_engine
    from etl.sources import ReadOptions, check_encoding, format_names

    if fmt not in format_names():
        raise typer.BadParameter(
            f"choose one of {', '.join(format_names())}", param_hint="--format"
        )
    chosen = Engine(engine, out, scheduler)
    if problem := chosen.problem():
        raise typer.BadParameter(problem, param_hint="--engine")
    if problem := check_encoding(encoding):
        raise typer.BadParameter(problem, param_hint="--encoding")
    settings = _settings(
        db,
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
        date=_publication_date(date),
        encoding=encoding,
        fetch_full=fetch_full,
        follow_symlinks=follow_symlinks,
        max_unzipped_bytes=int(max_unzipped_mb * 2**20),
    )
    summary = load_with_engine(
        chosen,
        paths,
        settings,
        options,
        fmt=fmt,
        command=_command_line(),
        progress=None if chosen.writes_lake else progress_for_terminal(),
        say=_say,
    )
    if chosen.writes_lake:
        # the rejects are in the lake until `attach` publishes it: no `rejects` hint yet
        _echo_summary(summary, None)
        typer.echo(summary.layout_line())
    else:
        _echo_summary(summary, settings.db_path)


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
    wait: WaitOption = True,
) -> None:
    """Publish the database from a Parquet lake: same schema and aggregates, same dashboard."""
    from etl.engines.attach import attach_lake
    from etl.engines.lake import Lake

    summary = attach_lake(
        Lake(lake), _settings(db, wait_for_lock=wait), as_views=as_views, say=_say
    )
    typer.echo(summary.line())


@app.command()
def gdelt(
    start: Annotated[str, typer.Option(help="First batch time, UTC: YYYY-MM-DD[THH:MM].")],
    end: Annotated[str, typer.Option(help="End of the range, UTC, exclusive.")],
    db: DbOption = None,
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
    workers: WorkersOption = None,
) -> None:
    """Download GDELT GKG 2.1 files for a time range and load them."""
    from etl.cli_progress import download_progress_for_terminal, progress_for_terminal
    from etl.dates import parse_date
    from etl.gdelt_command import fetch_and_load
    from etl.sources.gdelt_download import BASE_URL, GDELT_CACHE, plan_files

    try:
        names = plan_files(parse_date(start), parse_date(end), every, translation)
    except ValueError as err:  # DateError included
        raise typer.BadParameter(str(err)) from None
    settings = _settings(db, workers=workers)
    downloaded, loaded = fetch_and_load(
        names,
        settings,
        cache=cache or GDELT_CACHE,
        base_url=base_url or BASE_URL,
        command=_command_line(),
        download_progress=download_progress_for_terminal(),
        load_progress=progress_for_terminal(),
        say=_say,
    )
    typer.echo(downloaded.line())
    if loaded:
        _echo_summary(loaded, settings.db_path)
    else:
        typer.echo("nothing to load")


@app.command()
def watch(
    config: Annotated[
        Path, typer.Option(help="The monitor configuration (see monitor.example.toml).")
    ] = Path("monitor.toml"),
    db: DbOption = None,
    once: Annotated[
        bool, typer.Option("--once", help="Run every source once and exit (cron, tests).")
    ] = False,
    workers: WorkersOption = None,
    tone: ToneOption = True,
    cache: Annotated[
        Path | None,
        typer.Option(help="Download folder, emptied as loads publish [default: data/cache/watch]."),
    ] = None,
) -> None:
    """Keep the database current from the configured sources until SIGTERM/SIGINT."""
    from etl.watch.config import ConfigError, load_config
    from etl.watch.context import WATCH_CACHE, WatchContext
    from etl.watch.schedule import watch as run_watch

    try:
        monitor = load_config(config)
    except ConfigError as err:
        _say(f"error: {err}")
        raise typer.Exit(2) from None
    settings = _settings(db, workers=workers, with_tone=tone)
    context = WatchContext(cache=cache or WATCH_CACHE)
    failed = run_watch(
        monitor,
        settings,
        once=once,
        ctx=context,
        say=_say,
        command=_command_line(),
        after_cycle=_alerts_after_cycle(monitor, settings.db_path),
    )
    if not once:
        _say("watch stopped: every published cycle is complete")
    if once and failed:
        raise typer.Exit(1)


ConfigOption = Annotated[
    Path | None,
    typer.Option(
        help="The monitor configuration with [[watch]] and [alerts] [default: "
        "monitor.toml when it exists]."
    ),
]


@app.command()
def alerts(
    config: ConfigOption = None,
    db: DbOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would fire; record and send nothing.")
    ] = False,
) -> None:
    """Check every watchlist on the recent days and send each new alert once."""
    from etl.alerts_command import alerts_pass

    alerts_pass(_settings(db).db_path, _monitor_config(config), dry_run=dry_run, say=_say)


@app.command()
def digest(
    config: ConfigOption = None,
    db: DbOption = None,
    since: Annotated[str, typer.Option(help="The period: '24h', '7d', ...")] = "24h",
    watch: Annotated[
        str | None, typer.Option("--watch", help="Only this watchlist [default: all].")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write FILE.html or FILE.md [default: Markdown on stdout].")
    ] = None,
    notify: Annotated[
        bool, typer.Option("--notify", help="Also send it to the watchlists' channels.")
    ] = False,
) -> None:
    """Summarise a period: the pairs that rose most, the watch hits, the watched pairs' stories."""
    from etl.digest_command import digest_command

    try:
        text = digest_command(
            _settings(db).db_path, _monitor_config(config), since, watch, out, notify, say=_say
        )
    except ValueError as err:
        _say(f"error: {err}")
        raise typer.Exit(2) from None
    if text is not None:
        typer.echo(text)


def _monitor_config(path: Path | None):
    from etl.alerts_command import monitor_config
    from etl.watch.config import ConfigError

    try:
        return monitor_config(path)
    except ConfigError as err:
        _say(f"error: {err}")
        raise typer.Exit(2) from None


def _alerts_after_cycle(monitor, db_path: Path):
    """The alerts pass the watcher runs after each published cycle (refs #17)."""
    from etl.alerts_command import alerts_pass

    def after_cycle() -> None:
        # a failed alerts pass (an unreadable secrets file) is said and retried next cycle;
        # it never stops the watcher from loading
        try:
            alerts_pass(db_path, monitor, say=_say)
        except EtlError as err:
            _say(f"alerts failed, retrying after the next cycle: {err}")

    return after_cycle


@app.command()
def sources(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Print each watched source's health: last success and delivery, failures, 24 h articles."""
    from etl.load import utc_now
    from etl.watch.health import health_line
    from etl.watch.state import source_health

    rows = source_health(_settings(db).db_path, utc_now())
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
        else:
            typer.echo(health_line(row))
    if not rows:
        _say("no watched sources yet; start one with `python -m etl watch --config FILE`")


@app.command()
def sample(db: DbOption = None, workers: WorkersOption = None) -> None:
    """(Re)build the database from the bundled sample corpus."""
    from etl.cli_progress import progress_for_terminal
    from etl.run import load_inputs

    settings = _settings(db, workers=workers)
    summary = load_inputs(
        [settings.sample_corpus],
        settings,
        fresh=True,
        command=_command_line(),
        progress=progress_for_terminal(),
    )
    _echo_summary(summary, settings.db_path)


@app.command()
def stats(db: DbOption = None) -> None:
    """Print JSON: rows per table, date span, languages, origins, the last run."""
    from etl.report import database_stats

    stats = database_stats(_settings(db).db_path)
    typer.echo(json.dumps(stats, indent=2, ensure_ascii=False))


@app.command()
def rejects(
    db: DbOption = None,
    run: Annotated[int | None, typer.Option("--run", help="Only this run [default: all].")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List rejected input rows with their reasons, newest run first."""
    from etl.report import reject_rows

    rows = reject_rows(_settings(db).db_path, run, limit)
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False, default=str))
        else:
            typer.echo(f"run {row['run_id']}  {row['locator']}  {row['reason']}")
    if not rows:
        _say("no rejects")


@app.command()
def tag(
    path: Annotated[str, typer.Argument(help="A file, or - for standard input.")] = "-",
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Accepted like every command's; tagging never opens it."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="Input format [default: from the name; jsonl for stdin]."),
    ] = "auto",
    tone: ToneOption = True,
) -> None:
    """Tag records without loading them: one JSON object per input record on stdout."""
    from etl.tag_command import tag_records

    for line in tag_records(path, fmt, with_tone=tone):
        typer.echo(line)


if __name__ == "__main__":
    # the interpreter's last garbage collection, after the command is done (a load published),
    # walks what the imported libraries hold: ~0.45 s of CPU at the end of a Reuters-21578
    # load (py-spy), which the load's caller waits for. Frozen objects are left to the
    # operating system; registered first, this runs after every other exit handler (refs #20)
    atexit.register(gc.freeze)
    app(prog_name="python -m etl")
