"""`python -m etl load`: which engine runs a load, decided here rather than in the CLI.

The local engine tags in a process pool and publishes the database; the Dask engine tags on a
cluster and writes a Parquet lake that `python -m etl attach` publishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from etl.run import Progress, RunSummary, load_inputs
from etl.settings import Settings
from etl.sources import ReadOptions

ENGINES = ("local", "dask")


@dataclass(frozen=True)
class Engine:
    """The engine of a load and what only the Dask engine takes."""

    name: str = "local"
    out: str | None = None
    """The Parquet lake (Dask): a folder or s3://bucket/prefix."""
    scheduler: str | None = None
    """A running Dask scheduler's address; None starts a local cluster."""

    @property
    def writes_lake(self) -> bool:
        return self.name == "dask"

    def problem(self) -> str | None:
        """Why this combination cannot run (a usage error), or None."""
        if self.name not in ENGINES:
            return f"choose {' or '.join(ENGINES)}"
        if self.writes_lake and not self.out:
            return "--engine dask writes a Parquet lake: pass --out PATH|URL"
        if not self.writes_lake and (self.out or self.scheduler):
            return "--out and --scheduler go with --engine dask"
        return None


def load_with_engine(
    engine: Engine,
    paths: Iterable[Path | str],
    settings: Settings,
    read_options: ReadOptions,
    *,
    fmt: str = "auto",
    command: str = "",
    progress: Progress | None = None,
    say: Callable[[str], None] | None = None,
) -> RunSummary:
    """Load `paths` with the chosen engine; a lake run returns its LakeSummary.

    Raises:
        ValueError: the engine's options do not go together (see `Engine.problem`).
        EtlError: as `load_inputs` and `load_to_lake`.
    """
    problem = engine.problem()
    if problem:
        raise ValueError(problem)
    if not engine.writes_lake:
        return load_inputs(
            paths, settings, fmt=fmt, read_options=read_options, command=command, progress=progress
        )
    # imported only here: Dask and distributed take seconds to import
    from etl.engines.dask_engine import DaskOptions, load_to_lake

    return load_to_lake(
        paths,
        settings,
        DaskOptions(engine.out, engine.scheduler, settings.workers),
        fmt=fmt,
        read_options=read_options,
        command=command,
        say=say,
    )
