"""`python -m etl` in a child process, as a user runs it: the tests that need its exit codes,
stderr and process-level behaviour (signals, crashes, the dask engine) share this one call."""

from __future__ import annotations

import os
import subprocess
import sys

from etl.settings import REPO_ROOT


def etl(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300, **kwargs
) -> subprocess.CompletedProcess:
    """Run `python -m etl *args` from the repo root; `env` is added to this environment."""
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        **kwargs,
    )
