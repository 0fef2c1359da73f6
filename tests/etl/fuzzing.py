"""The hypothesis settings the fuzz tests share (refs #7): the same examples on every run, so
a failure reproduces and no test depends on the run before it."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings


def deterministic(max_examples: int, *expected: HealthCheck, **more: Any) -> settings:
    """`max_examples` drawn the same way on every run (derandomize), with no example database
    and no per-example deadline; `expected` are health checks the examples fail by design
    (slow ones always: each writes and loads files)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, *expected],
        **more,
    )
