"""Fault injection for crash-safety tests: the ETL kills itself (SIGKILL) at a named point.

Set `TENSION_CRASH_AT=<phase>` (or `<phase>:<n>` for the n-th time the phase is reached) and
the process sends itself SIGKILL there, exactly like `kill -9` from outside. Random kill
timing rarely lands inside a checkpoint or between `os.replace` and the lock release; these
named points always do (refs #7). Unset, a crash point costs one comparison.

Phases, in the order a load reaches them:
- copy: the published database was copied to the working file, nothing written yet
- read: a batch of input records was read (before its rejects are written)
- tag: a batch of articles is about to be tagged
- write: a batch of tagged articles was committed to the working file
- checkpoint: the run is recorded, the working file's WAL is not yet checkpointed
- publish: the working file is closed and synced, `os.replace` not yet done
- published: `os.replace` done, the lock not yet released
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "TENSION_CRASH_AT"
PHASES = ("copy", "read", "tag", "write", "checkpoint", "publish", "published")


def _target(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    phase, _, nth = value.partition(":")
    if phase not in PHASES:
        raise ValueError(f"{CRASH_ENV}={value}: unknown phase; choose one of {', '.join(PHASES)}")
    return phase, int(nth or 1)


# read once at import: the tests set it in a subprocess's environment, never in their own
_TARGET = _target(os.environ.get(CRASH_ENV))
_reached: dict[str, int] = {}


def crash_point(phase: str) -> None:
    """SIGKILL this process if `TENSION_CRASH_AT` names this phase (and this occurrence)."""
    if _TARGET is None or _TARGET[0] != phase:
        return
    _reached[phase] = _reached.get(phase, 0) + 1
    if _reached[phase] == _TARGET[1]:
        os.kill(os.getpid(), signal.SIGKILL)
