"""64-bit hashes of byte spans, compiled with numba (refs #16).

Story keys hash every word of a batch (its shingles, etl/tag/shingles.py) and every number
(its numbers key, etl/tag/figures.py) the same way: sum(byte_k * BASE**k) over the span's
bytes, k counted from its start, modulo 2**64, then mixed. A span's hash does not depend on
where the span lies, so a word hashed in a whole batch equals the word hashed alone, and the
hashes are the same in every process and on every machine (no Python `hash`): keys stored
by one run compare with the next run's.

The compiled functions of story keys are compiled when their modules are imported (the
pool's forkserver imports them once for its workers, etl/run.py) and cached on disk
(`cache=True`): importing numba takes 0.15 s of CPU, loading them from the cache 0.17 s,
compiling them 2.3 s (the first run, or where no cache can be written).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types

BASE = np.uint64(0x100000001B3)
"""Odd: the same multiplier as FNV-1a's, so every byte of a span reaches the high bits."""
READONLY_BYTES = types.Array(types.uint8, 1, "C", readonly=True)
"""What np.frombuffer makes of a bytes object: the compiled functions take it as it is."""
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


@njit("uint64(uint64)", cache=True, nogil=True)
def mix(value):
    """splitmix64's finaliser: every input bit reaches every output bit."""
    value ^= value >> np.uint64(30)
    value *= _MIX_1
    value ^= value >> np.uint64(27)
    value *= _MIX_2
    return value ^ (value >> np.uint64(31))
