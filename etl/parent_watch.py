"""Tagging workers exit when the ETL process that started them dies, even by kill -9.

A ProcessPoolExecutor worker waits on its task queue, whose write end it holds itself, and
under the forkserver it also holds the server's liveness pipe: after a kill -9 of the ETL
neither ever sees end-of-file, so the workers (each with the tagger loaded) and the
forkserver would live on forever. Found by the crash tests, refs #7.
"""

from __future__ import annotations

import os
import select
import threading
import time

POLL_SECONDS = 1.0
"""Where pidfd is missing (not Linux), how often a worker checks that the ETL lives."""


def exit_with_parent(pid: int) -> None:
    """Pool initializer: start a daemon thread that ends this worker when `pid` exits."""
    threading.Thread(target=_watch, args=(pid,), name="exit-with-parent", daemon=True).start()


def _watch(pid: int) -> None:
    try:
        descriptor = os.pidfd_open(pid)
    except (AttributeError, OSError):
        while _alive(pid):
            time.sleep(POLL_SECONDS)
    else:
        # a pidfd becomes readable when the process ends: no polling
        select.select([descriptor], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
